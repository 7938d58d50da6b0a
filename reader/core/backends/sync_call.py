"""One API call to a sync server through libcurl, its transport errors turned into SyncError.

Blocking: a sync runs in a worker thread or the CLI. Kept apart from sync_source so the start-up
path never loads libcurl.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import certifi
import pycurl

from reader import __version__
from reader.core.backends.curl_errors import describe_curl_failure
from reader.core.backends.curl_loop import CurlFailed
from reader.core.backends.proxies import ProxyChoice
from reader.core.backends.sync_source import SyncError

MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a page of 200 articles with their bodies is far below


class ApiClient:
    """POSTs to one server's API; one libcurl handle, so the connection stays open between
    calls. Proxies come from the environment, as for any sync client."""

    def __init__(self, server: str, timeout: float) -> None:
        self.server = server
        self.timeout = timeout
        self._proxies = ProxyChoice(None)
        self._handle = pycurl.Curl()
        handle = self._handle
        handle.setopt(pycurl.NOSIGNAL, 1)
        handle.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
        handle.setopt(pycurl.CONNECTTIMEOUT_MS, max(1, int(timeout * 1000)))
        # No byte for `timeout` seconds ends the call (whole seconds: libcurl's unit here).
        handle.setopt(pycurl.LOW_SPEED_LIMIT, 1)
        handle.setopt(pycurl.LOW_SPEED_TIME, max(1, round(timeout)))
        handle.setopt(pycurl.USERAGENT, f"reader-tui/{__version__}")
        handle.setopt(pycurl.CAINFO, certifi.where())
        handle.setopt(pycurl.ACCEPT_ENCODING, "")  # whatever libcurl can decompress

    def close(self) -> None:
        self._handle.close()

    def post(
        self,
        endpoint: str,
        *,
        json_body: object = None,
        form: dict[str, str] | None = None,
        query: str = "",
    ) -> Any:
        """POST `json_body` (as JSON) or `form` (urlencoded) to `endpoint` (plus `query`) and
        return the answer's JSON, or SyncError naming the server and what went wrong."""
        handle = self._handle
        url = f"{endpoint}{'&' if '?' in endpoint else '?'}{query}" if query else endpoint
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = "application/json"
        else:
            body = urlencode(form or {}).encode()
            content_type = "application/x-www-form-urlencoded"
        parts = urlsplit(url)
        handle.setopt(pycurl.URL, url.encode())
        handle.setopt(pycurl.PROXY, self._proxies.for_address(parts.scheme, parts.hostname or ""))
        handle.setopt(pycurl.POSTFIELDS, body)
        handle.setopt(pycurl.HTTPHEADER, [f"Content-Type: {content_type}".encode()])
        chunks: list[bytes] = []
        received = [0]

        def keep(data: bytes) -> int | None:
            received[0] += len(data)
            if received[0] > MAX_ANSWER_BYTES:
                return 0  # libcurl stops: an answer this large is not the API's
            chunks.append(data)
            return None

        handle.setopt(pycurl.WRITEFUNCTION, keep)
        try:
            handle.perform()
        except pycurl.error as error:
            code, text = int(error.args[0]), str(error.args[-1])  # pycurl: (code, message)
            reason = describe_curl_failure(CurlFailed(code, text), handle, self.timeout)
            raise SyncError(f"{self.server} server unreachable: {reason}") from None
        status = handle.getinfo(pycurl.RESPONSE_CODE)
        if status != 200:
            raise SyncError(f"{self.server} server answered HTTP {status}")
        try:
            return json.loads(b"".join(chunks))
        except ValueError:
            raise SyncError(
                f"{self.server} server answered something that is not its API"
            ) from None
