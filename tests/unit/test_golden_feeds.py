"""Golden pairs: every feed file under tests/golden/feeds/ gives exactly the articles written in
the `<name>.articles.json` beside it, through the fast path and through feedparser alike.

After an intended change in what parsing gives, rewrite the JSON files with
    PYTHONPATH=$PWD python -m tests.unit.test_golden_feeds
from the repository root, and read the diff before committing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reader.core.feeds import parse
from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.parse import ParsedFeed, parse_feed
from reader.core.model import Article

GOLDEN = Path(__file__).parents[1] / "golden" / "feeds"
ANSWER_SUFFIX = ".articles.json"
FEED_FILES = sorted(path for path in GOLDEN.iterdir() if not path.name.endswith(ANSWER_SUFFIX))
# parse_feed options for the few files that exercise one.
OPTIONS: dict[str, dict[str, Any]] = {"cap_newest.xml": {"max_items": 3}}


def answer_path(feed: Path) -> Path:
    """rss10.rdf -> rss10.articles.json: the answer sits beside its feed."""
    return feed.with_name(feed.stem + ANSWER_SUFFIX)


@contextmanager
def fast_path(enabled: bool) -> Iterator[None]:
    saved = parse.FAST_PATH
    parse.FAST_PATH = enabled
    try:
        yield
    finally:
        parse.FAST_PATH = saved


def article_as_json(article: Article) -> dict[str, Any]:
    return {
        "feed_url": article.feed_url,
        "entry_id": article.entry_id,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "summary_html": article.summary_html,
        "content_html": article.content_html,
        "text": article.text,
    }


def parsed_as_json(feed: Path) -> dict[str, Any]:
    """What parse_feed gives for `feed`, as plain JSON data (or the error it raises)."""
    url = f"http://golden.example.cn/feeds/{feed.name}"
    try:
        parsed: ParsedFeed = parse_feed(feed.read_bytes(), url, **OPTIONS.get(feed.name, {}))
    except FeedParseError as error:
        return {"error": str(error)}
    articles = [article for article in parsed.articles if isinstance(article, Article)]
    assert len(articles) == len(parsed.articles)
    return {
        "title": parsed.title,
        "language": parsed.language,
        "notice": parsed.notice,
        "articles": [article_as_json(article) for article in articles],
    }


def as_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("path", ["fast", "feedparser"])
@pytest.mark.parametrize("feed", FEED_FILES, ids=[feed.name for feed in FEED_FILES])
def test_feed_gives_its_golden_articles(feed: Path, path: str) -> None:
    answer = answer_path(feed)
    assert answer.exists(), f"no {answer.name}: run python -m tests.unit.test_golden_feeds"
    with fast_path(path == "fast"):
        got = parsed_as_json(feed)
    assert as_text(got) == answer.read_text(encoding="utf-8")


def test_every_golden_answer_has_its_feed() -> None:
    answers = {path.name for path in GOLDEN.glob(f"*{ANSWER_SUFFIX}")}
    assert answers == {answer_path(feed).name for feed in FEED_FILES}


def regenerate() -> None:
    """Rewrite every answer from what parse_feed gives now (the default, fast path)."""
    for feed in FEED_FILES:
        answer_path(feed).write_text(as_text(parsed_as_json(feed)), encoding="utf-8")
        print(f"wrote {answer_path(feed).relative_to(Path.cwd())}")


if __name__ == "__main__":
    regenerate()
