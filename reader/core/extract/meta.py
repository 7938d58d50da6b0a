"""A Chinese news page's metadata as people read it: the meta line under the title
(`2023-03-17 08:41:51來源: 河南日報編輯: 鄧高靖`) in both scripts, the 原標題 line, and the
publish time.

Portals rarely give machine-readable dates (and a copyright year often gets picked instead),
so the meta line near the title is preferred; pure, strings in and data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

__all__ = [
    "MetaFields",
    "find_datetime",
    "find_published",
    "is_meta_line",
    "parse_credit",
    "parse_machine_date",
    "parse_meta_line",
    "parse_original_title",
]

_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})"
    r"(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2}))(?!\d)"
    r"\s*日?(?:\s*(?:星期|周|週|禮拜|礼拜)[一二三四五六日天])?"
    r"(?:\s*[Tt]?\s*(?P<H>\d{1,2})\s*[:：时時點点]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
_COPYRIGHT_NEARBY = re.compile(r"©|[Cc]opyright|版[权權]|all rights", re.I)
_COPYRIGHT_WINDOW = 12

# Labels of the meta line, longest first so 責任編輯 wins over 編輯. Values run to the next label.
# 責編 is short for 責任編輯, the editor who answers for the story; 主編 is the chief editor too.
_LABELS: dict[str, str] = {
    "责任编辑": "chief_editor", "責任編輯": "chief_editor", "责编": "chief_editor",
    "責編": "chief_editor", "主编": "chief_editor", "主編": "chief_editor",
    "编辑": "editor", "編輯": "editor",
    "来源": "source", "來源": "source", "稿源": "source", "出处": "source", "出處": "source",
    "记者": "author", "記者": "author", "作者": "author", "通讯员": "author", "通訊員": "author",
    "撰文": "author", "文字": "author",
    "来自": "source", "來自": "source",
    "发布时间": "time", "發佈時間": "time", "發布時間": "time", "发布日期": "time",
    "發佈日期": "time", "發布日期": "time", "时间": "time", "時間": "time", "日期": "time",
    "发布": "time", "發佈": "time", "發布": "time", "发表于": "time", "發表於": "time",
}  # fmt: skip
_LABEL = re.compile(
    "(" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_VALUE_END = re.compile(
    r"\s{2,}|[|｜【】\[\]（）()<>《》]|字[号號]|[点點][击擊]|分享|打印|\d+\s*人[参參]與"
)
_VALUE_STRIP = " \t\u3000:：,，;；.。、-—/"
_VALUE_MAX_CHARS = 40
_META_LINE_MAX_CHARS = 160
_DATE_ONLY_MAX_CHARS = 80
_DATE_ONLY_MAX_HANZI = 8  # other words on a date line (a paper's name, 星期五)
_DATE_TIME_MAX_HANZI = 14  # a date with a time is a stronger sign

# `（記者 王明 通訊員 李華）` credits at the end of stories: names after the role words.
_CREDIT = re.compile(
    r"(?:记者|記者|通讯员|通訊員|作者)\s*[:：]?\s*((?:[\u4e00-\u9fff·]{2,4}[\s、,，]*){1,4})"
)
_CREDIT_ROLES = frozenset({"记者", "記者", "通讯员", "通訊員", "作者", "摄影", "攝影"})
_NEAR_TITLE_LINES = 12

# `原標題：…` (or in brackets) on a line of its own: the headline the story first ran under.
_ORIGINAL_TITLE = re.compile(
    r"^\s*[（(【\[]?\s*原[标標][题題](?:\s*[】\]]\s*[:：]?|\s*[:：]|\s+)"
    r"\s*(?P<title>.+?)\s*[）)]?\s*$"
)
_ORIGINAL_TITLE_MAX_CHARS = 80


@dataclass(frozen=True, slots=True)
class MetaFields:
    """What a meta line or credit told us; None where it said nothing."""

    published: datetime | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    chief_editor: str | None = None

    def merged_with(self, other: MetaFields) -> MetaFields:
        """Fill this one's gaps from `other` (this one wins)."""
        return replace(
            self,
            published=self.published or other.published,
            source=self.source or other.source,
            author=self.author or other.author,
            editor=self.editor or other.editor,
            chief_editor=self.chief_editor or other.chief_editor,
        )


def find_datetime(text: str, default_tz: tzinfo) -> datetime | None:
    """The first valid date (with time when given) in `text`, skipping copyright years."""
    for match in _DATE.finditer(text):
        start = max(0, match.start() - _COPYRIGHT_WINDOW)
        if _COPYRIGHT_NEARBY.search(text, start, match.start()):
            continue
        found = _to_datetime(match, default_tz)
        if found is not None:
            return found
    return None


def is_meta_line(line: str) -> bool:
    """True for a short line that carries labelled fields or is only a date and time."""
    text = line.strip()
    if not text or len(text) > _META_LINE_MAX_CHARS:
        return False
    labels = _LABEL.findall(text)
    has_date = _DATE.search(text) is not None
    if labels and (has_date or len(labels) >= 2 or len(text) <= 30):
        return True
    date = _DATE.search(text)
    if date and len(text) <= _DATE_ONLY_MAX_CHARS:
        rest = _DATE.sub("", text)
        hanzi = sum(1 for char in rest if "\u4e00" <= char <= "\u9fff")
        return hanzi <= (_DATE_TIME_MAX_HANZI if date.group("H") else _DATE_ONLY_MAX_HANZI)
    return False


