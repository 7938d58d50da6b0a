"""Benchmark issue 17's list orders and the unread filter on the 100,000-article cache of
bench_store.py: a section's first page (200 rows, as the TUI reads it) and its count, in
every order, with and without hiding read articles (keeping the current one).

    .venv/bin/python bench/bench_list_orders.py [--dir DIR] [--articles N] [--feeds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_store import SECTION_NAMES, build, timed  # noqa: E402
from reader.core.store.database import Store  # noqa: E402
from reader.core.store.queries import LIST_ORDERS  # noqa: E402

PAGE = 200  # SectionList's PAGE_SIZE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    options = parser.parse_args()
    folder = options.dir or Path(tempfile.mkdtemp(prefix="bench-store-"))
    path = folder / f"cache-{options.articles}-{options.feeds}.sqlite3"
    if not path.exists():
        build(path, options.articles, options.feeds)
    store = Store.open(path)
    section = SECTION_NAMES[3]
    current = store.listings(section, limit=1)[0].id
    print(f"cache: {path}, {options.articles:,} articles; section {section}\n")
    print("| order | page ms (p50) | page + count, unread only ms (p50) |")
    print("|---|---:|---:|")
    for order in LIST_ORDERS:
        page = timed(lambda o=order: store.listings(section, limit=PAGE, order=o), 10)

        def unread(o: str = order) -> None:
            store.listings(section, limit=PAGE, order=o, unread_only=True, also_id=current)
            store.count(section, unread_only=True, also_id=current)

        hidden = timed(unread, 10)
        print(f"| {order} | {statistics.median(page):.1f} | {statistics.median(hidden):.1f} |")
    store.close()


if __name__ == "__main__":
    main()
