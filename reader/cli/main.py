"""`reader`: parse the arguments, run the command, turn expected failures into exit codes.

Exit codes: 0 success, 1 some feed or page failed (the rest still done), 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, cast

from reader.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from reader.cli.parser import build_parser
from reader.cli.setup import damaged_store_message, resolve_paths, store_problem
from reader.core.config import ConfigError
from reader.core.library import CorruptDatabaseError, StoreError

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]

# Each command's module loads only when that command runs: the TUI's start never pays for
# the reading commands' HTML parsing, nor `fetch` for theirs.
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("reader.cli.commands_tools", "cmd_extract"),
    "fetch": ("reader.cli.commands_feeds", "cmd_fetch"),
    "list": ("reader.cli.commands_read", "cmd_list"),
    "show": ("reader.cli.commands_read", "cmd_show"),
    "search": ("reader.cli.commands_read", "cmd_search"),
    "add": ("reader.cli.commands_feeds", "cmd_add"),
    "remove": ("reader.cli.commands_feeds", "cmd_remove"),
    "sections": ("reader.cli.commands_read", "cmd_sections"),
    "import": ("reader.cli.commands_feeds", "cmd_import"),
    "export": ("reader.cli.commands_feeds", "cmd_export"),
    "mark": ("reader.cli.commands_read", "cmd_mark"),
    "paths": ("reader.cli.commands_tools", "cmd_paths"),
    "demo-server": ("reader.cli.commands_tools", "cmd_demo_server"),
}
TUI_COMMAND = ("reader.cli.tui", "cmd_tui")


def command_handler(name: str | None) -> Command:
    """The function that runs command `name` (the TUI for none), its module imported now."""
    module, function = COMMANDS.get(name or "", TUI_COMMAND)
    return cast(Command, getattr(importlib.import_module(module), function))


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run `reader` with `argv` (sys.argv when None), writing to `out` and `err`; the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return command_handler(args.command)(args, out, err)
    except ConfigError as exc:
        print(f"reader: config error: {exc}", file=err)
        return EXIT_USAGE
    except CliError as exc:
        print(f"reader: {exc}", file=err)
        return exc.code
    except CorruptDatabaseError as exc:
        print(f"reader: {damaged_store_message(args, exc)}", file=err)
        return EXIT_FAILED
    except StoreError as exc:  # disk full, read-only file, a lock held too long: nothing was lost
        path = resolve_paths(args).database
        print(
            f"reader: the cache {path} could not be written: {store_problem(exc, path)}; "
            "what was cached before is kept.",
            file=err,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
