"""The lxml fast path (reader.core.feeds.fast) gives exactly what the feedparser path gives.

Every feed is parsed twice, once with the fast path allowed and once forced through
feedparser, and the two ParsedFeeds must be equal field by field; where the fast path
declines a feed, both are feedparser's reading and trivially equal, so the tests also check
that the usual shapes really are read by the fast path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.feeds import fast as parse_fast
from reader.core.feeds import parse
from reader.core.feeds.decode import decode_feed
from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.feedparser_rules import feedparser_helpers
from reader.core.feeds.parse import ParsedFeed, parse_feed
from reader.core.feeds.utf8_xml import as_is_utf8_xml, as_utf8_xml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.feedgen import rss_feed  # noqa: E402

FEED_URL = "http://news.example.cn/feeds/main.xml"
FEED_FILES = sorted(
    [*(ROOT / "tests" / "feeds").iterdir(), *(ROOT / "tests" / "hostile").glob("*.xml")]
)
# The everyday shapes: these must not fall back to feedparser.
FAST_FILES = {"rss20.xml", "rss10.rdf", "gbk.xml", "big5_hk.xml", "chinese_dates.xml"}


def parse_with(path: str, body: bytes, url: str = FEED_URL) -> ParsedFeed | str:
    """parse_feed through the fast path ("fast": allowed) or forced through feedparser."""
    saved = parse.FAST_PATH
    parse.FAST_PATH = path == "fast"
    try:
        return parse_feed(body, url)
    except FeedParseError as error:
        return f"FeedParseError: {error}"
    finally:
        parse.FAST_PATH = saved


def fast_path_accepts(body: bytes, url: str = FEED_URL) -> bool:
    data = as_utf8_xml(decode_feed(body, None))
    return parse_fast.read_feed(data, url, parse.SHANGHAI) is not None


def assert_same(body: bytes, url: str = FEED_URL) -> None:
    fast, slow = parse_with("fast", body, url), parse_with("feedparser", body, url)
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return
    assert (fast.title, fast.language, fast.notice) == (slow.title, slow.language, slow.notice)
    assert len(fast.articles) == len(slow.articles)
    for mine, theirs in zip(fast.articles, slow.articles, strict=True):
        for field in mine.__slots__:
            assert getattr(mine, field) == getattr(theirs, field), field
    assert fast == slow


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda path: path.name)
def test_every_test_feed_reads_the_same_both_ways(path: Path) -> None:
    body = path.read_bytes()
    assert_same(body)
    assert_same(body, "file:///tmp/feed.xml")  # no http base: nothing to resolve against
    if path.name in FAST_FILES:
        assert fast_path_accepts(body)


@pytest.mark.parametrize("feed_index", [0, 1, 7, 42])
def test_benchmark_feeds_take_the_fast_path_and_read_the_same(feed_index: int) -> None:
    body = rss_feed(feed_index, 30)
    assert fast_path_accepts(body)
    assert_same(body, f"http://127.0.0.1/feed{feed_index}.xml")


def test_broken_xml_falls_back_to_feedparser() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>\xe6\x96\xb0</titl>'
    assert not fast_path_accepts(body)
    assert_same(body)


def test_fallbacks_for_constructs_the_fast_path_does_not_copy() -> None:
    cases = [
        # xhtml title, e-mail author, media element, two titles, markup inside a field
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml">夜<b>市</b></div></title><id>x</id></entry></feed>',
        "<rss><channel><item><title>甲</title><author>li@example.cn (李)</author></item></channel></rss>",
        '<rss xmlns:media="http://search.yahoo.com/mrss/"><channel><item><title>甲</title>'
        "<media:title>乙</media:title></item></channel></rss>",
        "<rss><channel><item><title>甲</title><title>乙</title></item></channel></rss>",
        "<rss><channel><item><title>甲<b>乙</b></title></item></channel></rss>",
    ]
    for case in cases:
        body = case.encode()
        assert not fast_path_accepts(body), case
        assert_same(body)


def test_feedparser_quirks_are_copied() -> None:
    body = (
        '<rss version="2.0" xml:lang="zh_TW"><channel><title>  源 &amp;lt;b&amp;gt; </title>'
        "<item><title>&lt;b&gt;粗體&lt;/b&gt; 標題</title><guid>a/1.html</guid>"
        "<description><![CDATA[<p>第一段</p>]]></description></item>"
        '<item><title>  空白\u3000</title><guid isPermaLink="True">p-2</guid>'
        "<link> /x?a=1&amp;amp;b=2 </link><dc:creator xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        " 王 </dc:creator><pubDate>2023年3月17日 08:41</pubDate></item>"
        "<item><title>Ã©tÃ©</title><guid>https://a.example.cn/3</guid></item>"
        "</channel></rss>"
    ).encode()
    assert fast_path_accepts(body)
    assert_same(body)
    fast = parse_with("fast", body)
    assert isinstance(fast, ParsedFeed)
    assert fast.articles[0].link == "http://news.example.cn/feeds/a/1.html"  # permalink guid
    assert fast.articles[2].title == "été"  # feedparser's latin-1 repair


# --- generated documents ------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("鄭州新聞臺北地鐵abcXYZ 019")
    + [
        "<",
        ">",
        "&",
        '"',
        "'",
        "\n",
        "\t",
        "\u3000",
        "é",
        "Ã",
        "©",
        "<b>",
        "</b>",
        "<p>",
        "</p>",
        "&amp;",
        "&nbsp;",
        "&#21654;",
        "<br>",
        "<img src=x>",
    ]
)
_TEXT = st.lists(_ALPHABET, max_size=12).map("".join)
_LINKS = st.sampled_from(
    [
        "http://news.example.cn/a/1.html",
        "https://b.example.cn/x?a=1&b=2",
        "/rel/2.html",
        "rel3.html",
        " http://news.example.cn/sp ",
        "javascript:alert(1)",
        "",
        "?q=1&amp;r=2",
        "//cdn.example.cn/4",
        "mailto:a@b.cn",
        "http:///three/slashes",
    ]
)
_DATES = st.sampled_from(
    [
        "Tue, 17 Mar 2023 08:41:51 +0800",
        "2023-03-17T08:41:51+08:00",
        "2023-03-17 08:41",
        "2023年3月17日 08:41",
        "昨天",
        "",
        "17 Mar 2023",
        "Tue, 17 Mar 2023 08:41:51 GMT",
        "1900-01-01T00:00:00Z",
        "2023-03-17T08:41:51.123Z",
    ]
)


def _field(tag: str, value: str, cdata: bool, attributes: str = "") -> str:
    body = f"<![CDATA[{value}]]>" if cdata and "]]>" not in value else escape(value)
    return f"<{tag}{attributes}>{body}</{tag}>"


@st.composite
def rss_items(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(_field("title", draw(_TEXT), draw(st.booleans())))
    if draw(st.booleans()):
        parts.append(_field("link", draw(_LINKS), False))
    guid = draw(
        st.sampled_from(
            [None, "", ' isPermaLink="false"', ' isPermaLink="true"', ' isPermaLink="True"']
        )
    )
    if guid is not None:
        parts.append(_field("guid", draw(_LINKS | _TEXT), False, guid))
    if draw(st.booleans()):
        parts.append(_field(draw(st.sampled_from(["pubDate", "dc:date"])), draw(_DATES), False))
    if draw(st.booleans()):
        parts.append(_field("description", draw(_TEXT), draw(st.booleans())))
    if draw(st.booleans()):
        parts.append(_field("content:encoded", draw(_TEXT), draw(st.booleans())))
    if draw(st.booleans()):
        parts.append(_field(draw(st.sampled_from(["author", "dc:creator"])), draw(_TEXT), False))
    if draw(st.booleans()):
        parts.append("<category>本地</category><comments>http://c.example.cn/</comments>")
    order = draw(st.permutations(parts))
    return "<item>" + "\n ".join(order) + "</item>"


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(rss_items(), min_size=1, max_size=4))
    title = _field("title", draw(_TEXT), draw(st.booleans())) if draw(st.booleans()) else ""
    language = "<language>zh-CN</language>" if draw(st.booleans()) else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"{title}<link>http://news.example.cn/</link>{language}"
        '<atom:link href="http://news.example.cn/feed" rel="self"/>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@st.composite
def atom_entries(draw: st.DrawFn) -> str:
    parts = []
    type_attribute = st.sampled_from(["", ' type="text"', ' type="html"', ' type="xhtml"'])
    if draw(st.booleans()):
        parts.append(_field("title", draw(_TEXT), draw(st.booleans()), draw(type_attribute)))
    for _ in range(draw(st.integers(0, 2))):
        rel = draw(
            st.sampled_from(
                ["", ' rel="alternate"', ' rel="self"', ' rel="enclosure"', ' rel="Alternate"']
            )
        )
        link_type = draw(
            st.sampled_from(["", ' type="text/html"', ' type="application/pdf"', ' type="HTML"'])
        )
        parts.append(f"<link href={quoteattr(draw(_LINKS))}{rel}{link_type}/>")
    if draw(st.booleans()):
        parts.append(_field("id", draw(_LINKS | _TEXT), False))
    for tag in draw(st.lists(st.sampled_from(["published", "updated", "created"]), unique=True)):
        parts.append(_field(tag, draw(_DATES), False))
    if draw(st.booleans()):
        parts.append(_field("summary", draw(_TEXT), draw(st.booleans()), draw(type_attribute)))
    if draw(st.booleans()):
        parts.append(_field("content", draw(_TEXT), draw(st.booleans()), draw(type_attribute)))
    if draw(st.booleans()):
        parts.append(
            f"<author><name>{escape(draw(_TEXT))}</name><email>w@example.cn</email></author>"
        )
    base = draw(
        st.sampled_from(["", ' xml:base="/sub/"', ' xml:base="http://other.example.cn/x/"'])
    )
    return f"<entry{base}>" + "\n".join(draw(st.permutations(parts))) + "</entry>"


@st.composite
def atom_documents(draw: st.DrawFn) -> bytes:
    entries = draw(st.lists(atom_entries(), min_size=1, max_size=4))
    lang = draw(st.sampled_from(["", ' xml:lang="zh-TW"', ' xml:lang="zh_HK"', ' xml:lang=""']))
    base = draw(st.sampled_from(["", ' xml:base="http://yuan.example.cn/o/"']))
    title = _field("title", draw(_TEXT), False, draw(st.sampled_from(["", ' type="html"'])))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang}{base}>'
        f"{title}<id>tag:yuan.example.cn,2023:o</id><updated>2023-03-17T10:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    ).encode()


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(rss_documents(), st.sampled_from([FEED_URL, "file:///feeds/a.xml"]))
def test_generated_rss_reads_the_same_both_ways(body: bytes, url: str) -> None:
    assert_same(body, url)


@_SETTINGS
@given(atom_documents(), st.sampled_from([FEED_URL, "file:///feeds/a.xml"]))
def test_generated_atom_reads_the_same_both_ways(body: bytes, url: str) -> None:
    assert_same(body, url)


def test_generated_shapes_mostly_take_the_fast_path() -> None:
    """The generators are not all fallbacks: most plain RSS and Atom is read by lxml."""
    plain_rss = rss_feed(3, 5).replace(b"<item>", b"<item><dc:creator>\xe7\x8e\x8b</dc:creator>", 1)
    plain_rss = plain_rss.replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    )
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"><title type="html">源</title>'
        '<entry xml:base="/b/"><title>甲</title><link href="a.html"/><id>tag:x,1</id>'
        "<updated>2023-03-17T10:00:00Z</updated><author><name>周</name></author>"
        '<content type="html">&lt;p&gt;正文&lt;/p&gt;</content></entry></feed>'
    ).encode()
    for body in (plain_rss, atom):
        assert fast_path_accepts(body)
        assert_same(body)


_URL_PIECES = st.sampled_from(
    ["http://", "https://", "HTTP://", "/", "//", "a", "例", "b.cn", ":80", "@", "?", "#", ";",
     "..", ".", "%20", " ", "\t", "[", "]", "~", "(", "-", "_", "=", "&"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_URL_PIECES, min_size=1, max_size=12).map("".join))
def test_links_that_skip_the_join_are_what_feedparser_would_give(link: str) -> None:
    urljoin = feedparser_helpers().urljoin
    if parse_fast.PLAIN_ABSOLUTE_URL.fullmatch(link):
        for base in ("http://127.0.0.1/feeds/a.xml", "https://example.cn/", "", "ftp://x/"):
            assert urljoin(base, link) == link


_BODY_PIECES = st.sampled_from(
    [b"<?xml version='1.0' encoding='gbk'?>", b"<?xml version=\"1.0\"?>", b"<!DOCTYPE rss>",
     b"<!doctype x [<!ENTITY a 'b'>]>", b"<rss>", b"</rss>", b"<item>", b"<!-- c -->", b" ",
     b"\n", b"\t", b"\r", b"\x0b", b"\x01", b"\x1f", b"\xef\xbb\xbf", b"\xc2\xa0", b"\xe3\x80\x80",
     "鄭州".encode(), "鄭州".encode("gbk"), b"\xff", b"\xed\xa0\x80", b"&amp;", b"{", b"a"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_BODY_PIECES, min_size=1, max_size=10).map(b"".join))
def test_bodies_read_as_they_are_give_the_bytes_decoding_would(body: bytes) -> None:
    as_is = as_is_utf8_xml(body)
    if as_is is not None:
        assert as_is == as_utf8_xml(decode_feed(body))


@pytest.mark.parametrize("index", range(5))
def test_generated_feeds_are_read_as_they_are(index: int) -> None:
    body = rss_feed(index, 5)
    assert as_is_utf8_xml(body) == as_utf8_xml(decode_feed(body))
