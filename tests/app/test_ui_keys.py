"""Every key of the main screen, driven through Pilot against a cache filled over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.ui.app import ReaderApp
from reader.ui.article_text import MATCH_STYLE
from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.screens.failed_feeds import FailedFeedsScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.search import SearchScreen
from reader.ui.widgets.section_tabs import STARRED
from tests.support.app import build_app, long_story, make_library, quiet_library, settle
from tests.support.feedserver import FeedServer

WIDE = (140, 40)
NARROW = (80, 24)


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server)
    yield library
    library.close()


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def titles(app: ReaderApp) -> list[str]:
    return [item.title for item in main_screen(app).article_list.listings]


async def test_starts_from_cache_newest_first_with_counts(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        assert screen.section == "要聞"
        assert titles(app)[:3] == ["鄭州地鐵新線開通試運營", "郑州发布高温预警", "河南麥收進度過半"]
        assert screen.unread_counts == {"要聞": 6, "財經": 2, "國際": 1}
        tab_labels = [tab.label.plain for tab in screen.query("Tab")]
        assert tab_labels[0] == "要聞 6" and tab_labels[-1] == "★ 星標"


async def test_digit_keys_jump_to_sections(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert main_screen(app).section == "財經"
        assert titles(app) == ["央行公布五月貨幣數據", "軟體產業營收創新高"]
        await pilot.press("4")
        await settle(app, pilot)
        assert main_screen(app).section == STARRED
        assert titles(app) == []
        await pilot.press("9")  # no ninth section: nothing changes
        await settle(app, pilot)
        assert main_screen(app).section == STARRED


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["tab"], "財經"),
        (["right_square_bracket"], "財經"),
        (["tab", "tab"], "國際"),
        (["shift+tab"], STARRED),
        (["left_square_bracket"], STARRED),
    ],
)
async def test_next_and_previous_section(library: Library, keys: list[str], expected: str) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        assert main_screen(app).section == expected


async def test_clicking_a_tab_switches_section(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.click("#section-2")
        await settle(app, pilot)
        assert main_screen(app).section == "國際"


async def test_moving_in_the_list(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        articles = main_screen(app).article_list
        assert articles.highlighted == 0
        await pilot.press("j", "j")
        assert articles.highlighted == 2
        await pilot.press("k")
        assert articles.highlighted == 1
        await pilot.press("down")
        assert articles.highlighted == 2
        await pilot.press("up")
        assert articles.highlighted == 1
        await pilot.press("G")
        await settle(app, pilot)
        assert articles.highlighted == len(articles.listings) - 1
        await pilot.press("g")
        assert articles.highlighted == 0


async def test_enter_opens_and_marks_read(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = main_screen(app)
        body = screen.pane.body_text
        assert body.startswith("鄭州地鐵新線開通試運營")
        assert "2024-05-01 11:00" in body and "城市日報" in body and "李記者" in body
        assert "[圖] 新線列車進站" in body and "https://example.org/metro.jpg" in body
        assert "• 早班六點發車" in body
        assert screen.article_list.listings[0].read
        assert library.store.article(screen.article_list.listings[0].id).listing.read  # type: ignore[union-attr]
        assert screen.unread_counts["要聞"] == 5


async def test_clicking_a_row_opens_it(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.click("#articles", offset=(10, 4))  # the third row: rows are two lines
        await settle(app, pilot)
        assert main_screen(app).pane.body_text.startswith("河南麥收進度過半")


async def test_feed_text_is_never_markup_or_control(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        index = next(i for i, t in enumerate(titles(app)) if "方括號" in t)
        screen.article_list.highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        body = screen.pane.body_text
        assert body.startswith("[bold red]標題裡的方括號[/]")
        assert "[link]" in body and "\x1b" not in body


async def test_space_pages_then_moves_to_next_article(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("space")  # nothing open yet: opens the selected article
        await settle(app, pilot)
        first = screen.pane.article_id
        assert first == screen.article_list.listings[0].id
        await pilot.press("space")  # short article: already at its end, so the next one
        await settle(app, pilot)
        assert screen.pane.article_id == screen.article_list.listings[1].id
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert screen.pane.article_id == screen.article_list.listings[2].id


async def test_space_scrolls_a_long_article_before_moving_on(library: Library) -> None:
    first = library.store.listings("要聞", limit=1)[0]
    library.store.set_full_text(first.id, long_story("鄭州地鐵新線沿線的居民生活正在改變。"))
    app = build_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.pane.article_id == first.id and screen.pane.scroll_y == 0
        await pilot.press("space")
        await settle(app, pilot)
        assert screen.pane.article_id == first.id
        assert screen.pane.scroll_y > 0
        for _ in range(30):  # bounded: 80 short paragraphs take well under 30 pages
            if screen.pane.article_id != first.id:
                break
            await pilot.press("space")
            await settle(app, pilot)
        assert screen.pane.article_id == screen.article_list.listings[1].id


async def test_script_toggle_keeps_the_reading_position_and_body_is_not_bold(
    library: Library,
) -> None:
    first = library.store.listings("要聞", limit=1)[0]
    library.store.set_full_text(first.id, long_story("郑州地铁新线沿线的居民生活正在改变。"))
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("space", "space")
        await settle(app, pilot)
        position = screen.pane.scroll_y
        assert position > 0
        await pilot.press("t")
        await settle(app, pilot)
        assert app.view.mode == "hans" and "鄭州地鐵" not in screen.pane.body_text
        assert screen.pane.scroll_y == position, "the reader stays where they were"
        await pilot.press("j", "enter")  # another article starts at its top
        await settle(app, pilot)
        assert screen.pane.scroll_y == 0
    from reader.core.text.blocks import html_to_blocks
    from reader.ui.article_text import article_text

    text = article_text("標題", "meta", html_to_blocks("<p>正文</p>"), "[圖]")
    body_start = text.plain.index("正文")
    assert not any("bold" in str(span.style) for span in text.spans if span.end > body_start), (
        "only the title is bold"
    )


async def test_next_and_previous_unread_cross_sections(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        for _ in range(6):
            await pilot.press("n")
            await settle(app, pilot)
        assert screen.section == "要聞"
        await pilot.press("n")  # none left in 要聞: the next section with unread articles
        await settle(app, pilot)
        assert screen.section == "財經"
        assert screen.pane.article_id == screen.article_list.listings[0].id
        await pilot.press("j")
        await pilot.press("n")  # the second 財經 article is selected and unread: opens it
        await settle(app, pilot)
        assert screen.pane.article_id == screen.article_list.listings[1].id
        await pilot.press("n")
        await settle(app, pilot)
        assert screen.section == "國際"
        await pilot.press("p")  # nothing above in 國際, 財經 and 要聞 are read: says so
        await settle(app, pilot)
        assert screen.section == "國際"
        assert any("沒有未讀" in n.message for n in app._notifications)


async def test_m_toggles_read_and_s_stars(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        first = screen.article_list.listings[0]
        await pilot.press("m")
        await settle(app, pilot)
        assert screen.article_list.listings[0].read
        assert library.store.article(first.id).listing.read  # type: ignore[union-attr]
        assert screen.unread_counts["要聞"] == 5
        await pilot.press("m")
        await settle(app, pilot)
        assert not library.store.article(first.id).listing.read  # type: ignore[union-attr]
        await pilot.press("s")
        await settle(app, pilot)
        assert library.store.article(first.id).listing.starred  # type: ignore[union-attr]
        await pilot.press("4")
        await settle(app, pilot)
        assert titles(app) == [first.title]
        await pilot.press("s")
        await settle(app, pilot)
        assert not library.store.article(first.id).listing.starred  # type: ignore[union-attr]


async def test_mark_section_read_asks_first(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert main_screen(app).unread_counts["要聞"] == 6
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        screen = main_screen(app)
        assert screen.unread_counts["要聞"] == 0
        assert all(item.read for item in screen.article_list.listings)
        assert screen.unread_counts["財經"] == 2


async def test_open_in_browser_and_copy_link(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert app.opened_links == ["https://city.example/a/0"]
        await pilot.press("j", "y")
        assert app.clipboard == "https://prov.example/a/0"


async def test_t_cycles_the_script_of_feed_text_and_labels(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert app.view.mode == "hans"
        assert titles(app)[0] == "鄭州地鐵新線開通試運營"  # listings keep the original
        row = screen.article_list.rows[0]
        assert row.title == "郑州地铁新线开通试运营"
        assert screen.pane.body_text.startswith("郑州地铁新线开通试运营")
        assert [tab.label.plain for tab in screen.query("Tab")][0] == "要闻 5"
        assert "文字：简体" in str(screen.query_one("#status").content)
        await pilot.press("t")
        await settle(app, pilot)
        assert app.view.mode == "hant"
        row = screen.article_list.rows[1]
        assert row.title == "鄭州發佈高溫預警"
        await pilot.press("t")
        await settle(app, pilot)
        assert app.view.mode == "original"
        assert app.ui_state.script_mode == "original"


@pytest.fixture
def full_text_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """One feed whose articles link to pages on the loopback server: one real, one missing."""
    from reader.core.model import FeedConfig, Section
    from tests.support.app import rss

    server = feed_server
    page = (Path(__file__).parents[1] / "pages" / "footer-hant.html").read_bytes()
    server.add("/story.html", page, content_type="text/html; charset=utf-8")
    base = server.url("")
    feed = rss(
        "河南頻道",
        [
            ("鄭州地鐵十號線開通", "<p>一句話摘要。</p>", 1, None),
            ("找不到的網頁", "<p>只有摘要。</p>", 2, None),
        ],
        base,
    )
    feed = feed.replace(f"{base}/a/0", f"{base}/story.html").replace(f"{base}/a/1", f"{base}/gone")
    url = server.add("/feed.xml", feed, content_type="application/rss+xml")
    library = quiet_library(tmp_path, (Section("河南", (FeedConfig(url),)),))
    library.refresh()
    yield library
    library.close()


async def test_f_fetches_the_story_caches_it_and_toggles(
    full_text_library: Library, feed_server: FeedServer
) -> None:
    library = full_text_library
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        pane = main_screen(app).pane
        assert "一句話摘要" in pane.body_text
        await pilot.press("f")
        await settle(app, pilot)
        assert "從鄭州西站到二七廣場只要三十分鐘左右" in pane.body_text
        assert "相關新聞" not in pane.body_text
        assert len(feed_server.requests_for("/story.html")) == 1
        await pilot.press("f")  # back to the feed's own text, without fetching again
        await settle(app, pilot)
        assert "一句話摘要" in pane.body_text
        await pilot.press("f")
        await settle(app, pilot)
        assert "二七廣場" in pane.body_text
        assert len(feed_server.requests_for("/story.html")) == 1
    assert library.store.article(library.store.listings(limit=1)[0].id).full_html


async def test_f_failure_keeps_the_summary_and_says_why(full_text_library: Library) -> None:
    library = full_text_library
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "enter")
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert "只有摘要" in main_screen(app).pane.body_text
        failure = next(n for n in app._notifications if "404" in str(n.message))
        assert failure.markup is False, "a server's words are never read as markup"


async def test_stored_full_text_is_shown_first_and_f_toggles(library: Library) -> None:
    first = library.store.listings("要聞", limit=1)[0]
    library.store.set_full_text(first.id, "<p>網頁上的完整報導全文。</p>")
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "網頁上的完整報導全文。" in main_screen(app).pane.body_text
        await pilot.press("f")
        await settle(app, pilot)
        assert "全長二十八公里" in main_screen(app).pane.body_text


async def test_refresh_keeps_selection_and_counts_progress(
    library: Library, feed_server: FeedServer
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        await pilot.press("j", "j")
        selected = screen.article_list.current
        from tests.support.app import CITY_NEWS, rss

        newer = [("突發：暴雨預警升級", "<p>今晚有大暴雨。</p>", 0, None), *CITY_NEWS]
        feed_server.add(
            "/city.xml",
            rss("城市日報", newer, "https://city.example/v2"),
            content_type="application/rss+xml",
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.refresh_state.progress is None
        assert "突發：暴雨預警升級" in titles(app)
        assert screen.article_list.current == library.store.article(selected.id).listing  # type: ignore[union-attr]
        assert len(feed_server.requests_for("/broken.xml")) == 1  # r refreshed only 要聞
        await pilot.press("R")
        await settle(app, pilot)
        assert len(feed_server.requests_for("/broken.xml")) == 2
        assert screen.refresh_state.failed_count == 1
        assert "1 個來源失敗" in str(screen.query_one("#status").content)


async def test_failed_feeds_screen_shows_last_error(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        assert isinstance(app.screen, FailedFeedsScreen)
        text = app.screen.text.plain
        assert "壞掉的來源" in text and "500" in text and "Traceback" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_search_finds_either_script_and_opens(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"郑州", "enter")
        await settle(app, pilot)
        results = app.screen.query_one("#search-results")
        found = {item.title for item in results.listings}  # type: ignore[attr-defined]
        assert found == {"鄭州地鐵新線開通試運營", "郑州发布高温预警"}
        await pilot.press("enter")
        await settle(app, pilot)
        screen = main_screen(app)
        assert screen.pane.article_id == results.listings[0].id  # type: ignore[attr-defined]
        assert screen.search_query == "郑州"


async def test_search_takes_the_query_language_and_shows_snippets(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"title:鄭州 -高温", "enter")
        await settle(app, pilot)
        results = app.screen.query_one("#search-results")
        rows = results.rows  # type: ignore[attr-defined]
        assert [row.title for row in rows] == ["鄭州地鐵新線開通試運營"]
        assert rows[0].snippet
        second_line = rows[0].title_lines(100)[1]
        assert rows[0].snippet[:20] in second_line.plain
        assert str(app.screen.query_one("#search-count").render()) == app.t("search_count", count=1)
        title_line = rows[0].title_lines(100)[0]
        assert any(span.style == MATCH_STYLE for span in title_line.spans)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("slash", *"鄭州 (", "enter")
        await settle(app, pilot)
        assert str(app.screen.query_one("#search-count").render()) == "column 5: expected ')'"


async def test_help_lists_every_key(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text.plain
        for keys in [
            "1-9",
            "Tab ]",
            "j ↓",
            "Enter",
            "Space PgDn",
            "n",
            "p",
            "m",
            "A",
            "s",
            "o",
            "y",
            "t",
            "f",
            "r",
            "R",
            "/",
            "?",
            "q",
            "F",
            "Ctrl+P",
        ]:
            assert f"\n{keys} " in text, keys
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_narrow_layout_enter_and_escape(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        assert screen.narrow and not screen.pane.display
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.pane.display and not screen.article_list.display
        await pilot.press("j")
        await settle(app, pilot)
        assert screen.pane.article_id == screen.article_list.listings[1].id
        await pilot.press("escape")
        assert screen.article_list.display and not screen.pane.display


async def test_quit_remembers_section_article_and_mode(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "enter")
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        opened = main_screen(app).pane.article_id
        await pilot.press("q")
    again = build_app(library)
    async with again.run_test(size=WIDE) as pilot:
        await settle(again, pilot)
        screen = main_screen(again)
        assert screen.section == "財經"
        assert again.view.mode == "hans"
        assert screen.pane.article_id == opened


async def test_keys_remap_by_id(library: Library) -> None:
    from dataclasses import replace

    library.config = replace(library.config, keys={"refresh_all": "ctrl+r", "cursor_down": "x"})
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        assert main_screen(app).article_list.highlighted == 1


async def test_palette_runs_reader_commands(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Search")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_clicking_a_link_in_the_article_opens_it(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        region = main_screen(app).pane.region
        target = next(
            (x, y)
            for y in range(region.y, region.bottom)
            for x in range(region.x, region.right)
            if "open_link" in str(app.screen.get_style_at(x, y).meta.get("@click", ""))
        )
        await pilot.click(offset=target)
        await settle(app, pilot)
        assert app.opened_links == ["https://example.org/map"]


async def test_an_empty_section_says_what_to_do_even_when_narrow(tmp_path: Path) -> None:
    from reader.core.model import FeedConfig, Section

    library = quiet_library(tmp_path, (Section("要聞", (FeedConfig("http://127.0.0.1:9/x"),)),))
    app = build_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        articles = main_screen(app).article_list
        assert articles.row_count == 0
        assert "reader add" in str(articles.hint)
        assert articles.current is None
        await pilot.press("enter", "m", "s", "j")  # nothing to act on: nothing breaks
        await settle(app, pilot)
        await pilot.press("4")  # no such section: ignored
        await pilot.press("2")  # the starred tab
        await settle(app, pilot)
        assert "還沒有星標文章" in str(articles.hint)
    library.close()


async def test_first_refresh_into_an_empty_cache_replaces_the_empty_hint(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    # A first start: the empty list says "add feeds"; once the refresh brings articles, the
    # pane must stop saying so (it kept the stale hint beside a full list).
    from tests.support.app import serve_feeds

    library = quiet_library(tmp_path, serve_feeds(feed_server))
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        assert "reader add" in screen.pane.body_text
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.article_list.row_count > 0
        assert "reader add" not in screen.pane.body_text
        assert screen.pane.body_text == app.t("no_article_selected")
    library.close()
