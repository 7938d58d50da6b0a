"""The main screen at the sizes people use: whole headlines, an adjustable and remembered split,
routine news on the status line, and a command palette in the UI's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList
from textual.widgets._toast import Toast

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.model import Article, FeedConfig, FetchResult, Listing, Section
from reader.core.paths import Paths
from reader.ui.app import ReaderApp
from reader.ui.article_text import ArticleRow
from reader.ui.screens.main import MainScreen
from reader.ui.state import load_ui_state
from reader.ui.widgets.split_body import DEFAULT_LIST_PERCENT, SPLIT_STEP
from tests.support.app import CITY_NEWS, NOW, build_app, make_library, rss, settle
from tests.support.feedserver import FeedServer

SCREEN = (120, 40)
FEED = "http://127.0.0.1:9/news.xml"  # never fetched: the cache is filled directly

# Headlines written for these tests in the shape of real ones (20-30 characters, brackets,
# quotes, a colon): what the list has to show whole.
HEADLINES = [
    "【聚焦兩會】代表委員熱議新質生產力發展路徑",  # 21
    "國務院常務會議部署進一步穩就業促消費措施",  # 20
    "“十五五”開局之年：多地出台民營經濟支持政策",  # 22
    "長江流域今年首場春汛過程平穩結束水位回落",  # 20
    "央行：下階段將保持流動性合理充裕和利率穩定",  # 21
    "多地中小學試行春假制度　家長看法不一引熱議",  # 21
    "新能源汽車出口量連續三個月同比增長超過三成",  # 21
    "專家解讀：人工智能如何改變基層醫療服務模式",  # 21
    "粵港澳大灣區跨境理財通試點範圍進一步擴大了",  # 21
    "國際油價週五收跌　市場關注主要產油國減產動向",  # 22
    "01版要聞 - 全國春耕備耕工作進展順利糧食播種",  # 24
    "【深度】一座縣城的轉型：從煤炭重鎮到文旅新城",  # 22
    "高鐵新線今日開通運營　沿線城市進入一小時交通圈",  # 23
    "氣象台發布沙塵暴藍色預警　北方多地能見度下降",  # 22
    "教育部：今年高校畢業生規模預計再創歷史新高了",  # 22
    "外交部發言人就近期國際熱點問題回答記者提問",  # 21
    "考古新發現：三千年前遺址出土大量青銅器和玉器",  # 22
    "港股收市：恒指升百餘點　科技股普遍走強成交增",  # 22
    "社評｜以更大力度推動城鄉融合發展與鄉村振興戰略",  # 24
    "世界衛生組織發布最新全球流感監測報告及防控建議",  # 23
    "城市更新行動提速　老舊小區改造今年計劃開工五萬個",  # 24
    "台風“海鷗”今晚登陸沿海　多地停課停工停航停運",  # 23
    "數字人民幣應用場景持續拓展覆蓋交通醫療和教育等",  # 24
    "夏糧收購工作全面展開　各地倉儲設施準備充足到位",  # 23
]


def news_library(tmp_path: Path, titles: list[str]) -> Library:
    """A cache holding one article per title, newest first, from a feed with a long name."""
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    config = Config(
        paths.config_file,
        (Section("要聞", (FeedConfig(FEED, title="人民日報海外版－要聞"),)),),
        Settings(refresh_interval=0, refresh_on_start=False),
    )
    library = open_library(paths, config)
    articles = tuple(
        Article(
            FEED,
            f"n{index}",
            title,
            published=NOW - timedelta(minutes=7 * index),
            summary_html=f"<p>{title}。正文第一段。</p>",
        )
        for index, title in enumerate(titles)
    )
    library.store.record_fetch(FetchResult(FEED, "ok", articles=articles), NOW)
    return library


@pytest.fixture
def news(tmp_path: Path) -> Iterator[Library]:
    library = news_library(tmp_path, HEADLINES)
    yield library
    library.close()


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server)
    yield library
    library.close()


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def shown_list_text(app: ReaderApp) -> str:
    """What the list shows on screen, line by line."""
    articles = main_screen(app).article_list
    return "\n".join(
        articles.render_line(y).text for y in range(articles.scrollable_content_region.height)
    )


def whole_titles_per_screen(width: int, height: int, row_lines: int) -> int:
    """How many of HEADLINES a list `width` x `height` shows whole on its first screen."""
    listing = Listing(1, FEED, "人民日報海外版－要聞", "要聞", "", None, None, NOW, False, False)
    rows = [ArticleRow(listing, title, listing.feed_title, "12 分鐘前") for title in HEADLINES]
    on_screen = rows[: height // row_lines]
    return sum(
        row.title in "".join(line.plain for line in row.lines(width, row_lines))
        for row in on_screen
    )


def test_two_line_rows_show_more_whole_headlines_than_one_line_rows() -> None:
    # 120x40: the list is 45 % of the width less a scrollbar, 36 lines high.
    for width in (50, 60, 70):
        assert whole_titles_per_screen(width, 36, 2) > whole_titles_per_screen(width, 36, 1)
    assert whole_titles_per_screen(52, 36, 2) == min(18, len(HEADLINES))


async def test_every_headline_up_to_24_characters_is_whole_at_120x40(news: Library) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        shown = shown_list_text(app)
        rows = main_screen(app).article_list.scrollable_content_region.height // 2
        for title in HEADLINES[:rows]:
            assert len(title) <= 24 and title in shown, title
        assert "人民日報海外版－要聞" in shown and "分鐘前" in shown


async def test_v_switches_to_one_line_rows_and_is_remembered(news: Library) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        articles = main_screen(app).article_list
        assert articles.row_lines == 2
        await pilot.press("j", "v")
        assert articles.row_lines == 1 and articles.highlighted == 1
        assert articles.virtual_size.height == len(HEADLINES)
    assert load_ui_state(news.paths.ui_state_file).row_lines == 1
    again = build_app(news)
    async with again.run_test(size=SCREEN) as pilot:
        await settle(again, pilot)
        assert main_screen(again).article_list.row_lines == 1


def list_width(app: ReaderApp) -> int:
    return main_screen(app).article_list.size.width


async def test_split_keys_widen_and_narrow_the_list_and_are_remembered(news: Library) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        assert list_width(app) == SCREEN[0] * DEFAULT_LIST_PERCENT // 100
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        wide = list_width(app)
        assert wide == SCREEN[0] * (DEFAULT_LIST_PERCENT + 2 * SPLIT_STEP) // 100
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert list_width(app) < wide
        kept = list_width(app)
    assert load_ui_state(news.paths.ui_state_file).list_percent == DEFAULT_LIST_PERCENT + SPLIT_STEP
    again = build_app(news)
    async with again.run_test(size=SCREEN) as pilot:
        await settle(again, pilot)
        assert list_width(again) == kept


async def test_dragging_the_divider_moves_the_split_and_is_remembered(news: Library) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        await pilot.mouse_down("#divider")
        await pilot.hover("#body", offset=(84, 10))
        await pilot.mouse_up("#body", offset=(84, 10))
        await pilot.pause()
        assert list_width(app) == 84
        screen = main_screen(app)
        assert screen.query_one("#divider").region.x == 84
    assert load_ui_state(news.paths.ui_state_file).list_percent == 70
    again = build_app(news)
    async with again.run_test(size=SCREEN) as pilot:
        await settle(again, pilot)
        assert list_width(again) == 84


async def test_z_shows_the_list_alone_and_back(news: Library) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("z")
        await pilot.pause()
        assert not screen.pane.display and list_width(app) == SCREEN[0]
        await pilot.press("z")
        await pilot.pause()
        assert screen.pane.display and list_width(app) < SCREEN[0]
        await pilot.press("z", "enter")  # opening an article while skimming shows the pane
        await settle(app, pilot)
        assert screen.pane.display and screen.pane.article_id is not None


async def test_a_refresh_finishing_leaves_the_open_article_uncovered(
    library: Library, feed_server: FeedServer
) -> None:
    app = build_app(library)
    async with app.run_test(size=SCREEN, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        newer = [("突發：暴雨預警升級", "<p>今晚有大暴雨。</p>", 0, None), *CITY_NEWS]
        feed_server.add(
            "/city.xml",
            rss("城市日報", newer, "https://city.example/v2"),
            content_type="application/rss+xml",
        )
        app.clear_notifications()
        await pilot.press("r")
        await settle(app, pilot)
        assert not app._notifications, "no pop-up for a routine refresh"
        assert "5 篇新文章" in str(main_screen(app).query_one("#status").content)
        await pilot.press("s")  # an action's result still pops up: over the list
        await settle(app, pilot)
        pane = main_screen(app).pane.region
        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert toast.region.right <= pane.x, "the pop-up stays off the reading pane"


async def test_a_pop_up_over_a_narrow_article_lasts_a_blink(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        notice = list(app._notifications)[-1]
        assert notice.timeout <= 1.5


def palette_titles(app: ReaderApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pytest.mark.parametrize(
    ("script_keys", "expected", "unexpected"),
    [
        ((), ["主題", "離開", "截圖", "按鍵面板", "搜尋"], ["主题"]),
        (("t",), ["主题", "退出", "截图", "按键面板", "搜索"], ["主題"]),
    ],
)
async def test_the_palette_speaks_the_ui_language_throughout(
    news: Library, script_keys: tuple[str, ...], expected: list[str], unexpected: list[str]
) -> None:
    app = build_app(news)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        await pilot.press(*script_keys)
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        shown = palette_titles(app)
        for english in ("Theme", "Quit", "Keys", "Screenshot", "Maximize", "Search"):
            assert not any(title.startswith(english) for title in shown), english
        for word in expected:
            assert any(word in title for title in shown), word
        assert not any(word in title for title in shown for word in unexpected)
        assert app.screen.query_one(Input).placeholder.startswith("搜")


@pytest.fixture
def english_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server, ui_language="en")
    yield library
    library.close()


async def test_the_palette_is_english_when_the_ui_is(english_library: Library) -> None:
    app = build_app(english_library)
    async with app.run_test(size=SCREEN) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        shown = palette_titles(app)
        assert any(title.startswith("Theme") for title in shown)
        assert not [title for title in shown if any("\u4e00" <= ch <= "\u9fff" for ch in title)]
