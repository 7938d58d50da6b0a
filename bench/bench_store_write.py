"""Time storing new feeds: 200 feeds x 30 items from bench/feedgen.py into a fresh cache.

Parsing happens first and is not timed; then every feed goes through `Store.record_fetch` as a
cold refresh does, and the CPU and wall seconds of that alone are printed, with the
per-article cost. `--prepared` hands the store results whose articles already carry the
values a parse worker computes (digest, packed bodies, index words), timing that part too.

    .venv/bin/python -m bench.bench_store_write [--feeds 200] [--items 30] [--prepared]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.feedgen import rss_feed
from reader.core.feeds.parse import parse_feed
from reader.core.model import FetchResult, Validators
from reader.core.store.database import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--prepared", action="store_true")
    args = parser.parse_args()

    results = []
    for index in range(args.feeds):
        url = f"http://127.0.0.1/feed{index}.xml"
        parsed = parse_feed(rss_feed(index, args.items), url)
        results.append(
            FetchResult(
                url,
                "ok",
                parsed.articles,
                Validators(body_hash=str(index)),
                feed_title=parsed.title,
            )
        )
    prepare_cpu = 0.0
    if args.prepared:
        from dataclasses import replace

        from reader.core.store.prepare import prepare

        started = time.process_time()
        results = [replace(r, articles=tuple(prepare(a) for a in r.articles)) for r in results]
        prepare_cpu = time.process_time() - started
    articles = sum(len(r.articles) for r in results)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cache.sqlite")
        now = datetime.now(UTC)
        cpu, wall = time.process_time(), time.perf_counter()
        added = sum(store.record_fetch(result, now) for result in results)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        store.close()
    assert added == articles, (added, articles)
    print(
        f"{args.feeds} feeds, {articles} new articles: store {wall:.2f} s wall, {cpu:.2f} s CPU"
        f" ({cpu / articles * 1000:.3f} ms CPU per article)"
        + (
            f"; prepare in workers {prepare_cpu:.2f} s CPU"
            f" ({prepare_cpu / articles * 1000:.3f} ms per article)"
            if args.prepared
            else ""
        )
    )


if __name__ == "__main__":
    main()
