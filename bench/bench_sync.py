"""Time syncing with a local Tiny Tiny RSS: the first sync of N articles into a fresh cache, and
an incremental sync with nothing new.

Starts a private tt-rss (scripts/ttrss_server.py) unless --url names a running one, serves
`--feeds` feeds of `--items` items on loopback, has the server fetch them, then syncs twice.

    .venv/bin/python -m bench.bench_sync [--feeds 10] [--items 500] [--url http://127.0.0.1:P/]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.feedgen import rss_feed
from reader.core.backends.ttrss import TtrssSource
from reader.core.refresh.sync import sync_with_server
from reader.core.store.database import Store

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ttrss_server.py"


def serve(feeds: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = feeds.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def api(client: httpx.Client, url: str, sid: str | None, op: str, **parameters: Any) -> Any:
    body = {"op": op, **parameters, **({"sid": sid} if sid else {})}
    answer = client.post(url + "api/", json=body, timeout=600).json()
    assert answer["status"] == 0, answer
    return answer["content"]


def fill(url: str, user: str, password: str, feeds: int, items: int) -> None:
    """Serve the feeds and have the server subscribe to and fetch each."""
    bodies = {f"/bench{index}.xml": rss_feed(index, items) for index in range(feeds)}
    server = serve(bodies)
    port = server.server_address[1]
    with httpx.Client(headers={"User-Agent": "bench"}) as client:
        sid = api(client, url, None, "login", user=user, password=password)["session_id"]
        for path in bodies:
            feed_url = f"http://127.0.0.1:{port}{path}"
            api(client, url, sid, "subscribeToFeed", feed_url=feed_url, category_id=0)
            known = api(client, url, sid, "getFeeds", cat_id=-3)
            feed_id = next(f["id"] for f in known if f["feed_url"] == feed_url)
            api(client, url, sid, "updateFeed", feed_id=feed_id)
    server.shutdown()


def timed_sync(store: Store, url: str, user: str, password: str) -> tuple[float, float, int]:
    source = TtrssSource(url, user, password)
    wall, cpu = time.perf_counter(), time.process_time()
    _, report = sync_with_server(store, source, None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    source.close()
    assert report.error is None, report.error
    return wall, cpu, report.pulled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--url", help="a running tt-rss (admin/password), else one is started")
    args = parser.parse_args()

    state = Path(tempfile.mkdtemp(prefix="bench-ttrss-")) / "server"
    state.parent.chmod(0o755)
    try:
        if args.url:
            url, user, password = args.url, "admin", "password"
        else:
            done = subprocess.run(
                [sys.executable, str(SCRIPT), "start", str(state)],
                capture_output=True,
                text=True,
                check=True,
            )
            info = json.loads(done.stdout)
            url, user, password = info["url"], info["user"], info["password"]
        started = time.perf_counter()
        fill(url, user, password, args.feeds, args.items)
        print(f"server fetched {args.feeds} x {args.items}: {time.perf_counter() - started:.1f} s")
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "cache.sqlite")
            for label in ("first sync", "incremental, nothing new"):
                wall, cpu, pulled = timed_sync(store, url, user, password)
                print(f"{label}: {pulled} articles, {wall:.2f} s wall, {cpu:.2f} s CPU (client)")
            store.close()
    finally:
        if not args.url:
            subprocess.run([sys.executable, str(SCRIPT), "stop", str(state)], check=False)
        subprocess.run(["rm", "-rf", str(state.parent)], check=False)


if __name__ == "__main__":
    main()
