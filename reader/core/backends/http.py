"""The default backend: feeds and web pages over HTTP with httpx, downloaded and nothing more.

Every download is bounded so no server can hold a refresh or its memory (timeouts, a total
deadline, a cap on the decompressed body), redirects are followed by hand so every hop's scheme
is checked, and every failure becomes a readable message in one place (`_bounded_download`).
"""

from __future__ import annotations

import asyncio
import http
import socket
import ssl
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.core.backends.base import FeedDownload, FetchFailed, ImageBody, Page
from reader.core.backends.capped_body import read_capped_body
from reader.core.backends.feed_access import Login
from reader.core.backends.passwords import PasswordCommandFailed, password_from_command
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


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


class HttpFeedSession:
    """Downloads feeds and pages through one shared client; see `fetch` and `fetch_page`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: FetchSettings,
        logins: Mapping[str, Login] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.logins = logins or {}
        # A password_command runs once per refresh, however many feeds share it.
        self._passwords: dict[str, asyncio.Task[str]] = {}

    async def _auth_for(self, url: str) -> httpx.BasicAuth | None:
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
        return httpx.BasicAuth(login.user, password)

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
        except httpx.InvalidURL as error:
            raise FetchFailed(f"invalid address: {error}") from None
        except httpx.HTTPError as error:
            message = describe_error(error, settings)
            if settings.proxy and isinstance(error, httpx.ConnectError | httpx.ProxyError):
                # Say it was the proxy, by host and port only: its address may hold a password.
                proxy = urlsplit(settings.proxy)
                message = f"proxy {proxy.hostname}:{proxy.port or 'default port'}: {message}"
            raise FetchFailed(message) from None
        except OSError as error:
            raise FetchFailed(f"network error: {error}") from None

    def _request_headers(self, validators: Validators, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    async def _download(
        self, url: str, validators: Validators, accept: str, max_bytes: int | None
    ) -> FeedDownload:
        """GET `url`, following at most `max_redirects` http(s) redirects by hand; the body is
        capped at `max_bytes` (the feed cap when None)."""
        current = httpx.URL(url)
        if current.scheme not in ("http", "https"):
            raise FetchFailed(f"not an http(s) address: {url}")
        seen = {str(current)}
        moved_to: str | None = None  # set while every hop so far was permanent
        all_permanent = True
        headers = self._request_headers(validators, accept)
        auth = await self._auth_for(url)
        origin = (current.scheme, current.host, current.port)
        for _hop in range(self.settings.max_redirects + 1):
            # The login goes only to the feed's own origin, never to where a redirect points.
            hop_auth = auth if (current.scheme, current.host, current.port) == origin else None
            request = self.client.stream("GET", current, headers=headers, auth=hop_auth)
            async with request as response:
                status = response.status_code
                if status in REDIRECT_CODES:
                    target = redirect_target(response)
                    if str(target) in seen:
                        raise FetchFailed(f"redirect loop at {target}", status)
                    seen.add(str(target))
                    all_permanent = all_permanent and status in PERMANENT_REDIRECT_CODES
                    if all_permanent:
                        moved_to = str(target)
                    current = target
                    continue
                if status == 304:
                    return FeedDownload(
                        url,
                        "not_modified",
                        http_status=304,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                        final_url=str(current),
                        moved_to=moved_to,
                    )
                if not 200 <= status < 300:
                    message = f"HTTP {status} {reason_phrase(response)}".rstrip()
                    if status == 401 and auth is None:
                        message += " (this feed needs a user and password in the config)"
                    raise FetchFailed(message, status)
                limit = self.settings.max_bytes if max_bytes is None else max_bytes
                body = await read_capped_body(response, limit)
                return FeedDownload(
                    url,
                    "ok",
                    http_status=status,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    body=body,
                    charset=response.charset_encoding,
                    final_url=str(current),
                    moved_to=moved_to,
                )
        raise FetchFailed(f"too many redirects (more than {self.settings.max_redirects})")


def redirect_target(response: httpx.Response) -> httpx.URL:
    """Where a redirect points, resolved against the current URL; only http(s) is accepted."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchFailed(f"HTTP {response.status_code} redirect without a Location header")
    try:
        scheme = urlsplit(urljoin(str(response.url), location)).scheme.lower()
    except ValueError as error:
        raise FetchFailed(f"redirect to an invalid address ({error})") from error
    if scheme not in ("http", "https"):
        raise FetchFailed(f"redirect to {scheme or 'nowhere'}: refused")
    try:
        return response.url.join(location)
    except httpx.InvalidURL as error:
        raise FetchFailed(f"redirect to an invalid address ({error})") from error


async def _vet_redirect(response: httpx.Response) -> None:
    """Response hook: check a redirect's target before httpx itself builds the next request
    (it does so even when not following, and raises on odd schemes)."""
    if response.status_code in REDIRECT_CODES:
        redirect_target(response)


def reason_phrase(response: httpx.Response) -> str:
    """The server's reason phrase, else the standard one for the status code."""
    if response.reason_phrase:
        return response.reason_phrase
    try:
        return http.HTTPStatus(response.status_code).phrase
    except ValueError:
        return ""


def describe_error(error: httpx.HTTPError, settings: FetchSettings) -> str:
    """A short readable message for a transport-level failure."""
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectTimeout):
        return f"timed out connecting after {format_seconds(settings.connect_timeout)}"
    if isinstance(error, httpx.ReadTimeout):
        return f"timed out: no data for {format_seconds(settings.read_timeout)}"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({text})"
    if isinstance(error, httpx.ConnectError):
        return describe_connect_error(error)
    if isinstance(error, httpx.RemoteProtocolError):
        return f"server broke the connection: {text}"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid address: {text}"
    return f"network error: {text}"


def describe_connect_error(error: BaseException) -> str:
    """Why a connection failed, from the OS error at the bottom of the exception chain."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "host not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause}"
        cause = cause.__cause__ or cause.__context__
    return f"could not connect: {error}"


class HttpBackend:
    """The default `Backend`: each `session()` opens one `httpx.AsyncClient` for all downloads."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        logins: Mapping[str, Login] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else FetchSettings()
        self.transport = transport
        self.logins = dict(logins or {})

    @asynccontextmanager
    async def session(self) -> AsyncIterator[HttpFeedSession]:
        settings = self.settings
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.deadline,
        )
        pool_size = max(settings.concurrency, 1)
        limits = httpx.Limits(
            max_connections=max(pool_size, 100), max_keepalive_connections=max(pool_size, 20)
        )
        async with httpx.AsyncClient(
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent},
            transport=self.transport,
            event_hooks={"response": [_vet_redirect]},
            # The proxy setting, else HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY (trust_env).
            proxy=settings.proxy or None,
            trust_env=True,
        ) as client:
            yield HttpFeedSession(client, settings, self.logins)
