"""Refresh 200 feeds x 30 items from a loopback server with 50 ms latency: cold, all-304, unchanged-200.

    python -m bench.bench_refresh [--feeds 200] [--items 30] [--latency 0.05]

Prints wall and CPU seconds (this process and its children) and peak RSS for each scenario.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from bench.feedgen import BenchServer
from reader.core.config import Config, Settings
from reader.core.library import open_library
from reader.core.model import FeedConfig, Section
from reader.core.paths import Paths


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(library, label: str) -> dict[str, object]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    summary = library.refresh()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return {
        "scenario": label,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "ok": len(summary.ok),
        "not_modified": len(summary.not_modified),
        "failed": len(summary.failed),
        "new": summary.new_articles,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    rows = []
    for validators in (True, False):
        server = BenchServer(args.feeds, args.items, args.latency, validators=validators)
        with tempfile.TemporaryDirectory() as tmp:
            paths = Paths(Path(tmp) / "config.toml", Path(tmp) / "data", Path(tmp) / "cache")
            feeds = tuple(FeedConfig(server.url(i)) for i in range(args.feeds))
            sections = tuple(Section(f"分區{k}", feeds[k::10]) for k in range(10))
            config = Config(paths.config_file, sections, Settings(concurrency=args.concurrency))
            library = open_library(paths, config)
            if validators:
                rows.append(timed(library, "cold"))
                rows.append(timed(library, "unchanged, all 304"))
            else:
                timed(library, "cold (no validators)")
                rows.append(timed(library, "unchanged, all 200"))
            library.close()
        server.stop()

    print(
        f"{args.feeds} feeds x {args.items} items, {args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}\n"
    )
    print("| scenario | wall s | CPU s | ok | 304/same | failed | new | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
