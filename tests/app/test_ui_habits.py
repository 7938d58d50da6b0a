"""Issue 17's habits in the real app: pipe, save, bookmark, links by number, hide read, sort,
notify; the programs run for real."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from reader.core.library import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.links import LinksScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.prompt import PromptScreen
from reader.ui.state import load_ui_state
from reader.ui.widgets.status_line import StatusLine
from tests.support.app import build_app, make_library, settle
from tests.support.feedserver import FeedServer

WIDE = (140, 40)
NARROW = (80, 24)
METRO = "鄭州地鐵新線開通試運營"


def main_screen(app: ReaderApp) -> MainScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    return screen


def titles(app: ReaderApp) -> list[str]:
    return [item.title for item in main_screen(app).article_list.listings]


def notices(app: ReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def recorder(out: Path) -> str:
    """A command line that writes its arguments, NUL-separated, to `out`."""
    code = "import sys; open(sys.argv[1], 'w').write(chr(0).join(sys.argv[2:]))"
    return f'{sys.executable} -c "{code}" {out}'


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server, save_dir=str(tmp_path / "saved"))
    yield library
    library.close()


@pytest.fixture
def blocked_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    library = make_library(tmp_path, feed_server, save_dir=str(tmp_path / "a-file" / "saved"))
    yield library
    library.close()


@pytest.fixture
def slow_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server, pipe_command="sleep 10", command_timeout=0.5)
    yield library
    library.close()


@pytest.fixture
def bookmark_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server, bookmark_command=recorder(tmp_path / "bm"))
    yield library
    library.close()


async def open_metro(app: ReaderApp, pilot: object) -> None:
    await settle(app, pilot)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert main_screen(app).pane.body_text.startswith(METRO)


async def test_pipe_prompts_then_sends_the_article_and_shows_the_output(
    library: Library, tmp_path: Path
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("vertical_line")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptScreen)
        target = tmp_path / "piped.txt"
        app.screen.query_one(Input).value = f"sh -c 'cat > \"$0\"; echo 寫好了' '{target}'"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        piped = target.read_text(encoding="utf-8")
        assert piped.startswith(f"{METRO}\nhttps://city.example/a/0\n\n鄭州地鐵新線今日開通")
        assert "寫好了" in notices(app)


async def test_pipe_starts_from_pipe_command_and_a_failure_is_one_line(
    slow_library: Library,
) -> None:
    app = build_app(slow_library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("vertical_line")
        await settle(app, pilot)
        assert app.screen.query_one(Input).value == "sleep 10"
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("sleep: no answer within 0.5 s" in n for n in notices(app))
        await pilot.press("vertical_line")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "no-such-reader-tool"
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("no-such-reader-tool: command not found" in n for n in notices(app))
        assert titles(app)[0] == METRO  # nothing lost


async def test_save_writes_markdown_and_says_where(library: Library, tmp_path: Path) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        saved = sorted((tmp_path / "saved").iterdir())
        assert [p.name for p in saved] == [
            f"2024-05-01 {METRO}-2.md",
            f"2024-05-01 {METRO}.md",
        ]
        text = saved[1].read_text(encoding="utf-8")
        assert text.startswith(f"# {METRO}\n")
        assert "原文網址: <https://city.example/a/0>" in text
        assert any(str(saved[1]) in n for n in notices(app))


async def test_save_in_simplified_script_saves_what_is_shown(
    library: Library, tmp_path: Path
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("t")  # 简体
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        (saved,) = (tmp_path / "saved").iterdir()
        assert saved.read_text(encoding="utf-8").startswith("# 郑州地铁新线开通试运营\n")


async def test_bookmark_runs_the_command_with_separate_arguments(
    bookmark_library: Library, tmp_path: Path
) -> None:
    out = tmp_path / "bm"
    app = build_app(bookmark_library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        url, title, feed, excerpt = out.read_text(encoding="utf-8").split("\0")
        assert (url, title, feed) == ("https://city.example/a/0", METRO, "城市日報")
        assert excerpt.startswith("鄭州地鐵新線今日開通")
        assert "已加書籤" in notices(app)


async def test_bookmark_without_a_command_says_so(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert any("no bookmark_command" in n for n in notices(app))


async def test_the_pane_numbers_links_and_L_lists_them(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        assert "更方便[1]了" in main_screen(app).pane.body_text
        await pilot.press("L")
        await settle(app, pilot)
        assert isinstance(app.screen, LinksScreen)
        assert app.screen.urls == ["https://example.org/map"]
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.opened_links == ["https://example.org/map"]


async def test_digits_open_links_while_reading_and_switch_sections_otherwise(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await open_metro(app, pilot)
        screen = main_screen(app)
        assert screen.has_class("-reading")
        await pilot.press("1")
        await settle(app, pilot)
        assert app.opened_links == ["https://example.org/map"]
        assert screen.section == "要聞"
        await pilot.press("7")  # no seventh link: says so, stays
        await settle(app, pilot)
        assert any("7" in n for n in notices(app))
        assert app.opened_links == ["https://example.org/map"]
        await pilot.press("escape")
        await pilot.press("2")  # back in the list: digits are sections again
        await settle(app, pilot)
        assert screen.section == "財經"


async def test_hide_read_keeps_the_current_article_until_you_leave_it(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        counts = dict(main_screen(app).unread_counts)
        await pilot.press("h")
        await settle(app, pilot)
        assert titles(app)[0] == METRO  # read, but the one you are on
        assert len(titles(app)) == 6
        assert "只看未讀" in str(app.screen.query_one(StatusLine).render())
        await pilot.press("2", "1")  # leave the section and come back
        await settle(app, pilot)
        assert METRO not in titles(app)
        assert len(titles(app)) == 5
        assert main_screen(app).unread_counts["財經"] == counts["財經"]
        assert load_ui_state(library.paths.ui_state_file).hide_read is True
        await pilot.press("h")
        await settle(app, pilot)
        assert METRO in titles(app)


async def test_sort_cycles_per_section_and_is_remembered(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        newest = titles(app)
        await pilot.press("O")
        await settle(app, pilot)
        assert titles(app) == list(reversed(newest))
        assert "排序：最舊在前" in str(app.screen.query_one(StatusLine).render())
        await pilot.press("O")
        await settle(app, pilot)
        feeds = [item.feed_title for item in main_screen(app).article_list.listings]
        assert feeds == sorted(feeds)
        await pilot.press("O")
        await settle(app, pilot)
        assert titles(app) == sorted(newest)
        await pilot.press("2")  # another section keeps its own order
        await settle(app, pilot)
        assert titles(app) == ["央行公布五月貨幣數據", "軟體產業營收創新高"]
        assert "排序" not in str(app.screen.query_one(StatusLine).render())
    assert load_ui_state(library.paths.ui_state_file).sort_orders == {"要聞": "title"}
    again = build_app(library)
    async with again.run_test(size=WIDE) as pilot:
        await settle(again, pilot)
        await pilot.press("1")
        await settle(again, pilot)
        assert titles(again) == sorted(newest)


async def test_new_keys_are_in_help_and_remappable(library: Library, tmp_path: Path) -> None:
    from reader.ui.keys import help_rows

    rows = dict(help_rows("original", "en", {"save": "ctrl+s"}))
    assert rows["|"] == "Pipe to a program"
    assert rows["ctrl+s"] == "Save as Markdown"
    assert rows["0-9"] == "Open link n (reading)"
    assert {"b", "L", "h", "O"} <= set(rows)
    from dataclasses import replace

    library.config = replace(library.config, keys={"save": "ctrl+s"})
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(list((tmp_path / "saved").iterdir())) == 1


async def test_notify_command_runs_after_a_refresh_that_brought_articles(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    from reader.core.config import Config, Settings
    from reader.core.library import open_library
    from reader.core.paths import Paths
    from tests.support.app import serve_feeds

    out = tmp_path / "notified"
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    settings = Settings(
        refresh_interval=0, refresh_on_start=False, images="off", notify_command=recorder(out)
    )
    library = open_library(paths, Config(paths.config_file, serve_feeds(feed_server), settings))
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        await settle(app, pilot)
        count, *newest = out.read_text(encoding="utf-8").split("\0")
        assert count == "9"
        assert len(newest) == 5
        assert "9 篇新文章" in str(app.screen.query_one(StatusLine).render())


async def test_the_palette_offers_the_new_actions(library: Library, tmp_path: Path) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Save as Markdown")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert len(list((tmp_path / "saved").iterdir())) == 1


async def test_program_output_is_shown_as_plain_text(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("vertical_line")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "printf '\\033[31m[bold red]紅[/]\\033]0;title\\007'"
        await pilot.press("enter")
        await settle(app, pilot)
        shown = notices(app)[-1]
        assert "[bold red]紅[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown


async def test_a_save_dir_that_cannot_be_made_says_so_and_loses_nothing(
    blocked_library: Library,
) -> None:
    app = build_app(blocked_library)
    async with app.run_test(size=WIDE) as pilot:
        await open_metro(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        assert any(n.startswith("無法存檔：") for n in notices(app))
        assert "\n" not in notices(app)[-1]
        assert titles(app)[0] == METRO
