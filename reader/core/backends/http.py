"""The default backend: feeds and web pages over HTTP with libcurl, downloaded and nothing more.

Every download is bounded so no server can hold a refresh or its memory (timeouts, a total
deadline, a cap on the decompressed body), redirects are followed by hand so every hop's scheme
is checked, and every failure becomes a readable message in one place (`_bounded_download`).
"""

from __future__ import annotations

import asyncio
import http
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import certifi
import pycurl

from reader import __version__
from reader.core.backends.base import FeedDownload, FetchFailed, ImageBody, Page
from reader.core.backends.curl_errors import describe_curl_failure, format_seconds
from reader.core.backends.curl_loop import CurlFailed, CurlLoop
from reader.core.backends.curl_transfer import Request, Transfer
from reader.core.backends.feed_access import Login
from reader.core.backends.passwords import PasswordCommandFailed, password_from_command
from reader.core.backends.proxies import ProxyChoice
from reader.core.model import Validators

USER_AGENT = f"reader-tui/{__version__} (terminal news reader; feed fetcher)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.5"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})


@dataclass(frozen=True)
class FetchSettings:
    """Limits for downloading feeds and pages; the user's config fills these in."""

    concurrency: int = 8  # feeds fetched at once (the refresh enforces it; sizes the pool here)
    connect_timeout: float = 15.0  # seconds to establish a connection
    read_timeout: float = 15.0  # seconds of silence allowed while reading
    deadline: float = 30.0  # total seconds per download: connect + headers + body, all redirects
    max_bytes: int = 10 * 1024 * 1024  # body cap after decompression
    max_image_bytes: int = 10 * 1024 * 1024  # the same cap for one image
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    proxy: str | None = field(default=None, repr=False)  # None: the environment's proxies


