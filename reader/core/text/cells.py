"""Feed text made safe to show (control, escape, bidi and zero-width characters removed), and
measured, cut and wrapped in terminal cells.

Plain strings in and out, never markup: a title that reads ``[bold red]`` stays that text.
"""

from __future__ import annotations

import re

from rich.cells import cell_len as _rich_cell_len
from rich.cells import split_graphemes

from reader.core.text.layout import layout_lines

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


# Han, kana, Hangul, CJK punctuation and full-width forms: text that has no spaces between words.
WIDE_CHARACTERS = (
    "\u2e80-\u2fff\u3001-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff"
)


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, laid out by `layout.layout_lines` (kinsoku, whole Latin
    words, phrase breaks); newlines in `text` are kept as line breaks."""
    return layout_lines(text, max(width, 2))
