"""The user's config.toml: typed settings, validated with messages that name file, line and key.

Reading uses tomllib; edits (add, remove, import) live in feeds/subscriptions.py and are
written with write_atomic so a crash never leaves half a file.
"""

from __future__ import annotations

import bisect
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reader.core.backends import feed_access  # issue 17's keys
from reader.core.backends.sync_settings import SyncConfigProblem, SyncSettings, sync_settings
from reader.core.backends.user_command import command_problem
from reader.core.model import (
    DEFAULT_TIMEZONE,
    REGIONS,
    SCRIPT_MODES,
    UI_LANGUAGES,
    VARIANTS,
    FeedConfig,
    ScriptMode,
    Section,
    UiLanguage,
    Variant,
)
from reader.core.store.query import rules  # [[query]] and [[filter]] (issue 15)


class ConfigError(Exception):
    """A config file we cannot use; str() is the message to show the user."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Settings:
    """The [settings] table."""

    refresh_interval: int = 30
    """Minutes between automatic refreshes in the TUI; 0 turns auto-refresh off."""
    refresh_on_start: bool = True
    """Refresh all feeds when the TUI starts."""
    concurrency: int = 16
    """How many feeds are fetched at once."""
    connect_timeout: float = 15.0
    """Seconds to wait for a connection."""
    read_timeout: float = 15.0
    """Seconds to wait for the next bytes of a response."""
    feed_deadline: float = 30.0
    """Seconds one feed may take in total, so a trickling server cannot hold a refresh."""
    max_feed_bytes: int = 10 * 1024 * 1024
    """A feed body larger than this is cut off and the fetch fails."""
    max_items_per_feed: int = 2000
    """A feed with more items keeps the newest this many."""
    script: ScriptMode = "original"
    """Script of feed text at start: original (as published), hans (简体) or hant (繁體)."""
    traditional_variant: Variant = "t"
    """Which 繁體: t (OpenCC standard), tw (Taiwan), twp (Taiwan with phrases), hk (Hong Kong)."""
    timezone: str = DEFAULT_TIMEZONE
    """Zone for feed times that carry none (most Chinese feeds)."""
    retention_days: int = 90
    """Articles older than this are pruned (starred ones never are)."""
    retention_max_per_feed: int = 1000
    """At most this many articles are kept per feed (starred ones never are pruned)."""
    ui_language: UiLanguage = "zh"
    """Language of the reader's own labels: zh (follows the script mode) or en."""
    theme: str = ""
    """Textual theme name; empty keeps the last one chosen in the app."""
    # Photos in the reading pane (issue 16).
    images: str = "on"
    """Photos in the reading pane at start: on or off (`i` toggles, and the app remembers)."""
    image_cache_mb: int = 300
    """Megabytes of photos kept on disk for offline reading; the least recently shown go first."""
    # HTTP (issue 17).
    user_agent: str = ""
    """User-Agent sent with feeds and pages; empty: reader's own."""
    proxy: str = field(default="", repr=False)  # may hold a proxy password
    """Proxy for every download (http://, https://, socks5://); empty: HTTP(S)_PROXY, ALL_PROXY."""
    # The user's own programs and files (issue 17): split like a shell's, never run by one.
    pipe_command: str = ""
    """Program `|` sends the open article to (its standard input); the prompt starts with it."""
    save_dir: str = ""
    """Folder `S` saves articles to as Markdown; empty: reader/ in the documents folder."""
    bookmark_command: str = ""
    """Program `b` runs with the URL, title, feed title and first lines as arguments."""
    notify_command: str = ""
    """Program run after a refresh that brought articles: the count, then the first titles."""
    command_timeout: float = 30.0
    """Seconds one of these programs may run before it is stopped."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Config:
    """A whole, validated config file."""

    path: Path
    sections: tuple[Section, ...] = ()
    settings: Settings = field(default_factory=Settings)
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, e.g. {"refresh_all": "ctrl+r"}."""
    sync: SyncSettings | None = None
    """The aggregator server that is the source of articles; None: the feeds above."""
    queries: tuple[rules.QuerySection, ...] = ()  # [[query]]: saved searches as sections
    filters: tuple[rules.FilterRule, ...] = ()  # [[filter]]: hide, read, star, highlight

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def feed(self, url: str) -> FeedConfig | None:
        return next((f for s in self.sections for f in s.feeds if f.url == url), None)


