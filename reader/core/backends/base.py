"""The backend interface: where feeds come from, as downloads that the refresh parses and stores.

A refresh opens one session per run and calls `fetch` once per feed, concurrently; `fetch` never
raises for a feed's own problems, so one broken feed cannot stop the rest.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from reader.core.model import Validators

DownloadOutcome = Literal["ok", "not_modified", "failed"]


class FetchFailed(Exception):
    """A download failed for a reason the user should read; carries the HTTP status if any."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True, slots=True)
class FeedDownload:
    """What one feed's server answered: a body, 'not modified', or a readable failure."""

    url: str  # the address asked for
    outcome: DownloadOutcome
    http_status: int | None = None
    etag: str | None = None  # as the server sent them now: None when it sent none
    last_modified: str | None = None
    body: bytes = b""
    charset: str | None = None  # from the Content-Type header
    final_url: str | None = None  # where the answer came from after redirects: the base for links
    moved_to: str | None = None  # the new address when every redirect was permanent
    error: str | None = None  # why it failed, for the user
    seconds: float = 0.0  # from the request to the last byte (or the failure)


@dataclass(frozen=True, slots=True)
class Page:
    """A web page (not a feed) as downloaded, for full-text extraction."""

    body: bytes
    charset: str | None
    url: str  # after redirects, so relative links resolve right


@dataclass(frozen=True, slots=True)
class ImageBody:
    """An image file as downloaded; what its bytes are is for the decoder to find out, since
    servers send HTML pages and wrong types as images."""

    body: bytes
    url: str  # after redirects


class FeedSession(Protocol):
    """An open connection pool (or the like) that downloads feeds during one refresh."""

    async def fetch(self, url: str, validators: Validators) -> FeedDownload:
        """Download one feed, sending `validators` so an unchanged feed costs next to nothing."""
        ...

    async def fetch_page(self, url: str) -> Page:
        """Download an article's web page for its full text; raise FetchFailed on failure."""
        ...

    async def fetch_image(self, url: str) -> ImageBody:
        """Download an image under the image size cap; raise FetchFailed on failure."""
        ...


class Backend(Protocol):
    """A source of feeds; `session()` is entered once per refresh and shared by all fetches."""

    def session(self) -> AbstractAsyncContextManager[FeedSession]:
        """Open the resources one refresh needs; they are released when the block exits."""
        ...
