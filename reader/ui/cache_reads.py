"""What the main screen's workers read from the cache: a page of the list and the counts,
both ready to post as messages (blocking: call them in a thread)."""

from __future__ import annotations

from datetime import datetime

from reader.core.library import Library
from reader.core.script.view import ScriptView
from reader.ui.article_text import make_rows
from reader.ui.messages import CountsLoaded, ListingsLoaded
from reader.ui.widgets.section_tabs import STARRED, query_key, query_name


def section_keys(library: Library) -> list[str]:
    """The tabs' section keys: feed sections, then [[query]] sections, then ★."""
    queries = [query_key(name) for name in library.query_sections()]
    return [*library.store.sections(), *queries, STARRED]


def read_page(
    library: Library,
    view: ScriptView,
    now: datetime,
    ui_language: str,
    section: str,
    offset: int,
    keep_id: int | None,
    limit: int,
    order: str = "newest",
    unread_only: bool = False,
    current_id: int | None = None,
) -> ListingsLoaded:
    """A page of `section`'s listings in `order` as rows in the view's script; `keep_id` is
    dropped when that article is not on the page. With `unread_only` (issue 17's `h`), read
    articles are left out but the one the reader is on (`current_id`, else `keep_id`)."""
    store = library.store
    name = query_name(section)
    saved = library.query_sections().get(name) if name is not None else None
    also = current_id if current_id is not None else keep_id
    if saved is not None:  # a [[query]] section: its query over every section
        query = store.compile_query(saved, now=now, zone=library.config.settings.zone)
        listings = store.query_listings(
            query,
            limit=limit,
            offset=offset,
            order=order,
            unread_only=unread_only,
            also_id=also,
        )
        total = store.query_count(query, unread_only=unread_only, also_id=also)
    else:
        starred = section == STARRED
        name = None if starred else section
        listings = store.listings(
            name,
            starred_only=starred,
            unread_only=unread_only,
            also_id=also,
            limit=limit,
            offset=offset,
            order=order,
        )
        total = store.count(name, starred_only=starred, unread_only=unread_only, also_id=also)
    if keep_id is not None and all(item.id != keep_id for item in listings):
        keep_id = None
    rows = make_rows(listings, view, now, ui_language)
    return ListingsLoaded(section, offset, rows, total, keep_id)


def mark_section_read(library: Library, section: str, now: datetime) -> int:
    """Mark a feed section's articles read, or a [[query]] section's; how many were unread."""
    name = query_name(section)
    saved = library.query_sections().get(name) if name is not None else None
    if saved is None:
        return library.store.mark_section_read(section)
    store = library.store
    return store.mark_query_read(
        store.compile_query(saved, now=now, zone=library.config.settings.zone)
    )


def read_counts(library: Library, view: ScriptView, now: datetime) -> CountsLoaded:
    """Unread counts (the [[query]] sections' too), section names in the view's script, failed
    feeds and the last fetch."""
    store = library.store
    counts = store.unread_counts()
    names = {name: view.text(name) for name in counts}
    zone = library.config.settings.zone
    for name, saved in library.query_sections().items():
        query = store.compile_query(saved, now=now, zone=zone)
        counts[query_key(name)] = store.query_count(query, unread_only=True)
        names[query_key(name)] = view.text(name)
    states = store.feed_states()
    failed = sum(1 for state in states if state.last_status == "failed")
    fetched = [state.last_fetched for state in states if state.last_fetched is not None]
    return CountsLoaded(counts, failed, names, max(fetched) if fetched else None)
