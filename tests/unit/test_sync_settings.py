"""The [sync] table: valid values, errors naming file, line and key, and a password never shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.cli.main import main
from reader.core.backends.sync_settings import PasswordCommandFailed
from reader.core.config import ConfigError, parse_config

SECRET = "hunter2-SECRET"
GOOD = f"""
[sync]
service = "ttrss"
url = "http://rss.example.org/"
user = "me"
password = "{SECRET}"
"""


def test_a_sync_table_is_read_and_the_password_is_not_in_its_repr(tmp_path: Path) -> None:
    config = parse_config(GOOD, tmp_path / "c.toml")
    assert config.sync is not None
    assert (config.sync.service, config.sync.url, config.sync.user) == (
        "ttrss",
        "http://rss.example.org/",
        "me",
    )
    assert config.sync.resolve_password() == SECRET
    assert SECRET not in repr(config)


def test_no_sync_table_means_direct_feeds(tmp_path: Path) -> None:
    assert parse_config("", tmp_path / "c.toml").sync is None


def test_a_password_command_gives_the_first_line_of_its_output(tmp_path: Path) -> None:
    text = GOOD.replace(f'password = "{SECRET}"', "password_command = \"printf 'pw1\\\\nother'\"")
    config = parse_config(text, tmp_path / "c.toml")
    assert config.sync is not None and config.sync.resolve_password() == "pw1"


def test_a_failing_password_command_says_so_without_its_output(tmp_path: Path) -> None:
    text = GOOD.replace(f'password = "{SECRET}"', f'password_command = "echo {SECRET}; exit 3"')
    config = parse_config(text, tmp_path / "c.toml")
    assert config.sync is not None
    with pytest.raises(PasswordCommandFailed) as caught:
        config.sync.resolve_password()
    assert "exit 3" in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (GOOD.replace('"ttrss"', '"miniflux"'), 3, "'miniflux' is not one of ttrss, fever"),
        (GOOD.replace('"http://rss.example.org/"', '"ftp://x"'), 4, "sync.url: expected an http"),
        (GOOD + "colour = 1\n", 7, "sync.colour: unknown key"),
        (GOOD.replace('user = "me"', "user = 5"), 5, "sync.user: expected text"),
        (GOOD.replace(f'password = "{SECRET}"', f"password = {len(SECRET)}"), 6, "password"),
        (GOOD + 'password_command = "pass show rss"\n', 7, "exactly one of password"),
        (GOOD.replace('user = "me"\n', ""), 2, "sync.user: missing"),
    ],
)
def test_bad_sync_values_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path)
    assert caught.value.line == line, str(caught.value)
    assert fragment in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_bad_sync_table_exits_2_without_the_password(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD.replace('"ttrss"', '"nope"'), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(path), "sections"], out=out, err=err)
    assert code == 2
    assert "sync.service" in err.getvalue() and SECRET not in err.getvalue() + out.getvalue()
