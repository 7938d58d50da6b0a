"""The same story from several feeds in the TUI (issue 15): one row naming the other feeds
(也見於, converted by the script toggle like other text), `c` in the reading pane walks the
copies, and reading one reads them all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from reader.core.library import Library
from reader.core.model import FeedConfig, Section
from reader.ui.app import ReaderApp
from tests.integration.test_same_story import LUOYANG, RENEWAL, RENEWAL_HANT
from tests.support.app import NOW, build_app, main_screen, quiet_library, settle
from tests.support.feedserver import FeedServer

WIDE = (140, 40)


def rss(title: str, items: list[tuple[str, str, str, float]]) -> str:
    entries = "".join(
        f"<item><title>{escape(headline)}</title><link>https://example.org/{guid}</link>"
        f"<guid>{guid}</guid><pubDate>"
        f"{(NOW - timedelta(hours=hours)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>{escape(f'<p>{body}</p>')}</description></item>"
        for guid, headline, body, hours in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title>{entries}</channel></rss>"
    )


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    wire = feed_server.add(
        "/wire.xml",
        rss(
            "新华通稿",
            [("w1", "郑州启动城市更新", RENEWAL, 3), ("w2", "张明在洛阳调研", LUOYANG, 4)],
        ),
    )
    portal = feed_server.add(
        "/portal.xml", rss("中原熱線", [("p1", "鄭州城市更新", RENEWAL_HANT, 2)])
    )
    radio = feed_server.add("/radio.xml", rss("國際在線", [("r1", "郑州城市更新行动", RENEWAL, 1)]))
    sections = (
        Section("要聞", (FeedConfig(wire, title="新華通稿"), FeedConfig(portal, title="中原熱線"))),
        Section("國際", (FeedConfig(radio, title="國際在線"),)),
    )
    library = quiet_library(tmp_path, sections)
    library.refresh()
    yield library
    library.close()


def row_texts(app: ReaderApp) -> list[str]:
    articles = main_screen(app).article_list
    return [row.line(120).plain for row in articles.rows]


async def test_a_story_is_one_row_naming_its_other_feeds_in_the_script_shown(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        rows = row_texts(app)
        assert len(rows) == 2  # the story once, and the other article
        assert "郑州启动城市更新" in rows[0] and "也見於 中原熱線、國際在線" in rows[0]
        assert "也見於" not in rows[1]
        tabs = [tab.label.plain for tab in main_screen(app).query("Tab")]
        assert tabs[:2] == ["要聞 2", "國際 1"]  # the story counts once in its section
        await pilot.press("t")  # 简体: the label and the feed names are converted
        await settle(app, pilot)
        assert "也见于 中原热线、国际在线" in row_texts(app)[0]


async def test_c_walks_the_copies_and_reading_one_reads_all(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        pane = main_screen(app).pane
        assert "郑州市17日启动" in pane.body_text
        await pilot.press("c")
        await settle(app, pilot)
        assert "鄭州市17日啟動" in pane.body_text  # the portal's copy, in its own script
        await pilot.press("c")
        await settle(app, pilot)
        assert pane.article is not None and pane.article.listing.feed_title == "國際在線"
        await pilot.press("c")
        await settle(app, pilot)
        assert pane.article is not None and pane.article.listing.feed_title == "新華通稿"
        listings = library.store.listings(None, limit=10, one_row_per_story=False)
        assert [row.read for row in listings if row.same_story] == [True, True, True]
        await pilot.press("j", "enter", "c")  # an article alone: c says so, nothing changes
        await settle(app, pilot)
        assert pane.article is not None and pane.article.listing.title == "张明在洛阳调研"


MARKUP_TITLE = "[b]晚報[/b] [/]"


@pytest.fixture
def markup_titled(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """Two copies of one story, the second feed titled with what Rich would read as markup."""
    wire = feed_server.add("/w.xml", rss("新华通稿", [("w1", "郑州启动城市更新", RENEWAL, 3)]))
    paper = feed_server.add("/p.xml", rss("晚報", [("p1", "鄭州城市更新", RENEWAL_HANT, 2)]))
    sections = (Section("要聞", (FeedConfig(wire), FeedConfig(paper, title=MARKUP_TITLE))),)
    library = quiet_library(tmp_path, sections)
    library.refresh()
    yield library
    library.close()


async def test_the_copy_notice_shows_a_feed_title_as_text_not_markup(
    markup_titled: Library,
) -> None:
    # Feed text is data: a title holding Rich markup is shown as written.
    app = build_app(markup_titled)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "c")
        await settle(app, pilot)
        notice = next(n for n in app._notifications if MARKUP_TITLE in str(n.message))
        assert notice.markup is False
