"""Per-item CPU of feed parsing (the feedparser path and the lxml fast path) and of Article.text.

    .venv/bin/python -m bench.bench_parse [--feeds 40] [--items 30]

Prints CPU microseconds per item (process time, best of three) for: parse_feed through
feedparser, parse_feed through the fast path, and the plain text of the bodies with
plain.html_to_plain and with plain_fast.html_to_plain. Uses bench/feedgen.py feeds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from lxml import etree

from bench.feedgen import rss_feed
from reader.core.feeds import parse
from reader.core.text.plain import html_to_plain as full_html_to_plain
from reader.core.text.plain_fast import html_to_plain as fast_html_to_plain


def cpu_per_item(work: Callable[[], object], items: int, repeats: int = 3) -> float:
    """Best-of-`repeats` process CPU time of `work`, in microseconds per item."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best / items * 1e6


def parse_all(feeds: list[bytes], fast: bool) -> None:
    parse.FAST_PATH = fast
    try:
        for index, body in enumerate(feeds):
            parse.parse_feed(body, f"http://127.0.0.1/feed{index}.xml")
    finally:
        parse.FAST_PATH = True


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--feeds", type=int, default=40)
    options.add_argument("--items", type=int, default=30)
    arguments = options.parse_args()
    feeds = [rss_feed(index, arguments.items) for index in range(arguments.feeds)]
    bodies = [
        element.text or ""
        for body in feeds
        for element in etree.fromstring(body).iter("description")
    ]
    items = len(bodies)
    parse_all(feeds[:2], True), parse_all(feeds[:2], False)  # warm imports and caches
    rows = [
        (
            "parse_feed, feedparser path",
            cpu_per_item(lambda: parse_all(feeds, False), items),
        ),
        ("parse_feed, fast path", cpu_per_item(lambda: parse_all(feeds, True), items)),
        (
            "text: plain.html_to_plain",
            cpu_per_item(lambda: [full_html_to_plain(b) for b in bodies], items),
        ),
        (
            "text: plain_fast.html_to_plain",
            cpu_per_item(lambda: [fast_html_to_plain(b) for b in bodies], items),
        ),
    ]
    print(f"{arguments.feeds} feeds x {arguments.items} items ({items} items), CPU per item:")
    print("| what | µs per item |\n| --- | ---: |")
    for label, micros in rows:
        print(f"| {label} | {micros:.0f} |")


if __name__ == "__main__":
    main()
