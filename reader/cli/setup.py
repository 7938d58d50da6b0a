"""What every command starts from: paths, config (the user's or the demo's) and the library.

The one way the commands and the TUI open the cache, with the user-facing messages about a
damaged file (moved aside, never deleted) or one from a newer reader (left untouched).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.cli.errors import EXIT_FAILED, CliError
from reader.core.config import Config, load_config
from reader.core.library import (
    CorruptDatabaseError,
    Library,
    NewerSchemaError,
    StoreError,
    move_aside,
    open_library,
    open_store,
)
from reader.core.paths import Paths, default_paths, demo_paths

if TYPE_CHECKING:
    from reader.demo.server import DemoServer


def resolve_paths(args: argparse.Namespace) -> Paths:
    """The demo's own paths with --demo, else the user's (or those of --config)."""
    if getattr(args, "demo", False):
        return demo_paths()
    return default_paths(getattr(args, "config", None))


def command_config(args: argparse.Namespace, paths: Paths, server: DemoServer | None) -> Config:
    """The user's config, or with --demo the demo's feeds on `server` (else where it last ran)."""
    if not getattr(args, "demo", False):
        return load_config(paths.config_file)
    # The demo loads only for --demo: other commands start without its server and content.
    from reader.demo.launch import demo_config, last_demo_url

    return demo_config(paths, server.base_url if server else last_demo_url(paths))


def start_demo_if_asked(args: argparse.Namespace, paths: Paths) -> DemoServer | None:
    """The running demo server with --demo, else None."""
    if not getattr(args, "demo", False):
        return None
    from reader.demo.launch import start_demo

    return start_demo(paths)


def store_problem(error: Exception, path: Path) -> str:
    """The store's message without the path it starts with (ours already names the file)."""
    text = str(error)
    while text.startswith(f"{path}: "):
        text = text[len(f"{path}: ") :]
    return text


def open_user_library(paths: Paths, config: Config, err: TextIO) -> Library:
    """Open the cache and the library on it. A corrupt file is moved aside (never deleted), said
    on `err`, and a fresh cache started; a cache from a newer reader is refused untouched."""
    path = paths.database
    try:
        store = open_store(path)
    except NewerSchemaError as exc:
        raise CliError(
            f"the cache {path} cannot be used: {store_problem(exc, path)}. It was left untouched; "
            "use a newer reader, or move the file away to start a fresh cache.",
            EXIT_FAILED,
        ) from None
    except CorruptDatabaseError as exc:
        moved = move_aside(path)
        print(
            f"reader: the cache {path} could not be read ({store_problem(exc, path)}); "
            f"it was moved to {moved} and a fresh cache was started.",
            file=err,
        )
        store = open_store(path)
    except StoreError as exc:
        raise CliError(
            f"the cache {path} cannot be used: {store_problem(exc, path)}", EXIT_FAILED
        ) from None
    return open_library(paths, config, store=store)


@contextmanager
def opened(args: argparse.Namespace, err: TextIO, *, serve_demo: bool = False) -> Iterator[Library]:
    """Config and cache for a command; with --demo, the demo's (and its server when fetching)."""
    paths = resolve_paths(args)
    server = start_demo_if_asked(args, paths) if serve_demo else None
    try:
        library = open_user_library(paths, command_config(args, paths, server), err)
        try:
            yield library
        finally:
            library.close()
    finally:
        if server is not None:
            server.stop()


def damaged_store_message(args: argparse.Namespace, error: CorruptDatabaseError) -> str:
    """Damage found in the middle of a command (open found the file sound): move the file aside
    now, after the command closed it, so the next run starts a fresh cache; say where it went."""
    path = resolve_paths(args).database
    moved = move_aside(path)
    return (
        f"the cache {path} is damaged ({store_problem(error, path)}); it was moved to {moved}. "
        "Run the command again to start a fresh cache."
    )


def finish_index_rebuild(library: Library, err: TextIO) -> None:
    """A search index rebuild left by an upgrade is finished here, saying so first: the search
    it precedes must see every article."""
    store = library.store
    left = store.index_backlog()
    if not left:
        return
    seconds = max(1, round(left * 0.0003))
    print(
        f"reader: building the search index for this version of reader ({left:,} articles,"
        f" about {seconds} s, once)",
        file=err,
        flush=True,
    )
    while store.catch_up_index():
        pass
