"""Filter rules against a real cache: hide and highlight at read time (every list, count,
query and search; nothing deleted), read and star once when an article is first stored, in
either script."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators
from reader.core.store import queries
from reader.core.store.database import Store
from reader.core.store.query.rules import FilterRule
from reader.core.store.search import field_condition, index_tokens, words_hold

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
XINHUA = "http://127.0.0.1/xinhua.xml"
ZHONGYUAN = "http://127.0.0.1/zhongyuan.xml"
SECTIONS = [
    Section("要聞", (FeedConfig(XINHUA, title="新華網"),)),
    Section("城市遠洋", (FeedConfig(ZHONGYUAN, title="中原网"),)),
]


def article(feed: str, entry: str, title: str, text: str = "", hours_ago: float = 1.0) -> Article:
    return Article(
        feed_url=feed,
        entry_id=entry,
        title=title,
        link=f"https://news.example.com/{entry}.html",
        published=NOW - timedelta(hours=hours_ago),
        summary_html=f"<p>{text or title}</p>",
    )


XINHUA_ITEMS = (
    article(XINHUA, "x1", "鄭州地鐵新線開通", "臺灣遊客搭乘體驗。"),
    article(XINHUA, "x2", "廣告：房產推廣", "限時優惠", hours_ago=2),
    article(XINHUA, "x3", "郑州发布暴雨预警", "气象部门提醒。", hours_ago=30),
)
ZHONGYUAN_ITEMS = (
    article(ZHONGYUAN, "z1", "洛阳牡丹花会开幕", "郑州游客涌入洛阳。"),
    article(ZHONGYUAN, "z2", "推广：夜市美食节", "开封夜市", hours_ago=5),
)


def fetched(feed: str, *articles: Article) -> FetchResult:
    return FetchResult(url=feed, status="ok", articles=articles, validators=Validators())


def fill(store: Store) -> None:
    store.record_fetch(fetched(XINHUA, *XINHUA_ITEMS), NOW)
    store.record_fetch(fetched(ZHONGYUAN, *ZHONGYUAN_ITEMS), NOW)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    opened.sync_feeds(SECTIONS)
    yield opened
    opened.close()


def titles(listings: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(item.title for item in listings)


HIDE_ADS = [FilterRule("title:推广 OR title:廣告", "hide")]


def test_hide_keeps_articles_out_of_every_list_count_query_and_search(store: Store) -> None:
    fill(store)
    store.set_filters(HIDE_ADS)
    ads = {"廣告：房產推廣", "推广：夜市美食节"}
    everything = store.listings(None)
    assert ads.isdisjoint(titles(everything)) and len(everything) == 3
    assert titles(store.listings("要聞")) == ["郑州发布暴雨预警", "鄭州地鐵新線開通"]
    assert store.count(None) == 3 and store.count("城市遠洋") == 1
    assert store.unread_counts() == {"要聞": 2, "城市遠洋": 1}
    query = store.compile_query("推广 OR 限时 OR 郑州", now=NOW)
    assert ads.isdisjoint(titles(store.query_listings(query)))
    assert store.query_count(query) == len(store.query_listings(query)) == 3
    assert store.search("推广") == []
    # Nothing was deleted: --all shows them, flagged.
    shown = store.listings(None, include_hidden=True)
    assert len(shown) == 5
    assert {item.title for item in shown if item.hidden} == ads
    assert store.article(shown[0].id) is not None


def test_hide_takes_effect_at_once_and_undoing_it_brings_everything_back(store: Store) -> None:
    fill(store)
    assert store.count(None) == 5
    store.set_filters(HIDE_ADS)
    assert store.count(None) == 3
    store.set_filters([])
    assert store.count(None) == 5 and store.unread_counts() == {"要聞": 3, "城市遠洋": 2}


@pytest.mark.parametrize(
    ("rule", "hidden"),
    [
        ("title:广告", {"廣告：房產推廣"}),  # 简体 rule, 繁體 title
        ("title:夜市美食節", {"推广：夜市美食节"}),  # 繁體 rule, 简体 title
        ('"臺灣遊客"', {"鄭州地鐵新線開通"}),  # a phrase in the text
        ("feed:中原网", {"洛阳牡丹花会开幕", "推广：夜市美食节"}),  # no words: no index
        ("before:2026-11-20", {"郑州发布暴雨预警"}),
        ("age:>100000h", set()),
        ("郑州 -title:郑州", {"洛阳牡丹花会开幕"}),
    ],
)
def test_hide_rules_in_either_script_and_of_every_kind(
    store: Store, rule: str, hidden: set[str]
) -> None:
    fill(store)
    store.set_filters([FilterRule(rule, "hide")], UTC)
    everything = {item.title for item in XINHUA_ITEMS + ZHONGYUAN_ITEMS}
    shown = store.listings(None)
    assert set(titles(shown)) == everything - hidden
    assert store.count(None) == len(shown)
    assert sum(store.unread_counts().values()) == len(shown)


def test_counts_agree_with_the_pages_they_count(store: Store) -> None:
    fill(store)
    store.set_filters(HIDE_ADS + [FilterRule("洛阳", "hide")])
    for section in (None, "要聞", "城市遠洋"):
        pages = [store.listings(section, limit=1, offset=at) for at in range(6)]
        assert store.count(section) == sum(len(page) for page in pages)
        unread = store.listings(section, unread_only=True)
        assert store.count(section, unread_only=True) == len(unread)
    assert store.unread_counts() == {"要聞": 2, "城市遠洋": 0}


def test_highlight_flags_the_rows_it_matches(store: Store) -> None:
    fill(store)
    store.set_filters([FilterRule("title:鄭州", "highlight")])
    flagged = {item.title for item in store.listings(None) if item.highlighted}
    assert flagged == {"鄭州地鐵新線開通", "郑州发布暴雨预警"}
    query = store.compile_query("郑州", now=NOW)
    assert {item.title for item in store.query_listings(query) if item.highlighted} == flagged
    assert all(not item.hidden for item in store.listings(None))


def test_read_and_star_act_once_when_an_article_is_first_stored(store: Store) -> None:
    store.set_filters(
        [FilterRule("title:广告 OR title:推广", "read"), FilterRule("郑州", "star")], UTC
    )
    fill(store)
    marks = {item.title: (item.read, item.starred) for item in store.listings(None)}
    assert marks == {
        "鄭州地鐵新線開通": (False, True),
        "廣告：房產推廣": (True, False),
        "郑州发布暴雨预警": (False, True),
        "洛阳牡丹花会开幕": (False, True),  # 郑州 in its text
        "推广：夜市美食节": (True, False),
    }
    # The user undoes two marks; the next refreshes bring the same articles (one changed).
    by_title = {item.title: item.id for item in store.listings(None)}
    store.set_read([by_title["廣告：房產推廣"]], False)
    store.set_starred(by_title["鄭州地鐵新線開通"], False)
    changed = replace(XINHUA_ITEMS[1], summary_html="<p>限時優惠，推廣延長</p>")
    for when in (NOW + timedelta(hours=1), NOW + timedelta(hours=2)):
        store.record_fetch(fetched(XINHUA, XINHUA_ITEMS[0], changed, XINHUA_ITEMS[2]), when)
        store.record_fetches([fetched(ZHONGYUAN, *ZHONGYUAN_ITEMS)], when)
    again = {item.title: (item.read, item.starred) for item in store.listings(None)}
    assert again["廣告：房產推廣"] == (False, False)
    assert again["鄭州地鐵新線開通"] == (False, False)
    assert again["推广：夜市美食节"] == (True, False)
    # A new article is marked as it arrives, in a batch write too.
    new = article(ZHONGYUAN, "z3", "廣告：新盤推廣", hours_ago=0.5)
    store.record_fetches([fetched(ZHONGYUAN, *ZHONGYUAN_ITEMS, new)], NOW)
    assert [item.read for item in store.listings(None) if item.title == "廣告：新盤推廣"] == [True]


def test_rules_that_mark_queue_the_mark_for_a_sync_server(store: Store) -> None:
    store.set_sync_service("ttrss")
    store.set_filters([FilterRule("title:广告", "read"), FilterRule("title:推广", "star")])
    fill(store)
    changes = {(c.remote_id, c.read, c.starred) for c in store.pending_changes()}
    assert ("x2", True, True) in changes and ("z2", None, True) in changes
    assert len(changes) == 2


def test_highlight_and_hide_together_with_all(store: Store) -> None:
    fill(store)
    store.set_filters(HIDE_ADS + [FilterRule("夜市", "highlight")])
    every = {i.title: (i.hidden, i.highlighted) for i in store.listings(None, include_hidden=True)}
    assert every["推广：夜市美食节"] == (True, True)
    assert every["鄭州地鐵新線開通"] == (False, False)


ALPHABET = "郑鄭州洲广廣告推進进 ·、A a5５g\u0301\u200b軟体體"


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(alphabet=ALPHABET, max_size=12),
    needle=st.text(alphabet=ALPHABET, min_size=1, max_size=4),
)
def test_the_sql_field_check_agrees_with_the_python_one(title: str, needle: str) -> None:
    """title: and author: are decided in SQL where it can (instr over spellings); the answer
    must be words_hold's, the slow reference, for every text."""
    words = " ".join(index_tokens(needle))
    if not words:
        return
    connection = sqlite3.connect(":memory:")
    connection.create_function("words_hold", 2, words_hold, deterministic=True)
    connection.execute("CREATE TABLE articles (title TEXT)")
    connection.execute("INSERT INTO articles VALUES (?)", (title,))
    sql, parameters = field_condition("a.title", words)
    (found,) = connection.execute(f"SELECT {sql} FROM articles AS a", parameters).fetchone()
    assert bool(found) == bool(words_hold(title, words)), (title, words, sql)


@pytest.mark.parametrize(
    "text", ["title:郑州", "title:推廣 OR title:广告", "title:鄭州 -暴雨", "title:夜市 is:unread"]
)
def test_title_terms_find_the_same_whether_the_index_narrows_them_or_not(
    store: Store, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """A title: word rare in the index is narrowed through it; a common one is checked row by
    row. Both must find the same articles, as queries and as hide rules."""
    fill(store)

    def found() -> tuple[list[str], list[str]]:
        query = store.compile_query(text, now=NOW)
        store.set_filters([FilterRule(text, "hide")])
        return titles(store.query_listings(query, include_hidden=True)), titles(
            store.listings(None)
        )

    narrowed = found()
    assert narrowed[0] and len(narrowed[0]) + len(narrowed[1]) == 5
    monkeypatch.setattr(queries, "RARE_PHRASE_ARTICLES", 0)
    monkeypatch.setattr(queries, "_rare_phrases", {})
    assert found() == narrowed
