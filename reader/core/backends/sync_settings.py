"""The [sync] table: which aggregator server is the source of articles, and how to log in.

The password is never shown: its field is left out of repr, and errors name keys, never values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from reader.core.backends.passwords import PasswordCommandFailed as PasswordCommandFailed
from reader.core.backends.passwords import password_from_command

SyncService = Literal["ttrss", "fever"]
SYNC_SERVICES: tuple[SyncService, ...] = ("ttrss", "fever")
SYNC_KEYS = ("service", "url", "user", "password", "password_command")


class SyncConfigProblem(Exception):
    """A bad [sync] value: the message and the key it is about (config.py adds file and line)."""

    def __init__(self, message: str, key: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """The [sync] table: the server that articles and read/star marks are synced with."""

    service: SyncService
    """ttrss (Tiny Tiny RSS JSON API) or fever (the Fever API)."""
    url: str
    """The server's base address (tt-rss: with or without api/)."""
    user: str
    """The account's user name (Fever: the e-mail address)."""
    password: str | None = field(default=None, repr=False)
    """The account's password, or None when `password_command` gives it."""
    password_command: str | None = None
    """A shell command whose first line of output is the password."""

    def resolve_password(self) -> str:
        """The password, running `password_command` when one is set."""
        if self.password is not None:
            return self.password
        assert self.password_command is not None
        return password_from_command(self.password_command, "sync.password_command")


def sync_settings(raw: Any) -> SyncSettings:
    """Validate the [sync] table; raises SyncConfigProblem naming the key at fault."""
    if not isinstance(raw, dict):
        raise SyncConfigProblem("'sync' must be a table", None)
    for key, value in raw.items():
        if key not in SYNC_KEYS:
            raise SyncConfigProblem(f"sync.{key}: unknown key", key)
        if not isinstance(value, str):
            # The value itself is not repeated: it may be a password.
            raise SyncConfigProblem(f"sync.{key}: expected text", key)
    for key in ("service", "url", "user"):
        if not raw.get(key):
            raise SyncConfigProblem(f"sync.{key}: missing", key if key in raw else None)
    service = raw["service"]
    if service not in SYNC_SERVICES:
        raise SyncConfigProblem(
            f"sync.service: {service!r} is not one of {', '.join(SYNC_SERVICES)}", "service"
        )
    url = raw["url"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncConfigProblem("sync.url: expected an http:// or https:// address", "url")
    password, command = raw.get("password"), raw.get("password_command")
    if (password is None) == (command is None):
        raise SyncConfigProblem(
            "sync: give exactly one of password and password_command",
            "password_command" if command is not None else None,
        )
    if command is not None and not command.strip():
        raise SyncConfigProblem("sync.password_command: empty", "password_command")
    return SyncSettings(
        service=service, url=url, user=raw["user"], password=password, password_command=command
    )
