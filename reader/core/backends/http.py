"""The default backend: RSS, Atom and JSON Feed over HTTP with httpx.

One `httpx.AsyncClient` per refresh is shared by every fetch. Each fetch is bounded three
ways so no server can hold a refresh or its memory: connect/read timeouts, a total deadline
covering connect, headers and body, and a cap on the (decompressed) body size. Redirects are
followed by hand so every hop's scheme is checked. Failures come back as readable messages.
"""

from __future__ import annotations

import asyncio
import hashlib
import http
import multiprocessing
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import httpx

from reader import __version__
from reader.core.backends.base import Page
from reader.core.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from reader.core.model import FetchResult, Validators
from reader.core.store.prepare import prepare
from reader.core.store.search import index_form

USER_AGENT = f"reader-tui/{__version__} (terminal news reader; feed fetcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
T = TypeVar("T")
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})


def _shanghai() -> tzinfo:
    return ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class FetchSettings:
    """Limits and defaults for fetching feeds; the user's config fills these in."""

    concurrency: int = 8  # feeds fetched at once (the refresh enforces it; sizes the pool here)
    connect_timeout: float = 15.0  # seconds to establish a connection
    read_timeout: float = 15.0  # seconds of silence allowed while reading
    deadline: float = 30.0  # total seconds per feed: connect + headers + body, all redirects
    max_bytes: int = 10 * 1024 * 1024  # body cap after decompression
    max_redirects: int = 5
    max_items_per_feed: int = 2000  # newest kept when a feed carries more
    default_tz: tzinfo = field(default_factory=_shanghai)  # zone for dates given without one
    user_agent: str = USER_AGENT


