"""SVG snapshots of the main screens at 80x24 and 140x40 (frozen clock, fixed zone, tmp cache)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.core.library import Library
from tests.support.app import build_app, make_library
from tests.support.feedserver import FeedServer


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server)
    yield library
    library.close()


def pressing(*keys: str) -> Any:
    """A run_before that presses keys, letting workers finish after each."""

    async def run_before(pilot: Pilot[None]) -> None:
        for key in ("", *keys):
            if key:
                await pilot.press(key)
            for _ in range(3):
                try:
                    await pilot.app.workers.wait_for_complete()
                except WorkerCancelled:
                    pass
                await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_list(library: Library, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(library), terminal_size=size, run_before=pressing())


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_article_open(library: Library, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(library), terminal_size=size, run_before=pressing("enter"))


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_article_in_simplified(library: Library, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(library), terminal_size=size, run_before=pressing("enter", "t"))


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_article_in_traditional(library: Library, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(
        build_app(library), terminal_size=size, run_before=pressing("j", "enter", "t", "t")
    )


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_help(library: Library, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(
        build_app(library), terminal_size=size, run_before=pressing("question_mark")
    )


def test_english_labels(tmp_path: Path, feed_server: FeedServer, snap_compare: Any) -> None:
    library = make_library(tmp_path, feed_server, ui_language="en")
    try:
        assert snap_compare(
            build_app(library), terminal_size=(140, 40), run_before=pressing("enter")
        )
    finally:
        library.close()
