"""Per-feed basic auth, the user agent and proxies, met through `reader fetch` against real
loopback servers: a server that demands a login, an HTTP proxy and a SOCKS5 proxy that count what
passes; the password is never printed, never exported and never sent where a redirect points."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader import __version__
from reader.core.config import load_config
from tests.hostile.harness import rss, rss_item, run_cli
from tests.integration.test_script_feeds import fetch, titles, write_config
from tests.support.feedserver import FeedServer
from tests.support.proxy import HttpProxy, Socks5Proxy

SECRET = "pa55-SECRET-word"
FEED = rss("會員新聞", [rss_item("只給會員", "<p>內容</p>", 1)])


def login_required(user: str, password: str) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that answers 401 unless the request carries this basic login."""
    wanted = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def handler(request: BaseHTTPRequestHandler) -> None:
        body = FEED.encode() if request.headers.get("Authorization") == wanted else b"login"
        request.send_response(200 if body != b"login" else 401)
        if body == b"login":
            request.send_header("WWW-Authenticate", 'Basic realm="feeds"')
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@pytest.fixture
def http_proxy() -> Iterator[HttpProxy]:
    proxy = HttpProxy().start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def socks_proxy() -> Iterator[Socks5Proxy]:
    proxy = Socks5Proxy().start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_a_feed_that_needs_a_login_gets_it(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add_handler("/members.xml", login_required("讀者", SECRET))
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    result = fetch(config)
    assert result["code"] == 1
    assert "HTTP 401" in json.dumps(result) and "user and password" in json.dumps(result)

    write_config(config, [{"url": url, "user": "讀者", "password": SECRET}])
    result = fetch(config)
    assert result["code"] == 0 and result["new_articles"] == 1
    assert titles(config) == ["只給會員"]
    assert feed_server.requests_for("/members.xml")[-1].headers["authorization"].startswith("Basic")


def test_a_login_written_in_the_feed_address_is_sent(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.add_handler("/inline.xml", login_required("me", SECRET))
    with_login = url.replace("http://", f"http://me:{SECRET}@", 1)
    config = write_config(tmp_path / "config.toml", [{"url": with_login}])
    result = fetch(config)
    assert result["code"] == 0 and result["new_articles"] == 1
    assert titles(config) == ["只給會員"]


def test_a_password_command_gives_the_feed_password(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.add_handler("/members.xml", login_required("me", SECRET))
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    config = write_config(
        tmp_path / "config.toml",
        [{"url": url, "user": "me", "password_command": f"cat '{secret_file}'"}],
    )
    assert fetch(config)["new_articles"] == 1

    # A failing command is the feed's error in one line, without what it printed.
    write_config(
        config,
        [
            {
                "url": url,
                "user": "me",
                "password_command": f"echo {SECRET}; echo {SECRET} >&2; exit 4",
            }
        ],
    )
    result = fetch(config)
    assert result["code"] == 1
    error = result["feeds"][0]["error"]  # type: ignore[index]
    assert error == "password_command gave no password (exit 4)"
    assert titles(config) == ["只給會員"], "the cached article stays"


def test_the_password_is_never_printed_or_exported(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add_handler("/members.xml", login_required("me", SECRET))
    config = write_config(
        tmp_path / "config.toml", [{"url": url, "user": "me", "password": SECRET}]
    )
    outputs = []
    for command in (["fetch"], ["fetch", "--json"], ["sections"], ["export"], ["list", "--json"]):
        code, out, err = run_cli(*command, "--config", str(config))
        assert code == 0, (command, err)
        outputs.append(out + err)
    opml = tmp_path / "feeds.opml"
    assert run_cli("export", str(opml), "--config", str(config))[0] == 0
    outputs.append(opml.read_text(encoding="utf-8"))
    loaded = load_config(config)
    outputs += [repr(loaded), repr(loaded.sections), repr(loaded.feed(url))]
    for text in outputs:
        assert SECRET not in text
    assert url in outputs[-4] and "password" not in outputs[-4], "the OPML has the feed, no login"


def test_the_login_is_not_sent_where_a_redirect_points(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    other = FeedServer().start()
    try:
        moved = other.add("/feed.xml", FEED)

        def to_other(request: BaseHTTPRequestHandler) -> None:
            request.send_response(302)
            request.send_header("Location", moved)
            request.send_header("Content-Length", "0")
            request.end_headers()

        url = feed_server.add_handler("/old.xml", to_other)
        config = write_config(
            tmp_path / "config.toml", [{"url": url, "user": "me", "password": SECRET}]
        )
        assert fetch(config)["new_articles"] == 1
        assert "authorization" in feed_server.requests_for("/old.xml")[0].headers
        assert "authorization" not in other.requests_for("/feed.xml")[0].headers
    finally:
        other.stop()


def test_the_user_agent_setting_is_what_servers_see(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    fetch(config)
    assert (
        feed_server.requests_for("/feed.xml")[-1]
        .headers["user-agent"]
        .startswith(f"reader-tui/{__version__} ")
    ), "the default stays reader's own"
    agent = "Mozilla/5.0 (X11; Linux x86_64) reader-test"
    write_config(config, [{"url": url}], user_agent=agent)
    fetch(config)
    assert feed_server.requests_for("/feed.xml")[-1].headers["user-agent"] == agent


def test_the_proxy_setting_routes_downloads_through_it(
    tmp_path: Path, feed_server: FeedServer, http_proxy: HttpProxy
) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}], proxy=http_proxy.url)
    result = fetch(config)
    assert result["code"] == 0 and result["new_articles"] == 1
    assert http_proxy.seen == [url]


def test_proxies_come_from_the_environment_too(
    tmp_path: Path,
    feed_server: FeedServer,
    http_proxy: HttpProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url)
    assert fetch(config)["new_articles"] == 1
    assert http_proxy.seen == [url]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fetch(config)
    assert http_proxy.seen == [url], "NO_PROXY is honoured"


def test_a_socks5_proxy_setting_routes_downloads_through_it(
    tmp_path: Path, feed_server: FeedServer, socks_proxy: Socks5Proxy
) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}], proxy=socks_proxy.url)
    result = fetch(config)
    assert result["code"] == 0 and result["new_articles"] == 1
    assert socks_proxy.seen == [("127.0.0.1", feed_server.port)]


def test_a_proxy_that_is_not_there_is_a_feed_error(
    tmp_path: Path, feed_server: FeedServer, http_proxy: HttpProxy
) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    assert fetch(config)["new_articles"] == 1
    dead = http_proxy.url
    http_proxy.stop()
    write_config(config, [{"url": url}], proxy=dead)
    result = fetch(config)
    assert result["code"] == 1
    error = str(result["feeds"][0]["error"])  # type: ignore[index]
    assert error == f"proxy 127.0.0.1:{dead.rsplit(':', 1)[1]}: connection refused"
    assert titles(config) == ["只給會員"]


def test_a_shared_password_command_runs_once_per_refresh(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    urls = [
        feed_server.add_handler(f"/members{n}.xml", login_required("me", SECRET)) for n in range(3)
    ]
    runs = tmp_path / "runs"
    script = tmp_path / "password.sh"
    script.write_text(f"echo run >> '{runs}'\necho {SECRET}\n", encoding="utf-8")
    command = f"sh '{script}'"
    config = write_config(
        tmp_path / "config.toml",
        [{"url": url, "user": "me", "password_command": command} for url in urls],
    )
    result = fetch(config)
    assert result["code"] == 0 and result["ok"] == 3
    assert runs.read_text(encoding="utf-8").count("run") == 1
