"""An article's photos fetched into the image cache: each URL downloaded once, a few at a time,
through the feed backend's session (http and https only, redirect checks, deadline, size cap).

Never raises for a photo's own problems: each URL gets the stored file or the reason it has none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from reader.core.backends.base import FeedSession, FetchFailed
from reader.core.store.image_cache import BadImage, ImageCache

IMAGES_AT_ONCE = 4  # downloads of one article's photos in flight together

ImageOutcome = Path | str  # the stored display copy, or why there is none


def fetchable(url: str) -> bool:
    """Only http(s) addresses are fetched (never `data:`, `file:` or anything else)."""
    try:
        return urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def cached_outcomes(
    urls: Iterable[str], cache: ImageCache
) -> tuple[dict[str, ImageOutcome], list[str]]:
    """What the cache already knows of each URL, and the URLs still to download."""
    outcomes: dict[str, ImageOutcome] = {}
    missing: list[str] = []
    for url in dict.fromkeys(urls):
        if not fetchable(url):
            outcomes[url] = "not an http(s) address"
        elif (path := cache.get(url)) is not None:
            outcomes[url] = path
        elif cache.is_bad(url):
            outcomes[url] = "not an image"
        else:
            missing.append(url)
    return outcomes, missing


async def download_images(
    session: FeedSession, urls: Iterable[str], cache: ImageCache
) -> dict[str, ImageOutcome]:
    """Download, decode and store each URL; its display copy or why there is none."""
    outcomes: dict[str, ImageOutcome] = {}
    gate = asyncio.Semaphore(IMAGES_AT_ONCE)

    async def fetch_one(url: str) -> None:
        async with gate:
            try:
                image = await session.fetch_image(url)
            except FetchFailed as failure:
                outcomes[url] = failure.message
                return
        try:
            # Decoding and shrinking are CPU work: off the event loop, so downloads go on.
            outcomes[url] = await asyncio.to_thread(cache.put, url, image.body)
        except BadImage as error:
            outcomes[url] = str(error)
        except OSError as error:
            outcomes[url] = f"could not store: {error}"

    await asyncio.gather(*(fetch_one(url) for url in urls))
    return outcomes


async def fetch_images(
    session: FeedSession, urls: Iterable[str], cache: ImageCache
) -> dict[str, ImageOutcome]:
    """Each URL's cached display copy, downloading and storing the ones not cached yet."""
    outcomes, missing = cached_outcomes(urls, cache)
    return outcomes | await download_images(session, missing, cache)
