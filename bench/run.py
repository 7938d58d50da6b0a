"""reader against newsboat on the same generated feeds: one Markdown table and a JSON file.

    python -m bench                          # everything (refresh 3 runs each, start-up, search)
    python -m bench --only refresh --reps 1  # a quick look
    python -m bench --only startup --sizes 1000,10000

Scenarios: refresh (cold, all-304, incremental: every feed 2 new items and 2 dropped,
unchanged-200) of 200 feeds x 30 items served with 50 ms latency, in two feed shapes (the body
in `description`; a summary in `description` and the body in `content:encoded`); start-up on caches of 1k/10k/100k articles (time to the first list drawn in a
120x40 tmux terminal; newsboat: time to its feed list and `-x print-unread`); search on the
largest cache; peak RSS and the tree's peak PSS; cache size on disk. The feed server runs in a process of its own so
its memory and CPU are never counted as ours. reader and newsboat runs alternate (A B A B).
Start-up caches are built once through each program's own refresh and kept in --cache-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import newsboat as nb
from bench.feedgen import SHAPES
from bench.measure import Measurement, run_measured
from bench.report import Table, machine
from bench.startup import time_to_screen

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECTIONS = 10
STARTUP_ITEMS = 100
SEARCH_QUERIES = (
    "鄭州",
    "郑州",
    "地鐵",
    "地铁",
    "金融",
    "公共服務",
    "年度報告",
    "示范项目",
    "国",
    "記者獲悉",
)


# ---- the feed server, in its own process ----------------------------------------------------


class FeedServer:
    """`python -m bench.feedgen` in a child process; `control()` switches it while it runs."""

    def __init__(
        self,
        feeds: int,
        items: int,
        latency: float,
        *,
        regenerate: bool = False,
        shape: str = "description",
    ):
        argv = [sys.executable, "-m", "bench.feedgen", "--feeds", str(feeds), "--items", str(items),
                "--latency", str(latency), "--shape", shape]  # fmt: skip
        if regenerate:
            argv.append("--regenerate")
        self.feeds = feeds
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("port "):
            self.process.kill()
            raise RuntimeError(f"feed server did not start: {line!r}")
        self.port = int(line.split()[1])

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/feed{i}.xml" for i in range(self.feeds)]

    def control(self, command: str) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_control/{command}") as answer:
            return json.loads(answer.read() or b"{}")

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def feed_server(feeds: int, items: int, latency: float, **options: Any) -> Iterator[FeedServer]:
    server = FeedServer(feeds, items, latency, **options)
    try:
        yield server
    finally:
        server.stop()


# ---- reader as the user runs it ---------------------------------------------------------------


class Reader:
    """reader with its config and cache in `folder` (XDG_* point there)."""

    def __init__(
        self, folder: Path, urls: Sequence[str] | None = None, concurrency: int | None = None
    ):
        """Write a config for `urls` in ten sections; without `urls`, use the folder as it is."""
        self.folder = folder
        if urls is None:
            return
        lines = ["[settings]", "refresh_on_start = false"]
        if concurrency is not None:
            lines.append(f"concurrency = {concurrency}")
        for k in range(SECTIONS):
            lines += ["", "[[section]]", f'name = "分區{k}"']
            for url in urls[k::SECTIONS]:
                lines += ["[[section.feed]]", f'url = "{url}"']
        config = folder / "config" / "reader" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.folder),
            "LANG": "C.UTF-8",
            "TERM": "tmux-256color",
            "COLORTERM": "truecolor",
            "PYTHONPATH": str(ROOT),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "XDG_DATA_HOME": str(self.folder / "data"),
            "XDG_CACHE_HOME": str(self.folder / "cache"),
            "XDG_STATE_HOME": str(self.folder / "state"),
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "reader", *args]

    def fetch(self) -> Measurement:
        measured = run_measured(self.command("fetch"), env=self.env(), cwd=ROOT, timeout=3600)
        if measured.returncode not in (0, 1):
            raise RuntimeError(f"reader fetch failed: {measured.stderr[-2000:]}")
        return measured

    def database(self) -> Path:
        return next((self.folder / "data").rglob("*.sqlite3"))

    def cache_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.folder / "data").rglob("*") if p.is_file())


# ---- scenarios -----------------------------------------------------------------------------------


REFRESH_SCENARIOS = ("cold", "all-304", "incremental", "unchanged-200")


def refresh_scenarios(options: argparse.Namespace, table: Table, raw: dict[str, Any]) -> None:
    """The refresh scenarios on every feed shape asked for."""
    raw["refresh_runs"] = []
    for shape in options.shapes:
        refresh_on(options, shape, table, raw["refresh_runs"])


def refresh_on(
    options: argparse.Namespace, shape: str, table: Table, checks: list[dict[str, Any]]
) -> None:
    """Cold, all-304, incremental and unchanged-200 refreshes of feeds of one shape, reader
    and newsboat alternating."""
    runs: dict[str, list[Measurement]] = {}
    with feed_server(options.feeds, options.items, options.latency, shape=shape) as server:
        urls = server.urls()

        def record(tool: str, scenario: str, measured: Measurement) -> None:
            stats = server.control("stats")
            load = os.getloadavg()[0]
            runs.setdefault(f"{tool} {scenario}", []).append(measured)
            checks.append({"tool": tool, "shape": shape, "scenario": scenario, **stats,
                           "wall_s": measured.wall_s, "cpu_s": measured.cpu_s,
                           "peak_rss_mb": measured.peak_rss_mb,
                           "peak_tree_rss_mb": measured.peak_tree_rss_mb,
                           "peak_tree_pss_mb": measured.peak_tree_pss_mb,
                           "load_1min": load, "rc": measured.returncode})  # fmt: skip
            log(f"  {tool:8} {scenario:14} {measured.wall_s:6.2f} s wall {measured.cpu_s:6.2f} s CPU "
                f"{measured.peak_rss_mb:6.1f} MB ({measured.peak_tree_rss_mb:.1f} tree RSS, "
                f"{measured.peak_tree_pss_mb:.1f} tree PSS) load {load:.2f} {stats}")  # fmt: skip

        def start(generation: int, validators: bool) -> None:
            server.control(f"generation/{generation}")
            server.control("validators/on" if validators else "validators/off")
            server.control("stats")

        def run_reader() -> None:
            with tempfile.TemporaryDirectory(prefix="bench-reader-") as tmp:
                reader = Reader(Path(tmp), urls, options.concurrency)
                start(0, True)
                record("reader", "cold", reader.fetch())
                record("reader", "all-304", reader.fetch())
                server.control("generation/1")
                record("reader", "incremental", reader.fetch())
                server.control("validators/off")
                record("reader", "unchanged-200", reader.fetch())

        def run_newsboat() -> None:
            with tempfile.TemporaryDirectory(prefix="bench-newsboat-") as tmp:
                boat = nb.Newsboat(Path(tmp), urls)
                start(0, True)
                record("newsboat", "cold", boat.reload())
                # newsboat 2.21 stores a feed's validators only from its second fetch on, so
                # the second refresh still gets 200s; the third is the all-304 one.
                record("newsboat", "second", boat.reload())
                record("newsboat", "all-304", boat.reload())
                server.control("generation/1")
                record("newsboat", "incremental", boat.reload())
                server.control("validators/off")
                record("newsboat", "unchanged-200", boat.reload())

        alternate(options, run_reader, run_newsboat)

    def figures(tool: str, scenario: str, what: Callable[[Measurement], float]) -> list[float]:
        return [what(m) for m in runs.get(f"{tool} {scenario}", [])]

    def both(scenario: str, what: Callable[[Measurement], float]) -> tuple[list[float], ...]:
        return figures("reader", scenario, what), figures("newsboat", scenario, what)

    label = f"{options.feeds}x{options.items} at {options.latency * 1000:g} ms, {shape} shape"

    def wall(m: Measurement) -> float:
        return m.wall_s

    def cpu(m: Measurement) -> float:
        return m.cpu_s

    table.add(f"cold refresh {label}", "wall s", *both("cold", wall))
    table.add("cold refresh", "CPU s", *both("cold", cpu))
    # reader's forked parse workers share their parent's pages: PSS counts each page once in
    # all; newsboat is one process, whose RSS is its whole footprint.
    table.add("cold refresh peak memory", "MB; reader: PSS of all processes, newsboat: RSS",
              figures("reader", "cold", lambda m: m.peak_tree_pss_mb),
              figures("newsboat", "cold", lambda m: m.peak_rss_mb), 0)  # fmt: skip
    table.add("cold refresh peak RSS", "MB, largest process",
              *both("cold", lambda m: m.peak_rss_mb), 0)  # fmt: skip
    table.add("cold refresh peak RSS", "MB, all processes",
              *both("cold", lambda m: m.peak_tree_rss_mb), 0)  # fmt: skip
    for scenario, name in (("incremental", "refresh, 2 new and 2 dropped per feed"),
                           ("all-304", "refresh, all 304"),
                           ("unchanged-200", "refresh, unchanged 200")):  # fmt: skip
        table.add(name, "wall s", *both(scenario, wall))
        table.add(name, "CPU s", *both(scenario, cpu))


def alternate(
    options: argparse.Namespace, ours: Callable[[], None], theirs: Callable[[], None]
) -> None:
    for rep in range(options.reps):
        log(f"run {rep + 1}/{options.reps}")
        ours()
        if options.newsboat:
            theirs()


def startup_caches(options: argparse.Namespace, size: int) -> tuple[Reader, nb.Newsboat | None]:
    """Caches of `size` articles (size/100 feeds x 100), built once through each program's refresh."""
    feeds = max(1, size // STARTUP_ITEMS)
    folder = options.cache_dir / f"startup-{feeds}x{STARTUP_ITEMS}"
    reader_dir, boat_dir = folder / "reader", folder / "newsboat"
    need_reader = not (reader_dir / "done").exists()
    need_boat = options.newsboat and not (boat_dir / "done").exists()
    if need_reader or need_boat:
        with feed_server(feeds, STARTUP_ITEMS, 0.0, regenerate=True) as server:
            if need_reader:
                shutil.rmtree(reader_dir, ignore_errors=True)
                reader_dir.mkdir(parents=True)
                log(f"  building reader cache of {size:,} articles ...")
                built = Reader(reader_dir, server.urls()).fetch()
                log(f"  built in {built.wall_s:.0f} s, {built.peak_rss_mb:.0f} MB")
                (reader_dir / "done").write_text(json.dumps({"build_s": built.wall_s}))
            if need_boat:
                shutil.rmtree(boat_dir, ignore_errors=True)
                log(f"  building newsboat cache of {size:,} articles ...")
                built = nb.Newsboat(boat_dir, server.urls()).reload(timeout=3600)
                log(f"  built in {built.wall_s:.0f} s, {built.peak_rss_mb:.0f} MB")
                (boat_dir / "done").write_text(json.dumps({"build_s": built.wall_s}))
    # Both configs keep the URLs (and port) of the server that built them; start-up never fetches.
    return Reader(reader_dir), (nb.Newsboat(boat_dir) if options.newsboat else None)


def first_titles(database: Path) -> list[str]:
    """Titles the first list can show: the newest of the first section and of all sections."""
    sys.path.insert(0, str(ROOT))
    from reader.core.store.database import Store

    with Store.open(database) as store:
        first_section = store.sections()[0]
        listings = store.listings(first_section, limit=10) + store.listings(None, limit=10)
    return list(dict.fromkeys(item.title for item in listings))


def search_times(database: Path) -> list[float]:
    """Milliseconds per search over SEARCH_QUERIES, three rounds, in this process."""
    from reader.core.store.database import Store

    times = []
    with Store.open(database) as store:
        for _ in range(3):
            for query in SEARCH_QUERIES:
                started = time.perf_counter()
                store.search(query)
                times.append((time.perf_counter() - started) * 1000)
    return times


def startup_scenarios(options: argparse.Namespace, table: Table, raw: dict[str, Any]) -> None:
    sizes = options.sizes
    details: list[dict[str, Any]] = []
    for size in sizes:
        startup_on(options, size, size == max(sizes), table, details, raw)
    raw["startup_runs"] = details


def startup_on(
    options: argparse.Namespace,
    size: int,
    largest: bool,
    table: Table,
    details: list[dict[str, Any]],
    raw: dict[str, Any],
) -> None:
    """Start-up of both programs on caches of `size` articles; on the largest also peak
    RSS, search and cache size."""
    rss_ours: list[float] = []
    rss_theirs: list[float] = []
    log(f"start-up on {size:,} articles")
    reader, boat = startup_caches(options, size)
    titles = first_titles(reader.database())
    ours: list[float] = []
    theirs: list[float] = []
    cpu_ours: list[float] = []
    cpu_theirs: list[float] = []
    unread: list[float] = []

    def run_reader() -> None:
        result = time_to_screen(reader.command("--no-refresh"), titles, env=reader.env(), cwd=ROOT,
                                timeout=options.startup_timeout)  # fmt: skip
        log(f"  reader   first list {result.seconds} s, {result.cpu_s} s CPU, {result.peak_rss_mb} MB, "
            f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        details.append({"tool": "reader", "size": size, "seconds": result.seconds,
                        "cpu_s": result.cpu_s, "peak_rss_mb": result.peak_rss_mb,
                        "matched": result.matched, "load_1min": os.getloadavg()[0]})  # fmt: skip
        if result.seconds is None:
            log("  reader never showed a known title; last screen:\n" + result.screen)
            return
        ours.append(result.seconds)
        if result.cpu_s is not None:
            cpu_ours.append(result.cpu_s)
        if largest and result.peak_rss_mb:
            rss_ours.append(result.peak_rss_mb)

    def run_newsboat() -> None:
        if boat is None or len(theirs) >= options.newsboat_startup_reps:
            return
        # print-unread first: the TUI, killed with its terminal, may leave its lock behind.
        (boat.folder / "cache.db.lock").unlink(missing_ok=True)
        printed = boat.print_unread(timeout=options.startup_timeout)
        log(f"  newsboat print-unread {printed.wall_s:.2f} s, {printed.peak_rss_mb:.0f} MB, "
            f"rc {printed.returncode}: {printed.stdout.strip()[:60]} {printed.stderr.strip()[:200]}")  # fmt: skip
        (boat.folder / "cache.db.lock").unlink(missing_ok=True)
        result = time_to_screen(
            boat.argv(), ["測試源"], env=boat.env(), timeout=options.startup_timeout
        )
        log(
            f"  newsboat feed list {result.seconds} s, {result.cpu_s} s CPU, {result.peak_rss_mb} MB"
        )
        (boat.folder / "cache.db.lock").unlink(missing_ok=True)
        details.append({"tool": "newsboat", "size": size, "seconds": result.seconds,
                        "cpu_s": result.cpu_s, "peak_rss_mb": result.peak_rss_mb,
                        "print_unread_s": printed.wall_s,
                        "print_unread_rss_mb": printed.peak_rss_mb})  # fmt: skip
        if result.seconds is not None:
            theirs.append(result.seconds)
        if result.cpu_s is not None:
            cpu_theirs.append(result.cpu_s)
        if printed.returncode == 0:
            unread.append(printed.wall_s)
        if largest and result.peak_rss_mb:
            rss_theirs.append(max(result.peak_rss_mb, printed.peak_rss_mb))

    saved_reps = options.reps
    options.reps = options.startup_reps
    alternate(options, run_reader, run_newsboat)
    options.reps = saved_reps
    table.add(f"start-up, {size:,} articles", "s to first list", ours, theirs)
    table.add(f"start-up, {size:,} articles", "CPU s to first list", cpu_ours, cpu_theirs)
    if unread:
        cli = run_measured(reader.command("list", "--limit", "20"), env=reader.env(), cwd=ROOT)
        table.add(f"CLI start-up, {size:,} articles", "s; reader list / newsboat print-unread",
                  [cli.wall_s], unread)  # fmt: skip
    if largest:
        table.add(f"start-up peak RSS, {size:,} articles", "MB", rss_ours, rss_theirs, 0)
        searched = search_times(reader.database())
        table.add(f"search p50, {size:,} articles", "ms", [statistics.median(searched)], [], 1)
        raw["search_ms"] = searched
        table.add(f"cache size on disk, {size:,} articles", "MB", [reader.cache_bytes() / 1e6],
                  [boat.cache_bytes() / 1e6] if boat else [], 0)  # fmt: skip


# ---- the command ---------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "--only", default="refresh,startup", help="refresh, startup (comma-separated)"
    )
    parser.add_argument("--reps", type=int, default=3, help="refresh runs per program")
    parser.add_argument(
        "--startup-reps", type=int, default=3, help="start-up runs per size (reader)"
    )
    parser.add_argument("--newsboat-startup-reps", type=int, default=1,
                        help="newsboat start-up runs per size (about 75 s each on 100k)")  # fmt: skip
    parser.add_argument("--shapes", default="description,content",
                        help="feed shapes for the refresh: description, content (comma-separated)")  # fmt: skip
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=None, help="reader's; default: its own")
    parser.add_argument("--sizes", default="1000,10000,100000", help="start-up cache sizes")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--cache-dir", type=Path, default=RESULTS / "caches")
    parser.add_argument("--no-newsboat", dest="newsboat", action="store_false")
    options = parser.parse_args(argv)
    options.only = {part.strip() for part in options.only.split(",") if part.strip()}
    options.sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    options.shapes = [shape.strip() for shape in options.shapes.split(",") if shape.strip()]
    unknown = set(options.shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape {', '.join(sorted(unknown))}: one of {', '.join(SHAPES)}")
    if options.newsboat and not nb.available():
        log("newsboat is not installed (apt-get install newsboat): measuring reader only")
        options.newsboat = False
    return options


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_args(argv)
    table = Table()
    load_before = os.getloadavg()
    raw: dict[str, Any] = {"machine": machine(), "started": datetime.now(UTC).isoformat(),
                           "options": {k: str(v) for k, v in vars(options).items()}}  # fmt: skip
    if "refresh" in options.only:
        refresh_scenarios(options, table, raw)
    if "startup" in options.only:
        startup_scenarios(options, table, raw)
    raw["table"] = table.rows
    raw["load_before"], raw["load_after"] = load_before, os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    info = raw["machine"]
    loads = ", ".join(f"{raw[key][0]:.2f}" for key in ("load_before", "load_after"))
    print(f"{info['nproc']} cores, {info['cpu']}, Python {info['python']}, {info['newsboat']}; "
          f"load average (1 min) before and after: {loads}\n")  # fmt: skip
    print(table.markdown())
    print(f"\nraw figures: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
