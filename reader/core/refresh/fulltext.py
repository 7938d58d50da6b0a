"""The whole story of cached articles: fetch each article's web page, extract it, cache it.

Failure never costs anything: the feed's summary stays, and the caller gets a readable reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import tzinfo

from reader.core.backends.base import FeedSession, FetchFailed
from reader.core.extract.story import ExtractError, Story, extract_story
from reader.core.store.database import Store


class FullTextError(Exception):
    """Why an article's full text could not be had; str() is the message for the user."""


async def fetch_story(session: FeedSession, link: str, default_tz: tzinfo) -> Story:
    """Download `link` and extract its story (extraction runs in a thread: it is CPU work)."""
    try:
        page = await session.fetch_page(link)
        return await asyncio.to_thread(
            extract_story, page.body, page.url, http_charset=page.charset, default_tz=default_tz
        )
    except FetchFailed as failure:
        raise FullTextError(failure.message) from None
    except OSError as error:
        raise FullTextError(f"network error: {error}") from None
    except ExtractError as error:
        raise FullTextError(str(error)) from None


async def fill_full_texts(
    store: Store,
    session: FeedSession,
    articles: Sequence[tuple[int, str]],
    default_tz: tzinfo,
    concurrency: int = 4,
) -> tuple[int, list[str]]:
    """Fetch and cache the story of each (id, link); returns (stored, failure messages)."""
    limit = asyncio.Semaphore(max(1, concurrency))
    stored = 0
    failures: list[str] = []

    async def one(article_id: int, link: str) -> None:
        nonlocal stored
        async with limit:
            try:
                story = await fetch_story(session, link, default_tz)
            except FullTextError as error:
                failures.append(f"{link}: {error}")
                return
        store.set_full_text(article_id, story.to_html(), story.page_meta())
        stored += 1

    await asyncio.gather(*(one(article_id, link) for article_id, link in articles))
    return stored, failures
