"""How a feed is reached beyond its address (issue 17): exec: feeds, filters, logins, the user
agent and the proxy, checked here beside the transport that uses them.

config.py adds the file and the line to each problem; messages name keys, never a value that
might be a password (a proxy address can hold one too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reader.core.backends.user_command import UserCommandFailed, command_argv
from reader.core.model import FeedConfig

EXEC_PREFIX = "exec:"
FEED_ACCESS_KEYS = ("filter", "user", "password", "password_command")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


class FeedAccessProblem(Exception):
    """A bad value of one of these keys: the message and the key it is about."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def is_exec_url(url: str) -> bool:
    """Whether a feed's address is a program to run (`exec:COMMAND`) rather than a URL."""
    return url.startswith(EXEC_PREFIX)


def exec_command(url: str) -> str:
    """The command line of an `exec:COMMAND` feed."""
    return url[len(EXEC_PREFIX) :]


def _check_command(command: str, key: str) -> None:
    try:
        command_argv(command)
    except UserCommandFailed as problem:
        raise FeedAccessProblem(f"section.feed.{key}: {problem}", key) from None


def feed_access(raw: dict[str, Any], url: str) -> dict[str, str]:
    """The filter and login keys of one [[section.feed]] table, checked, for FeedConfig; an
    exec: URL's command is checked too. Raises FeedAccessProblem."""
    values: dict[str, str] = {}
    for key in FEED_ACCESS_KEYS:
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            # The value is not repeated: it may be a password.
            raise FeedAccessProblem(f"section.feed.{key}: expected text (not empty)", key)
        values[key] = value
    if is_exec_url(url):
        _check_command(exec_command(url), "url")
    if "filter" in values:
        _check_command(values["filter"], "filter")
    secret_keys = [key for key in ("password", "password_command") if key in values]
    if len(secret_keys) == 2:
        raise FeedAccessProblem(
            "section.feed: give one of password and password_command, not both", "password_command"
        )
    if secret_keys and "user" not in values:
        raise FeedAccessProblem(f"section.feed.{secret_keys[0]}: needs a user", secret_keys[0])
    if "user" in values and not secret_keys:
        raise FeedAccessProblem("section.feed.user: needs a password or a password_command", "user")
    if "user" in values and is_exec_url(url):
        raise FeedAccessProblem("section.feed.user: an exec: feed has no HTTP login", "user")
    if ":" in values.get("user", ""):
        raise FeedAccessProblem("section.feed.user: basic auth user names hold no ':'", "user")
    return values


def http_setting_problem(key: str, value: str) -> str | None:
    """What is wrong with [settings] user_agent or proxy, or None."""
    if key == "user_agent" and not all(ch.isprintable() for ch in value):
        return "settings.user_agent: must be one line of printable text"
    if key == "proxy" and value:
        try:
            parts = urlsplit(value)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            parts, port_ok = None, False
        if parts is None or parts.scheme not in PROXY_SCHEMES or not parts.hostname or not port_ok:
            return (
                "settings.proxy: expected an address such as http://127.0.0.1:3128 or "
                "socks5://127.0.0.1:1080 (schemes: " + ", ".join(PROXY_SCHEMES) + ")"
            )
    return None


@dataclass(frozen=True, slots=True)
class Login:
    """A feed's HTTP basic login; the password (or the command that prints it) is never shown."""

    user: str
    password: str | None = field(default=None, repr=False)
    password_command: str | None = field(default=None, repr=False)


def feed_logins(feeds: Iterable[FeedConfig]) -> dict[str, Login]:
    """Feed URL -> login, for the feeds of the user's config that have one."""
    return {
        feed.url: Login(feed.user, feed.password, feed.password_command)
        for feed in feeds
        if feed.user
    }
