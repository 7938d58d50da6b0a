"""One GET through libcurl: the handle's options, and the answer as it arrives (status line,
headers, and the body decompressed by us under its cap).

libcurl is told neither to decompress nor to follow redirects: the cap must bound the
decompressed bytes, and every redirect hop is checked by the caller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pycurl

from reader.core.backends.base import FetchFailed
from reader.core.backends.capped_body import SUPPORTED_ENCODINGS, CappedDecoder, format_size


@dataclass(frozen=True, slots=True)
class Request:
    """What one hop sends: the address (ASCII), headers, and where it goes through."""

    url: str
    headers: tuple[str, ...]  # "Name: value" lines
    proxy: str  # "" for none
    connect_timeout: float
    ca_file: str
    login: tuple[str, str] | None = None  # basic auth (user, password)


class Transfer:
    """Collects one response; `failure` is set when the body broke a rule (size, encoding), after
    which libcurl is told to stop."""

    __slots__ = (
        "status",
        "reason",
        "headers",
        "limit",
        "failure",
        "connected_at",
        "last_data",
        "_chunks",
        "_decoder",
    )

    def __init__(self, limit: int) -> None:
        self.status = 0
        self.reason = ""
        self.headers: dict[str, str] = {}
        self.limit = limit
        self.failure: FetchFailed | None = None
        self.connected_at: float | None = None  # when the connection was made (read timeout)
        self.last_data = 0.0
        self._chunks: list[bytes] = []
        self._decoder: CappedDecoder | None = None

    @property
    def body(self) -> bytes:
        return b"".join(self._chunks)

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for parameter in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip("\"'") or None
        return None

    def _connected(self, *_address: object) -> int:
        self.connected_at = time.monotonic()
        return pycurl.PREREQFUNC_OK

    def _header_line(self, line: bytes) -> None:
        self.last_data = time.monotonic()
        try:  # Chinese portals send Location and the like as raw UTF-8
            text = line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            text = line.decode("latin-1").rstrip("\r\n")
        if text.startswith("HTTP/"):
            # A new response begins (after a proxy's CONNECT answer or a 100 Continue).
            _version, _, rest = text.partition(" ")
            code, _, reason = rest.strip().partition(" ")
            self.status = int(code) if code.isdigit() else 0
            self.reason = reason.strip()
            self.headers = {}
        elif ":" in text:
            name, _, value = text.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def _body_chunk(self, data: bytes) -> int | None:
        """Keep a 2xx answer's bytes, decompressed under the cap; returning 0 makes libcurl stop."""
        self.last_data = time.monotonic()
        if not 200 <= self.status < 300:
            return 0  # an error page or a redirect's body: never read, the status is enough
        try:
            if self._decoder is None:
                self._decoder = self._start_body()
            self._chunks.append(self._decoder.feed(data))
        except FetchFailed as failure:
            self.failure = failure
            return 0
        return None

    def _start_body(self) -> CappedDecoder:
        encoding = self.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in SUPPORTED_ENCODINGS:
            raise FetchFailed(f"unsupported content encoding: {encoding}")
        declared = self.headers.get("content-length", "")
        if encoding in ("identity", "") and declared.isdigit() and int(declared) > self.limit:
            raise FetchFailed(f"body larger than {format_size(self.limit)}")
        return CappedDecoder(encoding, self.limit)

    def handle(self, request: Request) -> pycurl.Curl:
        """A libcurl handle that sends `request` and reports into this transfer (text options
        as UTF-8 bytes: pycurl takes only ASCII as str)."""
        handle = pycurl.Curl()
        handle.setopt(pycurl.URL, request.url)
        handle.setopt(pycurl.HTTPHEADER, [line.encode() for line in request.headers])
        handle.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
        handle.setopt(pycurl.NOSIGNAL, 1)
        handle.setopt(pycurl.CONNECTTIMEOUT_MS, max(1, int(request.connect_timeout * 1000)))
        handle.setopt(pycurl.PROXY, request.proxy.encode())
        handle.setopt(pycurl.CAINFO, request.ca_file)
        handle.setopt(pycurl.PREREQFUNCTION, self._connected)
        handle.setopt(pycurl.HEADERFUNCTION, self._header_line)
        handle.setopt(pycurl.WRITEFUNCTION, self._body_chunk)
        if request.login is not None:
            handle.setopt(pycurl.HTTPAUTH, pycurl.HTTPAUTH_BASIC)
            # UTF-8, as browsers send a login that is not ASCII.
            handle.setopt(pycurl.USERNAME, request.login[0].encode())
            handle.setopt(pycurl.PASSWORD, request.login[1].encode())
        return handle
