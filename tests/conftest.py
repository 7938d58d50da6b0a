"""Shared fixtures: a loopback feed server and XDG dirs in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def xdg_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every platformdirs path at tmp_path so no test touches the real home."""
    dirs = {
        "config": tmp_path / "xdg-config",
        "data": tmp_path / "xdg-data",
        "cache": tmp_path / "xdg-cache",
        "state": tmp_path / "xdg-state",
    }
    for name, path in dirs.items():
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(path))
    return dirs
