"""Feed text made safe to show (control, escape, bidi and zero-width characters removed), and
measured, cut and wrapped in terminal cells.

Plain strings in and out, never markup: a title that reads ``[bold red]`` stays that text.
"""

from __future__ import annotations

import re

from rich.cells import cell_len as _rich_cell_len
from rich.cells import split_graphemes

# ---------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------

# String-type terminal sequences carry a payload up to a String Terminator (ST = ESC \ or
# 8-bit 0x9C); OSC may also end with BEL. CAN (0x18) and SUB (0x1A) abort any sequence.
_STRING_END = r"(?:\x07|\x1b\\|\x9c|\x18|\x1a)"
_PAYLOAD = r"[^\x07\x1b\x9c\x18\x1a]*"
_UNSAFE = re.compile(
    "|".join(
        [
            # CSI, 7-bit and 8-bit: parameters, intermediates, one final byte.
            r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?",
            # OSC / DCS / SOS / PM / APC with their payload, when terminated.
            r"(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])" + _PAYLOAD + _STRING_END,
            # Any other escape: intermediates and a final byte (ESC ( B, ESC 7, ESC c, ...),
            # or an unterminated string introducer, whose payload then stays as harmless text.
            r"\x1b[\x20-\x2f]*[\x30-\x7e]?",
            # Single characters: C0 (but \t and \n), DEL, C1, bidi controls, zero-width chars.
            "[\x00-\x08\x0b-\x1f\x7f-\x9f"
            "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]",
        ]
    )
)


# Every sequence above starts with one of these characters: one character class scans a clean
# string far faster than the alternation does.
_TRIGGER = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def clean_text(s: str) -> str:
    """Remove everything that could steer a terminal or reorder text, keeping \\n and \\t.

    Line ends are normalised (\\r\\n and \\r become \\n). Whole escape sequences go, payload
    included, so an OSC 52 clipboard write leaves no base64 behind.
    """
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if _TRIGGER.search(s) is None:
        return s
    return _UNSAFE.sub("", s)


# Whitespace runs, except the ideographic space U+3000 that Chinese text uses on purpose.
_SPACE_RUN = re.compile(r"[^\S\u3000]+")


def clean_line(s: str) -> str:
    """One line of safe text: cleaned, whitespace runs (newlines too) folded to one space,
    stripped at both ends (U+3000 included there, kept inside)."""
    return _SPACE_RUN.sub(" ", clean_text(s)).strip()


# ---------------------------------------------------------------------------
# Terminal cells (CJK characters are two cells wide)
# ---------------------------------------------------------------------------


def cell_len(s: str) -> int:
    """Width of `s` in terminal cells, as Rich and Textual measure it."""
    return _rich_cell_len(s)


def truncate_cells(s: str, width: int, ellipsis: str = "…") -> str:
    """`s` cut to at most `width` cells, ending in `ellipsis` when something was cut."""
    if cell_len(s) <= max(0, width):
        return s
    if width <= 0:
        return ""
    budget = width - cell_len(ellipsis)
    if budget < 0:
        return truncate_cells(ellipsis, width, "")
    return _fitting_prefix(s, budget) + ellipsis


def _fitting_prefix(s: str, width: int) -> str:
    """The longest prefix of `s` of whole graphemes (an emoji with its joiners and
    selectors counts as one) that fits in `width` cells."""
    spans, _total = split_graphemes(s)
    used = 0
    for start, _end, size in spans:
        if used + size > width:
            return s[:start]
        used += size
    return s


def pad_cells(s: str, width: int) -> str:
    """`s` truncated to `width` cells if needed, then padded with spaces to exactly `width`."""
    fitted = truncate_cells(s, width)
    return fitted + " " * (width - cell_len(fitted))


# Characters that may be broken between: Han, kana, Hangul, CJK punctuation, full-width forms.
WIDE_CHARACTERS = (
    "\u2e80-\u2fff\u3001-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
# Punctuation that must not start a line (kinsoku) and that must not end one.
_NO_LINE_START = "、。，．：；？！）］｝〉》」』】〕〗〙〛”’・ー…‥"
_NO_LINE_END = "（［｛〈《「『【〔〖〘〚“‘"
_WRAP_TOKEN = re.compile(
    rf"[^\S\u3000]+"  # a run of spaces (not ideographic)
    rf"|[{_NO_LINE_END}]*"  # openers stick to what follows
    rf"(?:[{WIDE_CHARACTERS}]|[^\s{WIDE_CHARACTERS}{_NO_LINE_START}{_NO_LINE_END}]+|\u3000)"
    rf"[{_NO_LINE_START}]*(?:\[\d+\])*"  # closers and link markers stick to what precedes
    rf"|[{_NO_LINE_START}{_NO_LINE_END}]+"  # stray punctuation on its own
)


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells: break between any two CJK characters, between Latin
    words at spaces, and inside a Latin word only when it alone is wider than a line.
    Newlines in `text` are kept as line breaks; an empty line stays empty."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width))
    return lines


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    """Greedy wrap of one line of text (no newlines) by cells."""
    if cell_len(paragraph) <= width:
        return [paragraph.rstrip()]
    lines: list[str] = []
    current = ""
    used = 0
    for match in _WRAP_TOKEN.finditer(paragraph):
        token = match.group()
        size = cell_len(token)
        if token.isspace() and token != "\u3000":
            if used and used + size <= width:
                current += token
                used += size
            elif used:
                lines.append(current.rstrip())
                current, used = "", 0
            continue
        if used + size <= width:
            current += token
            used += size
            continue
        if used:
            lines.append(current.rstrip())
            current, used = "", 0
        while size > width:  # one token wider than a line: cut it by cells
            head = _take_cells(token, width)
            lines.append(head)
            token = token[len(head) :]
            size = cell_len(token)
        current, used = token, size
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _take_cells(s: str, width: int) -> str:
    """The longest prefix of `s` that fits in `width` cells, at least one grapheme."""
    head = _fitting_prefix(s, width)
    if head:
        return head
    spans, _total = split_graphemes(s)
    return s[: spans[0][1]] if spans else s
