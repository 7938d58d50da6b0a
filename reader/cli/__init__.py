"""The command line: `reader` opens the TUI; subcommands fetch, list, show, search and edit feeds.

Exit codes: 0 success, 1 some feed or page failed (the rest still done), 2 usage or config errors.
Everything a feed wrote is cleaned of control characters before it reaches the terminal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from reader import __version__
from reader.core.config import SCRIPT_MODES, Config, ConfigError, load_config
from reader.core.model import FeedConfig, Listing
from reader.core.paths import Paths, default_paths, demo_paths
from reader.core.script.view import ScriptView
from reader.core.store.connection import move_aside
from reader.core.store.database import Store
from reader.core.store.errors import CorruptDatabaseError, NewerSchemaError, StoreError
from reader.core.text.cells import cell_len, clean_line, pad_cells, truncate_cells
from reader.core.text.document import blocks_to_text, html_to_blocks

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A readable problem that ends the command with exit code `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
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

    p = command("search", "search titles and text (either script finds both)")
    p.add_argument("query")
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

    p = command("import", "import feeds from an OPML file")
    p.add_argument("file", type=Path)

    p = command("export", "export sections and feeds as OPML 2.0")
    p.add_argument("file", type=Path, nargs="?", help="write here instead of standard output")

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


# ---- opening config and cache ----


def resolve_paths(args: argparse.Namespace) -> Paths:
    if getattr(args, "demo", False):
        return demo_paths()
    return default_paths(getattr(args, "config", None))


def store_problem(error: Exception, path: Path) -> str:
    """The store's message without the path it starts with (ours already names the file)."""
    text = str(error)
    while text.startswith(f"{path}: "):
        text = text[len(f"{path}: ") :]
    return text


def open_store(path: Path, err: TextIO) -> Store:
    """Open the cache; a corrupt file is moved aside (never deleted) and a fresh cache started.
    A cache from a newer reader is refused and left exactly as it is."""

    try:
        return Store.open(path)
    except NewerSchemaError as exc:
        raise CliError(
            f"the cache {path} cannot be used: {store_problem(exc, path)}. It was left untouched; "
            "use a newer reader, or move the file away to start a fresh cache.",
            EXIT_FAILED,
        ) from None
    except CorruptDatabaseError as exc:
        moved = move_aside(path)
        print(
            f"reader: the cache {path} could not be read ({store_problem(exc, path)}); "
            f"it was moved to {moved} and a fresh cache was started.",
            file=err,
        )
        return Store.open(path)
    except StoreError as exc:
        raise CliError(
            f"the cache {path} cannot be used: {store_problem(exc, path)}", EXIT_FAILED
        ) from None


def damaged_store_message(args: argparse.Namespace, error: CorruptDatabaseError) -> str:
    """Damage found in the middle of a command (open found the file sound): move the file aside
    now, after the command closed it, so the next run starts a fresh cache; say where it went."""
    path = resolve_paths(args).database
    moved = move_aside(path)
    return (
        f"the cache {path} is damaged ({store_problem(error, path)}); it was moved to {moved}. "
        "Run the command again to start a fresh cache."
    )


DEMO_PORT = 47821  # a fixed port keeps the demo's feed URLs, and so its cache, the same across runs


def last_demo_url(paths: Paths) -> str:
    try:
        return (paths.data_dir / "demo-url").read_text(encoding="utf-8").strip()
    except OSError:
        return f"http://127.0.0.1:{DEMO_PORT}"


def start_demo(paths: Paths) -> Any:
    """Start the demo server where it last ran (its cached links point there), else on its
    usual port, else on any free one; remember its URL."""
    from urllib.parse import urlsplit

    from reader.demo.server import start_demo_server

    last_port = urlsplit(last_demo_url(paths)).port
    server = None
    for port in dict.fromkeys(p for p in (last_port, DEMO_PORT) if p):
        try:
            server = start_demo_server(port)
            break
        except OSError:
            continue
    if server is None:
        server = start_demo_server(0)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    (paths.data_dir / "demo-url").write_text(server.base_url, encoding="utf-8")
    return server


def demo_config(paths: Paths, base_url: str) -> Config:
    from reader.demo.server import demo_sections

    return Config(path=paths.config_file, sections=tuple(demo_sections(base_url)))


@contextmanager
def opened(args: argparse.Namespace, err: TextIO, *, serve_demo: bool = False) -> Iterator[Any]:
    """Config and cache for a command; with --demo, the demo's (and its server when fetching)."""
    from reader.core.library import open_library

    paths = resolve_paths(args)
    server = None
    if getattr(args, "demo", False):
        server = start_demo(paths) if serve_demo else None
        config = demo_config(paths, server.base_url if server else last_demo_url(paths))
    else:
        config = load_config(paths.config_file)
    store = open_store(paths.database, err)
    library = open_library(paths, config, store=store)
    try:
        yield library
    finally:
        library.close()
        if server is not None:
            server.stop()