DEFAULT_CONFIG = f"""\
# reader configuration. Lines starting with # are comments.
# `reader add URL --section NAME` and `reader import FILE` edit this file and keep your comments.

[settings]
# Minutes between automatic refreshes in the TUI (0 = never).
refresh_interval = 30
# Refresh all feeds when the TUI starts.
refresh_on_start = true
# Feeds fetched at once; seconds to connect / between bytes / for a whole feed.
concurrency = 16
connect_timeout = 15.0
read_timeout = 15.0
feed_deadline = 30.0
# Script of feed text: "original" (as published), "hans" (简体) or "hant" (繁體).
script = "original"
# Which 繁體: "t" (OpenCC standard), "tw" (Taiwan), "twp" (Taiwan, with phrases), "hk" (Hong Kong).
traditional_variant = "t"
# Zone for feed times that carry none.
timezone = "{DEFAULT_TIMEZONE}"
# Prune articles older than this many days, or beyond this many per feed. Starred ones stay.
retention_days = 90
retention_max_per_feed = 1000
# Labels of the reader itself: "zh" (follows the script mode) or "en".
ui_language = "zh"
# Photos in the reading pane ("on" or "off"; `i` toggles), and megabytes of them kept on disk.
images = "on"
image_cache_mb = 300
# Your own programs (split like a shell, never run by one): `|` pipes the article to
# pipe_command, `b` runs bookmark_command URL TITLE FEED TEXT, notify_command COUNT TITLES...
# runs after a refresh that brought articles. `S` saves Markdown to save_dir.
# pipe_command = "wc -m"
# bookmark_command = "my-bookmarks add"
# notify_command = "notify-send reader"
# save_dir = "~/Documents/reader"

# Remap keys by binding id (see `?` in the app), e.g.:
# [keys]
# refresh_all = "ctrl+r"

# Sections are tabs, in this order. Each feed: url, and optionally title, region ("cn", "tw",
# "hk": where its text comes from, used when converting to 简体), full_text = true (fetch each
# new article's web page), script = "hant" (always show this feed in one script).

[[section]]
name = "要聞"

[[section.feed]]
url = "https://feeds.bbci.co.uk/zhongwen/trad/rss.xml"
title = "BBC 中文"

[[section.feed]]
url = "https://rss.dw.com/rdf/rss-chi-all"
title = "德國之聲"

[[section]]
name = "香港"

[[section.feed]]
url = "https://rthk.hk/rthk/news/rss/c_expressnews_clocal.xml"
title = "香港電台"
region = "hk"

[[section]]
name = "国际"

[[section.feed]]
url = "https://cn.nytimes.com/rss/"
title = "纽约时报中文网"
"""


