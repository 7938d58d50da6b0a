"""The line filter that takes a news portal's furniture out of a story in both scripts:
copyright and reprint notices, whole copyright or disclaimer statements, ICP licence numbers,
share bars, "related news" lists.

Extraction libraries find the story's container well but keep what the portal put inside it;
this is pure, lines in and lines out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

__all__ = ["is_boilerplate_line", "is_section_end_line", "statement_lines", "trim_boilerplate"]

# Statements that are never story text when they lead a line or make up a short one.
_LEGAL_LEADS = re.compile(
    r"版[权權](?:声明|聲明|所有)|免[责責](?:声明|聲明|条款|條款)|[IＩ][CＣ][PＰ][备備證证]"
    r"|[Cc]opyright|©|\(c\)\s*\d{4}|公[网網]安[备備]"
)
# Reprint and complaint notices: phrases a story may also use, so only short lines count.
_LEGAL_NOTICES = re.compile(
    r"未[经經](?:授[权權]|许可|許可|[书書]面|同意)"
    r"|(?:禁止|不得|严禁|嚴禁|谢绝|謝絕|欢迎|歡迎)(?:任何)?(?:[转轉]载|[转轉]載|[转轉]貼|[复複]制|镜像|鏡像)"
    r"|[转轉][载載](?:请|請|需|须|須)|如有侵[权權]|侵[权權](?:必究|行为|行為)"
    r"|[网網][络絡]?[传傳]播[视視][听聽]|增值[电電]信|[违違]法和不良信息|[举舉][报報](?:电话|電話|邮箱|郵箱)"
)
_LEGAL_LEAD_CHARS = 30
_LEGAL_SHORT_LINE = 160

# Share bars, print/close links, font-size switches, comment boxes, paging.
_FURNITURE = re.compile(
    r"^(?:[【\[]?\s*)?(?:分享(?:到|至|：|:)|[扫掃]一[扫掃]|[扫掃]描二[维維]|微信[扫掃]|打印(?:本[页頁]|此文)?"
    r"|[关關]闭(?:窗口|本[页頁])|字[号號]\s*[:：]?\s*[大中小]|收藏(?:本文|此文)?$|返回[顶頂]部|我要[评評][论論]"
    r"|[发發]表[评評][论論]|[网網]友[评評][论論]|[点點][击擊](?:进入|進入|查看|[这這]里|[这這]裡|[阅閱][读讀])"
    r"|上一[篇页頁]|下一[篇页頁]|[责責]任[编編][辑輯]\s*[:：]|[编編][辑輯]\s*[:：][^，。,]{0,12}$"
    r"|[责責][编編]\s*[:：]|[标標][签簽]\s*[:：]|[关關][键鍵][词詞]\s*[:：]|[热熱][门門][标標][签簽])"
)
_FURNITURE_MAX_CHARS = 80

# Headings after which a page lists other stories: everything below them goes.
_SECTION_END = re.compile(
    r"^[【\[『「\s]*(?:相[关關](?:新[闻聞]|[阅閱][读讀]|[报報][导導]|文章|[链鏈]接|推荐|推薦|[专專][题題])"
    r"|延伸[阅閱][读讀]|推[荐薦][阅閱][读讀]|[热熱](?:点|點|门|門)(?:推[荐薦]|新[闻聞]|[阅閱][读讀])|更多(?:新[闻聞]|精彩|[阅閱][读讀])"
    r"|[猜]你喜[欢歡]|往期回[顾顧]|精彩推[荐薦]|[热熱]文推[荐薦]|[网網]友[评評][论論]|[发發]表[评評][论論]|[评評][论論]区)"
    r"[】\]』」\s:：>》]*$"
)
_SECTION_END_MAX_CHARS = 16

# A statement's heading, alone on its line or leading it: 版權聲明, 免责声明, 特別聲明, 聲明：
_STATEMENT_HEADING = re.compile(
    r"^[【\[〔（(]?\s*(?:(?:版[权權]|免[责責]|特[别別]|郑重|鄭重|法律|[转轉][载載])\s*"
    r"(?:声明|聲明|[说說]明|条款|條款)|声明|聲明)\s*[】\]〕）)]?\s*(?:[:：]|$)"
)
# An item of a numbered list: 1、 2. （3） (4) 一、 ① 第五條
_NUMBERED_ITEM = re.compile(
    r"^\s*(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．]|[①-⑳]|第[一二三四五六七八九十\d]{1,3}[条條])"
)
# Words of the site's own legal voice: a numbered item with them belongs to a statement.
_STATEMENT_WORDS = re.compile(
    r"本[网網站]|本平台|版[权權]|著作[权權]|[转轉][载載]|侵[权權]|授[权權]|[观觀][点點]|立[场場]|免[责責]"
)
# Record numbers and ways to reach the site, which close a statement.
_CONTACT_OR_RECORD = re.compile(
    r"[电電][话話]|[传傳][真]|[邮郵]箱|[邮郵]件|e-?mail|@|[备備]案|[许許]可[证證]|ICP|地址"
    r"|[联聯][系繫](?:我[们們]|方式|人)",
    re.IGNORECASE,
)
_CONTACT_LINE_MAX_CHARS = 80
_STATEMENT_ITEM_MAX_CHARS = 300


def is_boilerplate_line(line: str) -> bool:
    """True for a copyright/disclaimer/reprint/licence notice or a share/print/paging line."""
    text = line.strip()
    if not text:
        return True
    lead = _LEGAL_LEADS.search(text)
    if lead and (lead.start() < _LEGAL_LEAD_CHARS or len(text) <= _LEGAL_SHORT_LINE):
        return True
    if len(text) <= _LEGAL_SHORT_LINE and _LEGAL_NOTICES.search(text):
        return True
    return len(text) <= _FURNITURE_MAX_CHARS and _FURNITURE.search(text) is not None


def is_section_end_line(line: str) -> bool:
    """True for a short heading such as 相關新聞 / 相关阅读 that starts a list of other stories."""
    text = line.strip()
    return len(text) <= _SECTION_END_MAX_CHARS and _SECTION_END.match(text) is not None


def statement_lines(texts: Sequence[str | None]) -> set[int]:
    """The positions of the lines that make up copyright or disclaimer statements, as wholes.

    A statement is a heading (版權聲明, 免责声明, 聲明：) or a run of numbered items in the
    site's legal voice, with the numbered items, notices, record numbers and contact lines that
    follow it. A numbered list of the story's own (no heading, no legal words) is no statement.
    None stands for a line that is not text (an image): it ends a statement.
    """
    found: set[int] = set()
    index = 0
    while index < len(texts):
        end = _statement_at(texts, index)
        if end is None:
            index += 1
            continue
        found.update(range(index, end))
        index = end
    return found


def _statement_at(texts: Sequence[str | None], start: int) -> int | None:
    """Where a statement that begins at `start` ends, or None when none begins there."""
    text = texts[start]
    if text is None:
        return None
    if _STATEMENT_HEADING.match(text.strip()):
        return _statement_end(texts, start + 1)
    run_starts = _NUMBERED_ITEM.match(text) is not None and (
        start == 0 or not _NUMBERED_ITEM.match(texts[start - 1] or "")
    )
    if not run_starts:
        return None
    run_end = _numbered_run_end(texts, start)
    legal_items = sum(1 for line in texts[start:run_end] if _is_legal_item(line or ""))
    if run_end - start < 2 or 2 * legal_items < run_end - start:
        return None
    return _statement_end(texts, run_end)


def _statement_end(texts: Sequence[str | None], start: int) -> int:
    """Where the statement whose body starts at `start` ends: at an image or a line that is
    none of a numbered item, a notice, a line in the site's legal voice or a contact line."""
    position = start
    while position < len(texts):
        text = texts[position]
        if text is None or not _belongs_to_statement(text.strip()):
            break
        position += 1
    return position


