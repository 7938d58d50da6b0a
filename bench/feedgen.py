"""Deterministic Chinese news-like feeds for benchmarks, and a loopback server for them.

The server honours If-None-Match / If-Modified-Since (or ignores validators, to model the
many servers that have none) and can add a fixed latency to every request.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

PLACES = ["鄭州", "洛陽", "開封", "臺北", "高雄", "香港", "深圳", "廣州", "上海", "成都", "武漢", "西安"]
TOPICS = ["地鐵", "文旅", "金融", "科技", "教育", "醫療", "交通", "環保", "農業", "體育", "房產", "就業"]
VERBS = ["啟動", "發布", "完成", "推進", "迎來", "舉辦", "公布", "升級", "擴建", "試點"]
NOUNS = ["新規劃", "專項行動", "年度報告", "示範項目", "公共服務", "產業園區", "惠民措施", "國際論壇"]
SENTENCE_PARTS = [
    "記者從有關部門獲悉", "據介紹", "業內人士認為", "市民紛紛表示", "相關負責人說",
    "這一舉措將進一步提升", "城市的公共服務水平", "預計年底前全面完成", "吸引了大量遊客前來參觀",
    "各項指標均好於預期", "為當地經濟發展注入新動能", "並將持續加強監管", "讓群眾有更多獲得感",
]


def article_title(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(VERBS)}{rng.choice(NOUNS)}"


def article_body(rng: random.Random, chars: int) -> str:
    paragraphs: list[str] = []
    total = 0
    while total < chars:
        sentence = "，".join(rng.choice(SENTENCE_PARTS) for _ in range(rng.randint(3, 6))) + "。"
        paragraph = sentence * rng.randint(1, 3)
        paragraphs.append(f"<p>{paragraph}</p>")
        total += len(paragraph)
    return "".join(paragraphs)


def rss_feed(feed_index: int, items: int, seed: int = 1, body_chars: tuple[int, int] = (1500, 3000)) -> bytes:
    """RSS 2.0 with `items` items; the same arguments always give the same bytes."""
    rng = random.Random(seed * 100_003 + feed_index)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    entries = []
    for n in range(items):
        published = base + timedelta(minutes=rng.randint(0, 60 * 24 * 20))
        body = article_body(rng, rng.randint(*body_chars))
        entries.append(
            f"<item><title>{escape(article_title(rng))}</title>"
            f"<link>http://127.0.0.1/feed{feed_index}/{n}.html</link>"
            f"<guid isPermaLink=\"false\">feed{feed_index}-{n}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>測試源 {feed_index}</title><link>http://127.0.0.1/</link><language>zh-TW</language>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode("utf-8")


class BenchServer:
    """Serves /feed{N}.xml for N in range(feeds); `validators=False` makes every answer a 200."""

    def __init__(self, feeds: int, items: int, latency: float = 0.05, validators: bool = True, seed: int = 1):
        self.bodies = {f"/feed{i}.xml": rss_feed(i, items, seed) for i in range(feeds)}
        self.etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for path, body in self.bodies.items()}
        self.latency = latency
        self.validators = validators
        self.requests = 0
        self.not_modified = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                owner.requests += 1
                time.sleep(owner.latency)
                body = owner.bodies.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = owner.etags[self.path]
                if owner.validators and self.headers.get("If-None-Match") == etag:
                    owner.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                if owner.validators:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Sun, 01 Nov 2026 00:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feed{index}.xml"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
