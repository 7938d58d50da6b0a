"""The argument parser: global options before or after the subcommand, one subparser a command."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader import __version__
from reader.core.model import SCRIPT_MODES


def build_parser() -> argparse.ArgumentParser:
    """`reader [--config PATH] [--demo] [--no-refresh] [COMMAND ...]`; no command opens the TUI."""
    # Global options are accepted both before and after the subcommand (SUPPRESS keeps the
    # subparser from overwriting a value given before it).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="use this config file"
    )
    common.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the embedded demo feeds and the demo's own cache",
    )
    parser = argparse.ArgumentParser(
        prog="reader",
        parents=[common],
        description="A keyboard-driven terminal news reader for Chinese-language news.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument(
        "--no-refresh", action="store_true", help="open the TUI without refreshing on start"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    def script_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--script", choices=SCRIPT_MODES, help="show feed text as published, 简体 or 繁體"
        )

    p = command("fetch", "refresh feeds into the cache")
    p.add_argument("--section", help="only this section")
    p.add_argument("--json", action="store_true", help="machine-readable summary")

    p = command("list", "list cached articles, newest first")
    p.add_argument("--section")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--query", metavar="EXPR", help="only articles this query matches")
    p.add_argument(
        "--all",
        action="store_true",
        help="also articles a hide filter matches (marked hidden), and every copy of a story",
    )
    p.add_argument("--limit", type=_positive_int, default=50)
    script_option(p)
    p.add_argument("--json", action="store_true")

    p = command("show", "print one article as text and mark it read")
    p.add_argument("id", type=int)
    p.add_argument(
        "--full", action="store_true", help="fetch the whole story from the article's web page"
    )
    script_option(p)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--markdown", action="store_true", help="print it as Markdown (what `S` saves in the TUI)"
    )

    p = command("search", "search with the query language (either script finds both)")
    p.add_argument("query", help='words, "phrases", title: author: feed: is:unread age:<7d ...')
    p.add_argument("--section")
    p.add_argument("--limit", type=_positive_int, default=50)
    script_option(p)
    p.add_argument("--json", action="store_true")

    p = command("add", "add a feed to the config")
    p.add_argument("url")
    p.add_argument("--section", default="未分類")
    p.add_argument("--title")

    p = command("remove", "remove a feed from the config (its cached articles stay)")
    p.add_argument("url")

    command("sections", "list sections with their feeds and unread counts")

    p = command("import", "import feeds from an OPML file (or read and star marks: --state)")
    p.add_argument("file", type=Path, nargs="?")
    p.add_argument(
        "--state", type=Path, metavar="FILE", help="apply the read and star marks in FILE"
    )

    p = command("export", "export sections and feeds as OPML 2.0 (or read and star marks)")
    p.add_argument("file", type=Path, nargs="?", help="write here instead of standard output")
    p.add_argument(
        "--state", type=Path, metavar="FILE", help="write read and star marks as JSON (- : stdout)"
    )

    p = command("mark", "mark an article read, unread, starred or unstarred")
    p.add_argument("id", type=int)
    group = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        group.add_argument(f"--{flag}", dest="action", action="store_const", const=flag)

    p = command("paths", "show where config, data and cache live")
    p.add_argument("--json", action="store_true")

    p = command("demo-server", "serve the demo feeds over HTTP on 127.0.0.1")
    p.add_argument("--port", type=int, default=8765)

    # reader.cli.extract (and the extraction libraries) load only when `extract` runs.
    p = command("extract", "print the story of web pages (saved files or http/https URLs)")
    p.add_argument("pages", nargs="+", metavar="PAGE", help="an HTML file or an http(s) URL")
    p.add_argument("--json", action="store_true", help="one JSON object per page and line")
    p.add_argument(
        "--script", choices=SCRIPT_MODES, default="original", help="show text in this script"
    )
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
