"""A sync server that answers garbage, HTML, the wrong status or nothing: one clear line, exit 1,
nothing stored (no real aggregator needed: a loopback server plays the broken one)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.cli.main import main
from tests.support.feedserver import FeedServer


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("<html><body>Welcome to nginx</body></html>", "text/html", 200, "not its API"),
        ('{"seq": 0, "status": 0, "content": ', "application/json", 200, "not its API"),
        ("[1, 2, 3]", "application/json", 200, "not its API"),
        ("oops", "text/plain", 500, "HTTP 500"),
        (
            '{"seq": 0, "status": 1, "content": {"error": "API_DISABLED"}}',
            "application/json",
            200,
            "the API is disabled for this user",
        ),
        (
            '{"seq": 0, "status": 0, "content": {"session_id": "x", "api_level": "new"}}',
            "application/json",
            200,
            "unknown API level",
        ),
    ],
)
def test_a_broken_ttrss_answer_fails_fetch_with_one_line(
    tmp_path: Path, feed_server: FeedServer, body: str, content_type: str, status: int, message: str
) -> None:
    feed_server.add("/api/", body.encode(), content_type=content_type, status=status)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{feed_server.url("/")}"\nuser = "u"\n'
        'password = "SECRET-pw"\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), "fetch"], out=out, err=err)
    assert code == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sync failed:") and message in lines[0]
    assert "SECRET-pw" not in out.getvalue() + err.getvalue()


def test_an_unreachable_fever_server_fails_fetch_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[sync]\nservice = "fever"\nurl = "http://127.0.0.1:9/fever/"\nuser = "u@x"\n'
        'password = "SECRET-pw"\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), "fetch", "--json"], out=out, err=err)
    assert code == 1
    assert err.getvalue().strip() == "sync failed: Fever server unreachable: connection refused"
    assert '"service": "fever"' in out.getvalue()


def test_fever_cannot_subscribe_and_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[sync]\nservice = "fever"\nurl = "http://127.0.0.1:9/fever/"\nuser = "u@x"\n'
        'password = "pw"\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), "add", "http://example.org/rss"], out=out, err=err)
    assert code == 1
    assert "cannot subscribe" in err.getvalue() and "on the server itself" in err.getvalue()
