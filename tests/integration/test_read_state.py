"""Read and star marks carried between two machines without a sync server: `reader export --state`
on one cache file, `reader import --state` on another, matched by feed URL and GUID; a bad file
is one line, exit 2 and changes nothing; imported marks queue for a sync server like any mark."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.core.model import Article, ArticleMark, FeedConfig, FetchResult, Section
from reader.core.store.database import Store
from reader.core.store.outbox import PendingChange
from tests.hostile.harness import rss, rss_item, run_cli
from tests.integration.test_script_feeds import write_config
from tests.support.feedserver import FeedServer

SHARED = rss("共同", [rss_item(f"共同新聞 {n}", "<p>內容</p>", n) for n in range(1, 6)])
ONLY_A = rss("只在甲", [rss_item("甲的新聞", "<p>甲</p>", 7)])
ONLY_B = rss("只在乙", [rss_item("乙的新聞", "<p>乙</p>", 8)])


class Machine:
    """One computer: its own config and its own cache file (XDG dirs of its own)."""

    def __init__(self, root: Path, feeds: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        self.feeds = feeds
        root.mkdir()
        self.config = write_config(root / "config.toml", [{"url": url} for url in feeds])

    def run(self, *argv: str) -> tuple[int, str, str]:
        for name in ("data", "cache", "state", "config"):
            self.monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(self.root / name))
        return run_cli(*argv, "--config", str(self.config))

    def marks(self) -> dict[tuple[str, str], tuple[bool, bool]]:
        """(feed title, article title) -> (read, starred), from `reader list --json`."""
        code, out, _ = self.run("list", "--json", "--limit", "100")
        assert code == 0
        return {
            (item["feed"], item["title"]): (item["read"], item["starred"])
            for item in json.loads(out)
        }

    def ids(self) -> dict[str, int]:
        code, out, _ = self.run("list", "--json", "--limit", "100")
        return {item["title"]: item["id"] for item in json.loads(out)}

    def mark(self, title: str, *flags: str) -> None:
        for flag in flags:
            assert self.run("mark", str(self.ids()[title]), flag)[0] == 0


@pytest.fixture
def machines(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[Machine, Machine]:
    shared = feed_server.add("/shared.xml", SHARED)
    only_a = feed_server.add("/a.xml", ONLY_A)
    only_b = feed_server.add("/b.xml", ONLY_B)
    a = Machine(tmp_path / "a", [shared, only_a], monkeypatch)
    b = Machine(tmp_path / "b", [shared, only_b], monkeypatch)
    for machine in (a, b):
        assert machine.run("fetch")[0] == 0
    assert a.root / "data" != b.root / "data"
    return a, b


def test_marks_travel_between_two_caches(machines: tuple[Machine, Machine], tmp_path: Path) -> None:
    a, b = machines
    a.mark("共同新聞 1", "--read")
    a.mark("共同新聞 2", "--star")
    a.mark("共同新聞 3", "--read", "--star")
    a.mark("甲的新聞", "--read")
    b.mark("共同新聞 4", "--read")  # read here, unread on a: the file says unread
    b.mark("共同新聞 5", "--star")
    b.mark("乙的新聞", "--read", "--star")  # a knows nothing of it: it stays as it is
    state = tmp_path / "marks.json"
    code, out, _ = a.run("export", "--state", str(state))
    assert code == 0 and "wrote the marks of 6 articles (3 read, 2 starred)" in out
    document = json.loads(state.read_text(encoding="utf-8"))
    assert document["format"] == "reader-read-state" and document["version"] == 1

    code, out, _ = b.run("import", "--state", str(state))
    assert code == 0, out
    assert "5 articles changed, 0 already so, 1 not in this cache" in out

    marks_a, marks_b = a.marks(), b.marks()
    for key, value in marks_a.items():
        if key[0] == "共同":
            assert marks_b[key] == value, key
    assert marks_b[("只在乙", "乙的新聞")] == (True, True)

    # The same file again changes nothing.
    code, out, _ = b.run("import", "--state", str(state))
    assert "0 articles changed, 5 already so, 1 not in this cache" in out


def test_export_to_standard_output(machines: tuple[Machine, Machine]) -> None:
    a, _ = machines
    a.mark("共同新聞 2", "--star")
    code, out, _ = a.run("export", "--state", "-")
    assert code == 0
    starred = [item for item in json.loads(out)["articles"] if item["starred"]]
    assert (
        len(starred) == 1 and starred[0]["guid"].endswith("/item-2") and starred[0]["read"] is False
    )


BAD_FILES = {
    "not_json": (b"{'format': 1", "not JSON"),
    "not_utf8": (b"\xff\xfe\x00garbage", "not a read-state file"),
    "an_opml_file": (b'<?xml version="1.0"?><opml/>', "not JSON"),
    "other_json": (b'{"feeds": []}', "not a read-state file"),
    "newer_version": (
        b'{"format": "reader-read-state", "version": 2, "articles": []}',
        "version 2 is not one this reader knows",
    ),
    "articles_not_a_list": (
        b'{"format": "reader-read-state", "version": 1, "articles": {}}',
        "'articles' must be a list",
    ),
    "bad_item_after_good_ones": (
        b'{"format": "reader-read-state", "version": 1, "articles": ['
        b'{"feed": "FEED", "guid": "GUID", "read": true, "starred": true},'
        b'{"feed": "FEED", "guid": "GUID", "read": "yes", "starred": false}]}',
        "article 2",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_one_line_and_changes_nothing(
    machines: tuple[Machine, Machine], tmp_path: Path, name: str
) -> None:
    _, b = machines
    data, words = BAD_FILES[name]
    # A good first item for a real article: it must not be applied before the bad one is seen.
    guid = b.feeds[0].rsplit("/", 1)[0] + "/item-1"
    data = data.replace(b"FEED", b.feeds[0].encode()).replace(b"GUID", guid.encode())
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    before = b.marks()
    code, out, err = b.run("import", "--state", str(path))
    assert code == 2 and words in err and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err
    assert b.marks() == before


def test_a_missing_file_and_a_wrong_call_are_usage_errors(
    machines: tuple[Machine, Machine], tmp_path: Path
) -> None:
    a, _ = machines
    code, _, err = a.run("import", "--state", str(tmp_path / "nowhere.json"))
    assert code == 2 and "cannot read" in err
    code, _, err = a.run("import")
    assert code == 2 and "--state" in err
    code, _, err = a.run("import", str(tmp_path / "f.opml"), "--state", str(tmp_path / "s"))
    assert code == 2 and "not both" in err


def test_imported_marks_queue_for_the_sync_server_like_any_mark(tmp_path: Path) -> None:
    feed = "http://127.0.0.1/feed.xml"
    store = Store.open(tmp_path / "cache.sqlite")
    store.sync_feeds([Section("要聞", (FeedConfig(feed),))])
    articles = tuple(Article(feed, str(server_id), f"新聞 {server_id}") for server_id in (7, 8))
    store.record_fetch(FetchResult(feed, "ok", articles), datetime.now(UTC))
    store.set_sync_service("ttrss")
    done = store.import_marks(
        [
            ArticleMark(feed, "7", read=True, starred=False),
            ArticleMark(feed, "8", read=False, starred=True),
            ArticleMark(feed, "9", read=True, starred=True),
            ArticleMark("http://127.0.0.1/other.xml", "7", read=True, starred=True),
        ]
    )
    assert (done.changed, done.unchanged, done.unknown) == (2, 0, 2)
    assert store.pending_changes() == [
        PendingChange("7", read=True, starred=None),
        PendingChange("8", read=None, starred=True),
    ]
    assert store.article_marks() == [
        ArticleMark(feed, "7", read=True, starred=False),
        ArticleMark(feed, "8", read=False, starred=True),
    ]
    store.close()
