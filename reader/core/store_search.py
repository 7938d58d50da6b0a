"""What the search index holds and how a user's query becomes a safe FTS5 query.

Text is folded to one script (``fold_for_search``) and every CJK character becomes its own
token: the unicode61 tokenizer then indexes one token per Han character, so one- and
two-character queries (郑州, 台湾) are found, which the trigram tokenizer cannot do. A query is
folded the same way and sent as FTS5 phrases, so its characters must be adjacent and in order.
Latin words stay whole words (unicode61 also lower-cases them).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Iterable

from reader.core.fold import fold_for_search, fold_table

# The index is built from the title and `plain_text` of the stored HTML, never from text the
# parser handed over: the contentless index can only delete an article by giving the very words
# it was indexed with, so those words must be re-derivable from what is stored, by code this
# module owns. Change `plain_text` (or anything it depends on) and bump this: the next start
# rebuilds the index.
INDEX_TEXT_VERSION = 1

_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_BREAKING_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|hr|section|article"
    r"|header|footer|figure|figcaption|aside|main|nav|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")
_LINE_BREAKS = re.compile(r"\s*\n\s*")

# CJK radicals, punctuation, kana, bopomofo, unified ideographs (with extension A), Hangul
# syllables, compatibility ideographs, and the supplementary ideograph planes.
_CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]+"
)
# What unicode61 keeps as part of a token: letters, digits, and private-use characters.
_WORD_CHARACTER = re.compile(r"[^\W_]", re.UNICODE)


# (first, last) code points of the BMP ranges in _CJK_RUN; supplementary-plane characters are
# rare and left to the regex.
_BMP_CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)  # fmt: skip
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

_index_table: dict[int, int | str] | None = None
_index_table_lock = threading.Lock()


def _load_index_table() -> dict[int, int | str]:
    """Folding and spacing in one `str.translate` table: each BMP CJK character maps to its
    folded form with a space either side, every other folded character to its folding. Built
    on first use (about 40,000 entries, 20 ms), never at import."""
    global _index_table
    with _index_table_lock:
        if _index_table is None:
            fold = fold_table()
            table: dict[int, int | str] = dict(fold)
            for first, last in _BMP_CJK_RANGES:
                for code in range(first, last + 1):
                    table[code] = f" {chr(fold.get(code, code))} "
            _index_table = table
        return _index_table


def plain_text(html_fragment: str) -> str:
    """The words of stored HTML: tags out, entities decoded, one blank line between blocks.

    Deliberately simple and ours (regular expressions, no parser): it decides what the index
    holds, so it must give the same answer for the same bytes for as long as
    INDEX_TEXT_VERSION stays the same. About 20 microseconds for a 7 KB body.
    """
    if "<" not in html_fragment and "&" not in html_fragment:
        text = html_fragment
    else:
        text = _DROPPED_ELEMENTS.sub(" ", html_fragment)
        text = _BREAKING_TAG.sub("\n", text)
        text = html.unescape(_ANY_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in _LINE_BREAKS.split(text))
    return "\n\n".join(line for line in lines if line)


def article_text(summary_html: str, content_html: str) -> str:
    """An article's plain text as the cache knows it: its content's, else its summary's."""
    return plain_text(content_html) or plain_text(summary_html)


def article_words(title: str, summary_html: str, content_html: str) -> str:
    """What the index holds for one article, from what the cache stores of it."""
    return index_words(title, article_text(summary_html, content_html))


def index_words(title: str, text: str) -> str:
    """The string put in the index for one article: folded, each CJK character set apart.

    One C-level `translate` pass instead of a regex callback per CJK run (0.14 ms instead of
    0.34 ms for a 2,000-character article); the words are the same, only spacing differs, and
    the tokenizer ignores spacing, so old index entries still match for deletion.
    """
    joined = f"{title}\n{text}"
    if _ASTRAL.search(joined):
        return _spaced(fold_for_search(joined))
    table = _index_table if _index_table is not None else _load_index_table()
    return joined.translate(table)


def fts_query(
    user_query: str, variants: Callable[[str], Iterable[str]] | None = None
) -> str | None:
    """The FTS5 query for what the user typed, or None when it holds nothing searchable.

    Each whitespace-separated part becomes one quoted phrase (quotes doubled), so FTS5 syntax
    the user types (AND, OR, NOT, *, -, ^, :, parentheses, quotes) is searched as text and can
    never make the query fail. Parts are ANDed. With `variants`, each part also matches its
    other spellings (软件 OR 軟體), so regional wording does not hide articles.
    """
    groups: list[str] = []
    for part in user_query.split():
        spellings = [part, *(variants(part) if variants else ())]
        phrases: list[str] = []
        for spelling in spellings:
            spaced = _spaced(fold_for_search(spelling)).strip()
            if not _WORD_CHARACTER.search(spaced):
                continue
            phrase = '"' + spaced.replace('"', '""') + '"'
            if phrase not in phrases:
                phrases.append(phrase)
        if phrases:
            groups.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    if not groups:
        return None
    return " AND ".join(groups)


def _spaced(text: str) -> str:
    """Every CJK character as its own word; other text unchanged."""
    return _CJK_RUN.sub(_space_run, text)


def _space_run(run: re.Match[str]) -> str:
    return " " + " ".join(run.group()) + " "
