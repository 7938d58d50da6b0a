"""Photos in the reading pane, through the real app and a real loopback server serving the
article and its images: drawn where they stand, hidden and shown with `i`, downloaded once,
drawn again offline, and hostile files giving the caption alone."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from textual.strip import Strip

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.model import FeedConfig, Section
from reader.core.paths import Paths
from reader.ui.app import ReaderApp
from reader.ui.pane_text import build_pane_text
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_body import wrap_text
from tests.support.app import NOW, build_app, settle
from tests.support.feedserver import FeedServer
from tests.support.images import (
    HTML_PAGE,
    SVG,
    animated_gif,
    giant_png,
    photo_bytes,
    truncated_jpeg,
)

SIZE = (120, 40)
CAPTION = "列車駛出車輛段 記者攝"
HOSTILE = {  # caption -> (path, body, content type); None: not served (a 404)
    "壞圖甲不存在": ("/gone.png", None, ""),
    "壞圖乙截斷": ("/cut.jpg", truncated_jpeg(), "image/jpeg"),
    "壞圖丙巨大": ("/giant.png", giant_png(), "image/png"),
    "壞圖丁向量": ("/drawing.svg", SVG, "image/svg+xml"),
    "壞圖戊網頁": ("/page.png", HTML_PAGE, "image/png"),
}
GIF_CAPTION = "動圖首幀"
DATA_CAPTION = "內嵌圖片"


def figure(src: str, caption: str) -> str:
    return f"<figure><img src='{src}'><figcaption>{caption}</figcaption></figure>"


def photo_feed(server: FeedServer, photo_path: str = "/photo.png") -> str:
    """A feed of three articles: one with a photo between paragraphs, one without, one whose
    photos are all hostile but an animated GIF; each served with the feed on loopback."""
    photo = figure(server.url(photo_path), CAPTION)
    hostile = "".join(
        figure(server.url(path), caption) for caption, (path, _b, _t) in HOSTILE.items()
    )
    hostile += figure(server.url("/moving.gif"), GIF_CAPTION)
    hostile += figure("data:image/png;base64,iVBORw0KGgo=", DATA_CAPTION)
    items = [
        (
            "有照片的報導",
            f"<p>導語：新線今日試運行。</p>{photo}<p>後文：沿線居民出行更方便。</p>",
            1,
        ),
        ("沒有照片的報導", "<p>全省小麥機收進度已經過半。</p>", 2),
        ("壞圖片的報導", f"<p>這篇的圖片都有問題。</p>{hostile}<p>結尾段落。</p>", 3),
    ]
    entries = "".join(
        f"<item><title>{title}</title><link>https://city.example/{n}</link>"
        f"<guid>https://city.example/{n}</guid>"
        f"<pubDate>{(NOW - timedelta(hours=hours)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        f"</pubDate><description>{escape(body)}</description></item>"
        for n, (title, body, hours) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>城市日報</title>'
        f"<link>https://city.example</link>{entries}</channel></rss>"
    )


def serve_photos(server: FeedServer, photo_path: str = "/photo.png") -> str:
    """Put the feed, the good photo and the hostile files on the server; the feed's URL."""
    server.add(photo_path, photo_bytes(120, 60, "PNG"), content_type="image/png")
    for _caption, (path, body, content_type) in HOSTILE.items():
        if body is not None:
            server.add(path, body, content_type=content_type)
    server.add("/moving.gif", animated_gif(), content_type="image/gif")
    return server.add(
        "/city.xml", photo_feed(server, photo_path), content_type="application/rss+xml"
    )


def open_photo_library(tmp_path: Path, feed_url: str) -> Library:
    """A library over the cache in tmp_path (the same files on every call: a restart)."""
    paths = Paths(tmp_path / "config.toml", tmp_path / "data", tmp_path / "cache")
    config = Config(
        paths.config_file,
        (Section("要聞", (FeedConfig(feed_url, title="城市日報"),)),),
        Settings(refresh_on_start=False, refresh_interval=0, images="on"),
    )
    return open_library(paths, config)


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = open_photo_library(tmp_path, serve_photos(feed_server))
    library.refresh()
    yield library
    library.close()


def pane_rows(app: ReaderApp) -> list[Strip]:
    """Every row of the open article as the pane draws it."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    body = screen.pane.body
    return [body.render_line(y) for y in range(len(body.lines(body.size.width)))]


async def drawn_rows(app: ReaderApp, pilot: object) -> list[Strip]:
    """The pane's rows once the photos on screen have been fetched and drawn: drawing a row
    asks for its photo, so draw and let the workers end until nothing changes."""
    rows = pane_rows(app)
    for _ in range(10):
        await settle(app, pilot)
        again = pane_rows(app)
        if [row.text for row in again] == [row.text for row in rows]:
            return again
        rows = again
    return rows


def row_of(rows: list[Strip], words: str) -> int:
    return next(y for y, row in enumerate(rows) if words in row.text)


def is_photo_row(row: Strip) -> bool:
    return set(row.text.strip()) == {"▀"}


def photo_rows_above(rows: list[Strip], words: str) -> list[Strip]:
    """The rows of photo drawn right above the line holding `words`."""
    at = row_of(rows, words)
    above: list[Strip] = []
    while at > 0 and is_photo_row(rows[at - 1]):
        at -= 1
        above.insert(0, rows[at])
    return above


def cell_colours(row: Strip) -> list[tuple[int, int, int]]:
    """The upper pixel's colour of each photo cell in a row."""
    colours = []
    for segment in row:
        style = segment.style
        if segment.text.strip() and style is not None and style.color is not None:
            triplet = style.color.get_truecolor()
            colours.extend([(triplet.red, triplet.green, triplet.blue)] * len(segment.text))
    return colours


