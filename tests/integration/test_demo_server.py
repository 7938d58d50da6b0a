"""The embedded demo backend: a real server on 127.0.0.1 serving the demo portal's feeds,
article pages and photos, with working conditional GET."""

from __future__ import annotations

import gzip
import json
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from reader.demo.content import body_text, load_demo_content
from reader.demo.server import DemoServer, demo_sections, start_demo_server

ANCHOR = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TAG = re.compile(r"<[^>]+>")
META_LINE = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</span><span[^>]*>來源: [^<]+</span>"
    r"<span[^>]*>編輯: [^<]+</span><span[^>]*>責編: [^<]+</span>"
)
_ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server = start_demo_server(0, anchor=ANCHOR)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def han_count(text: str) -> int:
    return len(HAN.findall(text))


def charset_of(response: httpx.Response) -> str:
    match = re.search(r"charset=([\w-]+)", response.headers["content-type"])
    assert match, response.headers["content-type"]
    return match.group(1)


def feed_items(response: httpx.Response) -> list[dict[str, str]]:
    """title/link/date/content of every item, read with the standard library only."""
    if "json" in response.headers["content-type"]:
        document = json.loads(response.content.decode("utf-8"))
        return [
            {
                "title": item["title"],
                "link": item["url"],
                "date": item["date_published"],
                "content": item.get("content_html", ""),
            }
            for item in document["items"]
        ]
    root = ET.fromstring(response.content.decode(charset_of(response)))
    if root.tag == "rss":
        return [
            {
                "title": item.findtext("title", ""),
                "link": item.findtext("link", ""),
                "date": item.findtext("pubDate", ""),
                "content": item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded", ""),
            }
            for item in root.iter("item")
        ]
    assert root.tag == f"{_ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{_ATOM}title", ""),
            "link": entry.find(f"{_ATOM}link").get("href", ""),  # type: ignore[union-attr]
            "date": entry.findtext(f"{_ATOM}published", ""),
            "content": entry.findtext(f"{_ATOM}content", ""),
        }
        for entry in root.iter(f"{_ATOM}entry")
    ]


def parse_date(value: str) -> datetime:
    if value[:3].isalpha():
        return parsedate_to_datetime(value)
    return datetime.fromisoformat(value)


def test_sections_are_named_like_the_portal_nav(demo: DemoServer) -> None:
    sections = demo_sections(demo.base_url)
    names = [section.name for section in sections]
    assert len(sections) >= 7
    for expected in ("要聞", "城市", "原創", "文旅", "金融", "國際播報"):
        assert expected in names
    for section in sections:
        assert 1 <= len(section.feeds) <= 3
        assert all(feed.url.startswith(demo.base_url + "/feeds/") for feed in section.feeds)
    regions = {feed.region for section in sections for feed in section.feeds}
    assert {"cn", "tw", "hk"} <= regions
    assert demo.sections() == sections


def test_every_feed_answers_with_a_parseable_document_of_enough_items(
    demo: DemoServer, client: httpx.Client
) -> None:
    formats = set()
    for section in demo_sections(demo.base_url):
        items_in_section = 0
        for feed in section.feeds:
            response = client.get(feed.url)
            assert response.status_code == 200, feed.url
            formats.add(response.headers["content-type"].split(";")[0])
            items = feed_items(response)
            assert all(item["title"] and item["link"] and item["date"] for item in items)
            items_in_section += len(items)
        assert items_in_section >= 8, section.name
    assert formats == {"application/rss+xml", "application/atom+xml", "application/feed+json"}


def test_every_article_body_is_between_300_and_2000_han_characters() -> None:
    content = load_demo_content()
    articles = [article for feed in content.feeds() for article in feed.articles]
    assert len(articles) >= 56
    for article in articles:
        assert 300 <= han_count(body_text(article.body)) <= 2000, article.article_id
    assert len({article.article_id for article in articles}) == len(articles)
    assert sum(1 for article in articles if article.photos()) >= 10


def test_full_content_feeds_carry_the_whole_story_as_escaped_html(
    demo: DemoServer, client: httpx.Client
) -> None:
    for feed in load_demo_content().feeds():
        items = feed_items(client.get(demo.base_url + feed.path))
        for item in items:
            if feed.summary_only:
                assert item["content"] == ""
            else:
                assert item["content"].startswith(("<p>", "<figure>", "<h3>"))
                assert 300 <= han_count(TAG.sub("", item["content"])) <= 2000


def test_dates_spread_over_the_days_before_the_anchor(
    demo: DemoServer, client: httpx.Client
) -> None:
    dates = []
    for section in demo_sections(demo.base_url):
        for feed in section.feeds:
            dates += [parse_date(item["date"]) for item in feed_items(client.get(feed.url))]
    assert all(ANCHOR - timedelta(days=5) <= date <= ANCHOR for date in dates)
    assert len({date.astimezone(UTC).date() for date in dates}) >= 4
    assert all(date.utcoffset() == timedelta(hours=8) for date in dates)


