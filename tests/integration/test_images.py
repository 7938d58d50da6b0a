"""Photos fetched through the HTTP backend into the disk cache, against a real loopback server:
good ones stored once, hostile ones giving a reason and never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from reader.core.backends.http import FetchSettings, HttpBackend
from reader.core.refresh.images import fetch_images
from reader.core.store.image_cache import DISPLAY_SIZE, BadImage, ImageCache, decode_for_display
from tests.support.feedserver import FeedServer
from tests.support.images import (
    HTML_PAGE,
    SVG,
    animated_gif,
    giant_png,
    photo_bytes,
    truncated_jpeg,
)


async def fetch(urls: list[str], cache: ImageCache, settings: FetchSettings | None = None):  # type: ignore[no-untyped-def]
    async with HttpBackend(settings).session() as session:
        return await fetch_images(session, urls, cache)


async def test_a_photo_is_downloaded_once_and_then_read_from_the_cache(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.add("/photo.jpg", photo_bytes(1200, 600), content_type="image/jpeg")
    cache = ImageCache(tmp_path / "images", 10 * 1024 * 1024)
    first = await fetch([url, url], cache)
    second = await fetch([url], cache)
    assert isinstance(first[url], Path) and first[url] == second[url]
    assert len(feed_server.requests_for("/photo.jpg")) == 1
    with Image.open(first[url]) as stored:
        assert stored.size == (DISPLAY_SIZE[0], DISPLAY_SIZE[0] // 2)  # shrunk, aspect kept
        assert stored.format == "PNG"


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("truncated.jpg", truncated_jpeg(), "image/jpeg"),
        ("giant.png", giant_png(), "image/png"),
        ("drawing.svg", SVG, "image/svg+xml"),
        ("page.jpg", HTML_PAGE, "image/jpeg"),
    ],
)
async def test_a_hostile_image_gives_a_reason_and_is_not_fetched_again(
    feed_server: FeedServer, tmp_path: Path, name: str, body: bytes, content_type: str
) -> None:
    url = feed_server.add(f"/{name}", body, content_type=content_type)
    cache = ImageCache(tmp_path / "images", 10 * 1024 * 1024)
    outcome = (await fetch([url], cache))[url]
    assert isinstance(outcome, str)
    assert isinstance((await fetch([url], cache))[url], str)
    assert len(feed_server.requests_for(f"/{name}")) == 1
    assert not list((tmp_path / "images").glob("*.png"))


async def test_a_missing_photo_gives_the_http_status(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.url("/gone.jpg")
    outcome = (await fetch([url], ImageCache(tmp_path, 1 << 20)))[url]
    assert outcome == "HTTP 404 Not Found"


async def test_data_and_file_urls_are_never_fetched(tmp_path: Path) -> None:
    urls = ["data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd", "ftp://example/x.jpg"]
    outcomes = await fetch(urls, ImageCache(tmp_path, 1 << 20))
    assert all(outcomes[url] == "not an http(s) address" for url in urls)


async def test_an_image_over_the_size_cap_is_refused(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.add("/big.png", photo_bytes(300, 300, "PNG"), content_type="image/png")
    settings = FetchSettings(max_image_bytes=100)
    outcome = (await fetch([url], ImageCache(tmp_path, 1 << 20), settings))[url]
    assert outcome == "body larger than 100 bytes"


def test_an_animated_gif_gives_its_first_frame() -> None:
    frame = decode_for_display(animated_gif())
    assert frame.getpixel((5, 5)) == (0, 200, 0)


def test_decoding_refuses_what_is_not_a_raster_image() -> None:
    for body in (SVG, HTML_PAGE, b"", giant_png(), truncated_jpeg()):
        with pytest.raises(BadImage):
            decode_for_display(body)


def test_the_cache_drops_the_least_recently_used_photos_past_its_cap(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path, 10 * 1024 * 1024)
    paths = [cache.put(f"http://x/{n}.png", photo_bytes(200, 100, "PNG")) for n in range(3)]
    for age, path in enumerate(reversed(paths)):  # the first put is the oldest use
        os.utime(path, (1000 - age * 100, 1000 - age * 100))
    assert cache.get("http://x/0.png") is not None  # a read counts as a use
    cache.max_bytes = sum(path.stat().st_size for path in paths) - 1
    assert cache.trim() == 1
    assert cache.get("http://x/1.png") is None
    assert cache.get("http://x/0.png") is not None and cache.get("http://x/2.png") is not None
