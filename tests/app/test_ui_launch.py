"""`reader` on a broken config: a message naming the file, exit 2, and no TUI."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from reader.cli.tui import run_tui


def test_broken_config_is_reported_and_the_tui_never_starts(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[settings]\nrefresh_interval = 'often'\n", encoding="utf-8")
    err = io.StringIO()
    args = argparse.Namespace(config=config, demo=False, no_refresh=True)
    assert run_tui(args, err) == 2
    assert "config.toml" in err.getvalue() and "refresh_interval" in err.getvalue()


async def test_a_damaged_cache_is_moved_aside_and_the_app_says_where(tmp_path: Path) -> None:
    """The notice from opening the cache is shown inside the app, not lost under its screen."""
    from reader.cli.setup import open_user_library
    from reader.core.config import Config, Settings
    from reader.core.paths import Paths
    from reader.ui.app import ReaderApp

    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(b"this is not a database at all" * 100)
    notices = io.StringIO()
    library = open_user_library(paths, Config(paths.config_file, (), Settings()), notices)
    moved = [p for p in paths.data_dir.iterdir() if p.name.startswith("cache.sqlite3.bad-")]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not a database")
    app = ReaderApp(
        library,
        refresh_on_start=False,
        warm_up=False,
        startup_notices=notices.getvalue().splitlines(),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert any(moved[0].name in message for message in shown)
    library.close()
