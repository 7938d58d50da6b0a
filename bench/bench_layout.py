"""Line layout of a long article: the core's layout function and the reading pane's wrap.

    python -m bench.bench_layout [--chars 10000] [--width 76] [--reps 20]

Builds a `--chars` character article from the demo's own Traditional Chinese paragraphs and
reports the median and best of `--reps` runs: a new text (the paragraphs' break analysis and
ICU's word breaks computed, as after a script toggle), the same text at another width (a resize:
the analysis is cached), the pane's wrap of the Rich Text into styled lines (with the analysis done ahead in the
loading worker, as the pane does), and the phrase
segmenters that were compared (ICU's dictionary word breaker, BudouX) on the same text.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from rich.text import Text

from reader.core.text import layout
from reader.demo.content import load_demo_content


def article(chars: int) -> str:
    """Demo paragraphs joined by newlines until `chars` characters."""
    paragraphs = [
        paragraph
        for feed in load_demo_content().feeds()
        for item in feed.articles
        for paragraph in item.body.split("\n")
        if len(paragraph) > 40 and not paragraph.startswith(("!", "#", "-", ">"))
    ]
    text = ""
    while len(text) < chars:
        text += "\n".join(paragraphs) + "\n"
    return text[:chars]


def timed(
    work: Callable[[], object], reps: int, before: Callable[[], object] = lambda: None
) -> str:
    timings = []
    for _ in range(reps):
        before()
        start = time.perf_counter()
        work()
        timings.append((time.perf_counter() - start) * 1000)
    return f"{statistics.median(timings):.1f} ms (best {min(timings):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=10_000)
    parser.add_argument("--width", type=int, default=76)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    text = article(args.chars)
    layout.layout_lines("預熱 warm-up", 10)  # ICU loaded once, as after the first article
    forget = layout._analyse.cache_clear
    rows = [
        (
            "layout, new text",
            timed(lambda: layout.layout_lines(text, args.width), args.reps, forget),
        ),
        (
            "layout, same text at another width",
            timed(lambda: layout.layout_lines(text, args.width - 1), args.reps),
        ),
    ]
    from reader.ui.widgets.article_body import wrap_text

    rich_text = Text(text)
    rows.append(
        (
            "pane wrap (Rich Text, new text)",
            timed(lambda: wrap_text(rich_text, args.width), args.reps, forget),
        )
    )
    rows.append(
        (
            "pane wrap, paragraphs analysed in the worker (what the UI thread pays)",
            timed(
                lambda: wrap_text(rich_text, args.width),
                args.reps,
                lambda: (forget(), layout.prepare_layout(text)),
            ),
        )
    )
    rows.append(
        (
            "old pane wrap (Rich Text.wrap)",
            timed(lambda: old_wrap(rich_text, args.width), args.reps),
        )
    )
    rows.append(("ICU word breaks alone", timed(lambda: icu_words(text), args.reps)))
    try:
        import budoux

        parser_zh = budoux.load_default_traditional_chinese_parser()
        rows.append(
            (
                "BudouX phrases alone",
                timed(
                    lambda: [parser_zh.parse(p) for p in text.split("\n")], max(3, args.reps // 4)
                ),
            )
        )
    except ImportError:
        rows.append(("BudouX phrases alone", "not installed"))
    print(f"{len(text)} characters at {args.width} cells, {args.reps} runs\n")
    print("| what | median (best) |\n| --- | ---: |")
    for label, figure in rows:
        print(f"| {label} | {figure} |")


def old_wrap(text: Text, width: int) -> object:
    from rich.console import Console

    return text.wrap(Console(width=width), width)


def icu_words(text: str) -> object:
    from icu4py.breakers import WordBreaker

    return [list(WordBreaker(paragraph, "zh").segments()) for paragraph in text.split("\n")]


if __name__ == "__main__":
    main()
