"""Hostile feed text in the running TUI (Textual's run_test): section, feed, titles and bodies with
markup, escapes and bidi tricks are shown as plain characters, nothing is run, nothing fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.worker import Worker, WorkerState

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.model import FeedConfig, Section
from reader.core.paths import Paths
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from tests.hostile.cases import HOSTILE_TEXTS, unsafe_characters
from tests.hostile.harness import rss, rss_item
from tests.integration.test_hostile_content import SCRIPTED_BODY
from tests.support.app import settle
from tests.support.feedserver import FeedServer

NOW = datetime(2026, 11, 12, 12, 0, tzinfo=UTC)
SECTION = "[bold]要聞[/bold]\u202e"


class WatchedApp(ReaderApp):
    """The real app, remembering every worker that failed and whether quit was ever asked for."""

    CSS_PATH = str(Path(__file__).resolve().parents[2] / "reader" / "ui" / "app.tcss")

    def __init__(self, library: Library) -> None:
        super().__init__(
            library, refresh_on_start=False, clock=lambda: NOW, zone=UTC, warm_up=False
        )
        self.failed_workers: list[str] = []
        self.quit_requested = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.failed_workers.append(repr(event.worker.error))
        super().on_worker_state_changed(event)

    async def action_quit(self) -> None:
        self.quit_requested = True


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    items = [
        rss_item(
            case.text,
            f"<p>{case.text}</p><p><a href='javascript:x'>連結</a></p>",
            n,
            author=case.text,
        )
        for n, case in enumerate(HOSTILE_TEXTS)
    ]
    items.append(rss_item("腳本與連結", SCRIPTED_BODY, 20))
    items.append(rss_item("長" * 10_000, "<div>" * 5000 + "深處" + "</div>" * 5000, 21))
    url = feed_server.add(
        "/hostile.xml", rss("\x1b]0;頻道[/]", items), content_type="application/rss+xml"
    )
    paths = Paths(
        config_file=tmp_path / "config.toml",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
    )
    config = Config(
        path=paths.config_file,
        sections=(Section(SECTION, (FeedConfig(url),)),),
        settings=Settings(refresh_interval=0, refresh_on_start=False),
    )  # type: ignore[call-arg]
    library = open_library(paths, config)
    summary = library.refresh()
    assert not summary.failed
    yield library
    library.close()


def assert_terminal_safe(text: str) -> None:
    """RSS cannot carry ESC (the decoder drops C0 before parsing), so what is left of a sequence
    is inert text; what matters is that no control, bidi or zero-width character is shown."""
    assert not unsafe_characters(text), unsafe_characters(text)[:10]


async def test_every_hostile_article_opens_literal_and_clean(library: Library) -> None:
    app = WatchedApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.section == SECTION
        tab_text = " ".join(tab.label.plain for tab in screen.query("Tab"))
        assert "[bold]要聞[/bold]" in tab_text
        assert_terminal_safe(tab_text)
        listings = list(screen.article_list.listings)
        assert len(listings) == len(HOSTILE_TEXTS) + 2
        for listing in listings:
            screen.open_article(listing.id)
            await settle(app, pilot)
            assert screen.pane.article_id == listing.id
            shown = screen.pane.body_text
            assert_terminal_safe(shown)
            assert "javascript" not in shown
        for case in HOSTILE_TEXTS:
            listing = next(item for item in listings if all(w in item.title for w in case.keep))
            screen.open_article(listing.id)
            await settle(app, pilot)
            for word in case.keep:
                assert word in screen.pane.body_text
        await pilot.press("j", "enter", "k", "enter")
        await settle(app, pilot)
        assert app.is_running and not app.quit_requested
        assert app.failed_workers == []


async def test_clicking_a_markup_action_title_runs_nothing(library: Library) -> None:
    app = WatchedApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        target = next(
            item for item in screen.article_list.listings if "[@click=app.quit]" in item.title
        )
        screen.open_article(target.id)
        await settle(app, pilot)
        for offset in range(0, 30, 3):
            await pilot.click("#article-body", offset=(offset, 0))
            await pilot.click("#articles", offset=(offset + 3, 1))
        await settle(app, pilot)
        assert app.is_running and not app.quit_requested
        assert app.opened_links == [], "no link from a hostile body was opened"
