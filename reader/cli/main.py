"""`reader`: parse the arguments, run the command, turn expected failures into exit codes.

Exit codes: 0 success, 1 some feed or page failed (the rest still done), 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from reader.cli.commands_feeds import cmd_add, cmd_export, cmd_fetch, cmd_import, cmd_remove
from reader.cli.commands_read import cmd_list, cmd_mark, cmd_search, cmd_sections, cmd_show
from reader.cli.commands_tools import cmd_demo_server, cmd_extract, cmd_paths
from reader.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from reader.cli.parser import build_parser
from reader.cli.setup import damaged_store_message, resolve_paths, store_problem
from reader.cli.tui import cmd_tui
from reader.core.config import ConfigError
from reader.core.library import CorruptDatabaseError, StoreError

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]

COMMANDS: dict[str, Command] = {
    "extract": cmd_extract,
    "fetch": cmd_fetch,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "add": cmd_add,
    "remove": cmd_remove,
    "sections": cmd_sections,
    "import": cmd_import,
    "export": cmd_export,
    "mark": cmd_mark,
    "paths": cmd_paths,
    "demo-server": cmd_demo_server,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run `reader` with `argv` (sys.argv when None), writing to `out` and `err`; the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command, cmd_tui)
    try:
        return handler(args, out, err)
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
