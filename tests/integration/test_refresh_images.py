"""At refresh, `full_text = true` feeds bring their stories' photos into the image cache (so an
article never opened is complete offline), capped per refresh; other feeds' photos wait for a
read. Against a real loopback server and a real cache."""

from __future__ import annotations

import asyncio
from pathlib import Path
from xml.sax.saxutils import escape

from reader.core.backends.http import HttpBackend
from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.model import FeedConfig, Section
from reader.core.paths import Paths
from reader.core.refresh.images import prefetch_article_photos
from tests.support.feedserver import FeedServer
from tests.support.images import photo_bytes

PAGES = Path(__file__).parents[1] / "pages"


def rss(base: str, items: list[tuple[str, str, str]]) -> str:
    """(title, link path, description html) items, newest first."""
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>Fri, 17 Mar 2023 0{8 - n}:00:00 +0800</pubDate>"
        f"<description>{escape(html)}</description></item>"
        for n, (title, path, html) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>河南</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    )


def serve(server: FeedServer) -> tuple[str, str]:
    """A full-text feed (one story page with a photo, one page gone whose summary has a photo)
    and a feed of summaries with a photo; their URLs."""
    base = server.url("")
    page = (PAGES / "footer-hans.html").read_bytes()  # its story holds /pics/line10.jpg
    server.add("/story.html", page, content_type="text/html; charset=utf-8")
    for path in ("/pics/line10.jpg", "/pics/summary.jpg", "/pics/plain.jpg"):
        server.add(path, photo_bytes(80, 40), content_type="image/jpeg")
    full = server.add(
        "/full.xml",
        rss(
            base,
            [
                ("十號線開通", "/story.html", "<p>摘要。</p>"),
                ("失聯的網頁", "/gone.html", f"<p>摘要。</p><img src='{base}/pics/summary.jpg'>"),
            ],
        ),
    )
    plain = server.add(
        "/plain.xml",
        rss(base, [("只有摘要", "/plain.html", f"<p>一段。</p><img src='{base}/pics/plain.jpg'>")]),
    )
    return full, plain


def library_for(tmp_path: Path, full: str, plain: str, images: str = "on") -> Library:
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    feeds = (FeedConfig(full, full_text=True), FeedConfig(plain))
    settings = Settings(refresh_on_start=False, refresh_interval=0, images=images)
    return open_library(paths, Config(paths.config_file, (Section("河南", feeds),), settings))


def test_a_full_text_feed_brings_its_photos_and_others_wait_for_a_read(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = library_for(tmp_path, *serve(feed_server))
    try:
        summary = library.refresh()
        assert summary.full_texts == 1 and summary.images == 2
        assert library.cached_image(feed_server.url("/pics/line10.jpg")) is not None
        assert library.cached_image(feed_server.url("/pics/summary.jpg")) is not None
        assert not feed_server.requests_for("/pics/plain.jpg")  # fetched when it is read
        library.refresh()  # nothing new: no photo downloaded again
        assert len(feed_server.requests_for("/pics/line10.jpg")) == 1
        assert len(feed_server.requests_for("/pics/summary.jpg")) == 1
    finally:
        library.close()


def test_no_photos_at_refresh_with_photos_turned_off(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = library_for(tmp_path, *serve(feed_server), images="off")
    try:
        summary = library.refresh()
        assert summary.full_texts == 1 and summary.images == 0
        assert not [r for r in feed_server.requests if r.path.startswith("/pics/")]
    finally:
        library.close()


def test_the_photos_of_one_refresh_are_capped(tmp_path: Path, feed_server: FeedServer) -> None:
    base = feed_server.url("")
    photos = "".join(f"<img src='{base}/pics/{n}.jpg'>" for n in range(6))
    for n in range(6):
        feed_server.add(f"/pics/{n}.jpg", photo_bytes(40, 40), content_type="image/jpeg")
    feed = feed_server.add("/many.xml", rss(base, [("六張照片", "/x.html", photos)]))
    empty = feed_server.add("/empty.xml", rss(base, []))
    library = library_for(tmp_path, feed, empty, images="off")  # the refresh fetches no photo
    try:
        library.refresh()  # full text fails (no page): the summary's photos are the story's
        ids = [listing.id for listing in library.store.listings("河南", limit=5)]
        cache = library.image_cache
        first = len(feed_server.requests)

        async def prefetch() -> int:
            async with HttpBackend().session() as session:
                return await prefetch_article_photos(library.store, session, ids, cache, limit=2)

        assert asyncio.run(prefetch()) == 2
        assert len(feed_server.requests) - first == 2
    finally:
        library.close()