def load_config(path: Path, *, create: bool = True) -> Config:
    """Read and validate `path`; with `create`, a missing file is written from the default first."""
    if not path.exists():
        if not create:
            raise ConfigError(path, "no such file")
        write_atomic(path, DEFAULT_CONFIG)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML text into a Config; every problem names its line where we can find it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _line_from_toml_error(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(path, f"not valid TOML: {message}", line) from None
    locate = _Locator(text)
    known = {"settings", "section", "keys", "sync", "query", "filter"}
    for key in data:
        if key not in known:
            raise ConfigError(path, f"unknown key '{key}'", locate.key(key))
    settings = _settings(data.get("settings", {}), path, locate)
    sections = _sections(data.get("section", []), path, locate)
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(
            path, "[keys] must map binding ids to key names (strings)", locate.key("keys")
        )
    sync = None
    if "sync" in data:
        try:
            sync = sync_settings(data["sync"])
        except SyncConfigProblem as problem:
            line = locate.key(problem.key, "sync") if problem.key else locate.key("sync")
            raise ConfigError(path, problem.message, line) from None
    queries, filters = rules.config_rules(data, sections, locate, ConfigError, path)
    return Config(path, sections, settings, dict(keys), sync, queries, filters)


def _settings(raw: Any, path: Path, locate: _Locator) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(path, "'settings' must be a table", locate.key("settings"))
    types = {f.name: type(getattr(Settings(), f.name)) for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = locate.key(key, "settings")
        if key not in types:
            raise ConfigError(path, f"settings.{key}: unknown key", line)
        want = types[key]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ConfigError(
                path, f"settings.{key}: expected {_type_name(want)}, got {value!r}", line
            )
        if want in (int, float) and value < 0:
            raise ConfigError(path, f"settings.{key}: must not be negative", line)
        values[key] = value
    choices: dict[str, tuple[str, ...]] = {
        "script": SCRIPT_MODES,
        "traditional_variant": VARIANTS,
        "ui_language": UI_LANGUAGES,
        "images": ("on", "off"),
    }
    for key, allowed in choices.items():
        if key in values and values[key] not in allowed:
            raise ConfigError(
                path,
                f"settings.{key}: {values[key]!r} is not one of {', '.join(allowed)}",
                locate.key(key, "settings"),
            )
    for key in ("pipe_command", "bookmark_command", "notify_command"):
        if key in values and (problem := command_problem(values[key])):
            raise ConfigError(path, f"settings.{key}: {problem}", locate.key(key, "settings"))
    for key in ("concurrency", "max_feed_bytes", "max_items_per_feed", "retention_max_per_feed"):
        if key in values and values[key] < 1:
            raise ConfigError(
                path, f"settings.{key}: must be at least 1", locate.key(key, "settings")
            )
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                path,
                f"settings.timezone: unknown time zone {values['timezone']!r}",
                locate.key("timezone", "settings"),
            ) from None
    for key in ("user_agent", "proxy"):  # issue 17
        if key in values and (problem := feed_access.http_setting_problem(key, values[key])):
            raise ConfigError(path, problem, locate.key(key, "settings"))
    return Settings(**values)


_FEED_KEYS = {"url", "title", "region", "full_text", "script", *feed_access.FEED_ACCESS_KEYS}


def _sections(raw: Any, path: Path, locate: _Locator) -> tuple[Section, ...]:
    if not isinstance(raw, list):
        raise ConfigError(
            path, "'section' must be an array of tables: [[section]]", locate.key("section")
        )
    sections: list[Section] = []
    seen_urls: set[str] = set()
    for index, table in enumerate(raw):
        line = locate.nth_header("section", index)
        if not isinstance(table, dict):
            raise ConfigError(path, "each [[section]] must be a table", line)
        for key in table:
            if key not in ("name", "feed"):
                raise ConfigError(path, f"section.{key}: unknown key", locate.key_after(key, line))
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(path, "section.name: every [[section]] needs a name (text)", line)
        if any(s.name == name for s in sections):
            raise ConfigError(path, f"section.name: the section {name!r} appears twice", line)
        feeds_raw = table.get("feed", [])
        if not isinstance(feeds_raw, list):
            raise ConfigError(
                path, f"section {name!r}: 'feed' must be [[section.feed]] tables", line
            )
        feeds: list[FeedConfig] = []
        for feed in feeds_raw:
            feed_line = locate.next_header("section.feed", line)
            feeds.append(_feed(feed, name, path, locate, feed_line))
            line = feed_line or line
            if feeds[-1].url in seen_urls:
                raise ConfigError(
                    path, f"section.feed.url: {feeds[-1].url} is listed twice", feed_line
                )
            seen_urls.add(feeds[-1].url)
        sections.append(Section(name=name.strip(), feeds=tuple(feeds)))
    return tuple(sections)


def _feed(raw: Any, section: str, path: Path, locate: _Locator, line: int | None) -> FeedConfig:
    if not isinstance(raw, dict):
        raise ConfigError(path, f"section {section!r}: each feed must be a table", line)
    for key in raw:
        if key not in _FEED_KEYS:
            raise ConfigError(path, f"section.feed.{key}: unknown key", locate.key_after(key, line))
    url = raw.get("url")
    if not isinstance(url, str) or not (
        re.match(r"(?i)^https?://[^\s/]+", url) or feed_access.is_exec_url(url)
    ):
        raise ConfigError(
            path,
            f"section.feed.url: expected an http(s) URL or exec:COMMAND, got {url!r}",
            locate.key_after("url", line),
        )
    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        raise ConfigError(
            path, "section.feed.title: expected text", locate.key_after("title", line)
        )
    region = raw.get("region")
    if region is not None and region not in REGIONS:
        raise ConfigError(
            path,
            f"section.feed.region: {region!r} is not one of {', '.join(REGIONS)}",
            locate.key_after("region", line),
        )
    full_text = raw.get("full_text", False)
    if not isinstance(full_text, bool):
        raise ConfigError(
            path,
            "section.feed.full_text: expected true or false",
            locate.key_after("full_text", line),
        )
    script = raw.get("script")
    if script is not None and script not in SCRIPT_MODES:
        raise ConfigError(
            path,
            f"section.feed.script: {script!r} is not one of {', '.join(SCRIPT_MODES)}",
            locate.key_after("script", line),
        )
    try:  # issue 17: exec: commands, filter and login
        access = feed_access.feed_access(raw, url)
    except feed_access.FeedAccessProblem as problem:
        raise ConfigError(path, problem.message, locate.key_after(problem.key, line)) from None
    return FeedConfig(url, title, region, full_text, script, **access)


def _type_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[kind]


def _line_from_toml_error(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


class _Locator:
    """Finds the line of a key or table header in the raw text, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._header_lines: dict[str, list[int]] = {}

    def _headers(self, name: str) -> list[int]:
        """Line numbers of the `[name]`/`[[name]]` headers, in order; scanned once per name, not
        once per feed, so large configs load quickly."""
        found = self._header_lines.get(name)
        if found is None:
            pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?\s*(#.*)?$")
            found = [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]
            self._header_lines[name] = found
        return found

    def nth_header(self, name: str, index: int) -> int | None:
        found = self._headers(name)
        return found[index] if 0 <= index < len(found) else None

    def next_header(self, name: str, after: int | None) -> int | None:
        found = self._headers(name)
        position = bisect.bisect_right(found, after or 0)
        return found[position] if position < len(found) else None

    def _find(self, key: str, start: int | None) -> int | None:
        """The first line at or after `start` that assigns `key`, before the next header."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start or 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > (start or 1) and line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number
        return None

    def key_after(self, key: str, start: int | None) -> int | None:
        return self._find(key, start) or start

    def key(self, key: str, table: str | None = None) -> int | None:
        """The line of `key` in `table` (top level when None), or of a [key] header."""
        start = self.next_header(table, 0) if table else 1
        if table and start is None:
            return None
        headers = self._headers(key)
        return self._find(key, start) or (headers[0] if headers else start)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file and rename, so a crash leaves old or new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
