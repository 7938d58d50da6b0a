"""The cache file's one SQLite connection: opening it, sharing it, and what its errors mean.

Writes are short ``BEGIN IMMEDIATE`` transactions that wait up to ``BUSY_TIMEOUT_S`` for another
process's write, so a TUI and a cron ``reader fetch`` can share one file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.store.errors import CorruptDatabaseError, NewerSchemaError, StoreError
from reader.core.store.schema import SCHEMA_VERSION, header_user_version, migrate
from reader.core.store.search import words_hold

BUSY_TIMEOUT_S = 10.0
_LOCKED_RETRIES = 5  # after the busy timeout itself, for the rare lock SQLite does not wait on

_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def _error_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def is_busy(error: sqlite3.Error) -> bool:
    """True when another connection holds the lock this one needs."""
    return _error_code(error) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def translated_error(error: sqlite3.DatabaseError, path: Path) -> Exception:
    """SQLite's error as ours: a damaged file becomes CorruptDatabaseError, anything else is
    a StoreError naming the file; programming errors (bad SQL) stay as they are."""
    code = _error_code(error)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return CorruptDatabaseError(f"{path}: the cache is damaged: {error}")
    if isinstance(error, sqlite3.OperationalError) and code not in (0, 1):
        return StoreError(f"{path}: {error}")
    return error


@contextmanager
def opening_errors(path: Path, close: Callable[[], None]) -> Iterator[None]:
    """Run the steps of opening the cache at ``path``; on failure `close` what they opened and
    raise our error for it (a file SQLite cannot make sense of is CorruptDatabaseError)."""
    try:
        yield
    except NewerSchemaError as error:
        close()
        raise NewerSchemaError(f"{path}: {error}") from None
    except StoreError:
        close()
        raise
    except sqlite3.DatabaseError as error:
        close()
        translated = translated_error(error, path)
        if translated is error:  # not a plain I/O, space or lock problem: unreadable file
            raise CorruptDatabaseError(f"{path}: cannot read the cache: {error}") from error
        raise translated from error


def _decode_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def move_aside(path: Path) -> Path:
    """Rename a bad cache file (and its -wal/-shm) with a timestamp suffix; never delete it.

    Returns the new path of the main file, for telling the user where it went.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.bad-{stamp}-{counter}")
        counter += 1
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    if path.exists():
        path.rename(target)
    return target


class Database:
    """The cache's one SQLite connection and its file, shared by threads under `lock`.

    One connection, not one per thread: Textual thread workers come and go, so per-thread
    connections would leak.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: Path, *, quick_check: bool = False) -> Database:
        """Open (creating parent folders and the file) and migrate the cache at ``path``.

        Raises NewerSchemaError before touching a file from a newer reader, and
        CorruptDatabaseError for a file SQLite cannot read (``quick_check`` scans every page too,
        which costs time on a big cache).
        """
        path = Path(path)
        found = header_user_version(path)
        if found is not None and found > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path}: the cache was written by a newer reader "
                f"(schema {found}, this reader knows {SCHEMA_VERSION})"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        connection: sqlite3.Connection | None = None

        def close_if_opened() -> None:
            if connection is not None:
                connection.close()

        with opening_errors(path, close_if_opened):
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            # Damaged pages can hold invalid UTF-8: read it with replacement characters
            # rather than failing the whole query.
            connection.text_factory = _decode_text
            # The query language's field terms (title:, author:, ...) compare index words in SQL.
            connection.create_function("words_hold", 2, words_hold, deterministic=True)
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
            if found is None:
                # Only a file without tables can take these. Incremental auto-vacuum lets prune
                # shrink the file. 16 KiB pages: a refresh writes a quarter of the pages (each
                # one a system call into the WAL and again at checkpoint), and reads are as fast.
                connection.execute("PRAGMA page_size = 16384")
                connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            if quick_check:
                verdict = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
                if verdict != "ok":
                    raise CorruptDatabaseError(f"{path}: quick_check failed: {verdict}")
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            migrate(connection)
        assert connection is not None  # the block above ran to its end or raised
        return cls(connection, path)

    def close(self) -> None:
        """Close the connection; the Database cannot be used afterwards."""
        with self.lock:
            self.connection.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken up front so it never fails half-way on a lock."""
        with self.lock:
            connection = self.connection
            for attempt in range(_LOCKED_RETRIES + 1):
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as error:
                    if not is_busy(error):
                        raise translated_error(error, self.path) from error
                    if attempt == _LOCKED_RETRIES:
                        raise StoreError(f"{self.path}: the cache stayed busy: {error}") from error
                    time.sleep(0.05 * (attempt + 1))
                except sqlite3.DatabaseError as error:
                    raise translated_error(error, self.path) from error
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as error:
                if connection.in_transaction:
                    try:
                        connection.execute("ROLLBACK")
                    except sqlite3.DatabaseError:
                        pass  # the original error says more
                if isinstance(error, sqlite3.DatabaseError):
                    raise translated_error(error, self.path) from error
                raise

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Every row of one query, outside any write transaction."""
        with self.lock:
            try:
                return self.connection.execute(sql, parameters).fetchall()
            except sqlite3.DatabaseError as error:
                raise translated_error(error, self.path) from error

    def meta(self, key: str) -> str | None:
        """One value of the ``meta`` table, or None when the key is not there."""
        rows = self.read("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None
