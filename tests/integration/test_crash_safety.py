"""Crash safety and concurrency against real processes: `python -m reader fetch` killed with
SIGKILL at random moments of a refresh, and fetches running while another process marks and
stars. Afterwards the cache passes integrity_check, no read mark or star is lost, and the next
fetch works. Random kill moments come from a seeded generator, so a failure can be replayed."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from reader.core.paths import default_paths
from reader.core.store.database import Store
from tests.hostile.harness import rss, rss_item, run_cli, write_config
from tests.support.feedserver import FeedServer

REPO = Path(__file__).resolve().parents[2]
FEEDS = 24
ITEMS = 40
KILL_ROUNDS = 24


def serve_round(server: FeedServer, round_number: int) -> list[str]:
    """Every feed with ITEMS items; each round replaces some items and edits others, so a fetch
    always has inserts and updates to write."""
    urls = []
    for feed in range(FEEDS):
        items = [
            rss_item(
                f"第{feed}台第{n + round_number}條新聞（第{round_number}版）",
                f"<p>{'鄭州今日天氣晴朗。' * 20}{round_number}</p>",
                n + round_number,
            )
            for n in range(ITEMS)
        ]
        urls.append(
            server.add(
                f"/feed{feed}.xml", rss(f"第{feed}台", items), content_type="application/rss+xml"
            )
        )
    return urls


def start_fetch(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "fetch", "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )


def integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def marks(store: Store) -> tuple[set[int], set[int]]:
    """(ids read, ids starred) over the whole cache."""
    listings = store.listings(None, limit=100_000)
    return {i.id for i in listings if i.read}, {i.id for i in listings if i.starred}


def test_kill_9_during_fetch_loses_nothing(tmp_path: Path, feed_server: FeedServer) -> None:
    config = write_config(tmp_path / "config.toml", serve_round(feed_server, 0))
    database = default_paths().database
    started = time.monotonic()
    first = start_fetch(config)
    out, err = first.communicate(timeout=120)
    full_fetch_seconds = time.monotonic() - started
    assert first.returncode == 0, err.decode()

    rng = random.Random(20261112)
    expected_read: set[int] = set()
    expected_starred: set[int] = set()
    killed_while_running = 0
    for round_number in range(1, KILL_ROUNDS + 1):
        # Marks set before this round's fetch; starred articles survive retention too.
        with Store.open(database) as store:
            ids = [i.id for i in store.listings(None, limit=100_000)]
            for article_id in rng.sample(ids, 3):
                store.set_read([article_id], True)
                expected_read.add(article_id)
            starred = rng.choice(ids)
            store.set_starred(starred, True)
            expected_starred.add(starred)
        serve_round(feed_server, round_number)
        process = start_fetch(config)
        time.sleep(rng.uniform(0.05, full_fetch_seconds * 1.1))
        if process.poll() is None:
            killed_while_running += 1
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)

        assert integrity(database) == "ok", f"round {round_number}"
        with Store.open(database) as store:
            read, starred_now = marks(store)
        assert expected_starred <= starred_now, f"round {round_number}: stars lost"
        # Read marks may go only with pruned articles; no article with a mark is pruned here.
        assert expected_read <= read, f"round {round_number}: read marks lost"

    assert killed_while_running >= KILL_ROUNDS // 2, "most kills must land inside the refresh"
    serve_round(feed_server, KILL_ROUNDS + 1)
    code, summary, err = run_cli("fetch", "--config", str(config))
    assert code == 0 and f"{FEEDS} ok" in summary, (summary, err)
    assert integrity(database) == "ok"
    with Store.open(database) as store:
        read, starred_now = marks(store)
    assert expected_read <= read and expected_starred <= starred_now
    print(f"\n{KILL_ROUNDS} kill -9 rounds, {killed_while_running} inside a running fetch")


def test_fetches_and_marks_from_other_processes_at_once(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """Two `reader fetch` processes loop while this process marks and stars through the CLI:
    nobody sees "database is locked", and every mark is there at the end."""
    config = write_config(tmp_path / "config.toml", serve_round(feed_server, 0))
    options = ["--config", str(config)]
    assert run_cli("fetch", *options)[0] == 0
    with Store.open(default_paths().database) as store:
        ids = [i.id for i in store.listings(None, limit=100_000)]

    fetch_errors: list[str] = []
    stop = threading.Event()

    def fetch_loop(offset: int) -> None:
        round_number = offset
        while not stop.is_set():
            round_number += 2
            process = start_fetch(config)
            _, err = process.communicate(timeout=120)
            if process.returncode != 0 or err.strip():
                fetch_errors.append(err.decode() or f"exit {process.returncode}")

    fetchers = [threading.Thread(target=fetch_loop, args=(n,)) for n in range(2)]
    for thread in fetchers:
        thread.start()
    rng = random.Random(7)
    expected: dict[int, tuple[bool, bool]] = {}
    mark_errors: list[str] = []
    try:
        for step in range(120):
            article_id = rng.choice(ids)
            read, star = expected.get(article_id, (False, False))
            if step % 2:
                read = not read
                flag = "--read" if read else "--unread"
            else:
                star = not star
                flag = "--star" if star else "--unstar"
            code, _, err = run_cli("mark", str(article_id), flag, *options)
            if code != 0 or err:
                mark_errors.append(err)
            expected[article_id] = (read, star)
            if step % 10 == 0:
                serve_round(feed_server, step)  # keep the fetchers writing
    finally:
        stop.set()
        for thread in fetchers:
            thread.join(timeout=180)
    assert not mark_errors, mark_errors[:3]
    assert not fetch_errors, fetch_errors[:3]
    with Store.open(default_paths().database) as store:
        for article_id, (read, star) in expected.items():
            article = store.article(article_id)
            assert article is not None
            assert (article.listing.read, article.listing.starred) == (read, star), article_id
    assert integrity(default_paths().database) == "ok"
