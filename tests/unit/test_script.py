"""Script modes and conversion: real OpenCC, our own sample text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.model import SCRIPT_MODES, VARIANTS
from reader.core.script import convert as script
from reader.core.script.convert import (
    config_for,
    convert_html,
    convert_text,
    convert_with_config,
    next_mode,
    region_from_language,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


# --- the five conversions opencc-python-reimplemented gets wrong -------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_embryo_development_keeps_fa_not_hair(variant: str) -> None:
    # 发育 is 發育 (develop), never 髮育 (hair).
    assert convert_text("抑制胚胎发育", "hant", variant) == "抑制胚胎發育"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("variant", "expected"), [("t", "跳樑小丑"), ("hk", "跳樑小丑"), ("tw", "跳梁小丑")]
)
def test_clown_keeps_chou_not_ugly(variant: str, expected: str) -> None:
    # 小丑 stays 小丑 (never 小醜); Taiwan writes the beam as 梁, OpenCC standard as 樑.
    assert convert_text("跳梁小丑", "hant", variant) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("language", [None, "zh-TW", "zh-HK", "zh-CN"])
def test_place_name_qian_an_keeps_qian(language: str | None) -> None:
    assert convert_text("吉林省乾安縣", "hans", language=language) == "吉林省乾安县"


def test_taiwan_software_and_molluscs_to_simplified() -> None:
    converted = convert_text("這個軟體裡有一套軟體動物的資料庫", "hans", region="tw")
    assert converted == "这个软件里有一套软体动物的数据库"  # 软体动物 (molluscs), not 软件动物


def test_bytedance_in_taiwan_phrases_stays_a_name() -> None:
    # 字节 is not turned into 位元組 (byte) inside the company name.
    assert convert_text("字节跳动发布新应用", "hant", "twp") == "字節跳動釋出新應用"


# --- modes and variants --------------------------------------------------------------------------


def test_next_mode_cycles_through_all_modes() -> None:
    assert next_mode("original") == "hans"
    assert next_mode("hans") == "hant"
    assert next_mode("hant") == "original"
    mode = "original"
    seen = []
    for _ in SCRIPT_MODES:
        mode = next_mode(mode)  # type: ignore[arg-type]
        seen.append(mode)
    assert sorted(seen) == sorted(SCRIPT_MODES)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("t", "軟件 頭髮 打印機 鼠標"),
        ("tw", "軟件 頭髮 打印機 鼠標"),
        ("twp", "軟體 頭髮 印表機 滑鼠"),
        ("hk", "軟件 頭髮 打印機 鼠標"),
    ],
)
def test_phrases_change_only_in_twp(variant: str, expected: str) -> None:
    assert convert_text("软件 头发 打印机 鼠标", "hant", variant) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("t", "爲 溫 說 衛 臺 着"),
        ("tw", "為 溫 說 衛 臺 著"),
        ("twp", "為 溫 說 衛 臺 著"),
        ("hk", "為 温 説 衞 台 着"),
    ],
)
def test_character_variants_by_region(variant: str, expected: str) -> None:
    assert convert_text("为 温 说 卫 台 着", "hant", variant) == expected  # type: ignore[arg-type]


def test_simplified_from_each_region() -> None:
    taiwan = "鄭州的軟體公司發佈新產品"
    assert convert_text(taiwan, "hans") == "郑州的软体公司发布新产品"
    assert convert_text(taiwan, "hans", region="tw") == "郑州的软件公司发布新产品"
    assert convert_text(taiwan, "hans", language="zh-Hant-TW") == "郑州的软件公司发布新产品"
    assert convert_text("香港衞生署説明", "hans", region="hk") == "香港卫生署说明"


def test_traditional_without_region_reads_as_taiwan_characters() -> None:
    # t2s leaves 著 as it is in 隨著; Taiwan's rules make it 着, without Taiwan's words (軟體).
    text = "隨著鄭州的軟體公司發佈新產品"
    assert convert_text(text, "hans", language="zh-Hant") == "随着郑州的软体公司发布新产品"
    assert convert_text(text, "hans", language="zh-Hant-HK") == convert_text(
        text, "hans", region="hk"
    )


def test_original_mode_returns_text_as_published() -> None:
    text = "鄭州发布 mixed 臺灣"
    assert convert_text(text, "original") is text
    html = "<p>鄭州发布</p>"
    assert convert_html(html, "original") is html


@pytest.mark.parametrize(
    ("mode", "variant", "region", "language", "expected"),
    [
        ("original", "twp", "tw", "zh-TW", None),
        ("hant", "t", None, None, "s2t"),
        ("hant", "tw", "cn", None, "s2tw"),
        ("hant", "twp", None, None, "s2twp"),
        ("hant", "hk", None, None, "s2hk"),
        ("hans", "t", None, None, "t2s"),
        ("hans", "t", None, "zh-TW", "tw2sp"),
        ("hans", "t", None, "zh-Hant-TW", "tw2sp"),
        ("hans", "t", None, "zh_tw", "tw2sp"),
        ("hans", "t", None, "zh-HK", "hk2s"),
        ("hans", "t", None, "zh-MO", "hk2s"),
        ("hans", "t", None, "zh-Hant", "tw2s"),
        ("hans", "t", None, "zh_hant", "tw2s"),
        ("hans", "t", "hk", "zh-Hant", "hk2s"),
        ("hans", "t", "cn", "zh-Hant", "t2s"),
        ("hans", "t", None, "zh-CN", "t2s"),
        ("hans", "t", None, "en-US", "t2s"),
        ("hans", "t", "cn", "zh-TW", "t2s"),
        ("hans", "t", "hk", "zh-TW", "hk2s"),
        ("hans", "t", "tw", None, "tw2sp"),
    ],
)
def test_config_for(
    mode: str, variant: str, region: str | None, language: str | None, expected: str | None
) -> None:
    assert config_for(mode, variant, region, language) == expected  # type: ignore[arg-type]


def test_unknown_mode_or_variant_is_an_error() -> None:
    with pytest.raises(ValueError, match="mode"):
        config_for("klingon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="variant"):
        config_for("hant", "sg")  # type: ignore[arg-type]


def test_region_from_language() -> None:
    assert region_from_language("ZH-tw") == "tw"
    assert region_from_language("zh-Hans-SG") == "cn"
    assert region_from_language("ja") is None
    assert region_from_language("") is None


def test_config_names_with_and_without_json_suffix_agree() -> None:
    text = "软件工程师用鼠标打开了文件夹"
    assert convert_with_config(text, "s2twp.json") == convert_with_config(text, "s2twp")
    assert convert_with_config(text, "s2twp") == "軟體工程師用滑鼠打開了資料夾"


# --- what must never change ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F)), mode=st.sampled_from(SCRIPT_MODES))
def test_ascii_text_is_untouched(text: str, mode: str) -> None:
    for variant in VARIANTS:
        assert convert_text(text, mode, variant) == text  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["hans", "hant"])
def test_urls_latin_and_numbers_inside_chinese_text_are_untouched(mode: str) -> None:
    kept = [
        "https://zh.wikipedia.org/wiki/郑州市",
        "http://news.example.cn/2023/0317/软件.html?id=12&from=头条",
        "iPhone 15 Pro",
        "2023-03-17 08:41:51",
        "¥5,999.00",
        "3.14%",
    ]
    text = (
        f"详见 {kept[0]} 与 {kept[1]}：{kept[2]} 于 {kept[3]} 发售，售价{kept[4]}，涨幅{kept[5]}。"
    )
    converted = convert_text(text, mode, "twp")  # type: ignore[arg-type]
    for piece in kept:
        assert piece in converted
    if mode == "hant":
        assert converted.startswith("詳見")


def test_traditional_text_stays_as_published_in_standard_traditional() -> None:
    text = "臺灣的軟體公司發佈新產品，鄭州市民乾杯慶祝。"
    assert convert_text(text, "hant", "t") == text
    assert convert_text(text, "hant", "tw") == text


def test_long_text_converts_in_chunks_exactly_like_one_piece() -> None:
    from opencc import OpenCC

    paragraph = "郑州市软件园发布消息，字节跳动等企业入驻。台风过后，头发湿透的市民排队乾杯。\n"
    text = paragraph * 200 + "长句" * 1500  # a last paragraph longer than a chunk
    assert len(text) > 3 * script.CHUNK_CHARS
    assert convert_text(text, "hant", "twp") == OpenCC("s2twp").convert(text)


# --- HTML ----------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")

SAMPLE_HTML = (
    '<!DOCTYPE html><h1 class="标题">郑州发布</h1>\n'
    '<p data-note="头发">软件&amp;硬件&nbsp;发展&#20013;<a href="https://x.cn/软件?q=头发" '
    "title='软件下载'>头发</a> iPhone 15</p>"
    '<figure><img src="/img/头发.jpg" alt="字节跳动总部" width=640><figcaption>头发</figcaption>'
    "</figure><pre>软件<b>头发</b></pre><p>后<code>软件()</code>发</p>"
    '<script>var title = "软件";</script><style>.软件{}</style><!-- 软件 --><p>出租车</p>'
)


def test_html_text_nodes_change_and_markup_does_not() -> None:
    converted = convert_html(SAMPLE_HTML, "hant", "twp")
    assert _strip_text_attributes(_TAG_RE.findall(converted)) == _strip_text_attributes(
        _TAG_RE.findall(SAMPLE_HTML)
    )
    assert '<h1 class="标题">鄭州釋出</h1>' in converted
    assert "軟體&amp;硬體&nbsp;發展&#20013;" in converted
    assert "href=\"https://x.cn/软件?q=头发\" title='軟體下載'>頭髮</a> iPhone 15</p>" in converted
    assert (
        'src="/img/头发.jpg" alt="字節跳動總部" width=640><figcaption>頭髮</figcaption>'
        in converted
    )
    assert "<pre>软件<b>头发</b></pre><p>後<code>软件()</code>發</p>" in converted
    assert '<script>var title = "软件";</script><style>.软件{}</style><!-- 软件 -->' in converted
    assert converted.endswith("<p>計程車</p>")


def _strip_text_attributes(tags: list[str]) -> list[str]:
    """Tags with alt/title values blanked: the only attribute values allowed to change."""
    return [re.sub(r"""(alt|title)=("[^"]*"|'[^']*')""", r"\1=", tag) for tag in tags]


