"""Query sections and filter rules in the TUI: query tabs after the feed sections with unread
counts kept current, hidden articles out of lists and counts, highlighted rows coloured, and
read/star rules applied when articles were first stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.paths import Paths
from reader.core.store.query.rules import FilterRule, QuerySection
from reader.ui.app import ReaderApp
from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.section_tabs import query_key
from tests.support.app import build_app, serve_feeds, settle
from tests.support.feedserver import FeedServer

WIDE = (140, 40)
QUERIES = (QuerySection("鄭州", "title:郑州"),)
FILTERS = (
    FilterRule("title:货币", "hide"),  # 简体 rule; the title is 央行公布五月貨幣數據
    FilterRule("title:麦收", "highlight"),  # 河南麥收進度過半
    FilterRule("title:国际航班", "star"),  # 國際航班恢復至疫前九成
    FilterRule("title:洛阳", "read"),  # 洛阳牡丹文化节闭幕
)


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    config = Config(
        paths.config_file,
        serve_feeds(feed_server),
        Settings(refresh_on_start=False, refresh_interval=0, images="off"),
        queries=QUERIES,
        filters=FILTERS,
    )
    library = open_library(paths, config)
    library.refresh()
    yield library
    library.close()


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def tab_labels(app: ReaderApp) -> list[str]:
    return [tab.label.plain for tab in main_screen(app).query("Tab")]


def titles(app: ReaderApp) -> list[str]:
    return [item.title for item in main_screen(app).article_list.listings]


async def test_a_query_section_is_a_tab_after_the_feed_sections_with_its_count(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert tab_labels(app) == ["要聞 5", "財經 1", "國際 1", "鄭州 2", "★ 星標"]
        await pilot.press("4")
        await settle(app, pilot)
        screen = main_screen(app)
        assert screen.section == query_key("鄭州")
        assert titles(app) == ["鄭州地鐵新線開通試運營", "郑州发布高温预警"]
        await pilot.press("m")  # the first row read: both tabs count one fewer
        await settle(app, pilot)
        assert tab_labels(app)[:4] == ["要聞 4", "財經 1", "國際 1", "鄭州 1"]
        await pilot.press("j", "enter")  # opening the other one reads it
        await settle(app, pilot)
        assert tab_labels(app)[3] == "鄭州"
        await pilot.press("t")  # 简体: the query tab's name is converted like the others
        await settle(app, pilot)
        assert tab_labels(app)[3] == "郑州"


async def test_the_query_tab_is_remembered_and_refresh_there_fetches_everything(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert main_screen(app).refresh_state.progress is None
        assert not any("壞掉" in title for title in titles(app))
    assert app.ui_state.section == query_key("鄭州")
    again = build_app(library)
    async with again.run_test(size=WIDE) as pilot:
        await settle(again, pilot)
        assert main_screen(again).section == query_key("鄭州")
        assert titles(again) == ["鄭州地鐵新線開通試運營", "郑州发布高温预警"]


async def test_hidden_articles_are_in_no_list_count_or_search(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert titles(app) == ["軟體產業營收創新高"]
        assert main_screen(app).article_list.total == 1 and tab_labels(app)[1] == "財經 1"
        await pilot.press("slash")
        await settle(app, pilot)
        await pilot.press(*"貨幣", "enter")
        await settle(app, pilot)
        results = app.screen.query_one("#search-results", ArticleList)
        assert results.listings == []


async def test_read_and_star_rules_marked_articles_when_they_were_first_stored(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        marks = {
            item.title: (item.read, item.starred) for item in main_screen(app).article_list.listings
        }
        assert marks["洛阳牡丹文化节闭幕"] == (True, False)
        await pilot.press("3")
        await settle(app, pilot)
        (world,) = main_screen(app).article_list.listings
        assert world.title == "國際航班恢復至疫前九成" and world.starred


async def test_a_highlighted_row_is_coloured_and_the_cursor_row_keeps_its_own(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        articles = main_screen(app).article_list
        flagged = [item.highlighted for item in articles.listings]
        assert flagged.count(True) == 1 and not flagged[0]
        marked = flagged.index(True)
        plain = next(i for i, flag in enumerate(flagged) if not flag and i != 0)

        def background(index: int) -> object:
            strip = articles.render_line(index * articles.row_lines - int(articles.scroll_y))
            return next(seg.style.bgcolor for seg in strip if seg.style and seg.text.strip())

        assert background(marked) != background(plain)
        cursor = background(0)
        articles.highlighted = marked
        await pilot.pause()
        assert background(marked) == cursor


async def test_marking_a_query_section_read_marks_what_its_query_matches(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("4", "A")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "鄭州" in str(app.screen.question) and "\x00" not in str(app.screen.question)
        await pilot.press("y")
        await settle(app, pilot)
        assert tab_labels(app)[:4] == ["要聞 3", "財經 1", "國際 1", "鄭州"]
        assert all(item.read for item in main_screen(app).article_list.listings)


async def test_a_query_section_takes_the_sort_order_and_hide_read_like_a_feed_section(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        newest = titles(app)
        assert newest == ["鄭州地鐵新線開通試運營", "郑州发布高温预警"]
        await pilot.press("O")  # oldest first
        await settle(app, pilot)
        assert titles(app) == list(reversed(newest))
        await pilot.press("O", "O", "O")  # by feed, by title, back to newest first
        await settle(app, pilot)
        assert titles(app) == newest
        await pilot.press("enter")  # reading the first one, then hiding read articles
        await settle(app, pilot)
        await pilot.press("escape", "h")
        await settle(app, pilot)
        assert titles(app) == newest  # the one being read stays until you leave it
        await pilot.press("2", "4")  # leave for a section without it, and come back
        await settle(app, pilot)
        assert titles(app) == ["郑州发布高温预警"]
        assert main_screen(app).article_list.total == 1