def test_a_conditional_request_gets_304(demo: DemoServer, client: httpx.Client) -> None:
    for feed in demo_sections(demo.base_url)[0].feeds + demo_sections(demo.base_url)[-1].feeds:
        first = client.get(feed.url)
        etag, last_modified = first.headers["etag"], first.headers["last-modified"]
        by_etag = client.get(feed.url, headers={"If-None-Match": etag})
        assert by_etag.status_code == 304 and by_etag.content == b""
        by_date = client.get(feed.url, headers={"If-Modified-Since": last_modified})
        assert by_date.status_code == 304
        stale = client.get(feed.url, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.content == first.content


def test_a_restarted_server_serves_the_same_validators(demo: DemoServer) -> None:
    again = start_demo_server(0, anchor=ANCHOR)
    try:
        path = "/feeds/guoji.xml"
        first = httpx.get(demo.base_url + path)
        second = httpx.get(
            again.base_url + path, headers={"If-Modified-Since": first.headers["last-modified"]}
        )
        assert second.status_code == 304
    finally:
        again.stop()


def test_summary_feeds_link_to_portal_pages_and_gbk_pages_decode_as_gbk(
    demo: DemoServer, client: httpx.Client
) -> None:
    content = load_demo_content()
    gbk_pages = 0
    for section in content.sections:
        for feed in section.feeds:
            if not feed.summary_only:
                continue
            for item in feed_items(client.get(demo.base_url + feed.path)):
                page = client.get(item["link"])
                assert page.status_code == 200
                charset = charset_of(page)
                assert charset == feed.page_charset
                if charset == "gbk":
                    gbk_pages += 1
                    with pytest.raises(UnicodeDecodeError):
                        page.content.decode("utf-8")
                html = page.content.decode(charset)
                assert f'<meta charset="{charset}">' in html
                assert f"<h1>{item['title']}</h1>" in html
                assert META_LINE.search(html)
                assert "原標題：" in html
                assert "版權聲明" in html and "未經授權不得轉載" in html and "ICP備" in html
                assert all(f">{other.name}</a>" in html for other in content.sections)
                assert "相關新聞" in html and "分享到" in html
    assert gbk_pages >= 8


def test_photos_are_served_as_png(demo: DemoServer, client: httpx.Client) -> None:
    page = client.get(demo.base_url + "/articles/wb-001.html").content.decode("gbk")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources
    for source in sources:
        image = client.get(demo.base_url + source)
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_script_toggle_has_something_to_show(demo: DemoServer, client: httpx.Client) -> None:
    simplified = client.get(demo.base_url + "/feeds/keji.xml")
    assert charset_of(simplified) == "gbk"
    simplified_text = simplified.content.decode("gbk")
    assert "软件" in simplified_text and "郑州" in simplified_text and "发展" in simplified_text
    assert "头发" in simplified_text and "台湾" in simplified_text
    traditional = "".join(
        body_text(article.body)
        for feed in load_demo_content().feeds()
        if feed.region is None
        for article in feed.articles
    )
    assert "鄭州" in traditional and "發展" in traditional and "頭髮" in traditional
    taiwan = client.get(demo.base_url + "/feeds/baodao.atom").text
    assert "臺灣" in taiwan and "軟體" in taiwan and "捷運" in taiwan
    hong_kong = client.get(demo.base_url + "/feeds/xianggang.xml").text
    assert "港鐵" in hong_kong and "綫" in hong_kong


def test_gzip_when_asked_and_404_for_unknown_paths(demo: DemoServer, client: httpx.Client) -> None:
    url = demo.base_url + "/feeds/yuanchuang.atom"
    with socket.create_connection(("127.0.0.1", demo.port)) as raw:
        raw.sendall(
            b"GET /feeds/yuanchuang.atom HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
            b"Connection: close\r\n\r\n"
        )
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head
    assert gzip.decompress(body) == client.get(url, headers={"Accept-Encoding": "identity"}).content
    assert client.get(demo.base_url + "/feeds/nothing.xml").status_code == 404


def test_opml_lists_every_demo_feed(demo: DemoServer, client: httpx.Client) -> None:
    root = ET.fromstring(client.get(demo.base_url + "/demo.opml").content)
    urls = {outline.get("xmlUrl") for outline in root.iter("outline") if outline.get("xmlUrl")}
    expected = {feed.url for section in demo.sections() for feed in section.feeds}
    assert urls == expected


def test_stop_frees_the_port() -> None:
    server = start_demo_server(0)
    port = server.port
    assert httpx.get(server.base_url + "/").status_code == 200
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_a_busy_port_is_an_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError):
            start_demo_server(busy.getsockname()[1])


def test_stop_closes_a_clients_idle_keep_alive_connection() -> None:
    server = start_demo_server(0)
    with httpx.Client(timeout=5) as held_open:
        assert held_open.get(server.base_url + "/").status_code == 200
        server.stop()
        with pytest.raises(httpx.TransportError):
            held_open.get(server.base_url + "/")


def test_the_simplified_feeds_pages_have_simplified_portal_chrome(
    demo: DemoServer, client: httpx.Client
) -> None:
    page = client.get(demo.base_url + "/articles/kj-004.html")
    assert charset_of(page) == "gbk"
    html = page.content.decode("gbk")
    assert "<h1>程序员的“头发焦虑”？一项调查揭示软件从业者的健康状况</h1>" in html
    assert "原标题：" in html and "版权声明" in html and "未经授权不得转载" in html
    assert re.search(r"\d\d:\d\d</span><span[^>]*>来源: ", html)


def test_every_demo_feed_parses_to_its_articles_with_titles_links_and_dates(
    demo: DemoServer, client: httpx.Client
) -> None:
    parse = pytest.importorskip("reader.core.feeds.parse")
    for feed in load_demo_content().feeds():
        response = client.get(demo.base_url + feed.path)
        parsed = parse.parse_feed(
            response.content, demo.base_url + feed.path, http_charset=charset_of(response)
        )
        assert len(parsed.articles) == len(feed.articles), feed.slug
        assert parsed.title == feed.title
        expected_titles = {article.title for article in feed.articles}
        assert {article.title for article in parsed.articles} == expected_titles
        for article in parsed.articles:
            assert article.link and article.link.startswith(demo.base_url + "/articles/")
            assert article.published is not None
            assert ANCHOR - timedelta(days=5) <= article.published <= ANCHOR
            if not feed.summary_only:
                assert han_count(article.text) >= 300, article.entry_id
