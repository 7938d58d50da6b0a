"""Random key sequences on the real app, narrow and wide: whatever a reader presses, in any
order, the app keeps running and never shows a traceback."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.worker import Worker, WorkerCancelled, WorkerState

from reader.ui.app import ReaderApp
from tests.support.app import NOW, make_library
from tests.support.feedserver import FeedServer

# Every bound key except those that leave the machine: `o` (a browser) and `f` (the test feeds
# link to example hosts; full text has its own tests on loopback).
KEYS = [
    "j", "k", "down", "up", "g", "G", "home", "end", "enter", "escape", "space", "pagedown",
    "n", "p", "m", "s", "A", "y", "t", "r", "R", "slash", "question_mark", "F",
    "1", "2", "3", "4", "5", "9", "tab", "shift+tab", "left_square_bracket",
    "right_square_bracket", "q_guard", "x", "郑",
]  # fmt: skip


class WatchedApp(ReaderApp):
    """The real app, remembering every worker that failed: workers run with
    exit_on_error=False, so a crash in one would otherwise only show as a notification."""

    CSS_PATH = str(Path(__file__).resolve().parents[2] / "reader" / "ui" / "app.tcss")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failed_workers: list[str] = []

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.failed_workers.append(f"{event.worker.name}: {event.worker.error!r}")
        super().on_worker_state_changed(event)


async def drive(app: WatchedApp, keys: list[str], size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        for key in keys:
            if key == "q_guard":  # `q` quits: stand for it with the screen-closing keys instead
                key = "escape"
            await pilot.press(key)
            if key in ("r", "R", "enter", "t"):
                try:
                    await app.workers.wait_for_complete()
                except WorkerCancelled:
                    pass
        await pilot.pause()
        assert app.is_running, "the app is still up after the whole sequence"
        assert app.return_code is None
        assert app.failed_workers == [], "no worker failed"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=30),
    narrow=st.booleans(),
)
def test_any_key_sequence_keeps_the_app_running(
    feed_server: FeedServer, keys: list[str], narrow: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        library = make_library(Path(tmp), feed_server)
        try:
            app = WatchedApp(
                library, refresh_on_start=False, clock=lambda: NOW, zone=UTC, warm_up=False
            )
            asyncio.run(drive(app, keys, (80, 24) if narrow else (140, 40)))
        finally:
            library.close()