class HttpFeedSession:
    """Downloads feeds and pages through one shared libcurl pool; see `fetch` and `fetch_page`."""

    def __init__(
        self,
        curl: CurlLoop,
        settings: FetchSettings,
        logins: Mapping[str, Login] | None = None,
    ) -> None:
        self.curl = curl
        self.settings = settings
        self.logins = logins or {}
        self._proxies = ProxyChoice(settings.proxy)
        self._ca_file = certifi.where()
        # A password_command runs once per refresh, however many feeds share it.
        self._passwords: dict[str, asyncio.Task[str]] = {}

    async def _auth_for(self, url: str) -> tuple[str, str] | None:
        """The feed's basic login, running its password_command on first use; FetchFailed when
        that command gives no password (its message never holds the command's output)."""
        login = self.logins.get(url)
        if login is None:
            return None
        password = login.password
        if password is None:
            assert login.password_command is not None
            command = login.password_command
            if command not in self._passwords:
                task = asyncio.create_task(
                    asyncio.to_thread(password_from_command, command, "password_command")
                )
                # Its failure is read here too, in case every feed waiting for it gave up.
                task.add_done_callback(lambda done: done.cancelled() or done.exception())
                self._passwords[command] = task
            try:
                # Shielded: a feed that gives up waiting (its deadline) leaves it to the others.
                password = await asyncio.shield(self._passwords[command])
            except PasswordCommandFailed as error:
                raise FetchFailed(str(error)) from None
        return (login.user, password)

    async def fetch(self, url: str, validators: Validators) -> FeedDownload:
        """Download one feed; never raises for the feed's own problems."""
        started = time.monotonic()
        try:
            download = await self._bounded_download(url, validators, FEED_ACCEPT)
        except FetchFailed as failure:
            return FeedDownload(
                url,
                "failed",
                http_status=failure.http_status,
                error=failure.message,
                seconds=time.monotonic() - started,
            )
        return replace(download, seconds=time.monotonic() - started)

    async def fetch_page(self, url: str) -> Page:
        """Download a web page under the same limits as a feed; raise FetchFailed on failure."""
        download = await self._bounded_download(url, Validators(), PAGE_ACCEPT)
        return Page(download.body, download.charset, download.final_url or url)

    async def fetch_image(self, url: str) -> ImageBody:
        """Download an image under the same checks, capped at `max_image_bytes`; raise
        FetchFailed on failure."""
        download = await self._bounded_download(
            url, Validators(), IMAGE_ACCEPT, self.settings.max_image_bytes
        )
        return ImageBody(download.body, download.final_url or url)

    async def _bounded_download(
        self, url: str, validators: Validators, accept: str, max_bytes: int | None = None
    ) -> FeedDownload:
        """`_download` under the deadline; every failure becomes FetchFailed with a message."""
        settings = self.settings
        try:
            async with asyncio.timeout(settings.deadline):
                return await self._download(url, validators, accept, max_bytes)
        except TimeoutError:
            message = f"timed out after {format_seconds(settings.deadline)} (deadline)"
            raise FetchFailed(message) from None
        except OSError as error:
            raise FetchFailed(f"network error: {error}") from None

    def _request_headers(self, validators: Validators, accept: str) -> tuple[str, ...]:
        headers = [
            f"User-Agent: {self.settings.user_agent}",
            f"Accept: {accept}",
            "Accept-Encoding: gzip, deflate",
        ]
        if validators.etag:
            headers.append(f"If-None-Match: {validators.etag}")
        if validators.last_modified:
            headers.append(f"If-Modified-Since: {validators.last_modified}")
        # Header values come from servers (validators): a line break would add headers.
        return tuple(line.replace("\r", " ").replace("\n", " ") for line in headers)

    async def _download(
        self, url: str, validators: Validators, accept: str, max_bytes: int | None
    ) -> FeedDownload:
        """GET `url`, following at most `max_redirects` http(s) redirects by hand; the body is
        capped at `max_bytes` (the feed cap when None)."""
        current = url
        origin = address_origin(current)
        seen = {current}
        moved_to: str | None = None  # set while every hop so far was permanent
        all_permanent = True
        headers = self._request_headers(validators, accept)
        auth = await self._auth_for(url)
        limit = self.settings.max_bytes if max_bytes is None else max_bytes
        for _hop in range(self.settings.max_redirects + 1):
            # The login goes only to the feed's own origin, never to where a redirect points.
            hop_auth = auth if address_origin(current) == origin else None
            answer = await self._get(current, headers, hop_auth, limit)
            status = answer.status
            if status in REDIRECT_CODES:
                target = redirect_target(current, answer)
                if target in seen:
                    raise FetchFailed(f"redirect loop at {target}", status)
                seen.add(target)
                all_permanent = all_permanent and status in PERMANENT_REDIRECT_CODES
                if all_permanent:
                    moved_to = target
                current = target
                continue
            etag = answer.headers.get("etag")
            last_modified = answer.headers.get("last-modified")
            if status == 304:
                return FeedDownload(
                    url,
                    "not_modified",
                    http_status=304,
                    etag=etag,
                    last_modified=last_modified,
                    final_url=current,
                    moved_to=moved_to,
                )
            if not 200 <= status < 300:
                message = f"HTTP {status} {reason_phrase(answer)}".rstrip()
                if status == 401 and auth is None:
                    message += " (this feed needs a user and password in the config)"
                raise FetchFailed(message, status)
            return FeedDownload(
                url,
                "ok",
                http_status=status,
                etag=etag,
                last_modified=last_modified,
                body=answer.body,
                charset=answer.charset,
                final_url=current,
                moved_to=moved_to,
            )
        raise FetchFailed(f"too many redirects (more than {self.settings.max_redirects})")

    async def _get(
        self, url: str, headers: tuple[str, ...], login: tuple[str, str] | None, limit: int
    ) -> Transfer:
        """One request, its answer collected in a Transfer; FetchFailed for a failed transfer."""
        address, scheme, host = request_address(url)
        request = Request(
            address,
            headers,
            self._proxies.for_address(scheme, host),
            self.settings.connect_timeout,
            self._ca_file,
            login,
        )
        transfer = Transfer(limit)
        handle = transfer.handle(request)
        silence = _SilenceWatch(self.curl, handle, transfer, self.settings.read_timeout)
        try:
            await self.curl.perform(handle)
        except CurlFailed as failure:
            if transfer.failure is not None:  # the body broke a rule: libcurl was told to stop
                raise transfer.failure from None
            if transfer.status and not 200 <= transfer.status < 300:
                return transfer  # we stopped reading an error page or a redirect's body
            raise FetchFailed(describe_failure(failure, handle, request, self.settings)) from None
        finally:
            silence.cancel()
            handle.close()
        if transfer.failure is not None:
            raise transfer.failure
        return transfer


