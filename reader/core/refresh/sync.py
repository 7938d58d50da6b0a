"""A refresh from an aggregator server: push waiting marks, then pull its categories, feeds,
new articles and read/star state into the cache, where they read as direct feeds do.

Local changes go first, so the server's state pulled afterwards already holds them; one still
waiting (the push failed part-way) wins over the server's state until it is sent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from reader.core.backends.sync_source import RemoteArticle, RemoteFeed, SyncError, SyncSource
from reader.core.model import Article, FeedConfig, FetchResult, Section
from reader.core.refresh.pipeline import ProgressCallback, RefreshSummary
from reader.core.store.database import Store

UNCATEGORISED = "Uncategorized"


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did, for `reader fetch --json` and the status line."""

    service: str
    pulled: int = 0  # articles received (new or changed)
    pushed: int = 0  # waiting changes the server took
    pending: int = 0  # changes still waiting (the server could not be reached)
    error: str | None = None  # why the sync stopped, one line


def server_sections(categories: dict[int, str], feeds: list[RemoteFeed]) -> tuple[Section, ...]:
    """Sections from the server's categories, in its order, with their feeds (uncategorised
    feeds in one section); categories without feeds are left out, as empty tabs help no one."""
    by_category: dict[str, list[FeedConfig]] = defaultdict(list)
    for feed in feeds:
        name = categories.get(feed.category_id or 0) or UNCATEGORISED
        by_category[name].append(FeedConfig(url=feed.url, title=feed.title))
    order = [*categories.values(), UNCATEGORISED]
    names = sorted(by_category, key=lambda name: order.index(name) if name in order else len(order))
    return tuple(Section(name, tuple(by_category[name])) for name in names)


def push_changes(store: Store, source: SyncSource) -> int:
    """Send every waiting change, one call per field and value; return how many were sent."""
    changes = store.pending_changes()
    if not changes:
        return 0
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for change in changes:
        if not change.remote_id.isdigit():
            continue  # not a server article: nothing to tell it
        if change.read is not None:
            groups["read", change.read].append(int(change.remote_id))
        if change.starred is not None:
            groups["starred", change.starred].append(int(change.remote_id))
    for (field, value), ids in groups.items():
        source.mark(ids, "read" if field == "read" else "starred", value)
    store.changes_sent(changes)
    return len(changes)


def _article(remote: RemoteArticle, feed_url: str) -> Article:
    return Article(
        feed_url=feed_url,
        entry_id=str(remote.id),
        title=remote.title,
        link=remote.link,
        author=remote.author,
        published=remote.published,
        content_html=remote.content_html,
    )


def pull(store: Store, source: SyncSource, progress: ProgressCallback | None) -> tuple[int, int]:
    """Categories, feeds, articles since the last pull and the read/star state; returns
    (articles received, new in the cache)."""
    categories = {c.id: c.title for c in source.categories()}
    feeds = source.feeds()
    store.sync_feeds(server_sections(categories, feeds))
    url_of = {feed.id: feed.url for feed in feeds}
    since = store.sync_cursor()
    highest = since
    received = added = 0
    for page in source.articles_since(since):
        by_feed: dict[str, list[Article]] = defaultdict(list)
        for remote in page:
            highest = max(highest, remote.id)
            url = url_of.get(remote.feed_id)
            if url is not None:  # an article of a feed since unsubscribed
                by_feed[url].append(_article(remote, url))
        results = [
            FetchResult(url=url, status="ok", articles=tuple(a)) for url, a in by_feed.items()
        ]
        added += sum(store.record_fetches(results, datetime.now(UTC)))
        received += len(page)
        if progress is not None and results:
            progress(received, received, results[-1])
    # The cursor moves only once every page is stored: pages come oldest first by date, which
    # is not id order, and an id stored early must not hide a lower one still to come.
    store.set_sync_cursor(highest)
    store.apply_server_marks(list(url_of.values()), source.unread_ids(), source.starred_ids())
    return received, added


def sync_with_server(
    store: Store, source: SyncSource, progress: ProgressCallback | None = None
) -> tuple[RefreshSummary, SyncReport]:
    """One sync; never raises for the server's problems: they come back as one failed result
    (the server's address) and the report's error."""
    summary = RefreshSummary()
    pushed = 0
    try:
        source.login()
        store.set_sync_service(source.service)
        pushed = push_changes(store, source)
        received, added = pull(store, source, progress)
    except SyncError as error:
        message = str(error)
        summary.results.append(FetchResult(url=source.service, status="failed", error=message))
        return summary, SyncReport(
            source.service, pushed=pushed, pending=store.pending_count(), error=message
        )
    summary.new_articles = added
    for state in store.feed_states():
        summary.results.append(FetchResult(url=state.url, status="ok"))
    report = SyncReport(
        source.service, pulled=received, pushed=pushed, pending=store.pending_count()
    )
    return summary, report
