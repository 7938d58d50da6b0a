"""A real HTTP server on 127.0.0.1 for tests: serves routes that tests register.

Each route is either static bytes (with optional headers, ETag/Last-Modified handled
like a real server) or a callable that writes the whole response itself (for trickling,
endless bodies, redirects). Every request is recorded so tests can see what was sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class StaticRoute:
    body: bytes
    content_type: str = "application/xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up (a deadline, a size cap, a killed process) are expected here."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """Start with `start()`, stop with `stop()`; `url(path)` gives the full URL."""

    def __init__(self) -> None:
        self.routes: dict[str, StaticRoute | Handler] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.requests.append(
                        SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()})
                    )
                route = server.routes.get(path) or server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", "text/plain", {})
                elif isinstance(route, StaticRoute):
                    self._serve_static(route)
                else:
                    try:
                        route(self)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            def do_POST(self) -> None:  # noqa: N802 (a sync server's API is POST)
                length = int(self.headers.get("Content-Length") or 0)
                self.post_body = self.rfile.read(length)  # for handlers that read it
                self.do_GET()

            def _serve_static(self, route: StaticRoute) -> None:
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (route.etag and inm == route.etag) or (
                    route.last_modified and not route.etag and ims == route.last_modified
                ):
                    self.send_response(304)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(route.status, route.body, route.content_type, headers)

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str, **kwargs: object) -> str:
        """Serve `body` at `path`; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = StaticRoute(data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def add_handler(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def requests_for(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
