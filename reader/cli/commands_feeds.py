"""Commands that change what is read: fetch into the cache; add, remove, import, export feeds."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from reader.cli.errors import EXIT_FAILED, EXIT_OK, CliError
from reader.cli.setup import finish_index_rebuild, opened, resolve_paths
from reader.core.config import load_config, write_atomic
from reader.core.feeds.subscriptions import add_feeds, remove_feed
from reader.core.library import Library, SyncError, is_exec_url, notify_new_articles
from reader.core.model import ArticleMark, FeedConfig, Section
from reader.core.text.cells import clean_line


def cmd_fetch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err, serve_demo=True) as library:
        if library.config.sync is not None:
            return fetch_synced(args, library, out, err)
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
        finish_index_rebuild(library, err)  # a cron job's fetch completes it too
        announce_new_articles(library, summary.new_articles, err)
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


def fetch_synced(args: argparse.Namespace, library: Library, out: TextIO, err: TextIO) -> int:
    """`reader fetch` with a sync server: push waiting marks, pull everything (the server fetches
    the feeds, so --section cannot narrow it); one line and exit 1 when the server fails."""
    summary = library.refresh(None)
    finish_index_rebuild(library, err)
    announce_new_articles(library, summary.new_articles, err)
    report = library.last_sync
    assert report is not None
    if args.json:
        sync = {
            "service": report.service,
            "pulled": report.pulled,
            "pushed": report.pushed,
            "pending": report.pending,
        }
        payload: dict[str, Any] = {
            "ok": len(summary.ok),
            "not_modified": 0,
            "failed": [{"url": r.url, "error": clean_line(r.error or "")} for r in summary.failed],
            "new_articles": summary.new_articles,
            "full_texts": 0,
            "full_text_failures": [],
            "feeds": [
                {"url": r.url, "status": r.status, "error": r.error} for r in summary.results
            ],
            "sync": sync if report.error is None else {**sync, "error": clean_line(report.error)},
        }
        json.dump(payload, out, ensure_ascii=False, indent=1)
        out.write("\n")
    if report.error is not None:
        pending = f" ({report.pending} changes wait)" if report.pending else ""
        print(f"sync failed: {clean_line(report.error)}{pending}", file=err)
        return EXIT_FAILED
    if not args.json:
        print(
            f"synced with {library.sync_server_name()}: {report.pulled} pulled, "
            f"{report.pushed} pushed, {report.pending} pending; "
            f"{summary.new_articles} new articles",
            file=out,
        )
    return EXIT_OK


def sync_subscribe(args: argparse.Namespace, urls: list[str], section: str | None) -> list[str]:
    """Subscribe on the sync server; CliError (exit 1) with the server's reason."""
    with opened(args, io.StringIO()) as library:
        try:
            return library.subscribe(urls, section)
        except SyncError as error:
            raise CliError(clean_line(str(error)), EXIT_FAILED) from None


def synced(args: argparse.Namespace) -> bool:
    """Whether the user's config names a sync server (then feeds live on the server)."""
    return load_config(resolve_paths(args).config_file).sync is not None


def user_config_only(args: argparse.Namespace, what: str) -> None:
    """Commands that edit the config refuse --demo: the demo's feeds are built in."""
    if getattr(args, "demo", False):
        raise CliError(f"the demo's feeds are fixed: {what} works on your own config")