def script_view(library: Any, mode: str | None) -> ScriptView:
    config: Config = library.config
    feeds = {f.url: f for s in config.sections for f in s.feeds}
    languages = {state.url: state.language for state in library.store.feed_states()}
    return ScriptView(
        mode=mode or config.settings.script,
        variant=config.settings.traditional_variant,
        feeds=feeds,
        languages=languages,
    )


# ---- output helpers ----


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def listing_json(item: Listing, view: ScriptView) -> dict[str, Any]:
    return {
        "id": item.id,
        "section": view.text(item.section),
        "feed": view.text(item.feed_title, item.feed_url),
        "feed_url": item.feed_url,
        "title": view.text(item.title, item.feed_url),
        "link": item.link,
        "author": view.text(item.author, item.feed_url) if item.author else None,
        "published": iso(item.published),
        "read": item.read,
        "starred": item.starred,
    }


def print_listings(items: Sequence[Listing], view: ScriptView, out: TextIO, as_json: bool) -> None:
    if as_json:
        json.dump([listing_json(i, view) for i in items], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    if not items:
        print("(no articles)", file=out)
        return
    width = shutil.get_terminal_size((100, 24)).columns
    id_width = max(len(str(i.id)) for i in items)
    feed_width = min(
        16, max(cell_len(clean_line(view.text(i.feed_title, i.feed_url))) for i in items)
    )
    for item in items:
        marks = ("★" if item.starred else " ") + (" " if item.read else "●")
        feed = pad_cells(
            truncate_cells(clean_line(view.text(item.feed_title, item.feed_url)), feed_width),
            feed_width,
        )
        head = f"{item.id:>{id_width}} {marks} {local_time(item.published)}  {feed}  "
        title = clean_line(view.text(item.title, item.feed_url))
        print(head + truncate_cells(title, max(20, width - cell_len(head))), file=out)


# ---- commands ----


def cmd_fetch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err, serve_demo=True) as library:
        if args.section and library.config.section(args.section) is None:
            raise CliError(f"no section named {args.section!r} (see `reader sections`)")
        feeds = library.feeds(args.section)
        if not feeds:
            print("no feeds to fetch: add one with `reader add URL --section NAME`", file=err)
            return EXIT_OK

        def progress(done: int, total: int, result: Any) -> None:
            if not args.json and err.isatty():
                err.write(f"\r{done}/{total} feeds")
                err.flush()

        summary = library.refresh(args.section, progress)
        finish_index_rebuild(library.store, err)  # a cron job's fetch completes it too
        if not args.json and err.isatty():
            err.write("\r")
        if args.json:
            json.dump(
                {
                    "ok": len(summary.ok),
                    "not_modified": len(summary.not_modified),
                    "failed": [
                        {"url": r.url, "error": clean_line(r.error or "")} for r in summary.failed
                    ],
                    "new_articles": summary.new_articles,
                    "full_texts": summary.full_texts,
                    "full_text_failures": [clean_line(f) for f in summary.full_text_failures],
                    "feeds": [
                        {
                            "url": r.url,
                            "status": r.status,
                            "error": r.error,
                            "articles": summary.received.get(r.url, 0),
                            "notice": r.notice,
                        }
                        for r in summary.results
                    ],
                },
                out,
                ensure_ascii=False,
                indent=1,
            )
            out.write("\n")
        else:
            print(
                f"{len(summary.ok)} ok, {len(summary.not_modified)} not modified, "
                f"{len(summary.failed)} failed; {summary.new_articles} new articles",
                file=out,
            )
            for result in summary.failed:
                print(
                    f"  failed: {result.url}: {clean_line(result.error or 'unknown error')}",
                    file=out,
                )
            for result in summary.results:
                if result.notice:
                    print(f"  note: {result.url}: {clean_line(result.notice)}", file=out)
            if summary.full_texts or summary.full_text_failures:
                print(
                    f"full text: {summary.full_texts} stories fetched, "
                    f"{len(summary.full_text_failures)} kept their summary",
                    file=out,
                )
                for failure in summary.full_text_failures:
                    print(f"  {clean_line(failure)}", file=out)
        return EXIT_FAILED if summary.failed else EXIT_OK


def _check_section(library: Any, section: str | None) -> None:
    if section is not None and section not in library.store.sections():
        raise CliError(f"no section named {section!r} (see `reader sections`)")


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        _check_section(library, args.section)
        items = library.store.listings(
            args.section, unread_only=args.unread, starred_only=args.starred, limit=args.limit
        )
        print_listings(items, script_view(library, args.script), out, args.json)
    return EXIT_OK


