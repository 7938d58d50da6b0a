"""kill -9 in the middle of a push: the waiting changes survive and the next fetch sends them
again as states (read, starred), never as toggles, so nothing flips back. A loopback server
plays tt-rss and holds the first updateArticle until the process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.model import Article, FeedConfig, FetchResult, Section
from reader.core.paths import default_paths
from reader.core.store.database import Store
from tests.support.feedserver import FeedServer

FEED = "http://127.0.0.1/synced.xml"


class FakeTtrss:
    """Enough of the tt-rss API for a push; the first updateArticle can be held."""

    def __init__(self, hold_first_update: bool) -> None:
        self.hold = hold_first_update
        self.update_arrived = threading.Event()
        self.release = threading.Event()
        self.updates: list[dict[str, Any]] = []

    def __call__(self, request: Any) -> None:
        body = json.loads(request.post_body or b"{}")
        op = body.get("op")
        content: Any = []
        if op == "login":
            content = {"session_id": "s", "api_level": 15}
        elif op == "getFeeds":
            content = [{"id": 1, "title": "t", "feed_url": FEED, "cat_id": 0}]
        elif op == "updateArticle":
            self.updates.append(body)
            if self.hold and len(self.updates) == 1:
                self.update_arrived.set()
                self.release.wait(60)  # bounded: the test kills the client long before
                return
            content = {"status": "OK", "updated": 1}
        answer = json.dumps({"seq": 0, "status": 0, "content": content}).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)


def test_kill_9_during_a_push_keeps_the_changes_and_sends_them_again_as_states(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{feed_server.url("/")}"\nuser = "u"\npassword = "p"\n',
        encoding="utf-8",
    )
    with Store.open(default_paths(config).database) as store:
        store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
        articles = (Article(FEED, "41", "一"), Article(FEED, "42", "二"))
        store.record_fetch(FetchResult(FEED, "ok", articles), datetime.now(UTC))
        store.set_sync_service("ttrss")
        ids = {e: i for e, i in store._database.read("SELECT entry_id, id FROM articles")}
        store.set_read([ids["41"]], True)
        store.set_starred(ids["42"], True)

    held = FakeTtrss(hold_first_update=True)
    feed_server.add_handler("/api/", held)
    fetch = subprocess.Popen(
        [sys.executable, "-m", "reader", "--config", str(config), "fetch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=os.getcwd()),
    )
    try:
        assert held.update_arrived.wait(120), "the push never started"
        os.kill(fetch.pid, signal.SIGKILL)
        fetch.wait(60)
    finally:
        held.release.set()
        if fetch.poll() is None:
            fetch.kill()

    with Store.open(default_paths(config).database) as store:
        assert store.pending_count() == 2

    answering = FakeTtrss(hold_first_update=False)
    feed_server.add_handler("/api/", answering)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--config", str(config), "fetch", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=os.getcwd()),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sync"]["pushed"] == 2
    sent = {(u["field"], u["mode"], u["article_ids"]) for u in answering.updates}
    assert sent == {(2, 0, "41"), (0, 1, "42")}  # unread := false, starred := true
    with Store.open(default_paths(config).database) as store:
        assert store.pending_count() == 0
