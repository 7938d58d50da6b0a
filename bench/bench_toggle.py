"""Script toggle in the real app: from pressing `t` to the converted article and list on screen.

    python -m bench.bench_toggle [--chars 10000] [--titles 1000] [--reps 5]

Drives the Textual app headless (App.run_test) over a cache holding one section of `--titles`
articles, the first of them `--chars` characters long, and reports the time each press of `t`
takes until every worker it started has finished and the screen has settled: cold (the first
time each script is shown) and warm (texts already converted once). Cold is measured twice:
without the app's OpenCC warm-up (the first press also loads dictionaries) and with it, after
the warm-up worker finished (what a reader gets). Also reports whether OpenCC was loaded before
the first press without warm-up (it must not be: start-up never pays for it).

The Pilot's own cost of pressing a key and waiting for the screen to settle is measured by
pressing a key nothing is bound to (`NOOP_KEY`); the "app" columns subtract its median, so
they show the app's own time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.feedgen import article_body, article_title
from reader.core.config import Config, Settings
from reader.core.library import open_library
from reader.core.model import Article, FeedConfig, FetchResult, Section
from reader.core.paths import Paths

NOOP_KEY = "x"  # bound to nothing in the default keymap: measures Pilot press-and-settle alone


def build_library(root: Path, chars: int, titles: int):  # type: ignore[no-untyped-def]
    import random

    rng = random.Random(7)
    url = "http://127.0.0.1:9/bench.xml"
    paths = Paths(root / "config.toml", root / "data", root / "cache")
    config = Config(
        paths.config_file,
        (Section("要聞", (FeedConfig(url),)),),
        Settings(refresh_on_start=False, refresh_interval=0, script="original"),
    )
    library = open_library(paths, config)
    now = datetime.now(UTC)
    articles = []
    for n in range(titles):
        body = article_body(rng, chars if n == 0 else 300)
        articles.append(
            Article(
                url,
                f"b{n}",
                article_title(rng),
                f"http://127.0.0.1:9/{n}",
                None,
                now - timedelta(minutes=n),
                body,
                "",
            )
        )
    library.store.record_fetch(FetchResult(url, "ok", tuple(articles)), now)
    return library


async def measure(library, reps: int, warm_up: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from textual.worker import WorkerCancelled

    from reader.core.script import convert as script
    from reader.ui.app import ReaderApp
    from reader.ui.widgets import article_body

    script.clear_cache()  # conversions of an earlier run must not make this one warm
    article_body._recent_wraps.clear()
    app = ReaderApp(library, refresh_on_start=False, warm_up=warm_up)
    timings: dict[str, list[float]] = {"original->hans": [], "hans->hant": [], "hant->original": []}
    repaints: dict[str, list[float]] = {name: [] for name in timings}  # first frame
    lasts: dict[str, list[float]] = {name: [] for name in timings}  # last frame
    frames: list[float] = []  # when the app handed a changed screen to the (headless) driver
    display = app._display

    def recording_display(screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None:
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = recording_display  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:

        async def settle() -> None:
            for _ in range(3):
                try:
                    await app.workers.wait_for_complete()
                except WorkerCancelled:
                    pass
                await pilot.pause()

        await settle()
        await pilot.press("enter")
        await settle()
        loaded_before = script.is_loaded()
        baseline: list[float] = []
        for _ in range(reps + 1):
            start = time.perf_counter()
            await pilot.press(NOOP_KEY)
            await settle()
            baseline.append((time.perf_counter() - start) * 1000)
        names = list(timings)
        for _rep in range(reps + 1):
            for name in names:
                frames.clear()
                start = time.perf_counter()
                await pilot.press("t")
                await settle()
                elapsed = (time.perf_counter() - start) * 1000
                timings[name].append(elapsed)
                repaints[name].append((min(frames, default=start) - start) * 1000)
                lasts[name].append((max(frames, default=start) - start) * 1000)
        cold = {name: round(values[0], 1) for name, values in timings.items()}
        warm = {name: round(statistics.median(values[1:]), 1) for name, values in timings.items()}
        repaint = {
            name: (
                round(values[0], 1),
                round(statistics.median(values[1:]), 1),
                round(lasts[name][0], 1),
                round(statistics.median(lasts[name][1:]), 1),
            )
            for name, values in repaints.items()
        }
    return {
        "opencc_loaded_before_first_press": loaded_before,
        "cold_ms": cold,
        "warm_ms": warm,
        "baseline_ms": round(statistics.median(baseline[1:]), 1),
        "repaint_ms": repaint,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=10_000)
    parser.add_argument("--titles", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        library = build_library(Path(tmp), args.chars, args.titles)
        result = asyncio.run(measure(library, args.reps, warm_up=False))
        warmed = asyncio.run(measure(library, args.reps, warm_up=True))
        library.close()
    print(
        f"toggle with a {args.chars:,}-character article open and {args.titles:,} titles "
        f"(the list converts one page of 200 rows at a time)\n"
    )
    print(f"OpenCC loaded before the first press: {result['opencc_loaded_before_first_press']}")
    baseline: float = result["baseline_ms"]  # type: ignore[assignment]
    print(f"baseline (press {NOOP_KEY!r}, bound to nothing, and settle): {baseline} ms\n")
    warmed_baseline: float = warmed["baseline_ms"]  # type: ignore[assignment]
    print(f"baseline in the run with warm-up: {warmed_baseline} ms\n")
    print(
        "| press | cold ms | warm ms (median) | app cold ms | app cold ms after warm-up "
        "| app warm ms |\n| --- | --- | --- | --- | --- | --- |"
    )
    for name, cold in result["cold_ms"].items():  # type: ignore[union-attr]
        warm = result["warm_ms"][name]  # type: ignore[index]
        cold_warmed = warmed["cold_ms"][name]  # type: ignore[index]
        print(
            f"| {name} | {cold} | {warm} | {cold - baseline:.1f} "
            f"| {cold_warmed - warmed_baseline:.1f} | {warm - baseline:.1f} |"
        )
    print(
        "\nrepaint: from the press to the first / last frame the app drew for it (no idle "
        "detection;\nthe last is often Textual redrawing a scroll bar after the layout)\n"
    )
    print(
        "| press | cold ms | cold ms after warm-up | warm ms (median) |\n| --- | --- | --- | --- |"
    )
    for name, (cold_first, _, cold_last, _) in result["repaint_ms"].items():  # type: ignore[union-attr]
        warmed_first, warm_first, warmed_last, warm_last = warmed["repaint_ms"][name]  # type: ignore[index]
        print(
            f"| {name} | {cold_first} / {cold_last} | {warmed_first} / {warmed_last} "
            f"| {warm_first} / {warm_last} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
