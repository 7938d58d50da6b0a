"""Deterministic Chinese news-like feeds for benchmarks, and a loopback server for them.

The server honours If-None-Match / If-Modified-Since (or ignores validators, to model the
many servers that have none) and can add a fixed latency to every request.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

PLACES = [
    "鄭州",
    "洛陽",
    "開封",
    "臺北",
    "高雄",
    "香港",
    "深圳",
    "廣州",
    "上海",
    "成都",
    "武漢",
    "西安",
]
TOPICS = [
    "地鐵",
    "文旅",
    "金融",
    "科技",
    "教育",
    "醫療",
    "交通",
    "環保",
    "農業",
    "體育",
    "房產",
    "就業",
]
VERBS = ["啟動", "發布", "完成", "推進", "迎來", "舉辦", "公布", "升級", "擴建", "試點"]
NOUNS = [
    "新規劃",
    "專項行動",
    "年度報告",
    "示範項目",
    "公共服務",
    "產業園區",
    "惠民措施",
    "國際論壇",
]
SENTENCE_PARTS = [
    "記者從有關部門獲悉",
    "據介紹",
    "業內人士認為",
    "市民紛紛表示",
    "相關負責人說",
    "這一舉措將進一步提升",
    "城市的公共服務水平",
    "預計年底前全面完成",
    "吸引了大量遊客前來參觀",
    "各項指標均好於預期",
    "為當地經濟發展注入新動能",
    "並將持續加強監管",
    "讓群眾有更多獲得感",
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


SHAPES = ("description", "content")
"""Feed shapes: `description` carries the whole HTML body in `description`; `content`, like most
real news feeds, a short plain-text summary in `description` and the HTML body in
`content:encoded`, with `dc:creator` and one or two `category` elements."""
AUTHORS = ["王小明", "李華", "張偉", "陳靜", "劉洋", "趙敏"]
ROUND_STEP = 2  # each generation, every feed gains this many new items and drops as many old ones


def summary_text(rng: random.Random) -> str:
    """A short plain-text summary of one or two sentences, as feeds put in `description`."""
    parts = rng.randint(2, 4) * rng.randint(1, 2)
    return "，".join(rng.choice(SENTENCE_PARTS) for _ in range(parts)) + "。"


def rss_item(feed_index: int, n: int, seed: int, body_chars: tuple[int, int], shape: str) -> str:
    """Item `n` of a feed: the same arguments always give the same text, whatever the generation."""
    rng = random.Random((seed * 100_003 + feed_index) * 1_000_003 + n)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    published = base + timedelta(minutes=rng.randint(0, 60 * 24 * 20) + 30 * n)
    title = article_title(rng)
    body = article_body(rng, rng.randint(*body_chars))
    head = (
        f"<item><title>{escape(title)}</title>"
        f"<link>http://127.0.0.1/feed{feed_index}/{n}.html</link>"
        f'<guid isPermaLink="false">feed{feed_index}-{n}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
    )
    if shape == "description":
        return f"{head}<description>{escape(body)}</description></item>"
    categories = "".join(
        f"<category>{escape(topic)}</category>" for topic in rng.sample(TOPICS, rng.randint(1, 2))
    )
    return (
        f"{head}<description>{escape(summary_text(rng))}</description>"
        f"<dc:creator>{escape(rng.choice(AUTHORS))}</dc:creator>{categories}"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def rss_feed(
    feed_index: int,
    items: int,
    seed: int = 1,
    body_chars: tuple[int, int] = (1500, 3000),
    *,
    shape: str = "description",
    generation: int = 0,
) -> bytes:
    """RSS 2.0 with `items` items, the newest first; the same arguments always give the same
    bytes. Each `generation` adds ROUND_STEP new items at the top and drops as many at the bottom."""
    if shape not in SHAPES:
        raise ValueError(f"unknown feed shape {shape!r}: one of {', '.join(SHAPES)}")
    first = generation * ROUND_STEP
    numbers = range(first + items - 1, first - 1, -1)
    entries = [rss_item(feed_index, n, seed, body_chars, shape) for n in numbers]
    namespaces = (
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        if shape == "content"
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{namespaces}><channel>'
        f"<title>測試源 {feed_index}</title><link>http://127.0.0.1/</link><language>zh-TW</language>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode("utf-8")


class _Server(ThreadingHTTPServer):
    """A deep listen backlog: it must be set before listen(), i.e. on the class. With the
    default of 5, a burst of new connections loses SYNs and waits a 1 s retransmit."""

    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that closes a kept-alive connection (newsboat's curl does, at exit) is no
        # error worth a traceback in the bench's output.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class BenchServer:
    """Serves /feed{N}.xml for N in range(feeds); `validators=False` makes every answer a 200.

    Bodies are generated up front and kept (`keep_bodies=False` generates each on request, for
    caches of 1,000 feeds x 100 items that would not fit in memory comfortably). ETags depend
    only on the feed's arguments, so they never need the body. GET /_control/validators/on|off
    switches validators while the server runs, so one server (and one set of URLs) can answer
    a refresh with 304s and the next with unchanged 200s; /_control/generation/<n> moves every
    feed to generation n (ROUND_STEP new items per generation, as many dropped).
    """

    def __init__(
        self,
        feeds: int,
        items: int,
        latency: float = 0.05,
        validators: bool = True,
        seed: int = 1,
        keep_bodies: bool = True,
        port: int = 0,
        shape: str = "description",
    ):
        self.feeds = feeds
        self.items = items
        self.seed = seed
        self.keep_bodies = keep_bodies
        self.shape = shape
        self.generation = 0
        self.bodies: dict[int, bytes] = {}
        self._generate()
        self.latency = latency
        self.validators = validators
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path.startswith("/_control/"):
                    answer = owner.control(self.path).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                with owner._lock:
                    owner.requests += 1
                time.sleep(owner.latency)
                index = owner.feed_index(self.path)
                if index is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = owner.etag(index)
                if owner.validators and self.headers.get("If-None-Match") == etag:
                    with owner._lock:
                        owner.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = owner.body(index)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                if owner.validators:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", owner.last_modified())
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def feed_index(self, path: str) -> int | None:
        """`/feed12.xml` -> 12, when that feed exists."""
        if not (path.startswith("/feed") and path.endswith(".xml")):
            return None
        number = path[5:-4]
        if not number.isdigit() or int(number) >= self.feeds:
            return None
        return int(number)

    def etag(self, index: int) -> str:
        return f'"s{self.seed}-i{self.items}-{self.shape}-g{self.generation}-f{index}"'

    def last_modified(self) -> str:
        """A date that moves with the generation: curl (newsboat) drops a 200 whose
        Last-Modified is no newer than the If-Modified-Since it sent."""
        changed = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=self.generation)
        return format_datetime(changed, usegmt=True)

    def _feed(self, index: int) -> bytes:
        return rss_feed(index, self.items, self.seed, shape=self.shape, generation=self.generation)

    def _generate(self) -> None:
        """Every body of the current generation, generated up front (when bodies are kept), so
        a refresh never waits for the generator."""
        if self.keep_bodies:
            self.bodies = {i: self._feed(i) for i in range(self.feeds)}

    def body(self, index: int) -> bytes:
        if self.keep_bodies:
            return self.bodies[index]
        return self._feed(index)

    def control(self, path: str) -> str:
        """Handle /_control/validators/on|off, /_control/latency/<seconds>,
        /_control/generation/<n> and /_control/stats (request counts since the last stats call,
        as JSON)."""
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[1] == "validators":
            self.validators = parts[2] == "on"
        elif len(parts) == 3 and parts[1] == "latency":
            self.latency = float(parts[2])
        elif len(parts) == 3 and parts[1] == "generation":
            self.generation = int(parts[2])
            self._generate()
        elif parts[1:] == ["stats"]:
            with self._lock:
                counts = {"requests": self.requests, "not_modified": self.not_modified}
                self.requests = self.not_modified = 0
            return json.dumps(counts)
        return "{}"

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed{index}.xml"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    """Serve feeds in a process of its own: prints `port N`, serves until stdin closes."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-validators", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="do not keep bodies in memory")
    parser.add_argument("--shape", choices=SHAPES, default="description")
    args = parser.parse_args()
    server = BenchServer(
        args.feeds,
        args.items,
        args.latency,
        validators=not args.no_validators,
        seed=args.seed,
        keep_bodies=not args.regenerate,
        shape=args.shape,
    )
    print(f"port {server.port}", flush=True)
    sys.stdin.read()  # the harness closes our stdin to stop us
    server.stop()


if __name__ == "__main__":
    main()
