"""config.toml: defaults on first run, validation messages with line numbers, comment-keeping edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import ConfigError, load_config, parse_config
from reader.core.feeds.subscriptions import add_feeds, remove_feed
from reader.core.model import FeedConfig


def test_first_run_writes_a_commented_default(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    config = load_config(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# reader configuration")
    assert [s.name for s in config.sections] == ["要聞", "香港", "国际"]
    assert config.settings.timezone == "Asia/Shanghai"
    assert config.settings.concurrency == 16
    assert config.feed("https://rthk.hk/rthk/news/rss/c_expressnews_clocal.xml").region == "hk"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[settings]\nconcurrency = 'eight'\n", 2, "settings.concurrency: expected a whole number"),
        ("[settings]\n\n\nscript = 'latin'\n", 4, "'latin' is not one of original, hans, hant"),
        ("[settings\nx = 1\n", 1, "not valid TOML"),
        ("colour = 1\n", 1, "unknown key 'colour'"),
        ("[settings]\nfoo = 1\n", 2, "settings.foo: unknown key"),
        ("[settings]\ntimezone = 'Mars/Base'\n", 2, "unknown time zone"),
        (
            "[[section]]\nname = 'a'\n\n[[section.feed]]\nurl = 'file:///etc/passwd'\n",
            5,
            "expected an http(s) URL",
        ),
        (
            "[[section]]\nname = 'a'\n[[section.feed]]\nurl = 'http://a.example'\nbogus = 1\n",
            5,
            "bogus",
        ),
        ("[[section]]\nname = 'a'\n[[section]]\nname = 'a'\n", 3, "appears twice"),
        (
            "[[section]]\nname = 'a'\n[[section.feed]]\nurl = 'http://a.example'\nregion = 'uk'\n",
            5,
            "region",
        ),
    ],
)
def test_invalid_config_names_file_line_and_key(text: str, line: int, fragment: str) -> None:
    path = Path("/somewhere/config.toml")
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path)
    assert caught.value.line == line
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_edits_keep_comments_and_refuse_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "# my own note\n[settings]\nconcurrency = 4 # keep this\n\n"
        "[[section]]\nname = '科技'\n\n[[section.feed]]\nurl = 'https://a.example/feed'\n",
        encoding="utf-8",
    )
    config, skipped = add_feeds(
        path,
        "科技",
        [FeedConfig("https://b.example/rss", "乙"), FeedConfig("https://a.example/feed")],
    )
    assert skipped == ["https://a.example/feed"]
    assert [f.url for f in config.section("科技").feeds] == [
        "https://a.example/feed",
        "https://b.example/rss",
    ]
    config, _ = add_feeds(path, "新的", [FeedConfig("https://c.example/atom")])
    assert [s.name for s in config.sections] == ["科技", "新的"]
    config = remove_feed(path, "https://a.example/feed")
    assert config.feed("https://a.example/feed") is None
    text = path.read_text(encoding="utf-8")
    assert "# my own note" in text and "concurrency = 4 # keep this" in text
    assert load_config(path).feed("https://b.example/rss").title == "乙"
    with pytest.raises(KeyError):
        remove_feed(path, "https://nowhere.example/")


def test_broken_config_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = "[settings]\nconcurrency = = 3\n"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError):
        add_feeds(path, "x", [FeedConfig("https://a.example/")])
    assert path.read_text(encoding="utf-8") == broken
