"""A broken config met through `reader` and its TUI: a message naming the file, the line and the
key; exit code 2; the TUI does not start; the file is never rewritten."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.cases import unsafe_characters
from tests.hostile.harness import run_cli

REPO = Path(__file__).resolve().parents[2]

# name: (file text, the line the message must name or None, words the message must contain)
BROKEN: dict[str, tuple[str, int | None, tuple[str, ...]]] = {
    "unclosed_string": (
        '[settings]\nconcurrency = 4\n\n[[section]]\nname = "要聞\n',
        5,
        ("not valid TOML",),
    ),
    "missing_equals": ("[settings]\nrefresh_on_start false\n", 2, ("not valid TOML",)),
    "duplicate_key": ("[settings]\nconcurrency = 4\nconcurrency = 5\n", 3, ("not valid TOML",)),
    "wrong_type_setting": (
        '[settings]\nrefresh_on_start = false\nconcurrency = "八"\n',
        3,
        ("concurrency",),
    ),
    "bool_as_string": ('[settings]\nrefresh_on_start = "no"\n', 2, ("refresh_on_start",)),
    "unknown_setting": (
        '[settings]\nrefresh_on_start = false\ncolour = "red"\n',
        3,
        ("colour", "unknown"),
    ),
    "unknown_top_level": (
        "[settings]\nrefresh_on_start = false\n\n[display]\nwide = true\n",
        4,
        ("display", "unknown"),
    ),
    "feed_url_number": ('[[section]]\nname = "要聞"\n\n[[section.feed]]\nurl = 42\n', 5, ("url",)),
    "feed_unknown_key": (
        '[[section]]\nname = "要聞"\n\n[[section.feed]]\nurl = "http://127.0.0.1/a"\n'
        "fulltext = true\n",
        6,
        ("fulltext", "unknown"),
    ),
    "sections_not_a_list": ('section = "要聞"\n', 1, ("section",)),
    "hostile_value": (
        '[settings]\nscript = "\\u001b]52;c;ZWNobyBoaQ==\\u0007[bold]"\n',
        2,
        ("script",),
    ),
}
CLI_COMMANDS = [
    ["fetch"],
    ["list"],
    ["sections"],
    ["add", "http://127.0.0.1/new.xml"],
    ["remove", "http://127.0.0.1/a"],
    ["export"],
]


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.mark.parametrize("name", BROKEN)
def test_cli_names_file_line_and_key_and_leaves_the_file(tmp_path: Path, name: str) -> None:
    text, line, words = BROKEN[name]
    config = write(tmp_path, text)
    before = digest(config)
    for command in CLI_COMMANDS:
        code, out, err = run_cli(*command, "--config", str(config))
        assert code == 2, (command, err)
        assert str(config) in err, "the message names the file"
        if line is not None:
            assert f"{config}:{line}" in err or f"line {line}" in err, err
        for word in words:
            assert word in err, err
        assert "Traceback" not in err and err.count("\n") == 1
        assert not unsafe_characters(err), "a hostile value is shown escaped (repr), never raw"
    assert digest(config) == before, "the config file is never rewritten"


def test_cli_config_not_utf8(tmp_path: Path) -> None:
    config = write(tmp_path, b"[settings]\nconcurrency = 4\n# \xff\xfe\x9c\n")
    before = digest(config)
    code, _, err = run_cli("list", "--config", str(config))
    assert code == 2 and str(config) in err and "UTF-8" in err
    assert digest(config) == before


def test_cli_config_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    code, _, err = run_cli("list", "--config", str(folder))
    assert code == 2 and str(folder) in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["unclosed_string", "wrong_type_setting", "unknown_setting"])
def test_tui_prints_the_message_and_does_not_start(tmp_path: Path, name: str) -> None:
    """In a real process with no terminal: had the app started, it would wait for keys and the
    timeout would fail the test; instead it must print the message and exit 2 at once."""
    text, line, words = BROKEN[name]
    config = write(tmp_path, text)
    before = digest(config)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--config", str(config)],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"{config}:{line}" in done.stderr and all(word in done.stderr for word in words)
    assert "\x1b" not in done.stdout, "nothing was drawn: the app never started"
    assert digest(config) == before
