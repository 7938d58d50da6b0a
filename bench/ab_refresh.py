"""The cold refresh of two reader trees, A and B, in interleaved pairs (A B A B ...) on the same
generated feeds: a change's cost in CPU seconds, which load on a shared machine disturbs far
less than wall time.

    python -m bench.ab_refresh A_TREE B_TREE [--pairs 8] [--shape content] [--feeds 200]

Each run is `python -m reader fetch` into a fresh cache with the tree on PYTHONPATH; both trees'
bytecode is compiled first (a tree without it would pay for compiling in every run). Prints
every pair, the medians and the median of the pairs' ratios.
"""

from __future__ import annotations

import argparse
import compileall
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from bench.measure import Measurement
from bench.run import Reader, feed_server, run_measured


def fetch_cold(tree: Path, urls: list[str], items: int) -> Measurement:
    """One cold `reader fetch` of `urls` by the reader in `tree`; checks that it stored every
    item (a run that failed early would look cheap)."""
    with tempfile.TemporaryDirectory() as folder:
        reader = Reader(Path(folder), urls)
        env = reader.env() | {"PYTHONPATH": str(tree)}
        measured = run_measured(
            reader.command("fetch"), env=env, cwd=tree, timeout=3600, sample_tree=False
        )
        if measured.returncode not in (0, 1):
            raise RuntimeError(f"reader fetch failed in {tree}: {measured.stderr[-2000:]}")
        with sqlite3.connect(reader.database()) as connection:
            stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        if stored != len(urls) * items:
            raise RuntimeError(f"{tree} stored {stored} articles: {measured.stderr[-2000:]}")
        return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--shape", default="content")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    for tree in (args.a, args.b):
        compileall.compile_dir(tree / "reader", quiet=1)
    cpu: dict[str, list[float]] = {"a": [], "b": []}
    wall: dict[str, list[float]] = {"a": [], "b": []}
    with feed_server(args.feeds, args.items, args.latency, shape=args.shape) as server:
        urls = server.urls()
        fetch_cold(args.a, urls, args.items)  # warm the feed server and the page cache, not counted
        for pair in range(args.pairs):
            # Alternate which goes first, so a trend in load falls on both alike.
            order = ("a", "b") if pair % 2 == 0 else ("b", "a")
            for name in order:
                measured = fetch_cold(getattr(args, name), urls, args.items)
                cpu[name].append(measured.cpu_s)
                wall[name].append(measured.wall_s)
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                f"pair {pair}: cpu A {cpu['a'][-1]:.2f} B {cpu['b'][-1]:.2f}"
                f" ({cpu['b'][-1] / cpu['a'][-1] - 1:+.1%}), wall A {wall['a'][-1]:.2f}"
                f" B {wall['b'][-1]:.2f}, load {load}",
                flush=True,
            )
    ratios = [b / a for a, b in zip(cpu["a"], cpu["b"], strict=True)]
    print(
        f"{args.shape}, {args.pairs} pairs: CPU median A {statistics.median(cpu['a']):.2f} s,"
        f" B {statistics.median(cpu['b']):.2f} s"
        f" ({statistics.median(cpu['b']) / statistics.median(cpu['a']) - 1:+.1%});"
        f" median of pair ratios {statistics.median(ratios) - 1:+.1%};"
        f" wall median A {statistics.median(wall['a']):.2f} s, B {statistics.median(wall['b']):.2f} s"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