def cmd_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    user_config_only(args, "add")
    url = args.url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}")
    if synced(args):
        for note in sync_subscribe(args, [url], args.section):
            print(f"  note: {note}", file=out)
        print(f"subscribed to {url} on the sync server; `reader fetch` to read it", file=out)
        return EXIT_OK
    paths = resolve_paths(args)
    _, skipped = add_feeds(paths.config_file, args.section, [FeedConfig(url=url, title=args.title)])
    if skipped:
        print(f"already there: {url}", file=out)
    else:
        print(f"added {url} to {args.section}; `reader fetch` to read it", file=out)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    user_config_only(args, "remove")
    if synced(args):
        with opened(args, err) as library:
            try:
                library.unsubscribe(args.url)
            except SyncError as error:
                raise CliError(clean_line(str(error)), EXIT_FAILED) from None
        print(f"unsubscribed from {args.url} on the sync server", file=out)
        return EXIT_OK
    try:
        remove_feed(resolve_paths(args).config_file, args.url)
    except KeyError:
        raise CliError(f"no feed {args.url} in the config", EXIT_FAILED) from None
    print(f"removed {args.url} (its cached articles stay until pruned)", file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.core.feeds.opml import read_opml

    if args.state is not None:
        if args.file is not None:
            raise CliError("give an OPML file or --state FILE, not both")
        return import_state(args, out, err)
    if args.file is None:
        raise CliError("give an OPML file to import (or --state FILE for read and star marks)")
    user_config_only(args, "import")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}", EXIT_FAILED) from None
    result = read_opml(data)
    if synced(args):
        count = 0
        for section in result.sections:
            urls = [feed.url for feed in section.feeds]
            for note in sync_subscribe(args, urls, section.name):
                print(f"  note: {note}", file=out)
            count += len(urls)
        print(f"subscribed to {count} feeds on the sync server", file=out)
        return EXIT_OK
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

    if args.state is not None:
        if args.file is not None:
            raise CliError("give an OPML file or --state FILE, not both")
        return export_state(args, out, err)
    paths = resolve_paths(args)
    config = load_config(paths.config_file)
    sections = config.sections
    if config.sync is not None:  # the sync server's subscriptions, as last pulled
        with opened(args, err) as library:
            sections = tuple(
                Section(name, tuple(library.feeds(name))) for name in library.section_names()
            )
    # exec: feeds run programs on this machine: they stay out of a file meant for other readers.
    programs = sum(is_exec_url(feed.url) for section in sections for feed in section.feeds)
    if programs:
        sections = tuple(
            Section(s.name, tuple(f for f in s.feeds if not is_exec_url(f.url))) for s in sections
        )
        print(f"reader: left out {programs} exec: feeds (they run programs here)", file=err)
    data = write_opml(sections)
    if args.file:
        args.file.write_bytes(data)
        print(f"wrote {sum(len(s.feeds) for s in sections)} feeds to {args.file}", file=out)
    else:
        out.write(data.decode("utf-8"))
    return EXIT_OK


# ---- read and star marks between machines (issue 17) ------------------------------------------

STATE_FORMAT = "reader-read-state"
STATE_VERSION = 1


def export_state(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`reader export --state FILE`: every cached article's read and star marks as JSON."""
    with opened(args, err) as library:
        marks = library.store.article_marks()
    document = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": [
            {"feed": m.feed_url, "guid": m.entry_id, "read": m.read, "starred": m.starred}
            for m in marks
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if str(args.state) == "-":
        out.write(text)
        return EXIT_OK
    try:
        write_atomic(args.state, text)
    except OSError as exc:
        raise CliError(f"cannot write {args.state}: {exc.strerror or exc}", EXIT_FAILED) from None
    starred = sum(m.starred for m in marks)
    print(
        f"wrote the marks of {len(marks)} articles ({sum(m.read for m in marks)} read, "
        f"{starred} starred) to {args.state}",
        file=out,
    )
    return EXIT_OK


def read_state_file(path: Path) -> list[ArticleMark]:
    """The marks in a file `export --state` wrote; CliError (exit 2) saying what is wrong."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: not a read-state file (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise CliError(f"{path}: not a read-state file (`reader export --state` writes one)")
    version = data.get("version")
    if version != STATE_VERSION:
        raise CliError(f"{path}: read-state version {version!r} is not one this reader knows (1)")
    items = data.get("articles")
    if not isinstance(items, list):
        raise CliError(f"{path}: 'articles' must be a list")
    marks = []
    for number, item in enumerate(items, 1):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("feed"), str)
            and isinstance(item.get("guid"), str)
            and isinstance(item.get("read"), bool)
            and isinstance(item.get("starred"), bool)
        ):
            raise CliError(
                f"{path}: article {number}: expected feed and guid (text), read and starred "
                "(true or false)"
            )
        marks.append(ArticleMark(item["feed"], item["guid"], item["read"], item["starred"]))
    return marks


def import_state(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`reader import --state FILE`: apply the marks by feed URL and GUID; the whole file is
    checked before anything changes, and marks of articles not cached here are only counted."""
    marks = read_state_file(args.state)
    with opened(args, err) as library:
        done = library.store.import_marks(marks)
        waiting = library.store.pending_count() if library.config.sync is not None else 0
    print(
        f"marks applied: {done.changed} articles changed, {done.unchanged} already so, "
        f"{done.unknown} not in this cache",
        file=out,
    )
    if waiting:
        print(f"  {waiting} changes wait to be sent to the sync server", file=out)
    return EXIT_OK


def announce_new_articles(library: Library, count: int, err: TextIO) -> None:
    """Run notify_command after a fetch that brought articles (issue 17); its error on stderr."""
    error = notify_new_articles(library, count)
    if error is not None:
        print(f"reader: notify_command failed: {clean_line(error)}", file=err)
