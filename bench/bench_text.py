"""Measure feed-text cleaning and HTML -> blocks -> text; prints a Markdown table.

Run from the repo root: `.venv/bin/python bench/bench_text.py`. Uses the real pages in
/work/shared/corpus when they are there, plus hostile inputs made up here (5 MB bodies,
10,000 levels of nesting). Figures are wall-clock on this machine, best of three.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from reader.core.feeds.decode import decode_html  # noqa: E402
from reader.core.text.blocks import html_to_blocks  # noqa: E402
from reader.core.text.cells import clean_text, wrap_cells  # noqa: E402
from reader.core.text.plain import blocks_to_text  # noqa: E402

PAGES = Path("/work/shared/corpus/cwced/original")

rows: list[tuple[str, str]] = []


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timings of `work`, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure(label: str, work: Callable[[], object], runs: int = 3) -> None:
    seconds = best_of(runs, work)
    rows.append((label, f"{seconds * 1000:.1f} ms"))


def main() -> None:
    paragraph = (
        "<p>河南日報訊（記者 李明）今年以來，全省經濟運行穩中向好。<a href='/n.html'>詳情</a></p>\n"
    )
    five_mb = paragraph * (5_000_000 // len(paragraph.encode()))
    clean_megabyte = "鄭州地鐵十二號線今日開通，全長約十八公里。" * 50_000
    hostile_megabyte = "標題\x1b[31m紅\x1b]52;c;ZXZpbA==\x07\u202e字" * 40_000

    measure("clean_text, 1 M chars, nothing to remove", lambda: clean_text(clean_megabyte))
    measure("clean_text, 1 M chars, escapes everywhere", lambda: clean_text(hostile_megabyte))
    measure(
        "html_to_blocks, 5 MB, all 42,000 paragraphs",
        lambda: html_to_blocks(five_mb, "https://a.example/", max_blocks=10**9),
    )
    measure("html_to_blocks, 5 MB, stopping at 5,000 blocks", lambda: html_to_blocks(five_mb))
    blocks = html_to_blocks(five_mb, "https://a.example/", max_blocks=10**9)
    measure("blocks_to_text, 5 MB, width 80", lambda: blocks_to_text(blocks, width=80))
    nested = "<div>" * 10_000 + "深層" + "</div>" * 10_000
    measure("html_to_blocks, 10,000 nested div", lambda: html_to_blocks(nested))
    line_breaks = "<p>" + "一行<br>" * 200_000
    measure("html_to_blocks, 200,000 <br>", lambda: html_to_blocks(line_breaks), runs=1)
    measure(
        "wrap_cells, 100 k CJK chars, width 40", lambda: wrap_cells(clean_megabyte[:100_000], 40)
    )

    if PAGES.is_dir():
        pages = [decode_html(path.read_bytes()) for path in sorted(PAGES.glob("*.html"))]
        total = sum(len(page) for page in pages)

        def all_pages() -> None:
            for page in pages:
                blocks_to_text(html_to_blocks(page, "https://news.example.cn/"), width=80)

        seconds = best_of(3, all_pages)
        rows.append(
            (
                f"{len(pages)} real news pages ({total / 1e6:.1f} M chars), to text",
                f"{seconds * 1000:.0f} ms total, {seconds * 1000 / len(pages):.1f} ms per page",
            )
        )

    print("| case | time |\n|---|---|")
    for label, figure in rows:
        print(f"| {label} | {figure} |")


if __name__ == "__main__":
    main()
