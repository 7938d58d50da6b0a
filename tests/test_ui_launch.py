"""`reader` on a broken config: a message naming the file, exit 2, and no TUI."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from reader.ui.launch import run_tui


def test_broken_config_is_reported_and_the_tui_never_starts(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[settings]\nrefresh_interval = 'often'\n", encoding="utf-8")
    err = io.StringIO()
    args = argparse.Namespace(config=config, demo=False, no_refresh=True)
    assert run_tui(args, err) == 2
    assert "config.toml" in err.getvalue() and "refresh_interval" in err.getvalue()
