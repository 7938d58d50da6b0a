"""A damaged cache, a cache from a newer reader, a full disk and a broken config, as the user
meets them through `reader`: a plain message, the bad file moved aside (never deleted) or left
untouched, and nothing cached lost."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.core.paths import default_paths
from reader.core.store.database import Store
from tests.hostile.cases import assert_terminal_safe
from tests.hostile.harness import rss, rss_item, run_cli, write_config
from tests.support.feedserver import FeedServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cached(tmp_path: Path, feed_server: FeedServer) -> Iterator[list[str]]:
    """A cache filled by one fetch, article 3 starred and 5 read; yields the config options."""
    url = feed_server.add(
        "/news.xml",
        rss(
            "鄭州日報",
            [
                rss_item(f"第{n}條本地新聞", "<p>" + "市民生活報導。" * 300 + "</p>", n)
                for n in range(30)
            ],
        ),
    )
    options = ["--config", str(write_config(tmp_path / "config.toml", [url]))]
    assert run_cli("fetch", *options)[0] == 0
    assert run_cli("mark", "3", "--star", *options)[0] == 0
    assert run_cli("mark", "5", "--read", *options)[0] == 0
    yield options


def database() -> Path:
    return default_paths().database


def checkpoint() -> None:
    """Fold the WAL into the main file, so the file alone is the whole cache."""
    connection = sqlite3.connect(database())
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def moved_aside_files() -> list[Path]:
    return sorted(database().parent.glob(database().name + ".bad-*[0-9]"))


def assert_moved_aside(err: str, original: bytes) -> Path:
    """The message names where the old file went; it is there, byte for byte, with a timestamp."""
    [moved] = moved_aside_files()
    assert re.search(r"\.bad-\d{8}T\d{6}$", moved.name)
    assert str(moved) in err and "fresh cache" in err
    assert moved.read_bytes() == original, "the damaged file is kept exactly as it was"
    return moved


def fresh_cache_works(options: list[str]) -> None:
    code, out, err = run_cli("fetch", *options)
    assert code == 0, err
    code, out, _ = run_cli("list", *options)
    assert "第29條本地新聞" in out


# ---- damaged files --------------------------------------------------------------------------


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda data: bytes((n * 7919 + 13) % 251 for n in range(len(data))),
    "truncated_to_a_third": lambda data: data[: len(data) // 3],
    "header_only": lambda data: data[:100],
    "header_smashed": lambda data: b"NOT A DATABASE!!" + data[16:],
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_cache_is_moved_aside_and_a_fresh_one_started(
    cached: list[str], damage: Callable[[bytes], bytes]
) -> None:
    checkpoint()
    bad = damage(database().read_bytes())
    database().write_bytes(bad)
    code, out, err = run_cli("list", *cached)
    assert code == 0
    assert "could not be read" in err
    assert_moved_aside(err, bad)
    assert err.count("\n") == 1, "one plain line, no traceback"
    fresh_cache_works(cached)


def test_damaged_cache_through_a_real_process(cached: list[str]) -> None:
    checkpoint()
    database().write_bytes(b"\x00\xff" * 40_000)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "list", *cached],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert_moved_aside(done.stderr, b"\x00\xff" * 40_000)


def test_damage_found_in_the_middle_of_a_command(cached: list[str]) -> None:
    """The file opens fine, but the table of article bodies is smashed: `show` says so plainly,
    moves the file aside, and the next run starts fresh."""
    checkpoint()
    connection = sqlite3.connect(database())
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    roots = (
        connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name LIKE '%bod%'"
        ).fetchall()
        or connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'articles'"
        ).fetchall()
    )
    connection.close()
    data = bytearray(database().read_bytes())
    for (root,) in roots:
        start = (root - 1) * page_size
        data[start : start + page_size] = b"\x0d" + b"\xff" * (page_size - 1)
    database().write_bytes(bytes(data))
    code, out, err = run_cli("show", "7", *cached)
    assert code == 1 and "Traceback" not in err
    assert "damaged" in err
    assert_moved_aside(err, bytes(data))
    fresh_cache_works(cached)


def test_invalid_utf8_inside_a_stored_body_is_readable(cached: list[str]) -> None:
    connection = sqlite3.connect(database())
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    table = "article_bodies" if "article_bodies" in tables else "articles"
    column = "summary_html"
    connection.execute(f"UPDATE {table} SET {column} = CAST(x'3c703ee9e9ff3c2f703e' AS TEXT)")
    connection.commit()
    connection.close()
    code, out, err = run_cli("show", "7", *cached)
    assert code == 0 and "Traceback" not in err
    assert "\ufffd" in out, "the damaged bytes read as replacement characters"


# ---- a cache from a newer reader --------------------------------------------------------------


def test_newer_schema_is_refused_and_left_untouched(cached: list[str]) -> None:
    checkpoint()
    connection = sqlite3.connect(database())
    connection.execute("PRAGMA user_version = 4242")
    connection.close()
    before = database().read_bytes()
    for command in (["list"], ["fetch"], ["mark", "3", "--unstar"], ["show", "3"]):
        code, out, err = run_cli(*command, *cached)
        assert code == 1 and "newer reader" in err and "untouched" in err, (command, err)
    assert database().read_bytes() == before
    assert moved_aside_files() == []


def test_newer_schema_refused_by_the_tui_before_it_starts(cached: list[str]) -> None:
    checkpoint()
    connection = sqlite3.connect(database())
    connection.execute("PRAGMA user_version = 4242")
    connection.close()
    before = database().read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--no-refresh", *cached],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 1 and "newer reader" in done.stderr
    assert database().read_bytes() == before


# ---- a full disk, a read-only cache -----------------------------------------------------------


@pytest.fixture
def squeezed(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make every Store the CLI opens unable to grow (SQLite's max_page_count: as root, chmod
    cannot make a folder read-only and there is no small filesystem to fill), or read-only
    (query_only). The store code under test runs unchanged; only its connection is limited."""
    original = Store.open.__func__  # type: ignore[attr-defined]

    def limit(kind: str) -> None:
        def open_limited(cls: type[Store], path: Path, **options: object) -> Store:
            store = original(cls, path, **options)
            connection = store._database.connection  # noqa: SLF001 - the one place the limit can go
            if kind == "full":
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                connection.execute(f"PRAGMA max_page_count = {pages + 2}")
            else:
                connection.execute("PRAGMA query_only = ON")
            return store

        monkeypatch.setattr(Store, "open", classmethod(open_limited))

    return limit


@pytest.mark.parametrize("kind", ["full", "read_only"])
def test_full_or_read_only_cache_during_fetch(
    cached: list[str], feed_server: FeedServer, squeezed: Callable[[str], None], kind: str
) -> None:
    feed_server.add(
        "/news.xml",
        rss(
            "鄭州日報",
            [
                rss_item(f"第{n}條更新新聞", "<p>" + "長篇報導內容。" * 2000 + "</p>", n + 100)
                for n in range(60)
            ],
        ),
    )
    real_open = Store.open
    with real_open(database()) as store:
        before = store.listings(None, limit=1000)
    squeezed(kind)
    code, out, err = run_cli("fetch", *cached)
    assert code == 1
    assert "could not be written" in err and "kept" in err and "Traceback" not in err
    assert ("full" in err) if kind == "full" else ("readonly" in err or "read-only" in err)
    assert_terminal_safe(err)
    with real_open(database()) as store:
        after = store.listings(None, limit=1000)
    assert {(i.id, i.title) for i in before} <= {(i.id, i.title) for i in after}
    assert [i.id for i in after if i.starred] == [3] and 5 in [i.id for i in after if i.read]