class FetchFailed(Exception):
    """A fetch failed for a reason the user should read; carries the HTTP status if any."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class Download:
    """What came back from the server after redirects: a body, or 'not modified'."""

    http_status: int
    body: bytes
    charset: str | None
    etag: str | None
    last_modified: str | None
    moved_to: str | None  # the new address after a permanent redirect
    final_url: str  # where the body came from: the base for relative links


PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def format_size(limit: int) -> str:
    """`10485760` -> `10 MB`, `204800` -> `200 kB`: sizes as people say them."""
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} kB"
    return f"{limit} bytes"


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


class _CappedDecoder:
    """Decompresses gzip/deflate chunk by chunk, refusing to produce more than `limit` bytes.

    Doing this ourselves (instead of httpx's decoders) bounds the output of every single
    chunk, so a small compressed bomb cannot allocate more than the cap either.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.produced = 0
        self._raw_deflate_tried = False
        self._decompressor = self._new_decompressor()

    def _new_decompressor(self) -> zlib._Decompress | None:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def _too_large(self) -> FetchFailed:
        return FetchFailed(f"body larger than {format_size(self.limit)}")

    def feed(self, data: bytes) -> bytes:
        decompressor = self._decompressor
        if decompressor is None:
            self.produced += len(data)
            if self.produced > self.limit:
                raise self._too_large()
            return data
        pieces: list[bytes] = []
        while data:
            room = self.limit - self.produced + 1
            try:
                piece = decompressor.decompress(data, room)
            except zlib.error as error:
                if self.encoding == "deflate" and not self._raw_deflate_tried and not pieces:
                    # Some servers send raw deflate without the zlib header.
                    self._raw_deflate_tried = True
                    decompressor = self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchFailed(f"could not decompress body ({error})") from error
            self.produced += len(piece)
            if self.produced > self.limit:
                raise self._too_large()
            pieces.append(piece)
            if decompressor.unconsumed_tail:
                data = decompressor.unconsumed_tail
            elif decompressor.eof and decompressor.unused_data:
                data = decompressor.unused_data  # another gzip member follows
                decompressor = self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = b""
        return b"".join(pieces)


class HttpFeedSession:
    """Fetches feeds through one shared client; see `fetch`."""

    def __init__(
        self, client: httpx.AsyncClient, settings: FetchSettings, executor: Executor | None
    ) -> None:
        self.client = client
        self.settings = settings
        self.executor = executor

    async def fetch(self, url: str, validators: Validators) -> FetchResult:
        """Download and parse one feed; never raises for the feed's own problems."""
        settings = self.settings
        try:
            async with asyncio.timeout(settings.deadline):
                download = await self._download(url, validators)
        except FetchFailed as failure:
            return FetchResult(
                url,
                "failed",
                validators=validators,
                error=failure.message,
                http_status=failure.http_status,
            )
        except TimeoutError:
            message = f"timed out after {format_seconds(settings.deadline)} (deadline)"
            return FetchResult(url, "failed", validators=validators, error=message)
        except httpx.InvalidURL as error:
            message = f"invalid address: {error}"
            return FetchResult(url, "failed", validators=validators, error=message)
        except httpx.HTTPError as error:
            return FetchResult(
                url, "failed", validators=validators, error=describe_error(error, settings)
            )
        except OSError as error:
            return FetchResult(
                url, "failed", validators=validators, error=f"network error: {error}"
            )
        return await self._result_from(url, validators, download)

    async def fetch_page(self, url: str) -> Page:
        """Download a web page under the same limits as a feed; raise FetchFailed on failure."""
        settings = self.settings
        try:
            async with asyncio.timeout(settings.deadline):
                download = await self._download(url, Validators(), accept=PAGE_ACCEPT)
        except TimeoutError:
            message = f"timed out after {format_seconds(settings.deadline)} (deadline)"
            raise FetchFailed(message) from None
        except httpx.InvalidURL as error:
            raise FetchFailed(f"invalid address: {error}") from None
        except httpx.HTTPError as error:
            raise FetchFailed(describe_error(error, settings)) from None
        except OSError as error:
            raise FetchFailed(f"network error: {error}") from None
        return Page(download.body, download.charset, download.final_url)

    async def _result_from(
        self, url: str, validators: Validators, download: Download
    ) -> FetchResult:
        """Turn a download into a result: not modified, parsed articles, or a parse failure."""
        moved = f"feed moved permanently to {download.moved_to}" if download.moved_to else None
        etag = download.etag or validators.etag
        last_modified = download.last_modified or validators.last_modified
        if download.http_status == 304:
            kept = Validators(etag, last_modified, validators.body_hash)
            return FetchResult(url, "not_modified", validators=kept, http_status=304, notice=moved)
        body_hash = hashlib.sha256(download.body).hexdigest()
        new_validators = Validators(download.etag, download.last_modified, body_hash)
        if validators.body_hash == body_hash:
            return FetchResult(
                url,
                "not_modified",
                validators=new_validators,
                http_status=download.http_status,
                notice=moved,
            )
        try:
            # A feed never stored before brings only new articles: the worker also computes
            # what the store writes for them. A known feed's articles are mostly stored
            # already and unchanged, so that work would be wasted; the store does it for the
            # few new ones.
            parsed = await self._parse(
                download.body,
                url,
                download.charset,
                download.final_url,
                for_store=validators.body_hash is None,
            )
        except FeedParseError as error:
            return FetchResult(
                url,
                "failed",
                validators=validators,
                error=str(error),
                http_status=download.http_status,
                notice=moved,
            )
        except Exception as error:  # a parser bug must not end the refresh
            message = f"could not parse feed ({type(error).__name__}: {error})"
            return FetchResult(
                url,
                "failed",
                validators=validators,
                error=message,
                http_status=download.http_status,
                notice=moved,
            )
        notice = "; ".join(n for n in (moved, parsed.notice) if n) or None
        return FetchResult(
            url,
            "ok",
            articles=parsed.articles,
            validators=new_validators,
            feed_title=parsed.title,
            language=parsed.language,
            http_status=download.http_status,
            notice=notice,
        )

    async def _parse(
        self, body: bytes, url: str, charset: str | None, base_url: str, *, for_store: bool
    ) -> ParsedFeed:
        """Parse off the event loop: in the given executor (a process pool), else a thread;
        `for_store` also prepares every article for the store there (`parse_for_store`)."""
        job = partial(
            parse_for_store if for_store else parse_feed,
            body,
            url,
            http_charset=charset,
            default_tz=self.settings.default_tz,
            max_items=self.settings.max_items_per_feed,
            base_url=base_url,
        )
        if self.executor is not None:
            return await asyncio.get_running_loop().run_in_executor(self.executor, job)
        return await asyncio.to_thread(job)

    def _request_headers(self, validators: Validators, accept: str = ACCEPT) -> dict[str, str]:
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    async def _download(self, url: str, validators: Validators, accept: str = ACCEPT) -> Download:
        """GET `url`, following at most `max_redirects` http(s) redirects by hand."""
        current = httpx.URL(url)
        if current.scheme not in ("http", "https"):
            raise FetchFailed(f"not an http(s) address: {url}")
        seen = {str(current)}
        moved_to: str | None = None  # set while every hop so far was permanent
        all_permanent = True
        headers = self._request_headers(validators, accept)
        for _hop in range(self.settings.max_redirects + 1):
            async with self.client.stream("GET", current, headers=headers) as response:
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
                    return Download(
                        304,
                        b"",
                        None,
                        response.headers.get("etag"),
                        response.headers.get("last-modified"),
                        moved_to,
                        str(current),
                    )
                if not 200 <= status < 300:
                    raise FetchFailed(f"HTTP {status} {reason_phrase(response)}".rstrip(), status)
                body = await self._read_body(response)
                return Download(
                    status,
                    body,
                    response.charset_encoding,
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                    moved_to,
                    str(current),
                )
        raise FetchFailed(f"too many redirects (more than {self.settings.max_redirects})")

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Stream the body, decompressing ourselves, and stop at the size cap."""
        limit = self.settings.max_bytes
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise FetchFailed(f"unsupported content encoding: {encoding}")
        declared = response.headers.get("content-length", "")
        if encoding in ("identity", "") and declared.isdigit() and int(declared) > limit:
            raise FetchFailed(f"body larger than {format_size(limit)}")
        decoder = _CappedDecoder(encoding, limit)
        chunks: list[bytes] = []
        async for raw in response.aiter_raw():
            chunks.append(decoder.feed(raw))
        return b"".join(chunks)


def parse_for_store(body: bytes, url: str, **options: Any) -> ParsedFeed:
    """`parse_feed`, with every article a `PreparedArticle`: run in a parse worker, this moves
    the store's digest, body packing and index words off its one writer thread."""
    parsed = parse_feed(body, url, **options)
    return replace(parsed, articles=tuple(prepare(article) for article in parsed.articles))


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


def _exit_with_parent(parent: int) -> None:
    """Pool worker initializer: when the reader dies without shutting the pool down (kill -9,
    OOM killer), its workers would wait on their job queue forever; this makes them exit."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


class _LazyProcessPool(Executor):
    """A process pool that starts its workers on the first job, so a refresh where every feed
    answers 304 (or an unchanged body) never pays for starting processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._pool is None:
            # The search index's translate table (about 40 ms to build) is built once here,
            # while the other core is still idle, and every worker inherits it.
            index_form("")
            # fork: the workers need only the parser, already imported here, and fork never
            # re-runs the program's main module (spawn would re-run `python -m reader`).
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None


class HttpBackend:
    """The default `Backend`: each `session()` opens one `httpx.AsyncClient` for all fetches.

    `parse_executor`, when given, runs the CPU-bound parsing. Else, with `parse_processes` > 1,
    each session parses in a pool of that many processes (started on the first body to parse),
    which uses every core; otherwise parsing runs in a thread so downloads keep flowing.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        parse_executor: Executor | None = None,
        parse_processes: int = 0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings if settings is not None else FetchSettings()
        self.parse_executor = parse_executor
        self.parse_processes = parse_processes
        self.transport = transport

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
        ) as client:
            executor = self.parse_executor
            pool = None
            if executor is None and self.parse_processes > 1:
                executor = pool = _LazyProcessPool(self.parse_processes)
            try:
                yield HttpFeedSession(client, settings, executor)
            finally:
                if pool is not None:
                    pool.shutdown(wait=True)
