"""The query language: its grammar and errors, every operator in both scripts against a real
cache, and (hypothesis) random queries that never crash and agree with a slow reference."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators
from reader.core.store.database import Store
from reader.core.store.query.parse import (
    Age,
    All,
    Any,
    Day,
    Field,
    Not,
    QuerySyntaxError,
    State,
    Words,
    parse_query,
)
from tests.support.query_reference import ReferenceArticle, matches

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
XINHUA = "http://127.0.0.1/xinhua.xml"
ZHONGYUAN = "http://127.0.0.1/zhongyuan.xml"
SECTIONS = [
    Section("要聞", (FeedConfig(XINHUA, title="新華網"),)),
    Section("城市遠洋", (FeedConfig(ZHONGYUAN, title="中原网"),)),
]


def article(
    feed: str,
    entry: str,
    title: str,
    *,
    text: str = "",
    author: str | None = None,
    hours_ago: float = 1.0,
) -> Article:
    return Article(
        feed_url=feed,
        entry_id=entry,
        title=title,
        link=f"https://news.example.com/{entry}.html",
        author=author,
        published=NOW - timedelta(hours=hours_ago),
        summary_html=f"<p>{title}</p>",
        content_html=f"<p>{text}</p>" if text else "",
    )


def fetched(feed: str, *articles: Article) -> FetchResult:
    return FetchResult(
        url=feed, status="ok", articles=articles, validators=Validators(), language="zh"
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    opened.sync_feeds(SECTIONS)
    opened.record_fetch(
        fetched(
            XINHUA,
            article(
                XINHUA, "x1", "鄭州地鐵新線開通", text="臺灣遊客搭乘體驗。", author="記者 石麗敏"
            ),
            article(
                XINHUA,
                "x2",
                "郑州发布暴雨预警",
                text="台湾气象部门关注 Typhoon 动向。",
                hours_ago=30,
            ),
            article(XINHUA, "x3", "開封夜市人氣旺", text="推广：夜市美食節", hours_ago=24 * 40),
        ),
        NOW,
    )
    opened.record_fetch(
        fetched(
            ZHONGYUAN,
            article(
                ZHONGYUAN, "z1", "洛阳牡丹花会开幕", text="郑州游客涌入洛阳。", author="记者 张三"
            ),
            article(ZHONGYUAN, "z2", "廣告：房產推廣", text="限时优惠", hours_ago=5),
        ),
        NOW,
    )
    yield opened
    opened.close()


def titles(store: Store, query: str, section: str | None = None) -> list[str]:
    compiled = store.compile_query(query, now=NOW)
    return sorted(listing.title for listing in store.query_listings(compiled, section=section))


def id_of(store: Store, title: str) -> int:
    compiled = store.compile_query(f'title:"{title}"', now=NOW)
    (found,) = store.query_listings(compiled)
    return found.id


# ---- grammar -------------------------------------------------------------------------------


def test_terms_side_by_side_or_binds_them_and_minus_negates() -> None:
    assert parse_query('郑州 title:鄭州 OR "a b" -is:read') == All(
        (
            Words("郑州"),
            Any((Field("title", "鄭州"), Words("a b", quoted=True))),
            Not(State("read")),
        )
    )
    assert parse_query("-(a OR b) age:<7d before:2026-12-01 after:2026-11-01") == All(
        (
            Not(All((Any((Words("a"), Words("b"))),))),
            Age(newer=True, hours=168),
            Day(after=False, day=date(2026, 12, 1)),
            Day(after=True, day=date(2026, 11, 1)),
        )
    )
    assert parse_query('feed:"新华 网" http://x.cn 12:30 a-b') == All(
        (Field("feed", "新华 网"), Words("http://x.cn"), Words("12:30"), Words("a-b"))
    )


@pytest.mark.parametrize(
    ("query", "column", "expected"),
    [
        ("郑州 OR", 6, "expected a term after OR"),
        ("OR 郑州", 1, "expected a term before OR"),
        ("(郑州", 4, "expected ')'"),
        ("郑州)", 3, "unexpected ')'"),
        ('title:"郑州', 7, "expected a closing '\"'"),
        ("is:new", 4, "expected unread, read or starred after 'is:'"),
        ("age:7d", 5, "expected '<' or '>', a number and h, d or w after 'age:'"),
        ("after:2026-02-30", 7, "expected a date as YYYY-MM-DD after 'after:'"),
        ("郑州 title:", 10, "expected a word or a quoted phrase after 'title:'"),
        ("郑州 - 洛阳", 5, "expected a term after '-'"),
    ],
)
def test_a_syntax_error_names_the_column_and_what_was_expected(
    query: str, column: int, expected: str
) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert raised.value.column == column
    assert raised.value.expected.startswith(expected)
    assert str(raised.value).startswith(f"column {column}: ")


# ---- every operator, both scripts ----------------------------------------------------------


@pytest.mark.parametrize("query", ["郑州", "鄭州"])
def test_words_find_both_scripts_in_title_and_text(store: Store, query: str) -> None:
    assert titles(store, query) == ["洛阳牡丹花会开幕", "郑州发布暴雨预警", "鄭州地鐵新線開通"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"游客涌入"', ["洛阳牡丹花会开幕"]),
        ('"遊客湧入"', ["洛阳牡丹花会开幕"]),
        ('"郑州 游客"', ["洛阳牡丹花会开幕"]),
        ("title:郑州", ["郑州发布暴雨预警", "鄭州地鐵新線開通"]),
        ("title:鄭州", ["郑州发布暴雨预警", "鄭州地鐵新線開通"]),
        ("title:洛陽 ", ["洛阳牡丹花会开幕"]),
        ("author:石丽敏", ["鄭州地鐵新線開通"]),
        ('author:"記者 張三"', ["洛阳牡丹花会开幕"]),
        ("feed:新华网 title:郑州", ["郑州发布暴雨预警", "鄭州地鐵新線開通"]),
        ("feed:zhongyuan", ["廣告：房產推廣", "洛阳牡丹花会开幕"]),
        ("section:城市远洋", ["廣告：房產推廣", "洛阳牡丹花会开幕"]),
        ("section:城市遠洋 -title:廣告", ["洛阳牡丹花会开幕"]),
        ("link:z1", ["洛阳牡丹花会开幕"]),
        ('link:"example com z2"', ["廣告：房產推廣"]),
        ("title:推广 OR title:廣告", ["廣告：房產推廣"]),
        ("推廣 -title:广告", ["開封夜市人氣旺"]),
        ("(台湾 OR 洛陽) -typhoon", ["洛阳牡丹花会开幕", "鄭州地鐵新線開通"]),
        ("鄭州 age:<1d", ["洛阳牡丹花会开幕", "鄭州地鐵新線開通"]),
        ("age:>30d", ["開封夜市人氣旺"]),
        ("after:2026-11-19 before:2026-11-20", ["郑州发布暴雨预警"]),
        ("ＴＹＰＨＯＯＮ", ["郑州发布暴雨预警"]),
    ],
)
def test_each_operator(store: Store, query: str, expected: list[str]) -> None:
    assert titles(store, query) == expected


def test_is_unread_read_and_starred(store: Store) -> None:
    store.set_read([id_of(store, "鄭州地鐵新線開通")], True)
    store.set_starred(id_of(store, "郑州发布暴雨预警"), True)
    assert titles(store, "鄭州 is:read") == ["鄭州地鐵新線開通"]
    assert titles(store, "郑州 is:unread") == ["洛阳牡丹花会开幕", "郑州发布暴雨预警"]
    assert titles(store, "is:starred") == ["郑州发布暴雨预警"]
    assert titles(store, "-is:unread OR is:starred") == ["郑州发布暴雨预警", "鄭州地鐵新線開通"]


def test_section_counts_and_a_query_with_nothing_in_it(store: Store) -> None:
    compiled = store.compile_query("郑州", now=NOW)
    assert store.query_count(compiled) == 3
    assert store.query_count(compiled, section="要聞") == 2
    assert titles(store, "郑州", section="城市遠洋") == ["洛阳牡丹花会开幕"]
    assert store.query_count(compiled, section="不存在") == 0
    store.set_read([id_of(store, "鄭州地鐵新線開通")], True)
    assert store.query_count(compiled, unread_only=True) == 2
    for nothing in ("", "  ", "，。", '""', "-，"):
        assert titles(store, nothing) == []


def test_other_regions_words_are_found_too(store: Store) -> None:
    store.record_fetch(fetched(XINHUA, article(XINHUA, "x4", "軟體更新", text="新版軟體")), NOW)
    assert titles(store, "软件") == ["軟體更新"]
    assert titles(store, "title:軟體") == ["軟體更新"]


# ---- property tests ------------------------------------------------------------------------

_VOCABULARY = ["郑", "鄭", "州", "洛", "陽", "阳", "台", "臺", "湾", "灣", "news", "ab", "x1"]
_word = st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3).map("".join)


def _term(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        _word,
        _word.map(lambda w: f'"{w} {w[::-1]}"'),
        st.tuples(st.sampled_from(["title", "author", "feed", "section", "link"]), _word).map(
            ":".join
        ),
        st.sampled_from(["is:unread", "is:read", "is:starred", "age:<2d", "age:>5d"]),
        st.sampled_from(["after:2026-11-10", "before:2026-11-19", "，"]),
        inner.map(lambda q: f"-{q}"),
        st.tuples(inner, inner).map(lambda pair: f"{pair[0]} OR {pair[1]}"),
        inner.map(lambda q: f"({q})"),
    )


_query = st.recursive(_word, _term, max_leaves=8).flatmap(
    lambda first: st.lists(st.recursive(_word, _term, max_leaves=4), max_size=3).map(
        lambda rest: " ".join([first, *rest])
    )
)

_cached = st.lists(
    st.tuples(
        st.sampled_from([XINHUA, ZHONGYUAN]),
        st.lists(st.sampled_from(_VOCABULARY), max_size=4).map(" ".join),
        st.lists(st.sampled_from(_VOCABULARY), max_size=6).map("".join),
        st.sampled_from([None, "記者 郑州", "news ab"]),
        st.integers(0, 24 * 20),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "郑鄭州“”（）：－", max_size=40))
def test_random_text_parses_or_raises_a_syntax_error(text: str) -> None:
    try:
        parse_query(text)
    except QuerySyntaxError as error:
        assert 1 <= error.column <= len(text) + 1


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cached=_cached, queries=st.lists(_query, min_size=1, max_size=4))
def test_the_sql_agrees_with_the_reference(
    tmp_path_factory: pytest.TempPathFactory, cached: list[tuple], queries: list[str]
) -> None:
    path = tmp_path_factory.mktemp("cache") / "cache.sqlite3"
    with Store.open(path) as store:
        store.sync_feeds(SECTIONS)
        for number, (feed, title, text, author, hours_ago, *_marks) in enumerate(cached):
            entry = f"e{number}"
            store.record_fetch(
                fetched(
                    feed,
                    article(feed, entry, title, text=text, author=author, hours_ago=hours_ago),
                ),
                NOW,
            )
        stored = store.query_listings(store.compile_query("after:2000-01-01", now=NOW), limit=99)
        for listing in stored:
            marks = cached[int(listing.link.rsplit("/e", 1)[1].removesuffix(".html"))]
            store.set_read([listing.id], marks[5])
            store.set_starred(listing.id, marks[6])
        references = []
        for listing in stored:
            full = store.article(listing.id)
            assert full is not None
            item = full.listing
            references.append(
                ReferenceArticle(
                    id=item.id,
                    title=item.title,
                    summary_html=full.summary_html,
                    content_html=full.content_html,
                    author=item.author,
                    link=item.link,
                    feed_title=item.feed_title,
                    feed_url=item.feed_url,
                    section=item.section,
                    read=item.read,
                    starred=item.starred,
                    sort_key=item.published or NOW,
                )
            )
        for query in queries:
            tree = parse_query(query)
            compiled = store.compile_query(query, now=NOW, regional_words=False)
            found = {listing.id for listing in store.query_listings(compiled, limit=99)}
            expected = {ref.id for ref in references if matches(tree, ref, NOW, UTC)}
            assert found == expected, query