async def open_nth(app: ReaderApp, pilot: object, index: int) -> None:
    """Select the index-th article of the list and open it (Enter), then let the workers end."""
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await pilot.press("g", *(["j"] * index), "enter")  # type: ignore[attr-defined]
    await drawn_rows(app, pilot)


async def test_a_photo_is_drawn_above_its_caption_where_a_placeholder_of_its_height_stood(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    release = threading.Event()
    photo = photo_bytes(120, 60, "PNG")

    def slow_photo(handler: BaseHTTPRequestHandler) -> None:
        release.wait(10)  # held until the test has seen the placeholder
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(photo)))
        handler.end_headers()
        handler.wfile.write(photo)

    feed_url = serve_photos(feed_server, "/slow.png")
    feed_server.add_handler("/slow.png", slow_photo)
    library = open_photo_library(tmp_path, feed_url)
    await asyncio.to_thread(library.refresh)
    app = build_app(library)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("enter")
            for _ in range(200):  # the text shows while the photo is still on its way
                await pilot.pause()
                if CAPTION in app.screen.pane.body_text:  # type: ignore[attr-defined]
                    break
            before = pane_rows(app)
            caption_before = row_of(before, CAPTION)
            lead = row_of(before, "導語")
            placeholder = before[lead + 2 : caption_before]  # a blank line, then the photo's box
            assert placeholder and all(not row.text.strip() for row in placeholder)
            release.set()
            after = await drawn_rows(app, pilot)
            assert row_of(after, CAPTION) == caption_before  # the text did not move
            drawn = photo_rows_above(after, CAPTION)
            assert drawn and len(drawn) <= len(placeholder)
            assert sum(map(is_photo_row, after)) == len(drawn)  # drawn once, over its caption
            colours = cell_colours(drawn[len(drawn) // 2])
            assert colours[0][0] > 150 and colours[0][2] < 80  # the photo's red left half
            assert colours[-1][2] > 150 and colours[-1][0] < 80  # and its blue right half
            assert row_of(after, "後文") > row_of(after, CAPTION)
    finally:
        release.set()
        library.close()


async def test_i_hides_photos_leaving_exactly_the_text_and_shows_them_again(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_nth(app, pilot, 0)
        assert photo_rows_above(pane_rows(app), CAPTION)
        await pilot.press("i")
        hidden = [row.text.rstrip() for row in await drawn_rows(app, pilot)]
        screen = app.screen
        assert isinstance(screen, MainScreen)
        article = screen.pane.article
        assert article is not None
        plain = build_pane_text(article, app.view, True, None, app.zone, app.ui_language, False)
        width = screen.pane.body.size.width
        assert hidden == [line.plain.rstrip() for line in wrap_text(plain, width).lines]
        assert app.ui_state.images == "off"
        await pilot.press("i")
        assert photo_rows_above(await drawn_rows(app, pilot), CAPTION)
        assert app.ui_state.images == "on"


async def test_each_photo_is_downloaded_once_across_opens_and_a_restart(
    tmp_path: Path, feed_server: FeedServer, library: Library
) -> None:
    app = build_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_nth(app, pilot, 0)
        await open_nth(app, pilot, 1)
        await open_nth(app, pilot, 0)
        assert photo_rows_above(pane_rows(app), CAPTION)
    library.close()
    again = open_photo_library(tmp_path, feed_server.url("/city.xml"))
    app = build_app(again)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_nth(app, pilot, 0)
            assert photo_rows_above(pane_rows(app), CAPTION)
    finally:
        again.close()
    assert len(feed_server.requests_for("/photo.png")) == 1


async def test_a_photo_seen_once_is_drawn_again_with_the_server_gone(tmp_path: Path) -> None:
    server = FeedServer().start()
    try:
        library = open_photo_library(tmp_path, serve_photos(server))
        await asyncio.to_thread(library.refresh)
        app = build_app(library)
        async with app.run_test(size=SIZE) as pilot:
            await open_nth(app, pilot, 0)
            online = photo_rows_above(pane_rows(app), CAPTION)
        library.close()
    finally:
        server.stop()
    offline = open_photo_library(tmp_path, server.url("/city.xml"))
    app = build_app(offline)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_nth(app, pilot, 0)
            again = photo_rows_above(pane_rows(app), CAPTION)
    finally:
        offline.close()
    # Laid out at the photo's known shape now (the first time, a guessed box): the same photo.
    assert online and again
    for rows in (online, again):
        colours = cell_colours(rows[len(rows) // 2])
        assert colours[0][0] > 150 and colours[-1][2] > 150


async def test_hostile_images_leave_their_captions_alone_without_an_error(
    library: Library,
) -> None:
    app = build_app(library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_nth(app, pilot, 2)
        rows = await drawn_rows(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert "壞圖片的報導" in screen.pane.body_text
        for caption in [*HOSTILE, DATA_CAPTION]:
            assert not photo_rows_above(rows, caption), caption
            at = row_of(rows, caption)
            assert at > 0 and not is_photo_row(rows[at - 1])
        gif = photo_rows_above(rows, GIF_CAPTION)  # an animated GIF: its first frame, green
        assert gif and all(g > 150 and r < 80 for r, g, _b in cell_colours(gif[0]))
        assert sum(is_photo_row(row) for row in rows) == len(gif)  # drawn once, nothing else
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_on_a_small_screen_a_photo_takes_at_most_half_the_pane(library: Library) -> None:
    app = build_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_nth(app, pilot, 0)
        rows = await drawn_rows(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        drawn = photo_rows_above(rows, CAPTION)
        assert drawn and len(drawn) <= screen.pane.size.height // 2
        assert row_of(rows, CAPTION) < screen.pane.size.height  # the caption on the first screen
