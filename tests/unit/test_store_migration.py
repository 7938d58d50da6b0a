"""Schema 1 -> 2 (packed bodies, no stored plain text) and 2 -> 3 (the web page's meta beside the
full text) on real files, body packing, shrinking."""

from __future__ import annotations

import random
import sqlite3
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.model import Article, FeedConfig, FetchResult, PageMeta, Section, Validators
from reader.core.script.fold import FOLD_VERSION
from reader.core.store import migrations as store_migrations
from reader.core.store.codec import DEFLATED, RAW, ZSTD, pack, unpack
from reader.core.store.database import Store
from reader.core.store.schema import MIGRATIONS, SCHEMA_DDL, SCHEMA_VERSION, migrate
from reader.core.store.search import index_words, plain_text

NOW = datetime(2026, 3, 17, 8, 0, tzinfo=UTC)
NEWS = "http://127.0.0.1/yaowen.xml"
CITY = "http://127.0.0.1/chengshi.xml"
SECTIONS = [Section("要聞", (FeedConfig(NEWS),)), Section("城市", (FeedConfig(CITY),))]

# The schema as version 1 wrote it (bodies as TEXT, with the parser's plain text beside them).
V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER);
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,
    configured_title TEXT, feed_title TEXT, language TEXT, etag TEXT, last_modified TEXT,
    body_hash TEXT, last_status TEXT, last_error TEXT, last_fetched INTEGER
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL, section_id INTEGER, sort_key INTEGER NOT NULL, published INTEGER,
    first_seen INTEGER NOT NULL, title TEXT NOT NULL, link TEXT, author TEXT,
    digest TEXT NOT NULL, read INTEGER NOT NULL DEFAULT 0, starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, entry_id)
);
CREATE INDEX articles_by_section ON articles (section_id, sort_key DESC, id DESC);
CREATE INDEX articles_unread_by_section ON articles (section_id, sort_key DESC, id DESC)
    WHERE read = 0;
CREATE INDEX articles_starred_by_section ON articles (section_id, sort_key DESC, id DESC)
    WHERE starred = 1;
