"""CPU per article of each stage of a cold refresh, on both feed shapes, in one process.

    python -m bench.profile_refresh [--feeds 200] [--items 30] [--shapes description,content]

Stages: download (libcurl from a loopback server, no latency), decode, XML (the fast path),
article build, HTML to text (the index's `plain_text`), index words (`index_form`), zlib
(`pack`), digest, pickling a parse worker's result both ways, and SQLite (storing prepared
feeds into a fresh cache). Each is timed alone with `time.process_time` (best of --repeats),
so the figures hold on a loaded machine far better than wall time; they are per article, in
microseconds. Also answers whether the summary is indexed or packed again when the body holds it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.feedgen import SHAPES, BenchServer, rss_feed
from reader.core.feeds.fast import read_feed
from reader.core.feeds.items import drafts_from_entries
from reader.core.feeds.parse import parse_feed
from reader.core.feeds.utf8_xml import as_is_utf8_xml
from reader.core.model import FetchResult, Validators
from reader.core.refresh.parse_pool import PreparedFeed, parse_for_store
from reader.core.store.codec import pack
from reader.core.store.database import Store
from reader.core.store.prepare import article_digest
from reader.core.store.search import (
    article_text,
    article_words,
    index_form,
    index_form_utf8,
    index_words,
)

SHANGHAI = parse_feed.__kwdefaults__["default_tz"]


def best_cpu(work: Callable[[], object], repeats: int) -> float:
    """Best-of-`repeats` process CPU seconds of `work`."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def download_cpu(feeds: int, items: int, shape: str, repeats: int) -> float:
    """CPU of fetching every feed once through the http backend (what `reader fetch` uses)."""
    from reader.core.backends.http import HttpBackend

    server = BenchServer(feeds, items, 0.0, validators=False, shape=shape)
    try:

        async def fetch_all() -> None:
            backend = HttpBackend()
            async with backend.session() as session:
                limit = asyncio.Semaphore(16)

                async def one(index: int) -> None:
                    async with limit:
                        await session.fetch(server.url(index), Validators())

                await asyncio.gather(*(one(i) for i in range(feeds)))

        return best_cpu(lambda: asyncio.run(fetch_all()), repeats)
    finally:
        server.stop()


def store_cpu(prepared: list[PreparedFeed], urls: list[str], repeats: int) -> float:
    """CPU of writing the prepared feeds into a fresh cache, 16 feeds a transaction."""
    best = float("inf")
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(Path(tmp) / "cache.sqlite3")
            results = [
                FetchResult(
                    url, "ok", articles=feed.articles, validators=Validators("e", None, "h")
                )
                for url, feed in zip(urls, prepared, strict=True)
            ]
            now = datetime.now(UTC)
            started = time.process_time()
            for start in range(0, len(results), 16):
                store.record_fetches(results[start : start + 16], now)
            best = min(best, time.process_time() - started)
            store.close()
    return best


