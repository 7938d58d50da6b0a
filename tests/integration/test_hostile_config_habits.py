"""Bad values of issue 17's keys (exec:, filter, user, password, password_command, user_agent,
proxy) met through `reader`: one line naming the file, the line and the key, exit 2, the file
untouched, and never the value of a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.cases import unsafe_characters
from tests.hostile.harness import run_cli
from tests.integration.test_hostile_config import digest, write

SECRET = "s3cret-PASSWORD"
FEED_HEAD = '[[section]]\nname = "要聞"\n\n[[section.feed]]\nurl = "http://127.0.0.1/a.xml"\n'
EXEC_HEAD = '[[section]]\nname = "要聞"\n\n[[section.feed]]\n'

# name: (file text, the line the message must name, words the message must contain)
BROKEN: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "filter_number": (FEED_HEAD + "filter = 42\n", 6, ("section.feed.filter", "expected text")),
    "filter_empty": (FEED_HEAD + 'filter = "  "\n', 6, ("section.feed.filter",)),
    "filter_unclosed_quote": (
        FEED_HEAD + 'filter = "sed \'s/a/b/"\n',
        6,
        ("section.feed.filter", "cannot read the command"),
    ),
    "exec_empty": (EXEC_HEAD + 'title = "x"\nurl = "exec:"\n', 6, ("section.feed.url", "empty")),
    "exec_unclosed_quote": (
        EXEC_HEAD + 'url = "exec:echo \'x"\n',
        5,
        ("section.feed.url", "cannot read the command"),
    ),
    "not_a_url": (EXEC_HEAD + 'url = "ftp://x/feed"\n', 5, ("section.feed.url", "exec:COMMAND")),
    "user_without_password": (FEED_HEAD + 'user = "me"\n', 6, ("section.feed.user", "password")),
    "password_without_user": (
        FEED_HEAD + f'password = "{SECRET}"\n',
        6,
        ("section.feed.password", "needs a user"),
    ),
    "password_and_command": (
        FEED_HEAD + f'user = "me"\npassword = "{SECRET}"\npassword_command = "pass x"\n',
        8,
        ("password_command", "not both"),
    ),
    "password_number": (
        FEED_HEAD + 'user = "me"\npassword = 1234567\n',
        7,
        ("section.feed.password", "expected text"),
    ),
    "login_on_exec": (
        EXEC_HEAD + f'url = "exec:cat x"\nuser = "me"\npassword = "{SECRET}"\n',
        6,
        ("section.feed.user", "exec:"),
    ),
    "user_agent_number": ("[settings]\nuser_agent = 5\n", 2, ("settings.user_agent",)),
    "user_agent_two_lines": (
        '[settings]\nuser_agent = "a\\r\\nX-Injected: 1"\n',
        2,
        ("settings.user_agent", "one line"),
    ),
    "proxy_scheme": ('[settings]\nproxy = "ftp://127.0.0.1:21"\n', 2, ("settings.proxy",)),
    "proxy_no_host": ('[settings]\nproxy = "socks5://"\n', 2, ("settings.proxy",)),
    "proxy_bad_port_with_password": (
        f'[settings]\nrefresh_on_start = false\nproxy = "http://u:{SECRET}@proxy:99999"\n',
        3,
        ("settings.proxy",),
    ),
}
COMMANDS = [["fetch"], ["list"], ["sections"], ["export"], ["export", "--state", "-"]]


@pytest.mark.parametrize("name", BROKEN)
def test_each_bad_value_names_file_line_and_key(tmp_path: Path, name: str) -> None:
    text, line, words = BROKEN[name]
    config = write(tmp_path, text)
    before = digest(config)
    for command in COMMANDS:
        code, out, err = run_cli(*command, "--config", str(config))
        assert code == 2, (command, err)
        assert f"{config}:{line}" in err, err
        for word in words:
            assert word in err, err
        assert SECRET not in err and SECRET not in out, "a password is never shown"
        assert "1234567" not in err
        assert "Traceback" not in err and err.count("\n") == 1
        assert not unsafe_characters(err)
    assert digest(config) == before, "the config file is never rewritten"
