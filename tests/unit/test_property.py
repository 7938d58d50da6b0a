"""Property tests (hypothesis): arbitrary bytes and arbitrary structured feeds go through
parse -> cache -> list/show text and the TUI's article rendering. Nothing but a readable
FeedParseError escapes, and nothing that could steer a terminal reaches any output.

Example counts are kept modest (see EXAMPLES) so the file runs in well under a minute on 2 cores.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from textual.actions import parse as parse_action

from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.parse import parse_feed
from reader.core.model import FeedConfig, FetchResult, Section
from reader.core.store.database import Store
from reader.core.text.blocks import html_to_blocks
from reader.core.text.cells import clean_line, clean_text, truncate_cells, wrap_cells
from reader.core.text.plain import blocks_to_text
from reader.core.text.urls import resolve_url
from reader.ui.article_text import ArticleRow, article_text
from tests.hostile.cases import ESC, assert_terminal_safe, unsafe_characters

FEED_URL = "http://127.0.0.1/prop/feed.xml"
EXAMPLES = {"bytes": 600, "feeds": 300, "text": 800, "links": 800}


def quick(examples: int) -> settings:
    """Settings for one property: `examples` runs, no per-example deadline on a shared machine."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


# Text that leans on the dangerous parts of Unicode: escapes, controls, bidi, markup, CJK.
_PIECES = st.sampled_from(
    [
        ESC,
        "\x1b[",
        "\x1b]52;c;",
        "\x1b]0;",
        "\x1bP",
        "\x1b\\",
        "\x07",
        "\x9b",
        "\x9d",
        "\x9c",
        "\x00",
        "\r",
        "\n",
        "\t",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "[bold]",
        "[/]",
        "[@click=app.quit]",
        "[link=http://x]",
        "<",
        ">",
        "&",
        "&amp;",
        "&#x1b;",
        "&#27;",
        "&#x202e;",
        "]]>",
        "鄭州",
        "新聞",
        "臺灣",
        "\u3000",
        "𠀀",
        "’",
        '"',
        "'",
    ]
)
hostile_text = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join)
html_fragment = st.lists(
    st.one_of(
        hostile_text,
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<script>",
                "</script>",
                "<style>",
                "<a href='javascript:x'>",
                "<a href='/rel'>",
                "</a>",
                "<img src='data:x' onerror='x'>",
                "<div>",
                "</div>",
                "<br>",
                "<pre>",
                "<li>",
                "<table><tr><td>",
                "<!--",
                "-->",
                "<iframe>",
            ]
        ),
    ),
    max_size=16,
).map("".join)