def profile_shape(shape: str, args: argparse.Namespace) -> dict[str, float]:
    urls = [f"http://127.0.0.1/feed{i}.xml" for i in range(args.feeds)]
    bodies = [rss_feed(i, args.items, shape=shape) for i in range(args.feeds)]
    parsed = [parse_feed(body, url) for body, url in zip(bodies, urls, strict=True)]
    articles = [article for feed in parsed for article in feed.articles]
    count = len(articles)
    index_form("")  # the translate table, built once per process
    repeats = args.repeats
    datas = [as_is_utf8_xml(body) or b"" for body in bodies]
    read = [read_feed(data, "http://127.0.0.1/", SHANGHAI) for data in datas]
    texts = [(a.title, article_text(a.summary_html, a.content_html)) for a in articles]
    prepared = [parse_for_store(body, url) for body, url in zip(bodies, urls, strict=True)]
    stages: dict[str, float] = {}
    if not args.no_download:
        stages["download (libcurl)"] = download_cpu(args.feeds, args.items, shape, repeats)
    stages["decode"] = best_cpu(lambda: [as_is_utf8_xml(body) for body in bodies], repeats)
    stages["XML (lxml fast path)"] = best_cpu(
        lambda: [read_feed(data, "http://127.0.0.1/", SHANGHAI) for data in datas], repeats
    )

    def build() -> None:
        for (feed, entries), url in zip(read, urls, strict=True):  # type: ignore[misc]
            for draft in drafts_from_entries(feed, entries, url, url, SHANGHAI)[2]:
                draft.finish()

    stages["article build"] = best_cpu(build, repeats)
    stages["parse_feed in all"] = best_cpu(
        lambda: [parse_feed(body, url) for body, url in zip(bodies, urls, strict=True)], repeats
    )
    stages["HTML to text (index)"] = best_cpu(
        lambda: [article_text(a.summary_html, a.content_html) for a in articles], repeats
    )
    stages["index words, UTF-8 (what prepare does)"] = best_cpu(
        lambda: [index_form_utf8(f"{title}\n{text}") for title, text in texts], repeats
    )
    stages["index words as str (rebuilds)"] = best_cpu(
        lambda: [index_words(title, text) for title, text in texts], repeats
    )
    stages["  + .encode() (the old prepare)"] = (
        best_cpu(lambda: [index_words(title, text).encode() for title, text in texts], repeats)
        - stages["index words as str (rebuilds)"]
    )
    stages["zlib (pack both bodies)"] = best_cpu(
        lambda: [(pack(a.summary_html), pack(a.content_html)) for a in articles], repeats
    )
    stages["digest"] = best_cpu(lambda: [article_digest(a) for a in articles], repeats)
    stages["prepare in all"] = (
        best_cpu(
            lambda: [parse_for_store(b, u) for b, u in zip(bodies, urls, strict=True)], repeats
        )
        - stages["parse_feed in all"]
    )
    pickled = [pickle.dumps(feed, pickle.HIGHEST_PROTOCOL) for feed in prepared]
    stages["pickle dumps"] = best_cpu(
        lambda: [pickle.dumps(feed, pickle.HIGHEST_PROTOCOL) for feed in prepared], repeats
    )
    stages["pickle loads"] = best_cpu(lambda: [pickle.loads(data) for data in pickled], repeats)
    stages["SQLite (record_fetches)"] = store_cpu(prepared, urls, repeats)
    per_article = {name: seconds / count * 1e6 for name, seconds in stages.items()}
    sizes: dict[str, float] = {
        "articles": count,
        "pickled KB per article": sum(map(len, pickled)) / count / 1024,
        "words KB per article": sum(len(p.stored.words) for f in prepared for p in f.articles)
        / count
        / 1024,
        # Is the summary indexed again when the body holds the story? Articles with both whose
        # index words differ from the body's alone (0: the index reads the body only).
        "articles whose summary adds index words": sum(
            1
            for a in articles
            if a.content_html
            and a.summary_html
            and article_words(a.title, a.summary_html, a.content_html)
            != article_words(a.title, "", a.content_html)
        ),
        "packed summary bytes per article": sum(len(pack(a.summary_html)) for a in articles)
        / count,
    }
    return {**per_article, **{f"[{k}]": v for k, v in sizes.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--no-download", action="store_true")
    args = parser.parse_args(argv)
    shapes = [shape for shape in args.shapes.split(",") if shape]
    columns: dict[str, dict[str, Any]] = {shape: profile_shape(shape, args) for shape in shapes}
    print(f"load average {os.getloadavg()[0]:.2f}; us CPU per article (best of {args.repeats})\n")
    print("| stage | " + " | ".join(shapes) + " |")
    print("| --- |" + " ---: |" * len(shapes))
    for name in columns[shapes[0]]:
        cells = " | ".join(f"{columns[shape][name]:.1f}" for shape in shapes)
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