class _SilenceWatch:
    """The read timeout: ends a transfer once the server has sent nothing for `seconds` since
    the connection was made (libcurl's own speed limit counts only whole seconds)."""

    def __init__(
        self, curl: CurlLoop, handle: pycurl.Curl, transfer: Transfer, seconds: float
    ) -> None:
        self._curl = curl
        self._handle = handle
        self._transfer = transfer
        self._seconds = seconds
        self._timer = asyncio.get_running_loop().call_later(seconds, self._check)

    def _check(self) -> None:
        transfer = self._transfer
        connected = transfer.connected_at
        if connected is None:  # still connecting: the connect timeout applies
            wait = self._seconds
        else:
            wait = max(connected, transfer.last_data) + self._seconds - time.monotonic()
        if wait > 0:
            self._timer = asyncio.get_running_loop().call_later(wait, self._check)
            return
        message = f"timed out: no data for {format_seconds(self._seconds)}"
        self._curl.stop(self._handle, FetchFailed(message))

    def cancel(self) -> None:
        self._timer.cancel()


_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"  # kept as they are; anything else outside ASCII is escaped


def request_address(url: str) -> tuple[str, str, str]:
    """The address as libcurl takes it (host in IDNA, other non-ASCII characters, spaces and
    controls percent-encoded, no fragment), with its scheme and host; FetchFailed when it is
    not an http(s) address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchFailed(f"invalid address: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchFailed(f"not an http(s) address: {url}")
    host = parts.hostname or ""
    if not host:
        raise FetchFailed(f"invalid address: no host in {url}")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise FetchFailed(f"invalid address: {error}") from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:  # a login in the address itself: libcurl sends it as basic auth
        netloc = f"{quote(userinfo, safe=_URL_SAFE.replace('@', ''))}@{netloc}"
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE)
    return urlunsplit((scheme, netloc, path, query, "")), scheme, host


def address_origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an address, for telling whether a redirect left the origin."""
    try:
        parts = urlsplit(url)
        return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
    except ValueError:
        return ("", url, None)


def redirect_target(current: str, answer: Transfer) -> str:
    """Where a redirect points, resolved against the current URL; only http(s) is accepted."""
    location = answer.headers.get("location", "").strip()
    if not location:
        raise FetchFailed(f"HTTP {answer.status} redirect without a Location header")
    try:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme.lower()
    except ValueError as error:
        raise FetchFailed(f"redirect to an invalid address ({error})") from error
    if scheme not in ("http", "https"):
        raise FetchFailed(f"redirect to {scheme or 'nowhere'}: refused")
    return target


def reason_phrase(answer: Transfer) -> str:
    """The server's reason phrase, else the standard one for the status code."""
    if answer.reason:
        return answer.reason
    try:
        return http.HTTPStatus(answer.status).phrase
    except ValueError:
        return ""


_PROXY_FAILURES = frozenset(
    {pycurl.E_COULDNT_CONNECT, pycurl.E_COULDNT_RESOLVE_PROXY, 97}  # 97: CURLE_PROXY
)


def describe_failure(
    failure: CurlFailed, handle: pycurl.Curl, request: Request, settings: FetchSettings
) -> str:
    """A short readable message for a failed transfer; a proxy's failure names the proxy (by
    host and port only: its address may hold a password)."""
    message = describe_curl_failure(failure, handle, settings.connect_timeout)
    if request.proxy and failure.code in _PROXY_FAILURES:
        proxy = urlsplit(request.proxy)
        message = f"proxy {proxy.hostname}:{proxy.port or 'default port'}: {message}"
    return message


class HttpBackend:
    """The default `Backend`: each `session()` opens one libcurl pool for all downloads."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        logins: Mapping[str, Login] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else FetchSettings()
        self.logins = dict(logins or {})

    @asynccontextmanager
    async def session(self) -> AsyncIterator[HttpFeedSession]:
        # Idle connections kept for reuse: at least one per concurrent download.
        curl = CurlLoop(max_connections=max(self.settings.concurrency, 20))
        try:
            yield HttpFeedSession(curl, self.settings, self.logins)
        finally:
            curl.close()