def test_html_to_simplified_from_taiwan() -> None:
    html = '<p title="軟體">這個軟體<br/>很好用</p>'
    assert convert_html(html, "hans", region="tw") == '<p title="软件">这个软件<br/>很好用</p>'


def test_html_attribute_with_angle_bracket_and_unclosed_markup() -> None:
    html = '<a title="a>软件" href="/x">软件</a><p 软件'
    converted = convert_html(html, "hant", "twp")
    assert converted == '<a title="a>軟體" href="/x">軟體</a><p 软件'


def test_html_text_with_lone_angle_brackets_and_ampersands() -> None:
    html = "<p>1 < 2 且 AT&T 的软件 > 3</p>"
    assert convert_html(html, "hant", "twp") == "<p>1 < 2 且 AT&T 的軟體 > 3</p>"


# --- loading -------------------------------------------------------------------------------------


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import sys, reader.core.script.convert as s\n"
        "assert not s.is_loaded()\n"
        "assert 'opencc' not in sys.modules\n"
        "assert s.convert_text('软件', 'original') == '软件' and not s.is_loaded()\n"
        "s.convert_text('软件', 'hant')\n"
        "assert s.is_loaded()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_warm_up_loads_the_needed_converters() -> None:
    script.warm_up("hk", regions=("tw", None))
    assert script.is_loaded()
    assert {"s2hk", "tw2sp", "t2s"} <= set(script._converters)


def test_repeated_conversion_is_served_from_the_cache() -> None:
    script.clear_cache()
    convert_text("郑州市民排队乾杯", "hant")
    hits_before = script._convert_chunk.cache_info().hits
    assert convert_text("郑州市民排队乾杯", "hant") == "鄭州市民排隊乾杯"
    assert script._convert_chunk.cache_info().hits == hits_before + 1


def test_search_spellings_add_other_regions_words() -> None:
    from reader.core.script.convert import search_spellings

    assert search_spellings("软件 郑州") == {"软件", "软体", "郑州"}
    assert search_spellings("Typhoon") == {"typhoon"}


def test_highlight_covers_other_regions_words() -> None:
    from rich.text import Text

    from reader.ui.article_text import MATCH_STYLE, highlight_matches

    text = Text("臺灣軟體業與大陸软件业")
    highlight_matches(text, "软件")
    marked = [text.plain[span.start : span.end] for span in text.spans if span.style == MATCH_STYLE]
    assert sorted(marked) == sorted(["軟體", "软件"])
