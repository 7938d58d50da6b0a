"""What the search index holds and how a user's query becomes a safe FTS5 query.

Text is folded to one script (``fold_for_search``) and every CJK character becomes its own
token: the unicode61 tokenizer then indexes one token per Han character, so one- and
two-character queries (郑州, 台湾) are found, which the trigram tokenizer cannot do. A query is
folded the same way and sent as FTS5 phrases, so its characters must be adjacent and in order.
Latin words stay whole words (unicode61 also lower-cases them).
"""

from __future__ import annotations

import re

from reader.core.fold import fold_for_search

# CJK radicals, punctuation, kana, bopomofo, unified ideographs (with extension A), Hangul
# syllables, compatibility ideographs, and the supplementary ideograph planes.
_CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]+"
)
# What unicode61 keeps as part of a token: letters, digits, and private-use characters.
_WORD_CHARACTER = re.compile(r"[^\W_]", re.UNICODE)


def index_words(title: str, text: str) -> str:
    """The string put in the index for one article: folded, each CJK character set apart."""
    return _spaced(fold_for_search(f"{title}\n{text}"))


def fts_query(user_query: str) -> str | None:
    """The FTS5 query for what the user typed, or None when it holds nothing searchable.

    Each whitespace-separated part becomes one quoted phrase (quotes doubled), so FTS5 syntax
    the user types (AND, OR, NOT, *, -, ^, :, parentheses, quotes) is searched as text and can
    never make the query fail. Parts are ANDed.
    """
    phrases: list[str] = []
    for part in fold_for_search(user_query).split():
        spaced = _spaced(part).strip()
        if not _WORD_CHARACTER.search(spaced):
            continue
        phrases.append('"' + spaced.replace('"', '""') + '"')
    if not phrases:
        return None
    return " ".join(phrases)


def _spaced(text: str) -> str:
    """Every CJK character as its own word; other text unchanged."""
    return _CJK_RUN.sub(_space_run, text)


def _space_run(run: re.Match[str]) -> str:
    return " " + " ".join(run.group()) + " "
