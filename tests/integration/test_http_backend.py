"""HttpBackend against a real loopback HTTP server: formats, encodings, validators, limits.

Most tests fetch a feed as a refresh does (`fetch_feed`: download, hash, parse), so they check
what the store records; the transport's own downloads are checked at the end."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader import __version__
from reader.core.backends.base import Backend, FetchFailed
from reader.core.backends.capped_body import format_size
from reader.core.backends.http import FetchSettings, HttpBackend
from reader.core.model import FetchResult, Validators
from reader.core.refresh.parse_pool import FeedParser, ParseSettings
from reader.core.refresh.pipeline import fetch_feed
from tests.support.feedserver import FeedServer

FEEDS = Path(__file__).parents[1] / "feeds"
CST = timezone(timedelta(hours=8))


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


async def fetch(
    url: str,
    validators: Validators | None = None,
    settings: FetchSettings | None = None,
    parsing: ParseSettings | None = None,
) -> FetchResult:
    backend: Backend = HttpBackend(settings)
    parser = FeedParser(parsing or ParseSettings())
    async with backend.session() as session:
        return await fetch_feed(session, parser, url, validators or Validators())


def redirect(location: str, status: int = 302) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


# --- fetching and formats -------------------------------------------------------


async def test_rss_feed_is_fetched_and_parsed(feed_server: FeedServer) -> None:
    url = feed_server.add(
        "/yaowen.xml",
        feed_bytes("rss20.xml"),
        content_type="application/rss+xml",
        etag='"v1"',
        last_modified="Fri, 17 Mar 2023 01:00:00 GMT",
    )
    result = await fetch(url)
    assert result.status == "ok", result.error
    assert result.url == url
    assert result.http_status == 200
    assert result.feed_title == "中原晨報 · 要聞"
    assert result.language == "zh-CN"
    assert [a.entry_id for a in result.articles] == [
        "zyc-1001",
        "zyc-1002",
        "zyc-1003",
        "http://news.example.cn/yaowen/2023/0316/0990.html",
    ]
    # A relative link resolves against the address the feed was fetched from.
    assert result.articles[1].link == feed_server.url("/yaowen/2023/0317/1002.html")
    assert result.validators.etag == '"v1"'
    assert result.validators.last_modified == "Fri, 17 Mar 2023 01:00:00 GMT"
    assert result.validators.body_hash is not None and len(result.validators.body_hash) == 64
    (seen,) = feed_server.requests_for("/yaowen.xml")
    assert seen.headers["user-agent"].startswith(f"reader-tui/{__version__}")
    assert "gzip" in seen.headers["accept-encoding"]
    assert "if-none-match" not in seen.headers


@pytest.mark.parametrize(
    ("name", "content_type", "expected_title"),
    [
        ("rss10.rdf", "application/rdf+xml", "連雲港新泊位投入試運行"),
        ("atom_xmlbase.xml", "application/atom+xml", "黃河灘區的春天"),
        ("jsonfeed.json", "application/feed+json", "一張圖看懂今年春運"),
        ("gbk.xml", "text/xml; charset=gb2312", "省内首家县域数字银行网点在兰考开业"),
        ("gbk.xml", "application/xml", "省内首家县域数字银行网点在兰考开业"),
        ("big5_hk.xml", "text/xml; charset=big5", "深水埗街市翻新 街坊話啲檔口終於有冷氣"),
        (
            "gbk_labelled_utf8.xml",
            "application/rss+xml; charset=utf-8",
            "省内首家县域数字银行网点在兰考开业",
        ),
    ],
)
async def test_formats_and_encodings_over_http(
    feed_server: FeedServer, name: str, content_type: str, expected_title: str
) -> None:
    url = feed_server.add(f"/{name}", feed_bytes(name), content_type=content_type)
    result = await fetch(url)
    assert result.status == "ok", result.error
    assert result.articles[0].title == expected_title


async def test_atom_xml_base_beats_the_feed_address(feed_server: FeedServer) -> None:
    url = feed_server.add("/original.atom", feed_bytes("atom_xmlbase.xml"))
    result = await fetch(url)
    assert [a.link for a in result.articles] == [
        "http://yuan.example.cn/original/2023/03/huanghe.html",
        "http://yuan.example.cn/columns/postman.html",
        "http://other.example.cn/night-market",
    ]


async def test_naive_dates_take_the_configured_zone(feed_server: FeedServer) -> None:
    url = feed_server.add("/dates.xml", feed_bytes("chinese_dates.xml"))
    shanghai = await fetch(url)
    utc = await fetch(url, parsing=ParseSettings(default_tz=UTC))
    assert shanghai.articles[0].published == datetime(2023, 3, 17, 8, 41, 51, tzinfo=CST)
    assert utc.articles[0].published == datetime(2023, 3, 17, 8, 41, 51, tzinfo=UTC)


async def test_gzip_and_deflate_bodies(feed_server: FeedServer) -> None:
    body = feed_bytes("rss20.xml")
    gz = feed_server.add("/gz", gzip.compress(body), headers={"Content-Encoding": "gzip"})
    zl = feed_server.add("/zl", zlib.compress(body), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(body) + raw.flush()
    rd = feed_server.add("/rd", raw_deflate, headers={"Content-Encoding": "deflate"})
    for url in (gz, zl, rd):
        result = await fetch(url)
        assert result.status == "ok", (url, result.error)
        assert len(result.articles) == 4


async def test_truncated_feed_keeps_complete_items(feed_server: FeedServer) -> None:
    url = feed_server.add("/cut.xml", feed_bytes("truncated.xml"))
    result = await fetch(url)
    assert result.status == "ok"
    assert [a.entry_id for a in result.articles] == ["zyc-1001", "zyc-1002"]


async def test_item_cap_comes_from_settings(feed_server: FeedServer) -> None:
    items = "".join(
        f"<item><title>第{i}條</title><link>http://k.example.cn/{i}</link>"
        f"<pubDate>2023-03-17 08:{i:02d}:00</pubDate></item>"
        for i in range(30)
    )
    url = feed_server.add("/many", f'<rss version="2.0"><channel>{items}</channel></rss>')
    result = await fetch(url, parsing=ParseSettings(max_items_per_feed=10))
    assert result.status == "ok"
    assert [a.title for a in result.articles] == [f"第{i}條" for i in range(20, 30)]
    assert result.notice == "kept the newest 10 of 30 items"


async def test_many_feeds_share_one_session(feed_server: FeedServer) -> None:
    urls = [feed_server.add(f"/f{i}.xml", feed_bytes("rss10.rdf")) for i in range(12)]
    backend = HttpBackend(FetchSettings(concurrency=4))
    parser = FeedParser(ParseSettings())
    async with backend.session() as session:
        results = await asyncio.gather(
            *(fetch_feed(session, parser, u, Validators()) for u in urls)
        )
    assert [r.status for r in results] == ["ok"] * 12
    assert [r.url for r in results] == urls


async def test_parsing_in_a_process_pool(feed_server: FeedServer) -> None:
    url = feed_server.add("/pool.xml", feed_bytes("big5_hk.xml"))
    with ProcessPoolExecutor(max_workers=1) as pool:
        parser = FeedParser(ParseSettings(), pool)
        async with HttpBackend().session() as session:
            result = await fetch_feed(session, parser, url, Validators())
    assert result.status == "ok", result.error
    assert result.articles[1].title == "茶餐廳老闆：呢度嘅奶茶三十年無變過"


async def test_an_address_with_chinese_characters_is_sent_percent_encoded(
    feed_server: FeedServer,
) -> None:
    # Portals put Chinese in paths and queries; the request line carries them as UTF-8 escapes.
    feed_server.add("/%E8%A6%81%E8%81%9E/rss.xml?c=%E9%84%AD%E5%B7%9E", feed_bytes("rss20.xml"))
    result = await fetch(feed_server.url("/要聞/rss.xml?c=鄭州"))
    assert result.status == "ok", result.error
    assert len(result.articles) == 4
    (seen,) = feed_server.requests_for("/%E8%A6%81%E8%81%9E/rss.xml")
    assert seen.path == "/%E8%A6%81%E8%81%9E/rss.xml?c=%E9%84%AD%E5%B7%9E"


# --- conditional GET and unchanged bodies ------------------------------------------


async def test_conditional_get_gives_not_modified(feed_server: FeedServer) -> None:
    url = feed_server.add(
        "/cond.xml",
        feed_bytes("rss20.xml"),
        etag='"abc"',
        last_modified="Fri, 17 Mar 2023 01:00:00 GMT",
    )
    first = await fetch(url)
    second = await fetch(url, first.validators)
    assert second.status == "not_modified"
    assert second.http_status == 304
    assert second.articles == ()
    assert second.validators == first.validators
    seen = feed_server.requests_for("/cond.xml")[-1].headers
    assert seen["if-none-match"] == '"abc"'
    assert seen["if-modified-since"] == "Fri, 17 Mar 2023 01:00:00 GMT"


async def test_last_modified_alone_is_enough(feed_server: FeedServer) -> None:
    url = feed_server.add(
        "/lm.xml", feed_bytes("rss10.rdf"), last_modified="Thu, 16 Mar 2023 12:00:00 GMT"
    )
    first = await fetch(url)
    assert first.validators.etag is None
    second = await fetch(url, first.validators)
    assert second.status == "not_modified"


async def test_unchanged_body_without_validators_is_not_modified(feed_server: FeedServer) -> None:
    url = feed_server.add("/plain.xml", feed_bytes("rss20.xml"))
    first = await fetch(url)
    second = await fetch(url, first.validators)
    assert second.status == "not_modified"
    assert second.http_status == 200
    assert second.articles == ()
    assert second.validators.body_hash == first.validators.body_hash
    feed_server.add("/plain.xml", feed_bytes("rss20.xml").replace("許昌".encode(), "新鄉".encode()))
    third = await fetch(url, first.validators)
    assert third.status == "ok"
    assert third.validators.body_hash != first.validators.body_hash
    assert third.articles[-1].title == "新鄉發布春季森林防火提示"


# --- redirects ------------------------------------------------------------------


async def test_redirects_are_followed(feed_server: FeedServer) -> None:
    feed_server.add("/new.xml", feed_bytes("rss10.rdf"))
    feed_server.add_handler("/hop2", redirect("/new.xml", 302))
    url = feed_server.add_handler("/old.xml", redirect(feed_server.url("/hop2"), 301))
    result = await fetch(url)
    assert result.status == "ok", result.error
    assert result.url == url
    assert len(result.articles) == 2
    # Only the permanent part of the chain counts as the feed's new address.
    assert result.notice == f"feed moved permanently to {feed_server.url('/hop2')}"
    temporary = await fetch(feed_server.url("/hop2"))
    assert temporary.status == "ok"
    assert temporary.notice is None
    feed_server.add_handler("/moved.xml", redirect("/new.xml", 308))
    moved = await fetch(feed_server.url("/moved.xml"))
    assert moved.status == "ok"
    assert moved.notice == f"feed moved permanently to {feed_server.url('/new.xml')}"


async def test_relative_links_resolve_against_the_final_address(feed_server: FeedServer) -> None:
    feed_server.add("/feeds/v2/rss.xml", feed_bytes("rss20.xml"))
    url = feed_server.add_handler("/rss", redirect("/feeds/v2/rss.xml"))
    result = await fetch(url)
    assert result.articles[1].feed_url == url
    assert result.articles[1].link == feed_server.url("/yaowen/2023/0317/1002.html")
    relative = feed_bytes("rss20.xml").replace(b"<link>/yaowen/", b"<link>../")
    feed_server.add("/feeds/v2/rss.xml", relative)
    moved = await fetch(url)
    assert moved.articles[1].link == feed_server.url("/feeds/2023/0317/1002.html")


async def test_validators_are_sent_after_a_redirect(feed_server: FeedServer) -> None:
    feed_server.add("/target.xml", feed_bytes("rss10.rdf"), etag='"t1"')
    url = feed_server.add_handler("/start.xml", redirect("/target.xml"))
    first = await fetch(url)
    second = await fetch(url, first.validators)
    assert second.status == "not_modified"
    assert feed_server.requests_for("/target.xml")[-1].headers["if-none-match"] == '"t1"'


async def test_a_redirect_to_a_chinese_path_sent_as_raw_utf8_is_followed(
    feed_server: FeedServer,
) -> None:
    def raw_location(request: BaseHTTPRequestHandler) -> None:
        # Written by hand: http.server would refuse a header value that is not Latin-1.
        request.wfile.write(
            b"HTTP/1.1 302 Found\r\nLocation: /\xe8\xa6\x81\xe8\x81\x9e.xml\r\n"
            b"Content-Length: 0\r\n\r\n"
        )

    feed_server.add("/%E8%A6%81%E8%81%9E.xml", feed_bytes("rss10.rdf"))
    url = feed_server.add_handler("/start-utf8.xml", raw_location)
    result = await fetch(url)
    assert result.status == "ok", result.error
    assert len(result.articles) == 2


async def test_redirect_loop_fails(feed_server: FeedServer) -> None:
    feed_server.add_handler("/a", redirect("/b"))
    url = feed_server.add_handler("/b", redirect("/a"))
    result = await fetch(url)
    assert result.status == "failed"
    assert result.error is not None and result.error.startswith("redirect loop at ")


async def test_too_many_redirects_fail(feed_server: FeedServer) -> None:
    for hop in range(7):
        feed_server.add_handler(f"/r{hop}", redirect(f"/r{hop + 1}"))
    feed_server.add("/r7", feed_bytes("rss10.rdf"))
    assert (await fetch(feed_server.url("/r2"))).status == "ok"  # five hops: fine
    result = await fetch(feed_server.url("/r0"))  # seven hops
    assert result.status == "failed"
    assert result.error == "too many redirects (more than 5)"
    assert len(feed_server.requests_for("/r6")) == 1  # /r0: stopped after six requests


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("file:///etc/passwd", "redirect to file: refused"),
        ("ftp://ftp.example.cn/feed.xml", "redirect to ftp: refused"),
        ("javascript:alert(1)", "redirect to javascript: refused"),
    ],
)
async def test_redirect_to_another_scheme_fails(
    feed_server: FeedServer, location: str, message: str
) -> None:
    url = feed_server.add_handler("/evil", redirect(location))
    result = await fetch(url)
    assert result.status == "failed"
    assert result.error == message


# --- failures -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
async def test_http_errors(feed_server: FeedServer, status: int, message: str) -> None:
    url = feed_server.add("/broken", "出錯了", status=status, content_type="text/plain")
    old = Validators(etag='"keep"', body_hash="0" * 64)
    result = await fetch(url, old)
    assert result.status == "failed"
    assert result.error == message
    assert result.http_status == status
    assert result.validators == old  # nothing cached is lost


async def test_refused_connection(feed_server: FeedServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert result.status == "failed"
    assert result.error == "connection refused"


async def test_only_http_addresses(feed_server: FeedServer) -> None:
    result = await fetch("file:///etc/hostname")
    assert result.status == "failed"
    assert result.error is not None and "http" in result.error


async def test_trickling_server_hits_the_deadline(feed_server: FeedServer) -> None:
    def trickle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        for _ in range(100):  # at most 10 s; each byte comes well within the read timeout
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(0.1)

    url = feed_server.add_handler("/slow", trickle)
    result = await fetch(url, settings=FetchSettings(deadline=1.0, read_timeout=5.0))
    assert result.status == "failed"
    assert result.error == "timed out after 1 s (deadline)"


async def test_silent_server_hits_the_read_timeout(feed_server: FeedServer) -> None:
    def silent(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "100")
        request.end_headers()
        time.sleep(2)

    url = feed_server.add_handler("/silent", silent)
    result = await fetch(url, settings=FetchSettings(read_timeout=0.5, deadline=10))
    assert result.status == "failed"
    assert result.error == "timed out: no data for 0.5 s"


def endless(sent: list[int]) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Connection", "close")
        request.end_headers()
        chunk = b"<item><title>" + "無盡".encode() * 5000 + b"</title></item>"
        request.wfile.write(b'<rss version="2.0"><channel>')
        for _ in range(2000):  # at most ~60 MB, then give up
            request.wfile.write(chunk)
            sent[0] += len(chunk)

    return handler


async def test_endless_body_is_cut_at_the_cap(feed_server: FeedServer) -> None:
    sent = [0]
    url = feed_server.add_handler("/endless", endless(sent))
    result = await fetch(url, settings=FetchSettings(max_bytes=200 * 1024))
    assert result.status == "failed"
    assert result.error == "body larger than 200 kB"
    assert sent[0] < 30 * 1024 * 1024  # we hung up long before the server was done


async def test_declared_length_over_the_cap_fails_at_once(feed_server: FeedServer) -> None:
    url = feed_server.add("/big", b"<rss>" + b" " * 300_000 + b"</rss>")
    result = await fetch(url, settings=FetchSettings(max_bytes=200 * 1024))
    assert result.error == "body larger than 200 kB"


async def test_gzip_bomb_is_cut_at_the_cap(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    url = feed_server.add("/bomb.gz", bomb, headers={"Content-Encoding": "gzip"})
    result = await fetch(url, settings=FetchSettings(max_bytes=200 * 1024))
    assert result.error == "body larger than 200 kB"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            feed_bytes("page.html"),
            "text/html; charset=utf-8",
            "not a feed: the address serves an HTML page",
        ),
        (b"", "application/rss+xml", "empty response: the server sent no feed"),
    ],
)
async def test_not_a_feed_fails_readably(
    feed_server: FeedServer, body: bytes, content_type: str, message: str
) -> None:
    url = feed_server.add("/notfeed", body, content_type=content_type)
    result = await fetch(url)
    assert result.status == "failed"
    assert result.error == message
    assert result.http_status == 200


async def test_billion_laughs_over_http(feed_server: FeedServer) -> None:
    entities = '<!ENTITY a0 "哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<item><title>&a9;炸彈</title><link>http://x.example.cn/1</link></item></channel></rss>"
    )
    url = feed_server.add("/lol.xml", body)
    result = await fetch(url)
    assert result.status == "ok"
    assert "哈" not in result.articles[0].title


def test_sizes_read_as_people_say_them() -> None:
    assert format_size(10 * 1024 * 1024) == "10 MB"
    assert format_size(200 * 1024) == "200 kB"
    assert format_size(512) == "512 bytes"


# --- the transport alone ----------------------------------------------------------


async def test_the_transport_gives_the_download_and_parses_nothing(
    feed_server: FeedServer,
) -> None:
    page = feed_bytes("page.html")  # not a feed: only the refresh's parser would say so
    url = feed_server.add("/page", page, content_type="text/html; charset=utf-8", etag='"p1"')
    moved = feed_server.add_handler("/moved", redirect("/page", 301))
    async with HttpBackend().session() as session:
        download = await session.fetch(moved, Validators())
        again = await session.fetch(url, Validators(etag='"p1"'))
        missing = await session.fetch(feed_server.url("/nothing"), Validators())
    assert download.outcome == "ok"
    assert download.url == moved
    assert download.body == page
    assert download.charset == "utf-8"
    assert download.etag == '"p1"'
    assert download.final_url == url
    assert download.moved_to == url
    assert again.outcome == "not_modified" and again.http_status == 304 and again.body == b""
    assert missing.outcome == "failed"
    assert missing.error == "HTTP 404 Not Found" and missing.http_status == 404


async def test_pages_fail_with_the_same_messages_as_feeds(feed_server: FeedServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/story.html"
    async with HttpBackend().session() as session:
        download = await session.fetch(url, Validators())
        with pytest.raises(FetchFailed) as failure:
            await session.fetch_page(url)
    assert download.error == failure.value.message == "connection refused"
