"""Tiny proxies on 127.0.0.1 for tests, each counting what went through it: an HTTP forward
proxy (absolute-URI GET, the way clients send plain-http requests to a proxy) and a SOCKS5 one
(no authentication, CONNECT only). Enough to prove a client routes through them, no more."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseRequestHandler, ThreadingTCPServer
from urllib.parse import urlsplit


class HttpProxy:
    """Forwards `GET http://host:port/path` upstream and relays the answer; `seen` lists the
    absolute URLs asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                proxy.seen.append(self.path)
                target = urlsplit(self.path)
                if target.scheme != "http" or not target.hostname:
                    self.send_error(400, "absolute http URL expected")
                    return
                upstream = http.client.HTTPConnection(
                    target.hostname, target.port or 80, timeout=10
                )
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-connection", "connection", "keep-alive")
                }
                path = target.path + (f"?{target.query}" if target.query else "")
                upstream.request("GET", path or "/", headers=headers)
                answer = upstream.getresponse()
                body = answer.read()
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                upstream.close()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HttpProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed mid-handshake")
        data += chunk
    return data


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Socks5Proxy:
    """A SOCKS5 proxy without authentication; `seen` lists the (host, port) pairs connected to."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        proxy = self

        class _Handler(BaseRequestHandler):
            def handle(self) -> None:
                client: socket.socket = self.request
                version, count = _read_exactly(client, 2)
                _read_exactly(client, count)  # the methods offered; "no authentication" is taken
                if version != 5:
                    return
                client.sendall(b"\x05\x00")
                _, command, _, kind = _read_exactly(client, 4)
                if kind == 1:
                    host = socket.inet_ntoa(_read_exactly(client, 4))
                elif kind == 3:
                    host = _read_exactly(client, _read_exactly(client, 1)[0]).decode()
                else:
                    client.sendall(b"\x05\x08\x00\x01" + bytes(6))  # address type not supported
                    return
                (port,) = struct.unpack("!H", _read_exactly(client, 2))
                if command != 1:
                    client.sendall(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
                    return
                proxy.seen.append((host, port))
                upstream = socket.create_connection((host, port), timeout=10)
                client.sendall(b"\x05\x00\x00\x01" + bytes(6))
                back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
                back.start()
                _pump(client, upstream)
                back.join(timeout=10)
                upstream.close()

        self._server = ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Socks5Proxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
