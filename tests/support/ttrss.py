"""A private tt-rss for the sync tests (scripts/ttrss_server.py) and a raw API client that plays
another client of the same account: subscribing test feeds and marking articles."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ttrss_server.py"


@dataclass(frozen=True)
class TtrssServer:
    url: str
    user: str
    password: str
    state: Path


@contextmanager
def running_ttrss() -> Iterator[TtrssServer | str]:
    """A started server, or the reason it cannot run here; always stopped and wiped after."""
    # www-data must read the state folder: not under pytest's 0700 temp dirs.
    state = Path(tempfile.mkdtemp(prefix="reader-ttrss-")) / "server"
    state.parent.chmod(0o755)
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "start", str(state)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode == 3:  # the script's "cannot run here", with the reason
            yield (done.stderr.strip().splitlines() or ["tt-rss did not start"])[-1]
            return
        if done.returncode != 0:
            raise RuntimeError(f"tt-rss did not start:\n{done.stderr[-3000:]}")
        info = json.loads(done.stdout)
        yield TtrssServer(info["url"], info["user"], info["password"], state)
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "stop", str(state)], timeout=120)
        subprocess.run(["rm", "-rf", str(state.parent)], check=False)


class OtherClient:
    """The tt-rss API used directly, as a phone app or the web page would."""

    def __init__(self, server: TtrssServer) -> None:
        self.endpoint = server.url + "api/"
        self.client = httpx.Client(timeout=60, headers={"User-Agent": "other-client"})
        self.sid = self.call("login", user=server.user, password=server.password)["session_id"]

    def call(self, op: str, **parameters: Any) -> Any:
        body = {"op": op, **parameters}
        if op != "login":
            body["sid"] = self.sid
        answer = self.client.post(self.endpoint, json=body).json()
        assert answer["status"] == 0, answer
        return answer["content"]

    def subscribe(self, url: str) -> int:
        """Subscribe to `url` and have the server fetch it now; the feed's id."""
        status = self.call("subscribeToFeed", feed_url=url, category_id=0)["status"]
        assert status["code"] in (0, 1), status
        feed_id = next(f["id"] for f in self.call("getFeeds", cat_id=-3) if f["feed_url"] == url)
        self.call("updateFeed", feed_id=feed_id)
        return int(feed_id)

    def article_ids(self, feed_id: int) -> list[int]:
        rows = self.call("getHeadlines", feed_id=feed_id, view_mode="all_articles", limit=200)
        return sorted(int(row["id"]) for row in rows)

    def state(self, article_id: int) -> tuple[bool, bool]:
        """(read, starred) on the server."""
        row = self.call("getArticle", article_id=str(article_id))[0]
        return (not row["unread"], bool(row["marked"]))

    def mark(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        if read is not None:
            self.call("updateArticle", article_ids=str(article_id), mode=int(not read), field=2)
        if starred is not None:
            self.call("updateArticle", article_ids=str(article_id), mode=int(starred), field=0)

    def close(self) -> None:
        self.client.close()
