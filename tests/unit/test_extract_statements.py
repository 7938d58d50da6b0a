"""Copyright and disclaimer statements leave a story as whole blocks, wherever the page puts
them; the story's own numbered lists stay (pages in tests/pages/statement-*, written here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.extract.boilerplate import statement_lines
from reader.core.extract.story import extract_story

PAGES = Path(__file__).parents[1] / "pages"

# Each layout: the opening of every story paragraph, in order, and pieces of its statement.
STATEMENT_PAGES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    # Heading, numbered items, record number, phone and e-mail at the end of the story's <div>.
    "inside": {
        "hant": (
            ["本報訊 4月1日上午", "為了方便遊客出行，市", "一、延長開放時間，夜", "二、設立二十個志願服",
             "三、景區門票實行線上", "來自鄭州的遊客王女士"],
            ["版權聲明", "1、凡本網", "2、本網轉載", "3、如因作品", "備案號", "0379-63210000",
             "news@lywb"],
        ),
        "hans": (
            ["本报讯 4月1日上午", "为了方便游客出行，市", "一、延长开放时间，夜", "二、设立二十个志愿服",
             "三、景区门票实行线上", "来自郑州的游客王女士"],
            ["版权声明", "1、凡本网", "2、本网转载", "3、如因作品", "备案号", "0379-63210000",
             "news@lywb"],
        ),
    },
    # A sibling <div> of the story's with an <h4> heading and a report line.
    "beside": {
        "hant": (
            ["5月19日，開封清明", "今年七十二歲的糖畫藝", "園區負責人介紹，宋代"],
            ["免責聲明", "1．本網所載", "2．本網部分", "3．本網對", "舉報電話", "jubao@"],
        ),
        "hans": (
            ["5月19日，开封清明", "今年七十二岁的糖画艺", "园区负责人介绍，宋代"],
            ["免责声明", "1．本网所载", "2．本网部分", "3．本网对", "举报电话", "jubao@"],
        ),
    },
    # One <div> holds story and statement, lines split by <br> only.
    "same": {
        "hant": (
            ["5月7日，南陽月季博", "據園區工作人員介紹，", "南陽被稱為“中國月季", "（記者 高遠）"],
            ["聲明", "(1) 本站", "(2) 本站", "(3) 本站", "許可證", "0377-61230000", "nyw@"],
        ),
        "hans": (
            ["5月7日，南阳月季博", "据园区工作人员介绍，", "南阳被称为“中国月季", "（记者 高远）"],
            ["声明", "(1) 本站", "(2) 本站", "(3) 本站", "许可证", "0377-61230000", "nyw@"],
        ),
    },
    # Numbered items in the site's legal voice with no heading, after the story's own list.
    "unheaded": {
        "hant": (
            ["清明節前，信陽浉河港", "當地農業部門預計，今", "1. 雨天和露水未乾", "2. 採摘時用竹籃盛",
             "3. 鮮葉當天採摘當", "茶農劉大姐告訴記者，"],
            ["1. 本網", "2. 本網", "3. 作品", "ICP", "公網安備"],
        ),
        "hans": (
            ["清明节前，信阳浉河港", "当地农业部门预计，今", "1. 雨天和露水未干", "2. 采摘时用竹篮盛",
             "3. 鲜叶当天采摘当", "茶农刘大姐告诉记者，"],
            ["1. 本网", "2. 本网", "3. 作品", "ICP", "公网安备"],
        ),
    },
}  # fmt: skip


@pytest.mark.parametrize("script", ["hant", "hans"])
@pytest.mark.parametrize("layout", list(STATEMENT_PAGES))
def test_statement_gone_and_story_intact(layout: str, script: str) -> None:
    openings, statement = STATEMENT_PAGES[layout][script]
    story = extract_story((PAGES / f"statement-{layout}-{script}.html").read_bytes())
    paragraphs = story.body.split("\n\n")
    assert len(paragraphs) == len(openings)
    for paragraph, opening in zip(paragraphs, openings, strict=True):
        assert paragraph.startswith(opening), (paragraph, opening)
    for piece in statement:
        assert piece not in story.body, piece


def test_statement_block_runs_from_heading_to_its_last_contact_line() -> None:
    lines = [
        "本報訊 市政府昨日召開常務會議。",
        "免責聲明",
        "1、本站文章僅代表作者觀點。",
        None,  # an image ends a statement
        "2、本站保留刪除的權利。",
    ]
    assert statement_lines(lines) == {1, 2}


def test_story_numbered_list_is_no_statement() -> None:
    lines = ["會議提出三點要求：", "一、加快地鐵建設；", "二、做好防汛準備；", "三、穩定就業。"]
    assert statement_lines(lines) == set()


def test_headingless_items_need_the_sites_legal_voice_in_most_of_them() -> None:
    legal = ["1、本網所載文章僅代表作者觀點。", "2、轉載請註明出處。", "聯繫電話：010-12345678"]
    assert statement_lines(legal) == {0, 1, 2}
    one_in_three = ["1、市民可以撥打熱線。", "2、本網將持續關注。", "3、活動免費參加。"]
    assert statement_lines(one_in_three) == set()


def test_a_long_story_paragraph_after_a_heading_ends_the_statement() -> None:
    paragraph = "法院審理認為，被告未經許可使用他人作品，侵犯了原告的著作權，應當承擔責任。" * 9
    assert statement_lines(["聲明", paragraph]) == {0}


@pytest.mark.parametrize(
    ("script", "fields"),
    [
        ("hant", ("洛陽晚報", "張青", "劉暢", "周遠", "牡丹花開迎客來")),
        ("hans", ("洛阳晚报", "张青", "刘畅", "周远", "牡丹花开迎客来")),
    ],
)
def test_page_meta_kept_apart_from_the_story(script: str, fields: tuple[str, ...]) -> None:
    story = extract_story((PAGES / f"statement-inside-{script}.html").read_bytes())
    meta = story.page_meta()
    assert (meta.source, meta.author, meta.editor, meta.chief_editor, meta.original_title) == (
        fields
    )
    assert meta.published is not None and meta.published.isoformat() == "2024-04-02T09:15:00+08:00"
    assert fields[-1] not in story.body
