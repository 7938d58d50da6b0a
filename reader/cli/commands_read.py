"""Commands that read the cache: list, show, search, mark and sections."""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from reader.cli.errors import EXIT_FAILED, EXIT_OK, CliError
from reader.cli.output import listing_json, print_listings, script_view
from reader.cli.setup import finish_index_rebuild, opened
from reader.core.library import (
    Library,
    QuerySyntaxError,
    full_text_or_reason,
    query_words,
    snippet,
)
from reader.core.model import PageMeta
from reader.core.script.shown import shown_article
from reader.core.script.view import ScriptView
from reader.core.text.blocks import html_to_blocks
from reader.core.text.cells import clean_line
from reader.core.text.plain import blocks_to_text

if TYPE_CHECKING:
    from reader.core.store.query.compile import CompiledQuery


def check_section(library: Library, section: str | None) -> None:
    """A section the cache does not know is a usage error, not an empty list."""
    known = section is None or section in library.store.sections()
    if not known and section not in library.query_sections():
        raise CliError(f"no section named {section!r} (see `reader sections`)")


def scoped(library: Library, section: str | None, query: str | None) -> tuple[str | None, str]:
    """(feed section, query text) for `--section` and a query: a [[query]] section's query is
    joined to the user's, and then no feed section limits it."""
    saved = library.query_sections().get(section) if section is not None else None
    if saved is None:
        return section, query or ""
    if query is not None:
        compiled_query(library, query)  # alone first: an error's column is in what was typed
    return None, f"({saved}) {query or ''}"


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        check_section(library, args.section)
        section, text = scoped(library, args.section, args.query)
        if args.query is not None or section != args.section:
            # Checked alone first, so an error's column is a column of what the user typed.
            compiled_query(library, text)
            marks = " is:unread" * args.unread + " is:starred" * args.starred
            finish_index_rebuild(library, err)
            query = compiled_query(library, text + marks)
            items = library.store.query_listings(
                query, section=section, limit=args.limit, include_hidden=args.all
            )
        else:
            items = library.store.listings(
                section,
                unread_only=args.unread,
                starred_only=args.starred,
                limit=args.limit,
                include_hidden=args.all,
                one_row_per_story=not args.all,
            )
        view = script_view(library, args.script)
        if not args.json:
            print_listings(items, view, out, False)
            return EXIT_OK
        rows = [
            listing_json(item, view) | {"hidden": item.hidden, "highlighted": item.highlighted}
            for item in items
        ]
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    return EXIT_OK


def compiled_query(library: Library, text: str) -> CompiledQuery:
    """The query language's `text` as the store runs it; a syntax error is a usage error."""
    try:
        return library.store.compile_query(
            text, now=datetime.now(UTC), zone=library.config.settings.zone
        )
    except QuerySyntaxError as error:
        raise CliError(f"bad query {text!r}: {error}") from None


def cmd_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        check_section(library, args.section)
        compiled_query(library, args.query)  # alone first: an error's column is in what was typed
        section, text = scoped(library, args.section, args.query)
        query = compiled_query(library, text)
        finish_index_rebuild(library, err)
        items = library.store.query_listings(query, section=section, limit=args.limit)
        view = script_view(library, args.script)
        if not args.json:
            print_listings(items, view, out, False)
            return EXIT_OK
        words = query_words(args.query)
        rows = []
        for item in items:
            row = listing_json(item, view)
            stored = library.store.article(item.id)
            text = stored.text if stored else ""
            row["snippet"] = view.text(snippet(text, words), item.feed_url)
            rows.append(row)
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err, serve_demo=args.full) as library:
        article = library.store.article(args.id)
        if article is None:
            raise CliError(f"no article with id {args.id} (see `reader list`)", EXIT_FAILED)
        if args.full and not article.full_html:
            fetched = full_text_or_reason(library, args.id)
            if isinstance(fetched, str):
                print(
                    f"reader: full text not available, showing the feed's text: {fetched}",
                    file=err,
                )
            else:
                article = fetched
        library.store.set_read([args.id], True)
        view = script_view(library, args.script)
        if args.markdown:  # issue 17: the Markdown `S` saves
            out.write(shown_article(article, view, library.config.settings.zone).markdown())
            return EXIT_OK
        item = article.listing
        html = article.shown_html()
        page_meta = article.shown_page_meta()
        blocks = html_to_blocks(view.html(html, item.feed_url), base_url=item.link)
        if args.json:
            data = listing_json(item, view)
            data["read"] = True
            data["page"] = page_meta_json(page_meta, view, item.feed_url) if page_meta else None
            data["body"] = blocks_to_text(blocks)
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
            return EXIT_OK
        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        published, feed, author = view.byline(item)
        meta = [published or "—", feed, *([author] if author else [])]
        print(clean_line(view.text(item.title, item.feed_url)), file=out)
        print(clean_line("  ·  ".join(meta)), file=out)
        page_line = page_meta.display_line() if page_meta else ""
        if page_line:
            print(clean_line(view.text(page_line, item.feed_url)), file=out)
        if item.link:
            print(clean_line(item.link), file=out)
        print(file=out)
        print(blocks_to_text(blocks, width=width), file=out)
    return EXIT_OK


def page_meta_json(meta: PageMeta, view: ScriptView, feed_url: str) -> dict[str, Any]:
    """What the web page says about the story, for `show --json`, in the view's script."""
    fields: dict[str, Any] = meta.to_json()
    for key in ("source", "author", "editor", "chief_editor", "original_title"):
        if fields[key]:
            fields[key] = view.text(fields[key], feed_url)
    return fields


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


def cmd_sections(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with opened(args, err) as library:
        counts = library.store.unread_counts()
        server = library.sync_server_name()
        if server is not None:
            print(f"synced with {clean_line(server)}", file=out)
            for name in library.section_names():
                print(f"{clean_line(name)}  ({counts.get(name, 0)} unread)", file=out)
                for synced_feed in library.store.feed_states(name):
                    print(f"  {clean_line(synced_feed.title or '')}  {synced_feed.url}", file=out)
            print_query_sections(library, out)
            return EXIT_OK
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
        print_query_sections(library, out)
    return EXIT_OK


def print_query_sections(library: Library, out: TextIO) -> None:
    """The [[query]] sections after the feed sections: name, unread count, query."""
    for name, text in library.query_sections().items():
        unread = library.store.query_count(compiled_query(library, text), unread_only=True)
        print(f"{clean_line(name)}  ({unread} unread)", file=out)
        print(f"  query: {clean_line(text)}", file=out)
