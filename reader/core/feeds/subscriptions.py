"""Adding and removing subscriptions in the user's config.toml, keeping its comments and layout.

Every edit goes through tomlkit, is read back before it is written, and is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit

from reader.core.config import Config, load_config, parse_config, write_atomic
from reader.core.model import FeedConfig


def _edit(path: Path, change: Any) -> Config:
    """Load, validate, apply `change` to the tomlkit document, validate again, write atomically."""
    config = load_config(path)
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    change(document, config)
    text = tomlkit.dumps(document)
    updated = parse_config(text, path)  # never write a file we could not read back
    write_atomic(path, text)
    return updated


def _section_tables(document: Any) -> Any:
    if "section" not in document:
        document.append("section", tomlkit.aot())
    return document["section"]


def _feed_table(feed: FeedConfig) -> Any:
    table = tomlkit.table()
    table.add("url", feed.url)
    if feed.title:
        table.add("title", feed.title)
    if feed.region:
        table.add("region", feed.region)
    if feed.full_text:
        table.add("full_text", True)
    if feed.script:
        table.add("script", feed.script)
    table.add(tomlkit.nl())
    return table


def add_feeds(
    path: Path, section_name: str, feeds: Sequence[FeedConfig]
) -> tuple[Config, list[str]]:
    """Add feeds to a section (created at the end if new); returns the config and skipped URLs."""
    skipped: list[str] = []

    def change(document: Any, config: Config) -> None:
        tables = _section_tables(document)
        target = next((t for t in tables if t.get("name") == section_name), None)
        if target is None:
            target = tomlkit.table()
            target.add("name", section_name)
            target.add(tomlkit.nl())
            tables.append(target)
        known = {f.url for s in config.sections for f in s.feeds}
        for feed in feeds:
            if feed.url in known:
                skipped.append(feed.url)
                continue
            known.add(feed.url)
            if "feed" not in target:
                target.add("feed", tomlkit.aot())
            target["feed"].append(_feed_table(feed))

    return _edit(path, change), skipped


def remove_feed(path: Path, url: str) -> Config:
    """Remove a feed by URL; raises KeyError when no section has it. Its articles stay cached."""

    def change(document: Any, config: Config) -> None:
        if config.feed(url) is None:
            raise KeyError(url)
        for table in _section_tables(document):
            feeds = table.get("feed")
            if feeds is None:
                continue
            for index, feed in enumerate(list(feeds)):
                if feed.get("url") == url:
                    del feeds[index]
                    return

    return _edit(path, change)
