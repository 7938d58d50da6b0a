"""Line layout: kinsoku, phrase breaks, whole Latin words, cells; on the demo's articles as
`reader show` prints them and on generated mixed text."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.core.script.view import ScriptView
from reader.core.text.blocks import html_to_blocks
from reader.core.text.layout import CLOSING_MARKS, OPENING_MARKS, layout_lines, line_spans
from reader.core.text.plain import blocks_to_text
from reader.demo.content import body_html, load_demo_content


def bad_breaks(lines: list[str]) -> list[str]:
    """Lines of one paragraph that start with a closing mark (but the first) or end with an
    opening one (but the last); a cut inside a Latin run (an URL wider than the line) is no
    choice of the layout and is left out."""
    return [
        line
        for index, line in enumerate(lines)
        if (
            index > 0 and line[:1] in CLOSING_MARKS and not cut_in_latin_run(lines[index - 1], line)
        )
        or (index < len(lines) - 1 and line[-1:] in OPENING_MARKS)
    ]


def cut_in_latin_run(line: str, next_line: str) -> bool:
    before, after = line[-1:], next_line.lstrip()[:1]
    return bool(before and after) and (before + after).isascii() and " " not in before + after


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one() -> None:
    text = "記者從省住建廳獲悉，「暖氣不熱」問題（見附表）已解決。居民說：「好！」……完。"
    for width in range(12, 40):  # the longest unbreakable run, 「好！」……完。, is 14 cells
        lines = layout_lines(text, width)
        assert not bad_breaks(lines), (width, lines)
        assert "".join(lines) == text


def test_a_closing_mark_is_pushed_down_with_the_character_before_it() -> None:
    # Ten cells fit "一二三四五"; "。" would start the next line, so "五" goes down with it.
    assert layout_lines("一二三四五。六七", 10) == ["一二三四", "五。六七"]


def test_words_and_phrases_stay_whole_when_a_break_is_near() -> None:
    for lead in range(0, 30):
        text = "甲" * lead + "代表們在北京人民大會堂聽取鄭州市的報告並表示支持"
        for width in range(40, 81, 4):
            joined = "|".join(layout_lines(text, width))
            assert "人民大會堂" in joined.replace("|", "") and "人民大|" not in joined
            assert all(part not in joined for part in ("人|民", "大|會", "會|堂", "鄭|州"))


def test_latin_words_numbers_and_urls_are_not_split() -> None:
    text = (
        "鄭州 Zhengzhou Metro 今日開通，全長 28.5km，票價2元，詳見 https://news.example.cn/a 頁面"
    )
    for width in range(26, 60):
        lines = layout_lines(text, width)
        for whole in ("Zhengzhou", "Metro", "28.5km，", "2元，", "https://news.example.cn/a"):
            assert any(whole in line for line in lines), (whole, lines)


def test_a_run_longer_than_the_line_is_cut_by_cells() -> None:
    url = "https://news.example.cn/2023/03/17/article.html"
    lines = layout_lines(url, 16)
    assert "".join(lines) == url and all(cell_len(line) <= 16 for line in lines)


def test_spans_point_into_the_paragraph_and_only_spaces_lie_between() -> None:
    text = "Henan province opened a new line 鄭州地鐵 today."
    spans = line_spans(text, 12)
    assert spans[0][0] == 0
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert text[end:next_start].strip() == ""


def test_wide_characters_count_two_cells_and_emoji_sequences_stay_whole() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    lines = layout_lines(f"家庭{family}旅遊" * 3, 6)
    assert all(cell_len(line) <= 6 for line in lines)
    assert "".join(lines) == f"家庭{family}旅遊" * 3


# ---------------------------------------------------------------------------
# Generated mixed text
# ---------------------------------------------------------------------------

HAN = "鄭州市人民大會堂記者報訊今年全省供暖改造工程國際新聞經濟发展城市居民"
LATIN = ["Henan", "Zhengzhou", "GDP", "2023", "5G", "iPhone", "https://example.cn/a?b=1"]
MARKS = sorted(CLOSING_MARKS | OPENING_MARKS)
pieces = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=8),
    st.sampled_from(LATIN),
    st.sampled_from([" ", "\u3000", "——", "……"]),
    st.sampled_from(MARKS),
)
# Marks come at most two in a row, as in real text: a longer run of them has no allowed break.
mixed_text = (
    st.lists(pieces, max_size=60)
    .filter(
        lambda parts: all(
            not (a in MARKS and b in MARKS and c in MARKS)
            for a, b, c in zip(parts, parts[1:], parts[2:], strict=False)
        )
    )
    .map("".join)
)


def test_a_closing_mark_after_a_run_wider_than_the_line_takes_its_character_down() -> None:
    # A URL run fills the line exactly: the forced cut must not leave ° alone at a line's start.
    text = "iPhonehttps://example.cn/a?b=1https://example.cn/a?b=1°"
    lines = layout_lines(text, 27)
    assert "".join(lines) == text
    assert lines[-1] == "1°"
    assert not any(line[:1] in CLOSING_MARKS for line in lines[1:])


@settings(max_examples=300, deadline=None)
@given(mixed_text, st.integers(min_value=20, max_value=100))
def test_generated_text_keeps_kinsoku_fits_and_loses_nothing(text: str, width: int) -> None:
    spans = line_spans(text, width)
    lines = [text[start:end] for start, end in spans]
    # Nothing lost or reordered: only breaking spaces lie between lines.
    assert spans[0][0] == 0 or not text[: spans[0][0]].strip()
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert end <= next_start and text[end:next_start].strip(" ") == ""
    assert "".join(text[start:end] for start, end in spans).replace(" ", "") == text.replace(
        " ", ""
    )
    for line in lines:
        assert cell_len(line) <= width or " " not in line.strip() and len(line) > 1
    assert not bad_breaks(lines), lines


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.integers(min_value=1, max_value=40))
@example("0000000ᄀ\n\x080", 9)  # a space unit holding a zero-width control, at the line's end
def test_any_text_fits_unless_one_unit_is_wider(text: str, width: int) -> None:
    text = text.replace("\n", " ")
    for start, end in line_spans(text, width):
        line = text[start:end]
        assert cell_len(line) <= max(width, 2)


# ---------------------------------------------------------------------------
# The demo's articles as `reader show` prints them
# ---------------------------------------------------------------------------


def demo_blocks(mode: str) -> list[list[object]]:
    content = load_demo_content()
    view = ScriptView(mode=mode)  # type: ignore[arg-type]
    return [
        html_to_blocks(view.html(body_html(article.body, "http://127.0.0.1:9/"), None))
        for feed in content.feeds()
        for article in feed.articles
    ]


@pytest.mark.parametrize("mode", ["original", "hans"])
def test_show_lays_out_every_demo_article_at_widths_40_to_120(mode: str) -> None:
    articles = demo_blocks(mode)
    assert len(articles) > 40
    for blocks in articles:
        for width in range(40, 121):
            lines = blocks_to_text(blocks, width=width).split("\n")  # type: ignore[arg-type]
            assert not bad_breaks([line.lstrip("•> ") for line in lines]), (width, lines)
            assert all(cell_len(line) <= width for line in lines)
