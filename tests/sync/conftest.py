"""The sync tests' servers: one private tt-rss per test session (started once, always stopped
and wiped), test feeds on a loopback feed server, and reader instances with their own caches."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.backends.sync_settings import SyncSettings
from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.paths import Paths
from tests.support.feedserver import FeedServer
from tests.support.fever import FeverServer, running_fever
from tests.support.ttrss import OtherClient, TtrssServer, running_ttrss

_feed_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def ttrss() -> Iterator[TtrssServer]:
    with running_ttrss() as server:
        if isinstance(server, str):
            pytest.skip(f"no tt-rss here: {server}")
        yield server


@pytest.fixture(scope="session")
def fever() -> Iterator[FeverServer]:
    with running_fever() as server:
        if isinstance(server, str):
            pytest.skip(f"no coldsweat here: {server}")
        yield server


@pytest.fixture(scope="session")
def sync_feeds() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def other_client(ttrss: TtrssServer) -> Iterator[OtherClient]:
    client = OtherClient(ttrss)
    try:
        yield client
    finally:
        client.close()


def news_feed(server: FeedServer, count: int, title: str = "同步測試") -> str:
    """A new RSS feed of `count` Chinese items on the feed server; its URL."""
    number = next(_feed_numbers)
    items = "".join(
        f"<item><title>{title} {number}-{i} 新聞</title><link>http://127.0.0.1/{number}/{i}</link>"
        f"<guid>feed{number}-item{i}</guid><description>&lt;p&gt;正文 {i}&lt;/p&gt;</description>"
        f"<pubDate>Mon, 01 Jan 2024 {i // 60 % 24:02d}:{i % 60:02d}:00 +0800</pubDate></item>"
        for i in range(count)
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title} {number}</title><link>http://127.0.0.1/</link><description>d</description>"
        # An image on loopback: without one, coldsweat looks for a favicon on an outside host.
        f"<image><url>{server.url('/icon.png')}</url><title>i</title><link>http://127.0.0.1/</link>"
        "</image>"
        f"{items}</channel></rss>"
    )
    return server.add(f"/sync/feed{number}.xml", body.encode(), content_type="application/rss+xml")


def sync_library(
    folder: Path, url: str, user: str, password: str, service: str = "ttrss"
) -> Library:
    """A reader with its own cache in `folder`, synced with the server at `url`."""
    paths = Paths(folder / "config.toml", folder / "data", folder / "cache")
    config = Config(
        paths.config_file,
        (),
        Settings(refresh_on_start=False, refresh_interval=0),
        sync=SyncSettings(service, url, user, password),  # type: ignore[arg-type]
    )
    return open_library(paths, config)


@pytest.fixture
def two_readers(tmp_path: Path, ttrss: TtrssServer) -> Iterator[tuple[Library, Library]]:
    first = sync_library(tmp_path / "one", ttrss.url, ttrss.user, ttrss.password)
    second = sync_library(tmp_path / "two", ttrss.url, ttrss.user, ttrss.password)
    try:
        yield first, second
    finally:
        first.close()
        second.close()
