"""Cleaning feed text of terminal controls, and measuring it in cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.text.cells import (
    cell_len,
    clean_line,
    clean_text,
    pad_cells,
    truncate_cells,
    wrap_cells,
)
from reader.core.text.plain import html_to_plain

ESC = "\x1b"

# (name, hostile text, what must remain). Each case embeds a sequence inside ordinary news text.
HOSTILE_CASES = [
    ("csi colour", f"鄭州{ESC}[1;31m暴雨{ESC}[0m預警", "鄭州暴雨預警"),
    ("csi cursor and erase", f"標題{ESC}[2J{ESC}[H{ESC}[?25l正文", "標題正文"),
    ("osc 52 clipboard write, BEL", f"開封{ESC}]52;c;cm0gLXJmIH4K\x07文旅", "開封文旅"),
    ("osc 52 clipboard write, ST", f"開封{ESC}]52;c;cm0gLXJmIH4K{ESC}\\文旅", "開封文旅"),
    ("osc 0 window title", f"{ESC}]0;你的電腦已中毒\x07洛陽牡丹", "洛陽牡丹"),
    ("osc 8 hyperlink", f"{ESC}]8;;http://evil.test/\x07點此{ESC}]8;;\x07查看", "點此查看"),
    ("dcs", f"金融{ESC}P1$r0m{ESC}\\快訊", "金融快訊"),
    ("apc and pm", f"國際{ESC}_hidden{ESC}\\{ESC}^privacy{ESC}\\播報", "國際播報"),
    ("8-bit csi", "要聞\x9b31m紅字\x9b0m", "要聞紅字"),
    ("8-bit osc with 8-bit st", "要聞\x9d0;title\x9c正文", "要聞正文"),
    ("8-bit dcs", "要聞\x90payload\x9c正文", "要聞正文"),
    ("lone c1 controls", "城\x85市\x8d遠\x9f洋", "城市遠洋"),
    ("bel and backspace", "原創\x07\x07\x08\x08報道", "原創報道"),
    ("nul and other c0", "直\x00觀\x01中\x1f國\x7f", "直觀中國"),
    ("two-char escapes", f"重置{ESC}c保存{ESC}7字符集{ESC}(B結束", "重置保存字符集結束"),
    ("trailing lone escape", f"結尾{ESC}", "結尾"),
    ("bidi override", "價格\u202e321\u202c元", "價格321元"),
    ("bidi isolates and marks", "\u2066甲\u2069\u2067乙\u2068丙\u200e丁\u200f\u061c", "甲乙丙丁"),
    ("bidi embeddings", "\u202a左\u202b右\u202d強\u202c", "左右強"),
    ("zero-width characters", "新\u200b聞\u200c聯\u200d播\u2060\ufeff", "新聞聯播"),
]


@pytest.mark.parametrize(
    ("name", "hostile", "expected"), HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES]
)
def test_clean_text_removes_sequences_with_their_payload(
    name: str, hostile: str, expected: str
) -> None:
    assert clean_text(hostile) == expected


def test_clean_text_keeps_newlines_and_tabs_and_normalises_line_ends() -> None:
    assert clean_text("第一行\r\n第二行\r第三行\n\t縮進") == "第一行\n第二行\n第三行\n\t縮進"


def test_clean_text_leaves_markup_looking_text_alone() -> None:
    for text in (
        "[bold red]警告[/]",
        "[@click=app.quit]退出[/]",
        "[link=http://x.test]連結[/link]",
        "<b>粗</b>",
    ):
        assert clean_text(text) == text
        assert clean_line(text) == text


def test_clean_text_returns_clean_text_unchanged() -> None:
    text = "河南日報記者 李明　報道。2023年3月17日，鄭州。" * 1000
    assert clean_text(text) == text


def test_clean_text_unterminated_osc_drops_the_introducer_only() -> None:
    cleaned = clean_text(f"前{ESC}]52;c;abc後")
    assert ESC not in cleaned and cleaned.startswith("前") and cleaned.endswith("後")


def test_clean_text_on_a_long_hostile_text_removes_every_control() -> None:
    text = (f"段落{ESC}[31m紅{ESC}]0;t\x07\u202e\x9b1m\x00" * 20000) + "完"
    cleaned = clean_text(text)
    assert cleaned == "段落紅" * 20000 + "完"


def test_clean_line_folds_whitespace_and_keeps_inner_ideographic_space() -> None:
    assert (
        clean_line("  \u3000河南日報\n\n記者\t李明\u3000報道 \u3000")
        == "河南日報 記者 李明\u3000報道"
    )
    assert clean_line(f"{ESC}[1m標題{ESC}[0m\r\n第二行") == "標題 第二行"


def test_html_to_plain_blocks_breaks_entities_and_dropped_elements() -> None:
    html = (
        "<h2>鄭州&amp;開封</h2><p>第一段<br>第二行&nbsp;&lt;b&gt;</p>"
        "<script>alert('x')</script><style>p{color:red}</style><p>第二段&#x1b;[31m</p>"
    )
    assert html_to_plain(html) == "鄭州&開封\n\n第一段\n第二行\xa0<b>\n\n第二段"


def test_html_to_plain_of_empty_or_text_only_input() -> None:
    assert html_to_plain("") == ""
    assert html_to_plain("只有文字，沒有標籤") == "只有文字，沒有標籤"


def test_cell_len_counts_cjk_as_two() -> None:
    assert cell_len("新聞abc") == 7
    assert cell_len("　") == 2


def test_truncate_cells_never_exceeds_width() -> None:
    assert truncate_cells("河南日報", 8) == "河南日報"
    assert truncate_cells("河南日報", 7) == "河南日…"
    assert truncate_cells("河南日報", 6) == "河南…"
    assert truncate_cells("abcdef", 4) == "abc…"
    assert truncate_cells("河南", 0) == ""
    for width in range(0, 12):
        assert cell_len(truncate_cells("鄭州a開封b洛陽", width)) <= width


def test_truncation_keeps_emoji_sequences_whole() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    for text in (f"家庭{family}旅遊", "點讚\u2764\ufe0f很多", "國旗\U0001f1e8\U0001f1f3飄揚"):
        for width in range(0, cell_len(text) + 1):
            assert cell_len(truncate_cells(text, width)) <= width
            assert cell_len(pad_cells(text, width)) == width
        assert all(cell_len(line) <= 6 for line in wrap_cells(text * 3, 6))


def test_pad_cells_gives_exact_width() -> None:
    assert pad_cells("要聞", 6) == "要聞  "
    assert pad_cells("國際播報很長", 7) == "國際播…"
    assert all(cell_len(pad_cells("文旅x金融", width)) == width for width in range(1, 15))


def test_wrap_cells_breaks_between_han_words_within_width() -> None:
    text = "河南日報訊記者從省氣象台獲悉今年入汛以來全省平均降水量偏多三成"
    lines = wrap_cells(text, 10)
    assert "".join(lines) == text
    assert all(cell_len(line) <= 10 for line in lines)
    # A line may end a word early, by at most the few cells the layout allows (4 at width 10).
    assert all(cell_len(line) >= 6 for line in lines[:-1])


def test_wrap_cells_keeps_latin_words_whole_and_punctuation_off_line_starts() -> None:
    lines = wrap_cells("鄭州 Zhengzhou Metro Line 12 今日開通，全長約十八公里。", 12)
    assert all(cell_len(line) <= 12 for line in lines)
    assert "Zhengzhou" in lines[0] or "Zhengzhou" in lines[1]
    assert not any(line.startswith(("，", "。")) for line in lines)
    words = " ".join(lines).split()
    assert "Metro" in words and "Line" in words


def test_wrap_cells_cuts_a_word_longer_than_the_line() -> None:
    lines = wrap_cells("https://news.example.cn/2023/03/17/article.html", 16)
    assert "".join(lines) == "https://news.example.cn/2023/03/17/article.html"
    assert all(cell_len(line) <= 16 for line in lines)


def test_wrap_cells_keeps_existing_line_breaks() -> None:
    assert wrap_cells("第一行\n\n第二行", 20) == ["第一行", "", "第二行"]


# ---------------------------------------------------------------------------
# Properties over arbitrary text
# ---------------------------------------------------------------------------

FORBIDDEN = (
    {chr(code) for code in range(0x20) if chr(code) not in "\n\t"}
    | {chr(code) for code in range(0x7F, 0xA0)}
    | set("\u061c\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
    | {chr(code) for code in range(0x202A, 0x202F)}
    | {chr(code) for code in range(0x2066, 0x206A)}
)
# Text biased towards what attacks are made of: escapes, controls, bidi, CJK, spaces.
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(sorted(FORBIDDEN) + list("[]]\\;0123456789Pm_^X中文新聞 \n\t\u3000\r")),
        st.characters(),
    ),
    max_size=200,
)


@settings(max_examples=500, deadline=None)
@given(hostile_text)
def test_clean_text_output_never_holds_a_forbidden_character(text: str) -> None:
    cleaned = clean_text(text)
    assert not FORBIDDEN & set(cleaned)
    assert "\r" not in cleaned
    assert clean_text(cleaned) == cleaned


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_clean_line_is_one_stripped_line(text: str) -> None:
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.integers(min_value=2, max_value=40))
def test_wrap_cells_fits_and_keeps_every_visible_character(text: str, width: int) -> None:
    text = clean_text(text)
    lines = wrap_cells(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.integers(min_value=0, max_value=30))
def test_truncate_and_pad_fit_the_width(text: str, width: int) -> None:
    text = clean_text(text)
    truncated = truncate_cells(text, width)
    assert cell_len(truncated) <= width
    if cell_len(text) <= width:
        assert truncated == text
    assert cell_len(pad_cells(text, width)) == width
