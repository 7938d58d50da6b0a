"""Build the table of which characters make words in the search index, as a generated module.

The index uses FTS5's `ascii` tokenizer, which splits only on ASCII punctuation and spaces and
folds only ASCII case: about 40 % cheaper per article than `unicode61`, whose per-character
Unicode lookups were most of a cold refresh's time on the store's one writer thread. What
`unicode61` did for other characters is done once, in the same `str.translate` pass that folds
and spaces out CJK characters (`store_search.index_words`), from this table:

- separators (punctuation, symbols, spaces, controls, unassigned code points) become spaces;
- combining marks (and the soft hyphen) are dropped, so e + U+0301 indexes as e;
- Latin letters with diacritics become their base letter (é -> e), as `remove_diacritics` did.

The table is generated (`python -m reader.core.index_chars_build`) rather than computed from
`unicodedata` at run time: a contentless index deletes an article by repeating the words it was
indexed with, so those words must not change when Python's Unicode version does. A test checks
the file against the running Python when their Unicode versions agree.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

DATA_MODULE_PATH = Path(__file__).with_name("_index_chars.py")

_DROPPED_EXTRA = frozenset({0x00AD})  # soft hyphen: an invisible break inside a word


def classify(code: int) -> str | None:
    """How the index treats one non-ASCII BMP character: " " (separator), "" (dropped), a base
    letter (its diacritics removed), or None (a word character kept as it is)."""
    char = chr(code)
    category = unicodedata.category(char)
    if category[0] == "M" or code in _DROPPED_EXTRA:
        return ""
    if category[0] in "LN" or category == "Co":
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if (
            marks
            and base.isascii()
            and base.isalpha()
            and all(unicodedata.category(mark)[0] == "M" for mark in marks)
        ):
            return base.lower()
        return None
    return " "


def build_tables() -> tuple[list[tuple[int, int]], list[tuple[int, int]], dict[str, str]]:
    """(separator ranges, dropped ranges, {letter: base letter}) over non-ASCII BMP characters."""
    separators: list[tuple[int, int]] = []
    dropped: list[tuple[int, int]] = []
    stripped: dict[str, str] = {}
    for code in range(0x80, 0x10000):
        kind = classify(code)
        if kind == " ":
            _extend(separators, code)
        elif kind == "":
            _extend(dropped, code)
        elif kind is not None:
            stripped[chr(code)] = kind
    return separators, dropped, stripped


def _extend(ranges: list[tuple[int, int]], code: int) -> None:
    if ranges and ranges[-1][1] == code - 1:
        ranges[-1] = (ranges[-1][0], code)
    else:
        ranges.append((code, code))


def _ranges_source(name: str, ranges: list[tuple[int, int]]) -> str:
    """Ranges as "first-last" hex pairs in string pieces (`parse_ranges` reads them back)."""
    items = [f"{first:04X}-{last:04X}" for first, last in ranges]
    pieces = [" ".join(items[i : i + 8]) + " " for i in range(0, len(items), 8)]
    body = "\n".join(f'    "{piece}"' for piece in pieces)
    return f"{name} = (\n{body}\n)\n"


def parse_ranges(pieces: str) -> list[tuple[int, int]]:
    """The (first, last) code point pairs of a generated ranges string."""
    pairs = (item.split("-") for item in pieces.split())
    return [(int(first, 16), int(last, 16)) for first, last in pairs]


def _string_source(name: str, text: str) -> str:
    pieces = [text[i : i + 16] for i in range(0, len(text), 16)]
    body = "\n".join(f'    "{ascii(piece)[1:-1]}"' for piece in pieces)
    return f"{name} = (\n{body}\n)\n"


def render_module() -> str:
    """The source text of the generated module, for the running Python's Unicode version."""
    separators, dropped, stripped = build_tables()
    sources, targets = "".join(stripped), "".join(stripped.values())
    digest = hashlib.sha256(
        repr((separators, dropped, sources, targets)).encode("ascii", "backslashreplace")
    ).hexdigest()[:16]
    return (
        '"""Search index word characters: `python -m reader.core.index_chars_build`'
        ' writes this file."""\n\n'
        f'UNICODE_VERSION = "{unicodedata.unidata_version}"\n'
        f'DIGEST = "{digest}"\n'
        "# Non-ASCII BMP characters that separate words: indexed as spaces.\n"
        + _ranges_source("SEPARATOR_RANGES", separators)
        + "# Combining marks and the soft hyphen: dropped.\n"
        + _ranges_source("DROPPED_RANGES", dropped)
        + "# STRIPPED_SOURCES[i] (a letter with diacritics) indexes as STRIPPED_TARGETS[i].\n"
        + _string_source("STRIPPED_SOURCES", sources)
        + _string_source("STRIPPED_TARGETS", targets)
    )


def main() -> None:
    DATA_MODULE_PATH.write_text(render_module(), encoding="utf-8")
    print(f"wrote {DATA_MODULE_PATH} (Unicode {unicodedata.unidata_version})")


if __name__ == "__main__":
    main()
