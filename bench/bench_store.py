"""Benchmark the SQLite cache on 100,000 articles over 1,000 feeds in 10 sections.

Builds the cache once (reused from --dir when present), then times what the UI does: a
section's first page, unread counts for every section, search p50/p95 over 1- to 4-character
queries in both scripts, opening the cache, and reports its size on disk as a Markdown table.

    .venv/bin/python bench/bench_store.py [--dir DIR] [--articles N] [--feeds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators  # noqa: E402
from reader.core.store.database import Store  # noqa: E402
from reader.core.store.query.rules import FilterRule  # noqa: E402

SECTION_NAMES = (
    "要聞",
    "城市遠洋",
    "原創",
    "Hello,河南",
    "直觀中國",
    "熱點專題",
    "文旅",
    "金融",
    "國際播報",
    "豫見國際",
)

# Word pool written for this benchmark: places, subjects and verbs in both scripts.
PLACES = (
    "郑州",
    "鄭州",
    "洛阳",
    "洛陽",
    "开封",
    "開封",
    "台湾",
    "臺灣",
    "香港",
    "上海",
    "北京",
    "南阳",
    "南陽",
    "信阳",
    "新乡",
    "許昌",
    "许昌",
    "安阳",
    "商丘",
    "周口",
)
SUBJECTS = (
    "经济",
    "經濟",
    "新能源",
    "人工智能",
    "一带一路",
    "农业",
    "農業",
    "文旅",
    "高铁",
    "高鐵",
    "教育",
    "醫療",
    "医疗",
    "金融",
    "市场",
    "市場",
    "科技",
    "制造业",
    "製造業",
    "物流",
    "博物馆",
    "博物館",
    "黄河",
    "黃河",
    "小麦",
    "小麥",
    "郑州市",
    "鄭州市",
)
VERBS = (
    "推进",
    "推進",
    "发布",
    "發佈",
    "举行",
    "舉行",
    "迎来",
    "迎來",
    "加快",
    "启动",
    "啟動",
    "完成",
    "签约",
    "簽約",
    "开放",
    "開放",
    "提升",
    "建设",
    "建設",
    "报道",
)
FILLERS = (
    "今天上午，",
    "据了解，",
    "據了解，",
    "记者从有关部门获悉，",
    "記者獲悉，",
    "截至目前，全国",
    "中國各地",
    "与此同时，",
    "與此同時，",
    "在此次活动中，",
    "多位专家表示，",
)

QUERIES = (
    "国",
    "國",
    "港",
    "雨",
    "郑州",
    "鄭州",
    "台湾",
    "臺灣",
    "经济",
    "黃河",
    "新能源",
    "郑州市",
    "博物館",
    "製造業",
    "人工智能",
    "一带一路",
    "洛陽文旅",
    "开封高铁",
)


def sentence(rng: random.Random) -> str:
    return (
        rng.choice(FILLERS)
        + rng.choice(PLACES)
        + rng.choice(SUBJECTS)
        + rng.choice(VERBS)
        + rng.choice(SUBJECTS)
        + "项目，"
        + rng.choice(PLACES)
        + "方面表示将继续"
        + rng.choice(VERBS)
        + "。"
    )


def build(path: Path, article_count: int, feed_count: int) -> float:
    """Fill a new cache the way refreshes do (one record_fetch per feed); returns seconds."""
    rng = random.Random(20230317)
    per_feed = article_count // feed_count
    feeds_per_section = feed_count // len(SECTION_NAMES)
    sections = [
        Section(
            name,
            tuple(
                FeedConfig(f"http://127.0.0.1/feed/{index}/{number}.xml")
                for number in range(feeds_per_section)
            ),
        )
        for index, name in enumerate(SECTION_NAMES)
    ]
    started = time.perf_counter()
    store = Store.open(path)
    store.sync_feeds(sections)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    for section in sections:
        for feed in section.feeds:
            articles = []
            for number in range(per_feed):
                text = "".join(sentence(rng) for _ in range(rng.randint(6, 14)))
                articles.append(
                    Article(
                        feed_url=feed.url,
                        entry_id=f"{feed.url}#{number}",
                        title=rng.choice(PLACES)
                        + rng.choice(SUBJECTS)
                        + rng.choice(VERBS)
                        + f"：第{number}期",
                        link=f"{feed.url}/{number}.html",
                        published=now - timedelta(minutes=rng.randint(0, 60 * 24 * 80)),
                        summary_html=f"<p>{text[:120]}</p>",
                        content_html="".join(
                            f"<p>{part}。</p>" for part in text.split("。") if part
                        ),
                    )
                )
            store.record_fetch(
                FetchResult(
                    feed.url,
                    "ok",
                    tuple(articles),
                    Validators(etag='"v1"'),
                    feed_title=f"{section.name}源",
                ),
                now,
            )
    # Some read and starred state, as a real cache has.
    store.set_read(range(1, article_count + 1, 3), True)
    for article_id in range(1, article_count + 1, 997):
        store.set_starred(article_id, True)
    store.close()
    return time.perf_counter() - started


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# A [[query]] section and hide rules (issue 15): words in a sixth of the titles (and in most
# texts, so the index cannot narrow them), and words in 1 % of the titles.
QUERY_SECTION = "title:郑州 is:unread"
RARE_QUERY_SECTION = "title:第7期 is:unread"
HIDE_RULE = "title:推进 OR title:發佈"  # a tenth of the titles
RARE_HIDE_RULE = "title:第12期 OR title:广告"


def filter_rules(store: Store) -> list[tuple[str, list[float]]]:
    """What a [[query]] tab and a section under a hide rule cost (issue 15): the first page
    (200 rows, as the TUI reads it), the total the list pages through, the tabs' counts."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    section = SECTION_NAMES[3]
    rows: list[tuple[str, list[float]]] = []
    for label, text in (
        ("query section", QUERY_SECTION),
        ("rare query section", RARE_QUERY_SECTION),
    ):
        query = store.compile_query(text, now=now)
        rows += [
            (
                f"{label}: first page (200)",
                timed(lambda q=query: store.query_listings(q, limit=200), 40),
            ),
            (f"{label}: its total", timed(lambda q=query: store.query_count(q), 20)),
            (
                f"{label}: its unread count",
                timed(lambda q=query: store.query_count(q, unread_only=True), 20),
            ),
        ]
    query = store.compile_query(QUERY_SECTION, now=now)
    for label, rule in (("hide rule", HIDE_RULE), ("rare hide rule", RARE_HIDE_RULE)):
        store.set_filters([FilterRule(rule, "hide")])
        rows += [
            (
                f"{label}: first page of a section (200)",
                timed(lambda: store.listings(section, limit=200), 40),
            ),
            (f"{label}: the section's total", timed(lambda: store.count(section), 20)),
            (f"{label}: unread counts, all sections", timed(store.unread_counts, 10)),
            (
                f"{label}: query section first page",
                timed(lambda: store.query_listings(query, limit=200), 20),
            ),
        ]
    store.set_filters([FilterRule(HIDE_RULE, "highlight")])
    rows.append(
        (
            "highlight rule: first page of a section",
            timed(lambda: store.listings(section, limit=200), 40),
        )
    )
    store.set_filters([])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    options = parser.parse_args()
    folder = options.dir or Path(tempfile.mkdtemp(prefix="bench-store-"))
    path = folder / f"cache-{options.articles}-{options.feeds}.sqlite3"
    build_note = "reused"
    if not path.exists():
        build_note = f"built in {build(path, options.articles, options.feeds):.1f} s"

    open_ms = timed(lambda: Store.open(path).close(), 5)
    store = Store.open(path)
    first_page = timed(lambda: store.listings(SECTION_NAMES[3], limit=100), 20)
    first_page_unread = timed(lambda: store.listings(SECTION_NAMES[5], unread_only=True), 20)
    all_sections = timed(lambda: store.listings(None, limit=100), 20)
    deep_page = timed(lambda: store.listings(SECTION_NAMES[1], offset=5_000), 5)
    counts = timed(store.unread_counts, 20)
    search_by_length: dict[int, list[float]] = {}
    hits: dict[str, int] = {}
    for _ in range(3):
        for query in QUERIES:
            elapsed = timed(lambda q=query: hits.__setitem__(q, len(store.search(q))), 1)
            search_by_length.setdefault(len(query), []).extend(elapsed)
    section_search = timed(lambda: store.search("郑州", section=SECTION_NAMES[2]), 10)
    rules = filter_rules(store)
    store.close()
    size = sum(p.stat().st_size for p in folder.glob(path.name + "*"))
    all_search = [value for values in search_by_length.values() for value in values]

    print(
        f"cache: {path} ({build_note}), {options.articles:,} articles, "
        f"{options.feeds:,} feeds, {len(SECTION_NAMES)} sections\n"
    )
    print("| measure | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    rows = [
        ("open (migrate check, fold check)", open_ms),
        ("first page of a section (100)", first_page),
        ("first page of a section, unread only", first_page_unread),
        ("first page, all sections", all_sections),
        ("page at offset 5,000", deep_page),
        ("unread counts, all sections", counts),
        ("search, all queries", all_search),
        *(
            (f"search, {length}-character queries", values)
            for length, values in sorted(search_by_length.items())
        ),
        ("search 郑州 in one section", section_search),
        *rules,
    ]
    for label, values in rows:
        print(f"| {label} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} |")
    print(f"\ncache size on disk: {size / 1e6:.1f} MB")
    print("hits (first page, at most 100): " + ", ".join(f"{q} {n}" for q, n in hits.items()))


if __name__ == "__main__":
    main()