def finish_index_rebuild(store: Store, err: TextIO) -> None:
    """A search index rebuild left by an upgrade (see store_index) is finished here, saying so
    first: the search it precedes must see every article."""
    left = store.index_backlog()
    if not left:
        return
    seconds = max(1, round(left * 0.0003))
    print(
        f"reader: building the search index for this version of reader ({left:,} articles,"
        f" about {seconds} s, once)",
        file=err,
        flush=True,
    )
    while store.catch_up_index():
        pass


def cmd_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        _check_section(library, args.section)
        finish_index_rebuild(library.store, err)
        items = library.store.search(args.query, section=args.section, limit=args.limit)
        print_listings(items, script_view(library, args.script), out, args.json)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err, serve_demo=args.full) as library:
        article = library.store.article(args.id)
        if article is None:
            raise CliError(f"no article with id {args.id} (see `reader list`)", EXIT_FAILED)
        if args.full and not article.full_html:
            from reader.core.refresh.fulltext import FullTextError

            try:
                article = library.full_text(args.id)
            except FullTextError as error:
                print(
                    f"reader: full text not available, showing the feed's text: {error}", file=err
                )
        library.store.set_read([args.id], True)
        view = script_view(library, args.script)
        item = article.listing
        html = article.full_html or article.content_html or article.summary_html
        blocks = html_to_blocks(view.html(html, item.feed_url), base_url=item.link)
        if args.json:
            data = listing_json(item, view)
            data["read"] = True
            data["body"] = blocks_to_text(blocks)
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
            return EXIT_OK
        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        meta = [local_time(item.published), view.text(item.feed_title, item.feed_url)]
        if item.author:
            meta.append(view.text(item.author, item.feed_url))
        print(clean_line(view.text(item.title, item.feed_url)), file=out)
        print(clean_line("  ·  ".join(meta)), file=out)
        if item.link:
            print(clean_line(item.link), file=out)
        print(file=out)
        print(blocks_to_text(blocks, width=width), file=out)
    return EXIT_OK


def cmd_mark(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        if library.store.article(args.id) is None:
            raise CliError(f"no article with id {args.id}", EXIT_FAILED)
        if args.action in ("read", "unread"):
            library.store.set_read([args.id], args.action == "read")
        else:
            library.store.set_starred(args.id, args.action == "star")
        print(f"{args.id}: {args.action}", file=out)
    return EXIT_OK


def _user_only(args: argparse.Namespace, what: str) -> None:
    if getattr(args, "demo", False):
        raise CliError(f"the demo's feeds are fixed: {what} works on your own config")


def cmd_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.core.config import add_feeds

    _user_only(args, "add")
    url = args.url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}")
    paths = resolve_paths(args)
    _, skipped = add_feeds(paths.config_file, args.section, [FeedConfig(url=url, title=args.title)])
    if skipped:
        print(f"already there: {url}", file=out)
    else:
        print(f"added {url} to {args.section}; `reader fetch` to read it", file=out)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.core.config import remove_feed

    _user_only(args, "remove")
    try:
        remove_feed(resolve_paths(args).config_file, args.url)
    except KeyError:
        raise CliError(f"no feed {args.url} in the config", EXIT_FAILED) from None
    print(f"removed {args.url} (its cached articles stay until pruned)", file=out)
    return EXIT_OK


def cmd_sections(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        counts = library.store.unread_counts()
        for section in library.config.sections:
            print(f"{clean_line(section.name)}  ({counts.get(section.name, 0)} unread)", file=out)
            states = {s.url: s for s in library.store.feed_states(section.name)}
            for feed in section.feeds:
                state = states.get(feed.url)
                status = ""
                if state and state.last_status == "failed":
                    status = f"  [failed: {clean_line(state.last_error or '')}]"
                title = feed.title or (state.title if state else None) or ""
                print(f"  {clean_line(title)}  {feed.url}{status}", file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.core.config import add_feeds
    from reader.core.feeds.opml import read_opml

    _user_only(args, "import")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}", EXIT_FAILED) from None
    result = read_opml(data)
    paths = resolve_paths(args)
    added = 0
    duplicates: list[str] = []
    for section in result.sections:
        _, skipped = add_feeds(paths.config_file, section.name, section.feeds)
        added += len(section.feeds) - len(skipped)
        duplicates += skipped
    print(f"imported {added} feeds in {len(result.sections)} sections", file=out)
    for url in duplicates:
        print(f"  skipped (already there): {url}", file=out)
    for reason in result.skipped:
        print(f"  skipped: {clean_line(reason)}", file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.core.feeds.opml import write_opml

    paths = resolve_paths(args)
    config = load_config(paths.config_file)
    data = write_opml(config.sections)
    if args.file:
        args.file.write_bytes(data)
        print(f"wrote {sum(len(s.feeds) for s in config.sections)} feeds to {args.file}", file=out)
    else:
        out.write(data.decode("utf-8"))
    return EXIT_OK


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


def cmd_tui(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.ui.launch import run_tui

    return run_tui(args, err)


def cmd_extract(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.cli import extract as cli_extract
    return cli_extract.run(args, out)


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
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