CREATE INDEX articles_by_time ON articles (sort_key DESC, id DESC);
CREATE INDEX articles_unread_by_time ON articles (sort_key DESC, id DESC) WHERE read = 0;
CREATE INDEX articles_by_feed ON articles (feed_id, sort_key DESC, id DESC);
CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    summary_html TEXT NOT NULL, content_html TEXT NOT NULL, text TEXT NOT NULL, full_html TEXT
);
CREATE VIRTUAL TABLE article_fts USING fts5 (
    words, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
);
"""

PLACES = ("鄭州", "洛陽", "開封", "臺灣", "香港", "南陽")
DOINGS = ("地鐵開通", "黃河治理", "博物館開館", "小麥豐收", "高鐵提速", "夜市重開")


def v1_body(number: int) -> tuple[str, str]:
    """A version-1 article's title and paragraphs, different for every number."""
    rng = random.Random(number)
    title = f"{PLACES[number % 6]}{DOINGS[number % 5]}第{number}號"
    paragraphs = [
        "".join(
            rng.choice("河南日報訊記者從有關部門獲悉今年以來全省經濟運行穩中向好")
            for _ in range(90)
        )
        for _ in range(4)
    ]
    return title, "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def write_v1_cache(path: Path, article_count: int) -> None:
    """A cache exactly as version 1 left it: TEXT bodies, text column, index from that text."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.executescript(V1_DDL)
    connection.execute("INSERT INTO meta VALUES ('fold_version', ?)", (str(FOLD_VERSION),))
    connection.execute("INSERT INTO sections VALUES (1, '要聞', 0), (2, '城市', 1)")
    connection.execute(
        "INSERT INTO feeds(id, url, section_id, position, language) VALUES"
        " (1, ?, 1, 0, 'zh-TW'), (2, ?, 2, 0, NULL)",
        (NEWS, CITY),
    )
    base = 1_773_700_000_000_000
    connection.execute("BEGIN")
    for number in range(1, article_count + 1):
        title, html = v1_body(number)
        text = "\n\n".join(plain_text(html).split("\n\n"))
        feed = 1 if number % 2 else 2
        connection.execute(
            "INSERT INTO articles(id, feed_id, entry_id, section_id, sort_key, published,"
            " first_seen, title, link, digest, read, starred) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (number, feed, f"e{number}", feed, base + number, base + number, base, title,
             f"http://127.0.0.1/a/{number}", f"d{number}", int(number % 3 == 0),
             int(number % 7 == 0)),
        )  # fmt: skip
        connection.execute(
            "INSERT INTO article_bodies VALUES (?, ?, ?, ?, ?)",
            (number, f"<p>{title}</p>", html, text, "<p>全文：鄭州</p>" if number == 5 else None),
        )
        connection.execute(
            "INSERT INTO article_fts(rowid, words) VALUES (?, ?)",
            (number, index_words(title, text)),
        )
    connection.execute("COMMIT")
    connection.execute("PRAGMA user_version = 1")
    connection.close()


def assert_migrated_cache_is_whole(path: Path, article_count: int) -> None:
    with Store.open(path) as store:
        assert store.count() == article_count
        assert store.count(unread_only=True) == article_count - article_count // 3
        starred = {listing.id for listing in store.listings(starred_only=True, limit=10_000)}
        assert starred == set(range(7, article_count + 1, 7))
        for number in (1, 2, article_count // 2, article_count):
            title, html = v1_body(number)
            stored = store.article(number)
            assert stored is not None
            assert stored.listing.title == title and stored.content_html == html
            assert stored.summary_html == f"<p>{title}</p>"
            assert stored.text == plain_text(html) and len(stored.text) > 300
        assert store.article(5).full_html == "<p>全文：鄭州</p>"  # type: ignore[union-attr]
        assert store.article(4).full_html is None  # type: ignore[union-attr]
        found = {hit.id for hit in store.search("郑州", limit=10_000)}
        assert found == {n for n in range(1, article_count + 1) if n % 6 == 0}
        # A phrase from the body, in the other script, on an article with a unique title.
        title, html = v1_body(article_count)
        sample = plain_text(html)[40:46]
        assert article_count in {hit.id for hit in store.search(sample, limit=10_000)}
        assert store.search(f"第{article_count}號")[0].id == article_count
        assert store.integrity_ok()
        connection = store._database.connection
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [row[1] for row in connection.execute("PRAGMA table_info(article_bodies)")]
        assert columns == ["article_id", "summary_html", "content_html", "full_html", "page_meta"]
        assert store.article(5).page_meta is None  # type: ignore[union-attr]


def test_version_1_cache_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    article_count = 300
    write_v1_cache(path, article_count)
    size_before = path.stat().st_size
    assert_migrated_cache_is_whole(path, article_count)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental, from now on
    assert raw.execute("SELECT count(*) FROM meta WHERE key = 'vacuum_pending'").fetchone()[0] == 0
    assert raw.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert raw.execute("SELECT typeof(content_html) FROM article_bodies LIMIT 1").fetchone() == (
        "blob",
    )
    raw.close()
    assert path.stat().st_size < size_before * 0.75


def test_migrated_cache_keeps_working_for_updates_and_prune(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    write_v1_cache(path, 40)
    with Store.open(path) as store:
        store.sync_feeds(SECTIONS)
        changed = Article(NEWS, "e1", "鄭州地鐵十號線延長", summary_html="<p>延長線今天通車。</p>")
        store.record_fetch(
            FetchResult(NEWS, "ok", (changed,), Validators(etag='"2"')), NOW
        )  # replaces article 1: its old words must leave the index cleanly
        assert [hit.id for hit in store.search("十号线")] == [1]
        assert 1 not in {hit.id for hit in store.search("洛陽", limit=100)}
        assert store.prune(max_age_days=3650, max_per_feed=5, now=NOW) > 0
        assert store.count() <= 10 + 40 // 7  # five per feed, plus the starred
        raw = store._database.connection
        raw.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        assert store.integrity_ok()


def test_version_2_cache_gains_page_meta_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    article_count = 60
    write_v1_cache(path, article_count)
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=2)  # the file as version 2 left it
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
    columns = [row[1] for row in connection.execute("PRAGMA table_info(article_bodies)")]
    assert "page_meta" not in columns
    connection.close()
    assert_migrated_cache_is_whole(path, article_count)
    meta = PageMeta(
        source="河南日報",
        editor="鄧高靖",
        chief_editor="石麗敏",
        published=datetime(2023, 3, 17, 8, 41, 51, tzinfo=timezone(timedelta(hours=8))),
        original_title="十號線一期正式載客運營",
    )
    with Store.open(path) as store:
        store.set_full_text(6, "<p>全文：洛陽</p>", meta)
        stored = store.article(6)
        assert stored is not None and stored.full_html == "<p>全文：洛陽</p>"
        assert stored.page_meta == meta
        assert stored.page_meta.published.utcoffset() == timedelta(hours=8)  # type: ignore[union-attr]


def test_version_5_cache_with_zlib_bodies_reads_them_and_writes_zstd(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    write_v1_cache(path, 30)
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=5)
    for number in range(1, 31):  # as version 5 wrote them: zlib
        packed = bytes((DEFLATED,)) + zlib.compress(v1_body(number)[1].encode())
        connection.execute(
            "UPDATE article_bodies SET content_html = ? WHERE article_id = ?", (packed, number)
        )
    connection.close()
    with Store.open(path) as store:
        assert store._database.connection.execute("PRAGMA user_version").fetchone()[0] == 6
        for number in (1, 17, 30):
            assert store.article(number).content_html == v1_body(number)[1]  # type: ignore[union-attr]
        assert store.search(plain_text(v1_body(17)[1])[40:46])
        store.sync_feeds(SECTIONS)
        html = "<p>" + "鄭州地鐵開通。" * 50 + "</p>"
        fresh = Article(NEWS, "new", "新", content_html=html)
        store.record_fetch(FetchResult(NEWS, "ok", (fresh,)), NOW)
        raw = store._database.connection
        new_id, packed = raw.execute(
            "SELECT article_id, content_html FROM article_bodies ORDER BY article_id DESC LIMIT 1"
        ).fetchone()
        assert packed[0] == ZSTD and store.article(new_id).content_html == html  # type: ignore[union-attr]


class Crash(Exception):
    """Stands in for the process dying between two migration transactions."""


def test_migration_interrupted_part_way_continues_on_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.sqlite3"
    article_count = 95
    write_v1_cache(path, article_count)
    monkeypatch.setattr(store_migrations, "BODY_BATCH", 10)
    calls = 0

    def dies_on_the_fourth_call(connection: sqlite3.Connection) -> bool | None:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise Crash
        return MIGRATIONS[1](connection)

    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(Crash):
        migrate(connection, migrations={1: dies_on_the_fourth_call})
    copied = connection.execute("SELECT count(*) FROM article_bodies_packed").fetchone()[0]
    assert copied == 20  # two batches committed; the third never started
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    connection.close()
    assert_migrated_cache_is_whole(path, article_count)


def test_new_cache_is_created_with_incremental_vacuum_and_packed_bodies(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store:
        raw = store._database.connection
        assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
        assert raw.execute("PRAGMA page_size").fetchone()[0] == 16384
        store.sync_feeds(SECTIONS)
        _, html = v1_body(3)
        store.record_fetch(
            FetchResult(NEWS, "ok", (Article(NEWS, "x", "標題", content_html=html),)), NOW
        )
        stored_bytes = raw.execute("SELECT content_html FROM article_bodies").fetchone()[0]
        assert stored_bytes[0] == ZSTD and len(stored_bytes) < len(html.encode())
    ddl = (
        sqlite3.connect(path)
        .execute("SELECT sql FROM sqlite_master WHERE name = 'article_bodies'")
        .fetchone()[0]
    )
    assert "text TEXT" not in ddl and "text TEXT" not in SCHEMA_DDL


def test_prune_gives_the_space_back(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    rng = random.Random(7)
    with Store.open(path) as store:
        store.sync_feeds(SECTIONS)
        articles = [
            Article(
                NEWS,
                f"e{number}",
                f"第{number}篇",
                published=NOW - timedelta(hours=number),
                content_html="<p>"
                + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(3000))
                + "</p>",
            )
            for number in range(300)
        ]
        store.record_fetch(FetchResult(NEWS, "ok", tuple(articles)), NOW)
        store._database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        full_size = path.stat().st_size
        assert store.prune(max_age_days=3650, max_per_feed=10, now=NOW) == 290
        assert store._database.connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert len(store.search("第5篇")) == 1
        assert store.integrity_ok()
    assert path.stat().st_size < full_size / 4


@pytest.mark.parametrize(
    "text", ["", "鄭", "短文", "<p>" + "鄭州地鐵開通。" * 200 + "</p>", "lone \ud800 surrogate" * 9]
)
def test_pack_round_trips(text: str) -> None:
    packed = pack(text)
    assert unpack(packed) == text
    if len(text.encode("utf-8", "surrogatepass")) < 20:
        assert packed == b"" if not text else packed[0] == RAW


def test_unpack_reads_old_text_and_damage_without_failing() -> None:
    assert unpack(None) is None
    assert unpack("<p>舊格式</p>") == "<p>舊格式</p>"
    assert unpack(bytes((RAW,)) + "好".encode()) == "好"
    assert unpack(bytes((DEFLATED,)) + b"not zlib at all") == "\ufffd"
    assert unpack(bytes((ZSTD,)) + b"not a zstd frame") == "\ufffd"
    assert unpack(bytes((DEFLATED,)) + zlib.compress("舊的壓縮".encode())) == "舊的壓縮"
    frame = pack("<p>" + "鄭州地鐵開通。" * 200 + "</p>")
    assert frame[0] == ZSTD
    assert unpack(frame[:-9]).startswith("\ufffd")  # cut short
    # A frame whose header claims a terabyte (unchecked, decompressing it is a MemoryError).
    lying = b"\x28\xb5\x2f\xfd\xe0" + (1 << 40).to_bytes(8, "little") + b"\x01\x00\x00"
    assert unpack(bytes((ZSTD,)) + lying) == "\ufffd"
    assert unpack(bytes((RAW,)) + b"\xe9\xe9\xff") == "\ufffd\ufffd\ufffd"
    assert unpack(b"\x07abc").startswith("\ufffd")


def test_plain_text_of_stored_html() -> None:
    html = (
        "<div><p>河南日報訊&nbsp;記者<b>石麗敏</b></p><script>alert(1)</script>"
        "<!-- 註解 --><p>鄭州&amp;洛陽<br>第二行</p><p>  </p></div>"
    )
    assert plain_text(html) == "河南日報訊 記者石麗敏\n\n鄭州&洛陽\n\n第二行"
    assert plain_text("1 < 2 且 3 > 1") == "1 < 2 且 3 > 1"
