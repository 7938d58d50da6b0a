"""Decoding feed and page bytes: BOMs, UTF-8, GB and Big5 families, wrong labels, cut text."""

from __future__ import annotations

import codecs

import pytest

from reader.core.feeds.decode import decode_feed, decode_html, normalise_charset

SIMPLIFIED = "郑州市今年一季度经济运行稳中向好，记者从市统计局获悉，全市生产总值同比增长百分之五。"
TRADITIONAL = "臺北市政府今日宣布，明年起將擴大公車路網，市民通勤時間可望縮短，議員表示支持。"
CANTONESE = "今日嘅天氣好熱，啲市民都去咗海灘，有人話呢排嘅天氣真係熱到唔得㗎。"


def _rss(encoding_label: str, title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding_label}"?>\n'
        f'<rss version="2.0"><channel><title>{title}</title></channel></rss>\n'
    )


def _page(head_meta: str, body: str) -> str:
    head = f"<head>{head_meta}<title>新聞</title></head>"
    return f"<!DOCTYPE html><html>{head}<body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("GB18030", "gb18030"),
        ("big5", "big5hkscs"),
        ("Big5-HKSCS", "big5hkscs"),
        ("UTF8", "utf-8"),
        (' "utf-8" ', "utf-8"),
        ("no-such-charset", None),
        ("rot13", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_charset(label: str | None, expected: str | None) -> None:
    assert normalise_charset(label) == expected


def test_plain_utf8() -> None:
    assert SIMPLIFIED in decode_feed(_rss("utf-8", SIMPLIFIED).encode("utf-8"))


def test_gbk_declared_in_xml() -> None:
    data = _rss("gbk", SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_feed(data)


def test_gb2312_label_on_gbk_only_characters() -> None:
    # 镕 and 喆 are in GBK but not in GB2312: a strict gb2312 decoder would fail on them.
    text = "朱镕基与张喆出席会议，" + SIMPLIFIED
    data = _rss("gb2312", text).encode("gbk")
    assert text in decode_feed(data)
    assert text in decode_feed(data, http_charset="gb2312")


def test_gbk_bytes_labelled_utf8() -> None:
    data = _rss("utf-8", SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_feed(data, http_charset="utf-8")


def test_gbk_without_any_label() -> None:
    data = _page("", SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_html(data)


def test_big5_with_hong_kong_characters_labelled_big5() -> None:
    data = _rss("big5", CANTONESE).encode("big5hkscs")
    text = decode_feed(data)
    assert CANTONESE in text
    assert "啲" in text and "嘅" in text and "㗎" in text


def test_big5_without_label_is_not_read_as_gbk() -> None:
    # Big5 bytes also decode as GBK (as nonsense); the frequency score must pick Big5.
    for sample in (TRADITIONAL, CANTONESE):
        data = _page("", sample).encode("big5hkscs")
        assert sample in decode_html(data)


def test_big5_with_http_charset() -> None:
    data = _page("", TRADITIONAL).encode("big5")
    assert TRADITIONAL in decode_html(data, http_charset="big5")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_byte_order_marks_win_over_labels(bom: bytes, codec: str) -> None:
    data = bom + _rss("gbk", TRADITIONAL).encode(codec)
    text = decode_feed(data, http_charset="gbk")
    assert TRADITIONAL in text
    assert not text.startswith("\ufeff")


def test_utf8_cut_inside_last_character_keeps_everything_before() -> None:
    data = (SIMPLIFIED + "报").encode("utf-8")[:-1]
    assert decode_feed(data) == SIMPLIFIED


def test_gbk_cut_inside_last_character_keeps_everything_before() -> None:
    data = (SIMPLIFIED + "报").encode("gbk")[:-1]
    assert decode_feed(data, http_charset="gbk") == SIMPLIFIED


def test_meta_charset_forms() -> None:
    short = _page('<meta charset="gb2312">', SIMPLIFIED).encode("gbk")
    long = _page('<meta http-equiv="Content-Type" content="text/html; charset=big5">', TRADITIONAL)
    assert SIMPLIFIED in decode_html(short)
    assert TRADITIONAL in decode_html(long.encode("big5"))


def test_http_charset_wins_over_meta_when_both_decode() -> None:
    # Pure GB bytes that also happen to be valid Big5: the header is trusted first.
    text = "中文"
    data = _page('<meta charset="big5">', text).encode("gbk")
    assert text in decode_html(data, http_charset="gbk")


def test_wrong_http_utf8_label_falls_through_to_meta() -> None:
    data = _page('<meta charset="gbk">', SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_html(data, http_charset="utf-8")


def test_western_label_on_gbk_page_is_not_trusted() -> None:
    data = _page('<meta charset="iso-8859-1">', SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_html(data)


def test_western_label_used_when_no_cjk_codec_fits() -> None:
    data = "Caf\xe9 \xab ouvert \xbb \xff fin.".encode("latin-1")
    assert decode_html(data, http_charset="iso-8859-1") == "Café « ouvert » ÿ fin."


def test_control_characters_removed_but_whitespace_kept() -> None:
    data = "标题\x1b[31m红\x00字\x07\t制表\r\n换行\x7f".encode()
    assert decode_feed(data) == "标题[31m红字\t制表\r\n换行\x7f"


def test_garbage_falls_back_to_replacement_characters() -> None:
    data = SIMPLIFIED.encode("gbk") + b"\xff\xff\xff" + SIMPLIFIED.encode("gbk")
    text = decode_html(data, http_charset="gbk")
    assert text.count(SIMPLIFIED) == 2
    assert "\ufffd" in text


def test_meta_beyond_sniff_window_is_ignored_but_trials_still_decide() -> None:
    padding = "<!-- " + "x" * 5000 + " -->"
    data = (padding + _page('<meta charset="big5">', TRADITIONAL)).encode("big5")
    assert TRADITIONAL in decode_html(data)


def test_gbk_bytes_labelled_big5_are_read_as_gbk() -> None:
    # Many GBK byte pairs are also valid Big5: the declared label decodes without error,
    # as nonsense, so the frequency score must overrule it.
    data = _rss("big5", SIMPLIFIED).encode("gbk")
    assert SIMPLIFIED in decode_feed(data)


def test_declared_big5_is_kept_for_real_big5() -> None:
    data = _rss("big5", TRADITIONAL).encode("big5")
    assert TRADITIONAL in decode_feed(data)
