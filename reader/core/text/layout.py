"""Line breaking for Chinese, Latin and mixed text by terminal cells: kinsoku, whole words and
phrases, one function for the reading pane and the CLI.

A closing mark that does not fit is pushed to the next line together with the character before
it (oidashi), never hung into the margin (burasage): a terminal pane has no cell beyond its width,
so a hanging mark would be cropped or would wrap on its own. Phrase boundaries come from ICU's
dictionary word breaker, loaded on the first paragraph that holds wide characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import NamedTuple

from rich.cells import get_character_cell_size, split_graphemes

__all__ = ["CLOSING_MARKS", "OPENING_MARKS", "layout_lines", "line_spans", "prepare_layout"]

# Marks that never start a line: closing punctuation and brackets, small kana, iteration and
# prolonged-sound marks, full-width and half-width forms alike.
CLOSING_MARKS = frozenset(
    "、。，．：；？！）］｝〉》」』】〕〗〙〛〟”’・ー…‥％‰℃°～〜"
    "｡､｣･ｰ,.;:?!)]}%"
    "々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
# Marks that never end a line: opening brackets and quotes.
OPENING_MARKS = frozenset("（［｛〈《「『【〔〖〘〚〝“‘([{｢")
# A number keeps the character after it (a unit, 年, %): "30公里", "2023年", "5km".
_DIGITS = frozenset("0123456789０１２３４５６７８９")
# Spaces that break a line; U+3000 and the no-break spaces do not.
_NO_BREAK_SPACES = frozenset("\u3000\u00a0\u2007\u202f")

# Break levels between two units, as bytes so bytes.rfind can search them.
_NEVER, _INSIDE_WORD, _BETWEEN_WORDS, _AT_SPACE = b"0"[0], b"1"[0], b"2"[0], b"3"[0]


def layout_lines(text: str, width: int) -> list[str]:
    """The lines of `text` at most `width` cells wide (unless one unbreakable run is wider);
    newlines in `text` stay line breaks, spaces where a line breaks are dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(paragraph[start:end] for start, end in line_spans(paragraph, width))
    return lines


def prepare_layout(text: str) -> None:
    """Analyse the paragraphs of `text` ahead (in a worker thread), so laying them out at any
    width later only fills lines."""
    for paragraph in text.split("\n"):
        if paragraph:
            _analyse(paragraph)


