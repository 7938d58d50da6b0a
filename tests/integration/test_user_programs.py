"""The user's own programs and files, run for real: pipe, bookmark, notify and save, and the
config keys that name them."""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path

import pytest

from reader.core.config import ConfigError, parse_config
from reader.core.library import (
    Library,
    UserCommandFailed,
    bookmark_article,
    notify_new_articles,
    pipe_article,
    save_article,
)
from reader.core.script.shown import shown_article
from reader.core.script.view import ScriptView
from tests.support.app import NOW, make_library
from tests.support.feedserver import FeedServer


def first_city_article(library: Library) -> int:
    listing = next(i for i in library.store.listings("要聞") if i.title.startswith("鄭州地鐵"))
    return listing.id


def shown(library: Library, mode: str = "original"):  # type: ignore[no-untyped-def]
    article = library.store.article(first_city_article(library))
    assert article is not None
    view = ScriptView.for_config(library.config, {}, mode)  # type: ignore[arg-type]
    return shown_article(article, view, UTC)


def test_pipe_sends_title_link_and_text_in_the_current_script(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = make_library(tmp_path, feed_server)
    output = pipe_article(library, "cat", shown(library, "hans"))
    lines = output.splitlines()
    assert lines[0] == "郑州地铁新线开通试运营"
    assert lines[1] == "https://city.example/a/0"
    assert "全长二十八公里" in output
    assert "更方便[1]" in output and "[1] https://example.org/map" in output


def test_pipe_into_a_file_through_sh(tmp_path: Path, feed_server: FeedServer) -> None:
    library = make_library(tmp_path, feed_server)
    target = tmp_path / "piped.txt"
    pipe_article(library, f"sh -c 'cat > \"$1\"' sh '{target}'", shown(library))
    assert target.read_text(encoding="utf-8").startswith("鄭州地鐵新線開通試運營\n")


def test_a_program_that_hangs_is_stopped_at_the_configured_limit(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = make_library(tmp_path, feed_server, command_timeout=0.5)
    with pytest.raises(UserCommandFailed, match="sleep: no answer within 0.5 s"):
        pipe_article(library, "sleep 10", shown(library))


def test_a_missing_program_is_one_line(tmp_path: Path, feed_server: FeedServer) -> None:
    library = make_library(tmp_path, feed_server)
    with pytest.raises(UserCommandFailed, match="no-such-reader-tool: command not found"):
        pipe_article(library, "no-such-reader-tool", shown(library))


def test_bookmark_gets_url_title_feed_and_first_lines_as_arguments(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    out = tmp_path / "bookmarks"
    command = f'{sys.executable} -c \'import sys; open(sys.argv[1], "w").write("\\0".join(sys.argv[2:]))\' {out}'
    library = make_library(tmp_path, feed_server, bookmark_command=command)
    bookmark_article(library, shown(library))
    url, title, feed, excerpt = out.read_text(encoding="utf-8").split("\0")
    assert url == "https://city.example/a/0"
    assert title == "鄭州地鐵新線開通試運營"
    assert feed == "城市日報"
    assert excerpt.startswith("鄭州地鐵新線今日開通")
    assert len(excerpt.splitlines()) <= 3


def test_bookmark_without_a_command_says_so(tmp_path: Path, feed_server: FeedServer) -> None:
    library = make_library(tmp_path, feed_server)
    with pytest.raises(UserCommandFailed, match="no bookmark_command"):
        bookmark_article(library, shown(library))


def test_notify_gets_the_count_and_the_newest_titles(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    out = tmp_path / "notified"
    command = f'{sys.executable} -c \'import sys; open(sys.argv[1], "w").write("\\n".join(sys.argv[2:]))\' {out}'
    library = make_library(tmp_path, feed_server, notify_command=command)
    assert notify_new_articles(library, 9) is None
    count, *titles = out.read_text(encoding="utf-8").splitlines()
    assert count == "9"
    # Five of the stored titles, whole: which five depends on the order the feeds arrived in.
    stored = {listing.title for listing in library.store.listings()}
    assert len(set(titles)) == 5 and set(titles) <= stored


def test_notify_is_off_by_default_and_quiet_without_news(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = make_library(tmp_path, feed_server)
    assert notify_new_articles(library, 3) is None
    failing = make_library(tmp_path / "b", feed_server, notify_command="false")
    assert notify_new_articles(failing, 0) is None  # nothing new: not run
    assert notify_new_articles(failing, 2) == "false: exit 1"


def test_save_writes_markdown_to_save_dir_and_never_overwrites(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    library = make_library(tmp_path, feed_server, save_dir=str(tmp_path / "saved"))
    article = shown(library)
    first = save_article(library, article, article.markdown(), NOW)
    second = save_article(library, article, article.markdown(), NOW)
    assert first.parent == tmp_path / "saved"
    assert first.name.endswith("鄭州地鐵新線開通試運營.md")
    assert second.name.endswith("鄭州地鐵新線開通試運營-2.md")
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# 鄭州地鐵新線開通試運營\n")
    assert "![新線列車進站](<https://example.org/metro.jpg>)" in text


def test_save_dir_defaults_to_the_documents_folder(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Docs"))
    library = make_library(tmp_path, feed_server)
    article = shown(library)
    path = save_article(library, article, article.markdown(), NOW)
    assert path.parent == tmp_path / "Docs" / "reader"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('pipe_command = "say \'unclosed"', "settings.pipe_command: cannot read the command"),
        ("bookmark_command = 3", "settings.bookmark_command: expected text"),
        ('notify_command = "x \\"y"', "settings.notify_command: cannot read the command"),
        ("save_dir = true", "settings.save_dir: expected text"),
        ("command_timeout = -1", "settings.command_timeout: must not be negative"),
    ],
)
def test_a_bad_program_setting_names_file_line_and_key(line: str, fragment: str) -> None:
    text = f"[settings]\nrefresh_interval = 5\n{line}\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("/home/u/config.toml"))
    assert str(caught.value).startswith("/home/u/config.toml:3: ")
    assert fragment in str(caught.value)
