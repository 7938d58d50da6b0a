"""Links numbered in the reading pane: the numbers `reader show` gives, kept whole when the
pane's Chinese line breaking wraps them, and found again by `links_of`."""

from __future__ import annotations

import re

import pytest

from reader.core.text.blocks import html_to_blocks
from reader.core.text.plain import blocks_to_text
from reader.ui.article_text import article_text, links_of
from reader.ui.widgets.article_body import wrap_text

HTML = (
    "<p>鄭州市民表示出行<a href='https://a.example/1'>更方便</a>了，"
    "詳見<a href='https://a.example/2'>市政府公告</a>與<a href='https://a.example/1'>地圖</a>。"
    "沿線居民說，這條線等了好幾年，終於在今年通車，早班六點發車，末班十一點收車。</p>"
    "<ul><li><a href='https://a.example/3'>第三個連結</a></li></ul>"
    + "".join(f"<p>第{n}段<a href='https://b.example/{n}'>連結{n}</a></p>" for n in range(9))
)


def test_the_pane_numbers_links_as_reader_show_does() -> None:
    blocks = html_to_blocks(HTML)
    text = article_text("標題", "meta", blocks, "[圖]")
    assert "出行更方便[1]了，詳見市政府公告[2]與地圖[1]。" in text.plain
    assert "第三個連結[3]" in text.plain
    assert "連結8[12]" in text.plain
    shown = re.findall(r"\[\d+\]", blocks_to_text(blocks).split("\n\n[1] ")[0])
    assert re.findall(r"\[\d+\]", text.plain) == shown
    assert links_of(text)[:3] == [
        "https://a.example/1",
        "https://a.example/2",
        "https://a.example/3",
    ]
    assert len(links_of(text)) == 12


@pytest.mark.parametrize("width", [8, 11, 17, 24, 33, 50])
def test_a_link_number_is_never_cut_by_line_breaking(width: int) -> None:
    text = article_text("標題", "meta", html_to_blocks(HTML), "[圖]")
    lines = [line.plain for line in wrap_text(text, width).lines]
    joined = "".join(lines)
    assert joined.replace("\n", "") == text.plain.replace("\n", "")
    for line in lines:
        assert not re.match(r"^\d*\]", line), line  # no line starts inside a marker
        assert not re.search(r"\[\d*$", line), line  # nor ends inside one
