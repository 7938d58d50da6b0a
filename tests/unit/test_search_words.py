"""The words the search index holds (index_form with the `ascii` tokenizer), end to end in a
real cache: folding, CJK characters as words, separators, case and diacritics."""

from __future__ import annotations

import html
import re
import sqlite3
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators
from reader.core.store import _index_chars
from reader.core.store import search as store_search
from reader.core.store.database import Store
from reader.core.store.search import _BMP_CJK_RANGES, SEARCH_INDEX_DDL, fts_query, index_form
from scripts.build_index_chars import render_module

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
FEED = "http://127.0.0.1/words.xml"


def words(text: str) -> list[str]:
    """The tokens FTS5's ascii tokenizer makes of index_form(text)."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    connection.execute(SEARCH_INDEX_DDL.replace("article_fts", "t"))
    connection.execute("INSERT INTO t(rowid, words) VALUES (1, ?)", (index_form(text),))
    rows = connection.execute("SELECT term, offset FROM v ORDER BY offset").fetchall()
    return [term for term, _ in rows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鄭州地鐵", ["郑", "州", "地", "铁"]),
        ("Metro 3 開通，ＡＢＣ測試。", ["metro", "3", "开", "通", "abc", "测", "试"]),
        ("iPhone手機2024年", ["iphone", "手", "机", "2024", "年"]),
        ("Apple—Google«合作»", ["apple", "google", "合", "作"]),
        ("café CAFÉ cafe\u0301", ["cafe", "cafe", "cafe"]),
        ("ΑΘΗΝΑ Москва", ["αθηνα", "москва"]),
        ("con\xadtent x_y a\u200bb", ["content", "x", "y", "a", "b"]),
        ("好🎉消息", ["好", "消", "息"]),
        ("𠀀𪚥罕用字", ["𠀀", "𪚥", "罕", "用", "字"]),
        ("한글 かなカナ ㄅㄆ", ["한", "글", "か", "な", "カ", "ナ", "ㄅ", "ㄆ"]),
    ],
)
def test_index_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_every_non_ascii_separator_splits_words() -> None:
    # No character the tokenizer would glue to a word may be left: after index_form, every
    # non-ASCII character is a letter, digit or private-use character, or one of the CJK
    # blocks whose every character is a word of its own.
    sample = "".join(chr(code) for code in range(0x80, 0x10000) if not 0xD800 <= code < 0xE000)
    for char in set(index_form(sample)):
        if char.isascii() or any(a <= ord(char) <= b for a, b in _BMP_CJK_RANGES):
            continue
        category = unicodedata.category(char)
        assert category[0] in "LN" or category == "Co", (hex(ord(char)), category)


def test_query_is_quoted_words_only() -> None:
    assert fts_query("鄭州") == '"郑 州"'
    assert fts_query('AND "x" NEAR(a*') == '"and" AND "x" AND "near a"'
    assert fts_query("，。！—🎉") is None


@pytest.mark.skipif(
    unicodedata.unidata_version != _index_chars.UNICODE_VERSION,
    reason="the table is generated with one Unicode version; another Python may differ",
)
def test_generated_table_is_current() -> None:
    assert Path(_index_chars.__file__).read_text(encoding="utf-8") == render_module()


def article(number: int, title: str, body: str) -> Article:
    return Article(FEED, f"e{number}", title, published=NOW, content_html=f"<p>{body}</p>")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "cache.sqlite3")
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    articles = (
        article(1, "Apple—Google合作", "兩家公司在 Café Lumière 發布新品。"),
        article(2, "鄭州地鐵開通", "ＡＢＣ測試：iPhone手機支付。"),
        article(3, "郑州夜市", "Москва 代表團到訪🎉。"),
    )
    store.record_fetch(FetchResult(FEED, "ok", articles, Validators(etag='"1"')), NOW)
    return store


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("google", ["Apple—Google合作"]),
        ("GOOGLE apple", ["Apple—Google合作"]),
        ("cafe lumiere", ["Apple—Google合作"]),
        ("Café", ["Apple—Google合作"]),
        ("郑州", ["郑州夜市", "鄭州地鐵開通"]),
        ("abc", ["鄭州地鐵開通"]),
        ("iphone", ["鄭州地鐵開通"]),
        ("МОСКВА", ["郑州夜市"]),
        ("phone", []),
    ],
)
def test_search_finds_words_across_case_width_script_and_accents(
    store: Store, query: str, found: list[str]
) -> None:
    assert sorted(listing.title for listing in store.search(query)) == sorted(found)


def test_an_index_built_with_the_old_tokenizer_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    store.record_fetch(
        FetchResult(FEED, "ok", (article(1, "鄭州新聞", "Café"),), Validators(etag='"1"')), NOW
    )
    store.close()
    raw = sqlite3.connect(path)  # what an older reader left: unicode61, empty, version 1
    raw.execute("DROP TABLE article_fts")
    raw.execute(SEARCH_INDEX_DDL.replace("'ascii'", "'unicode61 remove_diacritics 2'"))
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'index_text_version'")
    raw.commit()
    raw.close()
    store = Store.open(path)
    assert store.index_backlog() == 1 and store.search("郑州") == []  # opened at once
    assert store.catch_up_index() == 0 and store.index_backlog() == 0
    assert [listing.title for listing in store.search("郑州 cafe")] == ["鄭州新聞"]
    store.close()
    raw = sqlite3.connect(path)
    ddl = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'article_fts'").fetchone()[0]
    raw.close()
    assert ddl == SEARCH_INDEX_DDL


def _plain_text_by_regex(html_fragment: str) -> str:
    """plain_text as INDEX_TEXT_VERSION 1 and 2 first defined it (line breaks by a regex)."""
    text = html_fragment
    if "<" in text or "&" in text:
        text = store_search._DROPPED_ELEMENTS.sub(" ", text)
        text = store_search._BREAKING_TAG.sub("\n", text)
        text = html.unescape(store_search._ANY_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in re.split(r"\s*\n\s*", text))
    return "\n\n".join(line for line in lines if line)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["\n", " ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000",
             "<p>", "</p>", "<br>", "<b>", "&amp;", "&#10;", "鄭州", "a", "。"]
        ),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_plain_text_keeps_the_words_the_index_was_built_with(fragment: str) -> None:
    # A contentless index deletes an article by repeating its words: a faster plain_text must
    # give exactly what the old one gave.
    assert store_search.plain_text(fragment) == _plain_text_by_regex(fragment)


def test_new_and_rebuilt_indexes_carry_their_settings(store: Store, tmp_path: Path) -> None:
    settings = "SELECT v FROM article_fts_config WHERE k = 'automerge'"
    assert store._database.connection.execute(settings).fetchall() == [(8,)]
    path = tmp_path / "old.sqlite3"
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'index_text_version'")
    raw.commit()
    raw.close()
    reopened = Store.open(path)
    assert reopened._database.connection.execute(settings).fetchall() == [(8,)]
    reopened.close()
