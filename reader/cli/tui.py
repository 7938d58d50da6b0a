"""`reader` without a subcommand: paths, config and cache, then the TUI; returns an exit code."""

from __future__ import annotations

import argparse
import io
from typing import TextIO

from reader.cli.errors import EXIT_USAGE
from reader.cli.setup import command_config, open_user_library, resolve_paths, start_demo_if_asked
from reader.core.config import ConfigError


def run_tui(args: argparse.Namespace, err: TextIO) -> int:
    """Run the app. A broken config is reported on `err` (exit 2) and the TUI never starts;
    with --demo the demo server runs for the life of the app and is stopped at exit."""
    paths = resolve_paths(args)
    server = start_demo_if_asked(args, paths)
    try:
        try:
            config = command_config(args, paths, server)
        except ConfigError as error:
            print(f"reader: config error: {error}", file=err)
            return EXIT_USAGE
        # What opening the cache has to say (e.g. a damaged file moved aside) would scroll away
        # under the full-screen app: show it inside the app, and again on exit.
        notices = io.StringIO()
        library = open_user_library(paths, config, notices)
        try:
            # Textual loads only here: the other commands start without it.
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


def cmd_tui(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return run_tui(args, err)