def _numbered_run_end(texts: Sequence[str | None], start: int) -> int:
    position = start
    while position < len(texts) and _NUMBERED_ITEM.match(texts[position] or ""):
        position += 1
    return position


def _belongs_to_statement(text: str) -> bool:
    if not text or is_boilerplate_line(text):
        return True
    if len(text) <= _CONTACT_LINE_MAX_CHARS and _CONTACT_OR_RECORD.search(text):
        return True
    if len(text) > _STATEMENT_ITEM_MAX_CHARS:
        return False
    return _NUMBERED_ITEM.match(text) is not None or _STATEMENT_WORDS.search(text) is not None


def _is_legal_item(text: str) -> bool:
    """A numbered item in the site's legal voice (1、凡本網註明來源的作品，版權均屬…)."""
    return (
        len(text) <= _STATEMENT_ITEM_MAX_CHARS
        and _NUMBERED_ITEM.match(text) is not None
        and _STATEMENT_WORDS.search(text) is not None
    )


def trim_boilerplate(items: Sequence[T], text_of: Callable[[T], str | None]) -> list[T]:
    """Drop boilerplate items and whole statements; cut at a related-news heading found in the
    story's second half.

    `text_of` gives an item's text, or None for items that are not text (images): those stay.
    """
    texts = [text_of(item) for item in items]
    in_statement = statement_lines(texts)
    kept: list[T] = []
    for index, (item, text) in enumerate(zip(items, texts, strict=True)):
        if text is None:
            kept.append(item)
            continue
        if is_section_end_line(text) and index >= len(items) // 2:
            break
        if index not in in_statement and not is_boilerplate_line(text):
            kept.append(item)
    return kept
