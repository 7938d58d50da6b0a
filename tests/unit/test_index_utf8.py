"""The UTF-8 index words a parse worker sends the store are exactly `index_form`'s words,
encoded: the contentless index can only delete an article with the words it was given."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.feedgen import rss_feed
from reader.core.feeds.parse import parse_feed
from reader.core.store import search as store_search
from reader.core.store.search import (
    article_words,
    article_words_utf8,
    index_form,
    index_form_utf8,
)


@given(st.text())
@settings(max_examples=500, deadline=None)
def test_utf8_words_are_index_form_encoded(text: str) -> None:
    assert index_form_utf8(text) == index_form(text).encode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "鄭州地鐵 Metro 3 開通，ＡＢＣ測試。",
        "café CAFÉ cafe\u0301 con\xadtent a\u200bb",
        "好🎉消息 𠀀𪚥罕用字",  # supplementary-plane characters take the other path
        "lone \ud800 surrogate",
        "\x00\x1f\x7f\u2028\ufeff\uffff",
    ],
)
def test_utf8_words_on_awkward_text(text: str) -> None:
    assert index_form_utf8(text) == index_form(text).encode()


@pytest.mark.parametrize("shape", ["description", "content"])
def test_article_words_utf8_on_bench_feeds(shape: str) -> None:
    articles = parse_feed(rss_feed(7, 10, shape=shape), "http://127.0.0.1/feed7.xml").articles
    assert articles
    for article in articles:
        expected = article_words(article.title, article.summary_html, article.content_html)
        got = article_words_utf8(article.title, article.summary_html, article.content_html)
        assert got == expected.encode()


@pytest.mark.parametrize("start", range(0, 0x10000, 0x1000))
def test_every_bmp_character_gives_index_form_words(start: int) -> None:
    # Each table entry the C loop copies, in both of its string widths (Latin-1 and BMP).
    chunk = "".join(map(chr, range(start, start + 0x1000)))
    assert index_form_utf8(chunk) == index_form(chunk).encode()
    if start == 0:
        latin1 = chunk[:0x100]
        assert index_form_utf8(latin1) == index_form(latin1).encode()


def test_the_c_loop_is_built_wherever_it_can_be() -> None:
    # An optional build fails quietly: where a C compiler and Python's headers are, a missing
    # module means the build broke, not that the machine cannot build it.
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    can_build = headers.exists() and any(map(shutil.which, ("cc", "gcc", "clang")))
    assert (store_search._index_words is not None) or not can_build, (
        "the C loop was not built: `pip install -e '.[test]'` builds it next to its source"
    )


def test_the_c_loop_refuses_bad_tables_and_keeps_its_own() -> None:
    module = store_search._index_words
    if module is None:  # built without a C compiler: charmap_encode gives the words
        assert index_form_utf8("鄭州 Metro") == index_form("鄭州 Metro").encode()
        return
    index_form_utf8("")  # the table is handed over on first use
    assert module.encode("好🎉") is None  # supplementary plane: left to index_form
    with pytest.raises(ValueError):
        module.set_table(b"\0" * 8, b"\0" * 0x10000, b"")
    with pytest.raises(ValueError):  # a slice past the end of the blob
        module.set_table(b"\xff" * 4 * 0x10000, b"\x01" * 0x10000, b" ")
    with pytest.raises(TypeError):
        module.encode(b"bytes")  # type: ignore[arg-type]
    assert module.encode("鄭州") == index_form("鄭州").encode()  # the good table stayed


def test_a_table_the_c_loop_refuses_leaves_the_words_to_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # E.g. a platform whose array "I" is not four bytes: search must go on, in Python.
    monkeypatch.setattr(store_search, "_index_words", store_search._index_words)
    monkeypatch.setattr(store_search, "_utf8_table", None)
    monkeypatch.setattr(store_search, "_flattened", lambda table: (b"", b"", b""))
    text = "鄭州地鐵 Metro 3 開通"
    assert index_form_utf8(text) == index_form(text).encode()
    assert store_search._index_words is None  # the loop is off, not half-set
