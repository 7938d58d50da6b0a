"""Commands beside reading: where the files live, the demo server alone, and story extraction."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from reader.cli.errors import EXIT_FAILED, EXIT_OK, CliError
from reader.cli.setup import resolve_paths


def cmd_paths(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths = resolve_paths(args)
    table = {
        "config": str(paths.config_file),
        "data": str(paths.data_dir),
        "cache": str(paths.cache_dir),
        "database": str(paths.database),
    }
    if args.json:
        json.dump(table, out, indent=1)
        out.write("\n")
    else:
        for key, value in table.items():
            print(f"{key:<9} {value}", file=out)
    return EXIT_OK


def cmd_demo_server(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.demo.server import serve_forever

    try:
        serve_forever(args.port)
    except OSError as exc:
        raise CliError(
            f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror}", EXIT_FAILED
        ) from None
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The extraction libraries load only when `extract` runs.
    from reader.cli import extract

    return extract.run(args, out)
