"""plain_fast.html_to_plain gives exactly plain.html_to_plain's text, on every input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reader.core.text import plain_fast
from reader.core.text.plain import html_to_plain as full_html_to_plain

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.feedgen import rss_feed  # noqa: E402


def _feed_bodies() -> list[str]:
    bodies = []
    for index in range(6):
        root = etree.fromstring(rss_feed(index, 20))
        bodies += [element.text or "" for element in root.iter("description")]
    for path in [*(ROOT / "tests" / "feeds").iterdir(), *(ROOT / "tests" / "pages").glob("*")]:
        if path.is_file():
            bodies.append(path.read_bytes().decode("utf-8", "replace"))
    return bodies


@pytest.mark.parametrize("html", _feed_bodies()[:40] + _feed_bodies()[-12:])
def test_corpus_bodies_give_identical_text(html: str) -> None:
    assert plain_fast.html_to_plain(html) == full_html_to_plain(html)


def test_benchmark_bodies_take_the_quick_way() -> None:
    root = etree.fromstring(rss_feed(1, 10))
    for element in root.iter("description"):
        assert plain_fast.simple_plain(element.text) == full_html_to_plain(element.text)


_PIECES = st.sampled_from(
    [
        "鄭州",
        "地鐵\n開通",
        "a b",
        "  ",
        "\n",
        "\t",
        "\u3000",
        "&amp;",
        "&lt;",
        "&nbsp;",
        "&#21654;",
        "&#x202e;",
        "&copy;",
        "&",
        "<",
        ">",
        "\x1b[31m",
        "\r\n",
        "\u200b",
        "<p>",
        "</p>",
        "<P>",
        "<div>",
        "</div>",
        "<br>",
        "<br/>",
        "<b>",
        "</b>",
        "<span class='x'>",
        "</span>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<a href='/x'>",
        "</a>",
        "<img src=a.png alt=圖>",
        "<!-- c -->",
        "<ul>",
        "<li>",
        "</li>",
        "</ul>",
        "<pre>",
        "</pre>",
        "<h2>",
        "</h2>",
        '<p class="lead">',
        "<i>",
        "</i>",
        "<font color=red>",
        "</font>",
        "\ud800",
        "</br>",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_generated_html_gives_identical_text(html: str) -> None:
    assert plain_fast.html_to_plain(html) == full_html_to_plain(html)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<p>", "</p>", "\n", " ", "中文", "ab", "\u3000", "<br>"]), max_size=30
    ).map("".join)
)
def test_paragraph_shaped_html_gives_identical_text(html: str) -> None:
    assert plain_fast.html_to_plain(html) == full_html_to_plain(html)


_TEXTS = st.lists(
    st.sampled_from(
        [
            "鄭州",
            "地鐵\n開通",
            "a  b",
            " ",
            "\n",
            "\t\n",
            "\u3000",
            "&amp;",
            "&lt;",
            "&nbsp;",
            "&#21654;",
            "&#x202e;",
            "&#10;",
            "\u200b",
            "。",
        ]
    ),
    max_size=4,
).map("".join)


_INLINE = st.recursive(
    _TEXTS | st.just("<br>"),
    lambda inner: st.tuples(
        st.sampled_from(["b", "span class='k'", "em", "strong", "I"]), st.lists(inner, max_size=3)
    ).map(lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0].split()[0]}>"),
    max_leaves=8,
)
_PARAGRAPH = st.lists(_INLINE, max_size=4).map(lambda parts: f"<p>{''.join(parts)}</p>")
_NESTED = st.recursive(
    _PARAGRAPH | _INLINE,
    lambda inner: st.lists(inner, max_size=3).map(lambda parts: f"<div>{''.join(parts)}</div>"),
    max_leaves=8,
)


@settings(max_examples=800, deadline=None)
@given(st.lists(_NESTED, max_size=5).map("".join))
def test_generated_well_nested_html_takes_the_quick_way_and_gives_identical_text(html: str) -> None:
    expected = full_html_to_plain(html)
    assert plain_fast.html_to_plain(html) == expected
    try:
        quick = plain_fast.simple_plain(html)
    except plain_fast.NotPlain:
        return
    assert quick == expected


@pytest.mark.parametrize(
    "html",
    [
        "<div><p>鄭州<b>地鐵</b>開通</p>今日<br>試運行<div><p class='x'>第二段&nbsp;&amp;</p></div></div>",
        "<p>一行<br>\n兩行</p>\n<p>  <span>空白 </span> 之後 </p>",
        "開頭文字<em>強調</em><p>段落</p>結尾",
    ],
)
def test_nested_inline_and_divs_take_the_quick_way(html: str) -> None:
    assert plain_fast.simple_plain(html) == full_html_to_plain(html)