def parse_meta_line(line: str, default_tz: tzinfo) -> MetaFields:
    """The fields of a meta line: time, 來源/来源, 作者/記者/通訊員, 編輯 and 責編 in either
    script."""
    fields: dict[str, list[str]] = {"source": [], "author": [], "editor": [], "chief_editor": []}
    matches = list(_LABEL.finditer(line))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        kind = _LABELS[match.group(1)]
        if kind == "time":
            continue
        value = _clean_value(line[match.end() : end])
        if value and value not in fields[kind]:
            fields[kind].append(value)
    return MetaFields(
        published=find_datetime(line, default_tz),
        source=fields["source"][0] if fields["source"] else None,
        author="、".join(fields["author"]) or None,
        editor="、".join(fields["editor"]) or None,
        chief_editor="、".join(fields["chief_editor"]) or None,
    )


def parse_original_title(line: str) -> str | None:
    """The headline of a `原標題：…` line, or None for any other line."""
    if len(line) > _ORIGINAL_TITLE_MAX_CHARS:
        return None
    match = _ORIGINAL_TITLE.match(line)
    if match is None:
        return None
    return match.group("title").strip(_VALUE_STRIP) or None


def parse_credit(line: str) -> str | None:
    """Names credited in a `（記者 王明 通訊員 李華）` line, or None."""
    if len(line) > 60:
        return None
    names = [
        name for match in _CREDIT.finditer(line) for name in re.split(r"[\s、,，]+", match.group(1))
    ]
    names = [name for name in names if name and name not in _CREDIT_ROLES]
    return "、".join(dict.fromkeys(names)) or None


def parse_machine_date(value: str | None, default_tz: tzinfo) -> datetime | None:
    """An ISO-like date from a meta tag or <time datetime>; naive ones are in `default_tz`."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=default_tz)
    found = find_datetime(text, default_tz)
    if found is not None:
        return found
    compact = _COMPACT_DATE.search(text)
    if compact:
        return _to_datetime(compact, default_tz)
    return None


def find_published(
    lines: Sequence[str],
    title: str | None,
    machine_dates: Iterable[datetime],
    default_tz: tzinfo,
) -> datetime | None:
    """The publish time: a meta line near the title, else a machine date, else the page's first.

    "The page's first" means the first meta-like line with a date outside copyright notices.
    """
    for title_index in _title_line_indexes(lines, title):
        for line in lines[max(0, title_index - 2) : title_index + _NEAR_TITLE_LINES]:
            found = find_datetime(line, default_tz) if is_meta_line(line) else None
            if found is not None:
                return found
    for machine in machine_dates:
        return machine
    meta_lines = [line for line in lines if is_meta_line(line)]
    for candidates, need_time in ((meta_lines, True), (meta_lines, False), (lines, True)):
        for line in candidates:
            date_match = _first_date_match(line)
            if date_match is not None and (date_match.group("H") or not need_time):
                return find_datetime(line, default_tz)
    return None


def meta_near_title(lines: Sequence[str], title: str | None, default_tz: tzinfo) -> MetaFields:
    """Fields of the meta lines just below (or just above) the title line."""
    fields = MetaFields()
    for title_index in _title_line_indexes(lines, title):
        for line in lines[max(0, title_index - 2) : title_index + _NEAR_TITLE_LINES]:
            if is_meta_line(line):
                fields = fields.merged_with(parse_meta_line(line, default_tz))
        if fields != MetaFields():
            break
    return fields


def _title_line_indexes(lines: Sequence[str], title: str | None) -> list[int]:
    """Where the headline appears in the page's lines (the <title> may be one of them)."""
    wanted = _squash(title or "")
    if len(wanted) < 4:
        return []
    return [
        index
        for index, line in enumerate(lines)
        if (squashed := _squash(line)) and wanted in squashed and len(squashed) < 3 * len(wanted)
    ]


def _first_date_match(text: str) -> re.Match[str] | None:
    for match in _DATE.finditer(text):
        start = max(0, match.start() - _COPYRIGHT_WINDOW)
        if not _COPYRIGHT_NEARBY.search(text, start, match.start()):
            return match
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clean_value(raw: str) -> str | None:
    value = _DATE.split(raw, maxsplit=1)[0] if _DATE.search(raw) else raw
    cut = _VALUE_END.search(value)
    if cut:
        value = value[: cut.start()]
    value = value.strip(_VALUE_STRIP)
    if not value or len(value) > _VALUE_MAX_CHARS:
        return None
    return value


def _to_datetime(match: re.Match[str], default_tz: tzinfo) -> datetime | None:
    groups = match.groupdict()
    year = int(groups["y"])
    month = int(groups.get("m") or groups.get("cm") or 0)
    day = int(groups.get("d") or groups.get("cd") or 0)
    hour = int(groups.get("H") or 0)
    minute = int(groups.get("M") or 0)
    second = int(groups.get("S") or 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=default_tz)
    except ValueError:
        return None
