"""Shared data for the UI tests: RSS feeds in three sections, served on loopback and fetched
into a real cache, and an app built over that cache with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from textual.worker import WorkerCancelled

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.model import FeedConfig, Section
from reader.core.paths import Paths
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from tests.support.feedserver import FeedServer

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

# (title, body html, hours before NOW, author)
CITY_NEWS = [
    (
        "鄭州地鐵新線開通試運營",
        "<p>鄭州地鐵新線今日開通，全長二十八公里，設站十五座。</p>"
        "<h2>沿線變化</h2><p>沿線居民表示出行<a href='https://example.org/map'>更方便</a>了。</p>"
        "<ul><li>早班六點發車</li><li>末班十一點收車</li></ul>"
        "<blockquote>市民說：這條線等了好幾年。</blockquote>"
        "<p><img src='https://example.org/metro.jpg' alt='新線列車進站'></p>",
        1,
        "李記者",
    ),
    ("河南麥收進度過半", "<p>全省小麥機收進度已經過半，天氣晴好。</p>", 3, None),
    ("老城區改造啟動第二期", "<p>第二期改造涉及四十個老舊小區。</p>", 26, "王編輯"),
    ("[bold red]標題裡的方括號[/]", "<p>這段文字含有 [link] 與 \x1b[31m 控制字元。</p>", 30, None),
]
PROVINCE_NEWS = [
    ("郑州发布高温预警", "<p>郑州市气象台发布高温橙色预警，最高气温三十九度。</p>", 2, None),
    ("洛阳牡丹文化节闭幕", "<p>本届文化节接待游客超过两千万人次。</p>", 50, None),
]
BUSINESS_NEWS = [
    ("央行公布五月貨幣數據", "<p>廣義貨幣餘額同比增長百分之七。</p>", 5, None),
    ("軟體產業營收創新高", "<p>軟體和資訊技術服務業收入增長。</p>", 8, None),
]
WORLD_NEWS = [
    ("國際航班恢復至疫前九成", "<p>多家航空公司宣布增開航線。</p>", 4, None),
]


def rss(
    title: str, items: list[tuple[str, str, int, str | None]], base: str, language: str = "zh-TW"
) -> str:
    """An RSS 2.0 document written by hand, one item per entry."""
    entries = []
    for index, (headline, body, hours, author) in enumerate(items):
        published = (NOW - timedelta(hours=hours)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        author_tag = f"<author>{escape(author)}</author>" if author else ""
        entries.append(
            f"<item><title>{escape(headline)}</title><link>{base}/a/{index}</link>"
            f"<guid>{base}/a/{index}</guid><pubDate>{published}</pubDate>{author_tag}"
            f"<description>{escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{base}</link><language>{language}</language>"
        + "".join(entries)
        + "</channel></rss>"
    )


def serve_feeds(server: FeedServer) -> tuple[Section, ...]:
    """Put the test feeds on the server; one feed answers 500 so it shows as failed."""
    city = server.add(
        "/city.xml",
        rss("城市日報", CITY_NEWS, "https://city.example"),
        content_type="application/rss+xml",
    )
    province = server.add(
        "/province.xml",
        rss("省报", PROVINCE_NEWS, "https://prov.example", "zh-CN"),
        content_type="application/rss+xml",
    )
    business = server.add(
        "/biz.xml",
        rss("財經週刊", BUSINESS_NEWS, "https://biz.example"),
        content_type="application/rss+xml",
    )
    world = server.add(
        "/world.xml",
        rss("環球報", WORLD_NEWS, "https://world.example"),
        content_type="application/rss+xml",
    )
    broken = server.add("/broken.xml", "server error", status=500)
    return (
        Section("要聞", (FeedConfig(city, title="城市日報"), FeedConfig(province))),
        Section("財經", (FeedConfig(business),)),
        Section("國際", (FeedConfig(world), FeedConfig(broken, title="壞掉的來源"))),
    )


def make_library(tmp_path: Path, server: FeedServer, **settings: object) -> Library:
    """A library over a fresh cache in tmp_path, filled by one real refresh over loopback;
    photos off unless asked for, so the pane is the text the snapshots were taken of."""
    settings.setdefault("images", "off")
    paths = Paths(
        config_file=tmp_path / "config.toml",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
    )
    config = Config(
        path=paths.config_file,
        sections=serve_feeds(server),
        settings=Settings(refresh_interval=0, refresh_on_start=False, **settings),
    )  # type: ignore[arg-type]
    library = open_library(paths, config)
    library.refresh()
    return library


def quiet_library(tmp_path: Path, sections: tuple[Section, ...]) -> Library:
    """A library over a fresh, empty cache in tmp_path for `sections`: no refresh at start or
    on a timer (tests say when), photos off."""
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    config = Config(
        paths.config_file,
        sections,
        Settings(refresh_on_start=False, refresh_interval=0, images="off"),
    )
    return open_library(paths, config)


def build_app(library: Library) -> ReaderApp:
    """The real app over `library`, with the clock frozen at NOW and no start-up work."""
    return ReaderApp(library, refresh_on_start=False, clock=lambda: NOW, zone=UTC, warm_up=False)


def main_screen(app: ReaderApp) -> MainScreen:
    """The app's main screen (the screen shown, asserted to be it)."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def settle(app: ReaderApp, pilot: object) -> None:
    """Let workers finish and their messages land (never a sleep)."""
    for _ in range(4):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one
            pass
        await pilot.pause()  # type: ignore[attr-defined]


def long_story(paragraph: str, count: int = 80) -> str:
    """An article long enough to scroll at any test size."""
    return "".join(f"<p>第{n}段：{paragraph}</p>" for n in range(count))