def line_spans(paragraph: str, width: int) -> list[tuple[int, int]]:
    """Where the lines of one paragraph (no newlines) start and end, as string offsets: a line
    is ``paragraph[start:end]``; only spaces lie between one line's end and the next's start."""
    width = max(width, 1)
    if not paragraph:
        return [(0, 0)]
    analysed = _analyse(paragraph)
    starts, cells = analysed.starts, analysed.cells
    total = len(starts)
    slack = min(10, max(4, width // 5))
    spans: list[tuple[int, int]] = []
    first = 0  # the unit that starts the current line
    while True:
        limit = cells[first] + width
        if cells[total] <= limit:
            spans.append((starts[first], _line_end(analysed, paragraph, first, total)))
            return spans
        fit = bisect_right(cells, limit) - 1  # units first..fit-1 fit on the line
        cut = _best_break(analysed, first, fit, slack)
        if cut < total and analysed.levels[cut] == _NEVER:
            cut = _kinsoku_cut(paragraph, starts, first, cut)
        spans.append((starts[first], _line_end(analysed, paragraph, first, cut)))
        first = cut
        while first < total and analysed.spaces[first] == _SPACE:
            first += 1  # a line never starts with the spaces it broke at
        if first >= total:
            return spans


class _Analysed(NamedTuple):
    """A paragraph's units (graphemes) and the break before each, whatever the width."""

    starts: list[int]  # string offset of each unit
    cells: list[int]  # cells before each unit, and the total last
    levels: bytes  # break level before each unit (none before the first)
    spaces: bytes  # _SPACE for units that are breaking spaces


_SPACE = ord("1")


def _best_break(analysed: _Analysed, first: int, fit: int, slack: int) -> int:
    """The unit to start the next line with: the last allowed break that fits, moved back to a
    break between words when one is within `slack` cells of it; a cut where the cells run out
    when a run with no allowed break is wider than the line."""
    levels, cells, spaces = analysed.levels, analysed.cells, analysed.spaces
    beyond = fit
    while beyond < len(levels) and spaces[beyond] == _SPACE:
        beyond += 1  # spaces at a line's end take no room: a break right after them fits
    if beyond > fit and beyond < len(levels) and levels[beyond] == _AT_SPACE:
        return beyond
    last = max(
        levels.rfind(_AT_SPACE, first + 1, fit + 1),
        levels.rfind(_BETWEEN_WORDS, first + 1, fit + 1),
        levels.rfind(_INSIDE_WORD, first + 1, fit + 1),
    )
    if last <= first:
        return max(fit, first + 1)
    if levels[last] != _INSIDE_WORD:
        return last
    lowest = bisect_left(cells, cells[last] - slack, first + 1, last)
    between_words = max(
        levels.rfind(_AT_SPACE, lowest, last), levels.rfind(_BETWEEN_WORDS, lowest, last)
    )
    return between_words if between_words > first else last


def _kinsoku_cut(paragraph: str, starts: list[int], first: int, cut: int) -> int:
    """A cut where the cells ran out (a run with no allowed break), moved back so the next line
    does not start with a closing mark and this one does not end with an opening mark: the
    character before the mark goes down with it."""
    while cut - 1 > first and (
        paragraph[starts[cut]] in CLOSING_MARKS or paragraph[starts[cut - 1]] in OPENING_MARKS
    ):
        cut -= 1
    return cut


def _line_end(analysed: _Analysed, paragraph: str, first: int, cut: int) -> int:
    """Where the line of units first..cut-1 ends: before its trailing breaking spaces (a line
    never ends in them; a space unit may carry a zero-width character with it)."""
    spaces = analysed.spaces
    while cut > first and spaces[cut - 1] == _SPACE:
        cut -= 1
    return analysed.starts[cut] if cut < len(analysed.starts) else len(paragraph)


@lru_cache(maxsize=1024)  # paragraphs of a few articles in three scripts
def _analyse(paragraph: str) -> _Analysed:
    """Units, cells and break levels of a paragraph; cached, so a resize reuses them."""
    widths = list(map(get_character_cell_size, paragraph))
    if 0 in widths or "\u200d" in paragraph or "\ufe0f" in paragraph:
        spans, _total = split_graphemes(paragraph)
        starts = [start for start, _end, _size in spans]
        widths = [size for _start, _end, size in spans]
        unit_of = {start: index for index, start in enumerate(starts)}
    else:
        starts = list(range(len(paragraph)))
        unit_of = None
    kinds = bytearray(bytes(widths).translate(_KIND_OF_WIDTH))
    for match in _SPECIAL.finditer(paragraph):
        index = match.start() if unit_of is None else unit_of.get(match.start())
        if index is not None:
            kinds[index] = _SPECIAL_KINDS[match.group()][kinds[index] == _WIDE]
    levels = bytearray(b"0") + bytearray(map(_PAIR_LEVEL.__getitem__, pairwise(kinds)))
    for run in _SPACE_RUN.finditer(kinds):
        after, before = run.end(), run.start() - 1
        if before >= 0 and after < len(kinds):
            allowed = kinds[after] not in b"cC" and kinds[before] not in b"oO"
            levels[after] = _AT_SPACE if allowed else _NEVER
    if b"w" in kinds:
        for start in _word_starts(paragraph):
            index = start if unit_of is None else unit_of.get(start)
            if index is not None and index < len(levels) and levels[index] == _INSIDE_WORD:
                levels[index] = _BETWEEN_WORDS
    spaces = bytes(kinds).translate(_SPACE_FLAG)
    return _Analysed(starts, [0, *accumulate(widths)], bytes(levels), spaces)


# Unit kinds, one letter each: narrow "n", wide "w", zero-width "z", a breaking space "s"; an
# opening mark "o", closing mark "c" or digit "d", upper case when wide.
_KIND_OF_WIDTH = bytes.maketrans(b"\x00\x01\x02", b"znw")
_SPACE_FLAG = bytes.maketrans(b"s", b"1")
_WIDE = b"w"[0]
_BREAKING_SPACES = "".join(
    chr(code) for code in range(0x3001) if chr(code).isspace() and chr(code) not in _NO_BREAK_SPACES
)
_SPECIAL = re.compile(
    "["
    + re.escape("".join(sorted(CLOSING_MARKS | OPENING_MARKS | _DIGITS)) + _BREAKING_SPACES)
    + "]"
)


# The kind of each special character: narrow, then wide.
_SPECIAL_KINDS = {
    character: (b"s"[0], b"s"[0])
    if character.isspace()
    else (b"c"[0], b"C"[0])
    if character in CLOSING_MARKS
    else (b"o"[0], b"O"[0])
    if character in OPENING_MARKS
    else (b"d"[0], b"D"[0])
    for character in CLOSING_MARKS | OPENING_MARKS | _DIGITS | set(_BREAKING_SPACES)
}


def _pair_level(before: str, after: str) -> int:
    """The break level between two units of these kinds (after spaces it is settled per run)."""
    if after in "szcC" or before in "soOdD":
        return _NEVER
    if before == "w" and after == "w":
        return _INSIDE_WORD  # raised to _BETWEEN_WORDS where ICU sees a word boundary
    if before in "wC" or after in "wOD":
        return _BETWEEN_WORDS  # Chinese next to Latin, or next to its own punctuation
    return _NEVER  # inside a Latin word, number or URL


_PAIR_LEVEL = {
    (ord(before), ord(after)): _pair_level(before, after)
    for before in "nwzsoOcCdD"
    for after in "nwzsoOcCdD"
}
_SPACE_RUN = re.compile(b"s+")


def _word_starts(paragraph: str) -> frozenset[int]:
    """Offsets where ICU's dictionary word breaker starts a word (Chinese words and phrases)."""
    from icu4py.breakers import WordBreaker

    boundaries = [start for start, _end in WordBreaker(paragraph, "zh").segments()]
    if len(paragraph.encode("utf-16-le")) != 2 * len(paragraph):  # ICU counts UTF-16 units
        to_offset: dict[int, int] = {}
        position = 0
        for offset, character in enumerate(paragraph):
            to_offset[position] = offset
            position += 2 if ord(character) > 0xFFFF else 1
        return frozenset(to_offset[b] for b in boundaries if b in to_offset)
    return frozenset(boundaries)
