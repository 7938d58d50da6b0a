"""ScriptView.for_config: the one way the CLI and the UI build the view of a config's feeds."""

from __future__ import annotations

from pathlib import Path

from reader.core.config import Config, Settings
from reader.core.model import FeedConfig, Section
from reader.core.script.view import ScriptView


def a_config(tmp_path: Path) -> Config:
    news = FeedConfig(url="https://example.com/news.xml")
    taiwan = FeedConfig(url="https://example.com/tw.xml", script="original", region="tw")
    settings = Settings(script="hans", traditional_variant="tw")
    return Config(
        tmp_path / "config.toml", (Section("要聞", (news,)), Section("國際", (taiwan,))), settings
    )


def test_the_view_takes_the_configured_script_and_variant_when_no_mode_is_given(
    tmp_path: Path,
) -> None:
    view = ScriptView.for_config(a_config(tmp_path), {"https://example.com/tw.xml": "zh-TW"})
    assert (view.mode, view.variant) == ("hans", "tw")
    assert set(view.feeds) == {"https://example.com/news.xml", "https://example.com/tw.xml"}
    assert view.languages == {"https://example.com/tw.xml": "zh-TW"}


def test_a_given_mode_wins_over_the_config_but_not_over_a_feeds_own_script(
    tmp_path: Path,
) -> None:
    view = ScriptView.for_config(a_config(tmp_path), {}, "hant")
    assert view.mode_for("https://example.com/news.xml") == "hant"
    assert view.mode_for("https://example.com/tw.xml") == "original"
