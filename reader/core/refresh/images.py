"""An article's photos fetched into the image cache: each URL downloaded once, a few at a time,
through the feed backend's session (http and https only, redirect checks, deadline, size cap).

Never raises for a photo's own problems: each URL gets the stored file or the reason it has none.
A refresh also fetches the photos of `full_text = true` feeds' new stories, capped in number and
time, after the feed pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from reader.core.backends.base import FeedSession, FetchFailed
from reader.core.store.database import Store
from reader.core.store.image_cache import BadImage, ImageCache
from reader.core.text.blocks import html_to_blocks

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


# ---- at refresh, for `full_text = true` feeds (issue 16) -----------------------------------------

MAX_IMAGES_PER_REFRESH = 60  # photos downloaded by one refresh at most: the rest wait for a read
IMAGE_PASS_SECONDS = 60.0  # the whole photo pass of a refresh gives up after this long


def article_photo_urls(store: Store, article_ids: Iterable[int]) -> list[str]:
    """The photos of the stories the pane would show for these articles, in order, each once
    (what the reading pane draws, so an article never opened is complete offline)."""
    urls: dict[str, None] = {}
    for article_id in article_ids:
        article = store.article(article_id)
        if article is None:
            continue
        for block in html_to_blocks(article.shown_html(), article.listing.link):
            if block.kind == "image" and block.url:
                urls[block.url] = None
    return list(urls)


async def prefetch_article_photos(
    store: Store,
    session: FeedSession,
    article_ids: Sequence[int],
    cache: ImageCache,
    limit: int = MAX_IMAGES_PER_REFRESH,
    seconds: float = IMAGE_PASS_SECONDS,
) -> int:
    """Download the photos of these articles not cached yet, at most `limit` of them and for
    at most `seconds` in all; how many new display copies were stored."""
    urls = await asyncio.to_thread(article_photo_urls, store, article_ids)  # HTML parsing
    _known, missing = await asyncio.to_thread(cached_outcomes, urls, cache)
    missing = missing[:limit]
    if not missing:
        return 0
    outcomes: dict[str, ImageOutcome] = {}
    try:
        async with asyncio.timeout(seconds):
            outcomes = await download_images(session, missing, cache)
    except TimeoutError:  # the photos stored before the budget ran out stay cached
        return sum(cache.get(url) is not None for url in missing)
    return sum(isinstance(outcome, Path) for outcome in outcomes.values())
