"""What same-story grouping costs per new article on a 100,000-article cache (issue 15).

Builds the bench_store cache once (reused from --dir) and keeps the story keys of its last week,
as every refresh's prune does; then, on a fresh copy of it each time,
stores one refresh's worth of new articles (prepared as a parse worker prepares them, a tenth
of them copies of recent cached articles or of each other, in other feeds) with grouping and
with grouping switched off, alternately; prints the medians, the difference per new article,
the writer's time in grouping alone, and the parse worker's time for the keys.

    python -m bench.bench_dedup [--dir DIR] [--articles 100000] [--feeds 1000] [--new 1000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bench_store import build, sentence
from reader.core.model import Article, FetchResult, PreparedArticle, Validators
from reader.core.store import upkeep, writes
from reader.core.store.database import Store
from reader.core.store.prepare import prepare
from reader.core.store.schema import to_micros
from reader.core.store.search import article_text, index_form_utf8
from reader.core.store.stories import group
from reader.core.store.stories.text import keys_of_words

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def new_articles(
    store: Store, count: int, feeds: list[str]
) -> tuple[list[FetchResult], list[tuple[str, str]]]:
    """`count` new articles over 50 feeds, published in the cache's last day; every tenth a
    copy (in another feed) of a cached article of the last days or of a new one."""
    rng = random.Random(15)
    recent = store.listings(None, limit=500)
    per_feed = count // 50
    results: list[FetchResult] = []
    made: list[Article] = []
    for feed_number, url in enumerate(rng.sample(feeds, 50)):
        articles: list[PreparedArticle] = []
        for number in range(per_feed):
            published = NOW - timedelta(minutes=rng.randint(0, 60 * 24))
            if number % 10 == 9 and (made or recent):
                if made and rng.random() < 0.5:
                    text = rng.choice(made).content_html
                else:
                    stored = store.article(rng.choice(recent).id)
                    text = stored.content_html if stored else ""
            else:
                body = "".join(sentence(rng) for _ in range(rng.randint(6, 14)))
                text = "".join(f"<p>{part}。</p>" for part in body.split("。") if part)
            article = Article(
                feed_url=url,
                entry_id=f"new-{feed_number}-{number}",
                title=f"新文章{feed_number}-{number}",
                link=f"{url}/new/{number}.html",
                published=published,
                content_html=text,
            )
            made.append(article)
            articles.append(prepare(article))
        results.append(FetchResult(url, "ok", tuple(articles), Validators(etag='"v2"')))
    return results, [(a.title, article_text("", a.content_html)) for a in made]


def store_once(source: Path, results: list[FetchResult], grouping: bool) -> tuple[float, float]:
    """(seconds to store `results` in 16-feed writes as a refresh does, seconds in grouping)
    on a fresh copy of the cache at `source`."""
    spent = [0.0]
    original = group.group_new

    def timed_group(*args: object, **kwargs: object) -> int:
        started = time.perf_counter()
        joined = original(*args, **kwargs)  # type: ignore[arg-type]
        spent[0] += time.perf_counter() - started
        return joined

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.sqlite3"
        shutil.copyfile(source, path)
        store = Store.open(path)
        writes.group_new = timed_group if grouping else (lambda *args, **kwargs: 0)  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            for start in range(0, len(results), 16):
                store.record_fetches(results[start : start + 16], NOW)
            elapsed = time.perf_counter() - started
        finally:
            writes.group_new = original  # type: ignore[assignment]
            store.close()
    return elapsed, spent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("bench/results/dedup"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"cache-{args.articles}.sqlite3"
    if not source.exists():
        print(
            f"building {args.articles} articles: {build(source, args.articles, args.feeds):.0f} s"
        )
    with Store.open(source) as store:
        # As every refresh's prune leaves it: the keys of the last week only (build() stores
        # 80 days of articles and never prunes).
        upkeep.forget_story_keys(store._database, to_micros(NOW) - upkeep.STORY_KEYS_KEPT_MICROS)  # noqa: SLF001
        keys_kept = store._database.read("SELECT count(*) FROM story_keys")[0][0]  # noqa: SLF001
        feeds = [state.url for state in store.feed_states()]
        results, texts = new_articles(store, args.new, feeds)
        grouped_before = store._database.read(  # noqa: SLF001
            "SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
        )[0][0]
    count = sum(len(result.articles) for result in results)
    with_group: list[float] = []
    without: list[float] = []
    in_group: list[float] = []
    for _ in range(args.reps):
        elapsed, spent = store_once(source, results, True)
        with_group.append(elapsed)
        in_group.append(spent)
        without.append(store_once(source, results, False)[0])
    # The keys are a cut of the index words a parse worker makes anyway: only the cut is timed.
    words = [index_form_utf8(f"{title}\n{text}") for title, text in texts]
    started = time.perf_counter()
    for _ in range(3):
        for one in words:
            keys_of_words(one)
    keys_us = (time.perf_counter() - started) / (3 * len(words)) * 1e6
    load = Path("/proc/loadavg").read_text().split()[:3]
    median_with, median_without = statistics.median(with_group), statistics.median(without)
    print(
        f"cache {args.articles} articles ({grouped_before} in stories, {keys_kept} story keys);"
        f" {count} new, load {load}"
    )
    print(f"store with grouping    {median_with * 1e3:8.1f} ms  {sorted(with_group)}")
    print(f"store without grouping {median_without * 1e3:8.1f} ms  {sorted(without)}")
    print(
        f"difference per new article {(median_with - median_without) / count * 1e6:.1f} us;"
        f" grouping alone {statistics.median(in_group) / count * 1e6:.1f} us;"
        f" keys in the parse worker {keys_us:.1f} us"
    )


if __name__ == "__main__":
    main()
