"""The demo portal on a real HTTP server on 127.0.0.1, for the ordinary fetch path to read.

Every response is rendered once at start-up and served with ETag and Last-Modified (304 to a
matching conditional request), as a real portal would.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from xml.etree import ElementTree as ET

from reader.core.model import FeedConfig, Region, Section
from reader.demo.content import DemoContent, load_demo_content
from reader.demo.render import (
    article_page,
    atom_document,
    demo_png,
    feed_updated,
    json_feed_document,
    rss_document,
)

_CONTENT_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True, slots=True)
class Resource:
    """One ready-to-send response body with its validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime
    gzipped: bytes | None = None  # the body gzip-compressed, for clients that accept it


def default_anchor() -> datetime:
    """The time the demo's "hours ago" count back from: now, to the whole hour, so documents
    stay byte-identical across restarts within the hour and a restarted demo still answers 304."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def _resource(body: bytes, content_type: str, last_modified: datetime) -> Resource:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    gzipped = gzip.compress(body, mtime=0) if len(body) > 1024 else None
    last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    return Resource(body, content_type, etag, last_modified, gzipped)


def build_site(content: DemoContent, base_url: str, anchor: datetime) -> dict[str, Resource]:
    """Render every path the demo serves: feeds, article pages, photos, an index and OPML."""
    site: dict[str, Resource] = {}
    for section in content.sections:
        for feed in section.feeds:
            updated = feed_updated(feed, anchor)
            render = {"rss": rss_document, "atom": atom_document, "json": json_feed_document}
            body = render[feed.format](feed, section.name, base_url, anchor)
            charset = "utf-8" if feed.format == "json" else feed.feed_charset
            site[feed.path] = _resource(
                body, f"{_CONTENT_TYPES[feed.format]}; charset={charset}", updated
            )
            for article in feed.articles:
                page = article_page(content, feed, section.name, article, base_url, anchor)
                site[f"/articles/{article.article_id}.html"] = _resource(
                    page, f"text/html; charset={feed.page_charset}", article.published(anchor)
                )
                for name, _caption in article.photos():
                    site[f"/images/{name}"] = _resource(demo_png(name), "image/png", anchor)
    site["/"] = _resource(_index_page(content, base_url), "text/html; charset=utf-8", anchor)
    site["/demo.opml"] = _resource(_opml(content, base_url), "text/x-opml; charset=utf-8", anchor)
    return site


def _index_page(content: DemoContent, base_url: str) -> bytes:
    """A plain page listing the demo's sections and feeds, for people who open the URL."""
    root = ET.Element("html", lang="zh-Hant")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "meta", charset="utf-8")
    ET.SubElement(head, "title").text = f"{content.portal_name}（reader 示範）"
    body = ET.SubElement(root, "body")
    ET.SubElement(body, "h1").text = content.portal_name
    for section in content.sections:
        ET.SubElement(body, "h2", id=section.name).text = section.name
        listing = ET.SubElement(body, "ul")
        for feed in section.feeds:
            link = ET.SubElement(ET.SubElement(listing, "li"), "a", href=base_url + feed.path)
            link.text = f"{feed.title} ({feed.format})"
    return b"<!DOCTYPE html>\n" + ET.tostring(root, encoding="unicode", method="html").encode()


def _opml(content: DemoContent, base_url: str) -> bytes:
    """The demo's sections and feeds as OPML 2.0, for `reader import`."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = content.portal_name
    body = ET.SubElement(root, "body")
    for section in content.sections:
        outline = ET.SubElement(body, "outline", text=section.name, title=section.name)
        for feed in section.feeds:
            ET.SubElement(
                outline,
                "outline",
                type="rss",
                text=feed.title,
                title=feed.title,
                xmlUrl=base_url + feed.path,
            )
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _not_modified(resource: Resource, headers: Any) -> bool:
    """Whether a conditional request's validators match (If-None-Match wins when present)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or resource.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resource.last_modified <= since
    return False


class _DemoHTTPServer(ThreadingHTTPServer):
    """A threading server that remembers its open connections so stop() can close them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: dict[str, Resource]) -> None:
        super().__init__(address, _DemoHandler)
        self.site = site
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up is not news, and the TUI owns the terminal

    def close_open_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _DemoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "reader-demo/1"
    timeout = 30  # idle keep-alive connections do not hold a thread for ever
    server: _DemoHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        pass  # quiet: the TUI owns the terminal

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        resource = self.server.site.get(path)
        if resource is None:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", {}, send_body)
            return
        headers = {
            "ETag": resource.etag,
            "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if _not_modified(resource, self.headers):
            self._send(304, b"", None, headers, send_body=False)
            return
        body = resource.body
        accepts = self.headers.get("Accept-Encoding", "")
        if resource.gzipped is not None and "gzip" in accepts.lower():
            body = resource.gzipped
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, resource.content_type, headers, send_body)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str],
        send_body: bool,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class DemoServer:
    """A running demo server; `base_url` is where it listens, `stop()` shuts it down."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", anchor: datetime | None = None):
        self.anchor = anchor or default_anchor()
        self._http = _DemoHTTPServer((host, port), {})
        bound_host, bound_port = self._http.server_address[:2]
        if isinstance(bound_host, bytes):
            bound_host = bound_host.decode("ascii")
        self.base_url = f"http://{bound_host}:{bound_port}"
        self.content = load_demo_content()
        self._http.site = build_site(self.content, self.base_url, self.anchor)
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="reader-demo-server",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    def sections(self) -> list[Section]:
        """The demo's sections with their feeds on this server."""
        return demo_sections(self.base_url)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the server stops (or `timeout` seconds pass)."""
        self._thread.join(timeout)

    def stop(self) -> None:
        """Stop serving, close the listening socket and any open connections."""
        if self._thread.is_alive():
            self._http.shutdown()
        self._http.server_close()
        self._http.close_open_connections()
        self._thread.join()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo_server(
    port: int = 0, host: str = "127.0.0.1", anchor: datetime | None = None
) -> DemoServer:
    """Start the demo server in a background thread; port 0 picks a free port.

    `anchor` fixes "now" for the article dates (screenshots and tests want fixed dates).
    """
    return DemoServer(port, host, anchor)


def demo_sections(base_url: str) -> list[Section]:
    """The demo's sections, each feed a FeedConfig pointing at `base_url`."""
    base_url = base_url.rstrip("/")
    sections = []
    for section in load_demo_content().sections:
        feeds = tuple(
            FeedConfig(
                url=base_url + feed.path,
                title=feed.title,
                region=_region(feed.region),
                full_text=feed.full_text,
            )
            for feed in section.feeds
        )
        sections.append(Section(section.name, feeds))
    return sections


def _region(value: str | None) -> Region | None:
    return cast(Region, value) if value in ("cn", "tw", "hk") else None


def serve_forever(port: int, host: str = "127.0.0.1") -> None:
    """Run the demo server in the foreground until Ctrl+C (`reader demo-server --port N`)."""
    server = start_demo_server(port, host)
    print(f"reader demo server at {server.base_url}/", flush=True)
    for section in server.sections():
        for feed in section.feeds:
            print(f"  {section.name}  {feed.title}  {feed.url}", flush=True)
    print(f"  OPML: {server.base_url}/demo.opml  (Ctrl+C stops)", flush=True)
    try:
        while server.running:
            server.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
