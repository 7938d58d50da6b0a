"""`reader` without a subcommand: paths, config and cache, then the TUI; returns an exit code."""

from __future__ import annotations

import argparse
import io
from typing import TextIO

from reader.core.config import ConfigError


def run_tui(args: argparse.Namespace, err: TextIO) -> int:
    """Run the app. A broken config is reported on `err` (exit 2) and the TUI never starts;
    with --demo the demo server runs for the life of the app and is stopped at exit."""
    from reader.cli import demo_config, open_store, resolve_paths, start_demo
    from reader.core.config import load_config
    from reader.core.library import open_library

    paths = resolve_paths(args)
    server = None
    try:
        if getattr(args, "demo", False):
            server = start_demo(paths)
            config = demo_config(paths, server.base_url)
        else:
            config = load_config(paths.config_file)
    except ConfigError as error:
        if server is not None:
            server.stop()
        print(f"reader: config error: {error}", file=err)
        return 2
    try:
        # What opening the cache has to say (e.g. a damaged file moved aside) would scroll away
        # under the full-screen app: show it inside the app, and again on exit.
        notices = io.StringIO()
        library = open_library(paths, config, store=open_store(paths.database, notices))
        try:
            from reader.ui.app import ReaderApp

            refresh = False if getattr(args, "no_refresh", False) else None
            if getattr(args, "demo", False) and refresh is None:
                refresh = True
            startup = [line for line in notices.getvalue().splitlines() if line.strip()]
            app = ReaderApp(library, refresh_on_start=refresh, startup_notices=startup)
            app.run()
            for line in startup:
                print(line, file=err)
            return app.return_code or 0
        finally:
            library.close()
    finally:
        if server is not None:
            server.stop()