@contextmanager
def scratch_store() -> Iterator[Store]:
    """A real cache file in a temporary directory, with one configured feed."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "cache.sqlite3")
        try:
            store.sync_feeds([Section("屬性", (FeedConfig(FEED_URL, title="性質測試"),))])
            yield store
        finally:
            store.close()


def everything_shown(store: Store) -> str:
    """What list, show and the reading pane would print for every cached article."""
    shown: list[str] = []
    for listing in store.listings(None, limit=100):
        shown.append(clean_line(listing.title))
        shown.append(clean_line(listing.feed_title))
        shown.append(clean_line(listing.author or ""))
        shown.append(
            ArticleRow(listing, listing.title, listing.feed_title, "1 小時").line(60).plain
        )
        article = store.article(listing.id)
        assert article is not None
        html = article.content_html or article.summary_html
        blocks = html_to_blocks(html, listing.link)
        shown.append(blocks_to_text(blocks, width=50))
        text = article_text(
            clean_line(listing.title), clean_line(listing.feed_title), blocks, "[圖]", "新聞"
        )
        shown.append(text.plain)
        for span in text.spans:
            meta = getattr(span.style, "meta", None) or {}
            if "@click" in meta:
                assert meta["@click"].startswith("app.open_link('http")
    return "\n".join(shown)


def store_and_show(body: bytes) -> str | None:
    try:
        parsed = parse_feed(body, FEED_URL, max_items=50)
    except FeedParseError as error:
        message = str(error)
        assert message and not unsafe_characters(message)
        event("refused with FeedParseError")
        return None
    event("parsed" if parsed.articles else "parsed, no articles")
    result = FetchResult(
        FEED_URL,
        "ok",
        parsed.articles,
        feed_title=parsed.title,
        language=parsed.language,
        notice=parsed.notice,
    )
    with scratch_store() as store:
        store.record_fetch(result, datetime.now(UTC))
        output = everything_shown(store)
    assert_terminal_safe(output)
    return output


@quick(EXAMPLES["bytes"])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_parse(body: bytes) -> None:
    try:
        parsed = parse_feed(body, FEED_URL)
    except FeedParseError as error:
        assert str(error)
        return
    for article in parsed.articles:
        assert not unsafe_characters(article.title + (article.author or ""))
        assert article.link is None or article.link.startswith(("http://", "https://"))


FRAMES = [
    (
        b"<rss version='2.0'><channel><item><title>",
        b"</title><link>http://127.0.0.1/b</link></item></channel></rss>",
    ),
    (b'{"version":"1","items":[{"url":"http://127.0.0.1/j","title":"', b'"}]}'),
    (
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>",
        b"</title><id>x</id></entry></feed>",
    ),
    (b"<rss version='2.0'><channel><item><title>", b""),
]


@quick(EXAMPLES["bytes"] // 3)
@given(st.binary(max_size=600), st.sampled_from(FRAMES))
def test_arbitrary_bytes_inside_a_feed_are_safe_end_to_end(
    middle: bytes, frame: tuple[bytes, bytes]
) -> None:
    store_and_show(frame[0] + middle + frame[1])


def rss_document(channel: str, entries: list[tuple[str, str, str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link><author>{escape(author)}</author>"
        f"<description>{escape(body)}</description></item>"
        for title, body, author, link in entries
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(channel)}"
        f"</title>{items}</channel></rss>"
    ).encode("utf-8", "surrogatepass")


def json_document(channel: str, entries: list[tuple[str, str, str, str]]) -> bytes:
    items = [
        {
            "id": str(n),
            "title": title,
            "content_html": body,
            "authors": [{"name": author}],
            "url": link,
        }
        for n, (title, body, author, link) in enumerate(entries)
    ]
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": channel, "items": items}
    ).encode()


entries = st.lists(
    st.tuples(
        hostile_text,
        html_fragment,
        hostile_text,
        st.one_of(st.just("http://127.0.0.1/a"), hostile_text, st.just("javascript:alert(1)")),
    ),
    min_size=1,
    max_size=4,
)


@quick(EXAMPLES["feeds"])
@given(st.text(max_size=20), entries, st.booleans())
def test_structured_hostile_feeds_are_safe_end_to_end(
    channel: str, items: list[tuple[str, str, str, str]], as_json: bool
) -> None:
    body = json_document(channel, items) if as_json else rss_document(channel, items)
    output = store_and_show(body)
    if as_json:
        assert output is not None, "a JSON document with an items list is always a feed"


@quick(EXAMPLES["text"])
@given(hostile_text)
def test_clean_text_leaves_nothing_unsafe_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert not unsafe_characters(cleaned.replace("\n", "").replace("\t", ""))
    assert clean_text(cleaned) == cleaned
    line = clean_line(text)
    assert "\n" not in line and not unsafe_characters(line)
    for width in (1, 7, 40):
        assert all(not unsafe_characters(part) for part in wrap_cells(cleaned, width))
        assert not unsafe_characters(truncate_cells(line, width))


@quick(EXAMPLES["links"])
@given(
    st.one_of(hostile_text, st.text(max_size=40)), st.sampled_from([None, "http://127.0.0.1/n/1"])
)
def test_only_http_links_survive_and_their_click_action_parses(href: str, base: str | None) -> None:
    url = resolve_url(href, base)
    if url is None:
        return
    assert url.startswith(("http://", "https://")) and not unsafe_characters(url)
    assert not any(char.isspace() and char != " " for char in url)
    blocks = html_to_blocks(f'<p><a href="{escape(href, {chr(34): "&quot;"})}">連結</a></p>', base)
    text = article_text("標題", "資訊", blocks, "[圖]")
    for span in text.spans:
        meta = getattr(span.style, "meta", None) or {}
        if "@click" in meta:
            target, action, arguments = parse_action(meta["@click"])
            assert (target, action) == ("app", "open_link") and len(arguments) == 1
            assert str(arguments[0]).startswith(("http://", "https://"))
