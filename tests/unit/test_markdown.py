"""Articles as Markdown: feed text never reads as Markdown, file names are safe everywhere,
and saving never overwrites."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.text.blocks import html_to_blocks
from reader.core.text.markdown import (
    NAME_BYTES,
    article_markdown,
    escape_markdown,
    markdown_file_name,
    write_new_file,
)

TODAY = datetime(2024, 5, 1, tzinfo=UTC)
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))}


def test_an_article_becomes_a_markdown_document() -> None:
    blocks = html_to_blocks(
        "<p>鄭州地鐵<a href='https://example.org/map'>新線</a>開通。</p><h2>沿線</h2>"
        "<ul><li>早班</li><li>末班</li></ul><blockquote>等了好幾年</blockquote>"
        "<p><img src='https://example.org/metro.jpg' alt='列車進站'></p>",
        "https://city.example/a/1",
    )
    text = article_markdown(
        "鄭州地鐵新線開通", "2024-05-01 11:00  ·  城市日報", blocks, "https://city.example/a/1"
    )
    assert text.startswith("# 鄭州地鐵新線開通\n\n*2024-05-01 11:00  ·  城市日報*\n")
    assert "鄭州地鐵[新線](<https://example.org/map>)開通。" in text
    assert "### 沿線" in text
    assert "- 早班\n- 末班" in text
    assert "> 等了好幾年" in text
    assert "![列車進站](<https://example.org/metro.jpg>)" in text
    assert text.endswith("Source: <https://city.example/a/1>\n")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("*粗體* _斜體_ `碼`", "\\*粗體\\* \\_斜體\\_ \\`碼\\`"),
        ("[連結](http://x)", "\\[連結\\](http://x)"),
        ("# 不是標題", "\\# 不是標題"),
        ("> 不是引文", "\\> 不是引文"),
        ("- 不是清單", "\\- 不是清單"),
        ("1. 不是編號", "1\\. 不是編號"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("    四個空格", "四個空格"),
        ("A & B | C ~ D", "A \\& B \\| C \\~ D"),
    ],
)
def test_markdown_significant_characters_in_feed_text_are_escaped(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_a_link_with_brackets_or_spaces_in_its_url_stays_one_link() -> None:
    blocks = html_to_blocks("<p><a href='https://x.example/a b>c'>看)這裡</a></p>")
    text = article_markdown("t", "", blocks, None)
    assert "[看)這裡](<https://x.example/a%20b%3Ec>)" in text


def test_a_code_block_fence_is_longer_than_any_backticks_inside() -> None:
    blocks = html_to_blocks("<pre>a ``` b</pre>")
    assert "````\na ``` b\n````" in article_markdown("t", "", blocks, None)


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd",
        'a/b\\c:d*e?f"g<h>i|j',
        "\x1b[31m紅色\x00標題\n第二行",
        "CON",
        "..",
        "",
        "鄭" * 300,
        " . 點開頭 . ",
    ],
)
def test_a_file_name_is_safe_on_every_file_system(title: str) -> None:
    name = markdown_file_name(None, title, TODAY)
    assert name.startswith("2024-05-01")
    assert name.endswith(".md")
    assert not set(name) & set('/\\:*?"<>|')
    assert ".." not in name
    assert all(ch.isprintable() for ch in name)
    assert len(name.encode("utf-8")) <= NAME_BYTES + len(".md")
    assert name.split(".")[0].upper() not in WINDOWS_RESERVED


@given(st.text(max_size=400))
def test_any_title_gives_a_name_inside_the_folder(title: str) -> None:
    name = markdown_file_name(datetime(2023, 3, 17, tzinfo=UTC), title, TODAY)
    assert re.match(r"^2023-03-17", name)
    assert Path("/saved", name).parent == Path("/saved")
    assert len(name.encode("utf-8")) <= 255


def test_saving_twice_never_overwrites(tmp_path: Path) -> None:
    first = write_new_file(tmp_path / "new", "2024-05-01 標題.md", "one")
    second = write_new_file(tmp_path / "new", "2024-05-01 標題.md", "two")
    third = write_new_file(tmp_path / "new", "2024-05-01 標題.md", "three")
    assert [p.name for p in (first, second, third)] == [
        "2024-05-01 標題.md",
        "2024-05-01 標題-2.md",
        "2024-05-01 標題-3.md",
    ]
    assert first.read_text(encoding="utf-8") == "one"
    assert third.read_text(encoding="utf-8") == "three"
