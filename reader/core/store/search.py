"""What the search index holds and how a user's query becomes a safe FTS5 query.

Text and queries are folded to one script and every CJK character becomes its own word, so one-
and two-character queries (郑州, 台湾) are found, which the trigram tokenizer cannot do.
"""

from __future__ import annotations

import array
import codecs
import html
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable

from reader.core.script.fold import fold_table

try:  # the loop of index_form_utf8 in C: an optional build (without it, charmap_encode)
    from reader.core.store import _index_words
except ImportError:  # pragma: no cover (a build without a C compiler)
    _index_words = None  # type: ignore[assignment]

# The index is built from the title and `plain_text` of the stored HTML, never from text the
# parser handed over: the contentless index can only delete an article by giving the very words
# it was indexed with, so those words must be re-derivable from what is stored, by code this
# module owns. Change `plain_text` or `index_form` (or anything they depend on) and bump this:
# the next start rebuilds the index. 2: the `ascii` tokenizer and our own word characters.
INDEX_TEXT_VERSION = 2

# The index table: contentless, one row per article. Rebuilt, not migrated, whenever this
# definition or INDEX_TEXT_VERSION changes (reindex.reindex_if_changed). SQLite keeps the text as
# given, which is how a changed definition is noticed.
SEARCH_INDEX_DDL = """CREATE VIRTUAL TABLE article_fts USING fts5 (
    words,
    content = '',
    columnsize = 0,
    tokenize = 'ascii'
)"""
# Merge index segments once 8 of a size have piled up (FTS5's default: 4): a refresh spends
# less time writing the index, and searches measured the same.
SEARCH_INDEX_SETTINGS = "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 8)"


def create_search_index(connection: sqlite3.Connection) -> None:
    """Create the (empty) index table as defined now, with its settings."""
    connection.execute(SEARCH_INDEX_DDL)
    connection.execute(SEARCH_INDEX_SETTINGS)


_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_BREAKING_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|hr|section|article"
    r"|header|footer|figure|figcaption|aside|main|nav|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")

# (first, last) code points of the BMP ranges whose characters are each indexed as a word of
# their own: CJK radicals, kana, bopomofo, unified ideographs (with extension A), Hangul
# syllables, compatibility ideographs. Supplementary-plane ideographs are handled apart.
_BMP_CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)  # fmt: skip
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_IDEOGRAPHS = (0x20000, 0x3FFFF)
# A word as the `ascii` tokenizer sees one once `index_form` has run: ASCII letters and digits
# and every non-ASCII character left (all others became spaces).
_TOKEN = re.compile("[0-9A-Za-z\u0080-\U0010ffff]+")

_index_table: tuple[int | str | None, ...] | None = None
_index_table_lock = threading.Lock()
_utf8_table: tuple[bytes, ...] | None = None


def _load_index_table() -> tuple[int | str | None, ...]:
    """Folding, word splitting and spacing in one `str.translate` table, built on first use
    (never at import); supplementary-plane characters are left to `_astral_form`."""
    # Each BMP CJK character maps to its folded form with a space either side, separators to a
    # space, combining marks to nothing, accented Latin letters to their base letter, every
    # other folded character to its folding (scripts/build_index_chars.py makes the ranges).
    # A tuple indexed by code point, not a dict: `translate` looks up every character, and a
    # tuple lookup makes the pass markedly faster.
    global _index_table
    with _index_table_lock:
        if _index_table is None:
            from reader.core.store import _index_chars as chars

            own: dict[int, str | None] = {}
            for first, last in parse_ranges("".join(chars.SEPARATOR_RANGES)):
                own.update(dict.fromkeys(range(first, last + 1), " "))
            for first, last in parse_ranges("".join(chars.DROPPED_RANGES)):
                own.update(dict.fromkeys(range(first, last + 1)))
            sources, targets = "".join(chars.STRIPPED_SOURCES), "".join(chars.STRIPPED_TARGETS)
            own.update(zip(map(ord, sources), targets, strict=True))
            table: dict[int, int | str | None] = dict(own)
            fold = fold_table()
            for code, target in fold.items():  # a folded character indexes as its folding does
                table[code] = own[target] if target in own else target
            for first, last in _BMP_CJK_RANGES:
                for code in range(first, last + 1):
                    table[code] = f" {chr(fold.get(code, code))} "
            _index_table = tuple(table.get(code, code) for code in range(0x10000))
        return _index_table


def _load_utf8_table() -> tuple[bytes, ...]:
    """The translate table with each BMP character's result as UTF-8 bytes (b"" when dropped),
    for `codecs.charmap_encode`; built on first use, from the translate table itself."""
    global _utf8_table, _index_words
    table = _index_table if _index_table is not None else _load_index_table()
    with _index_table_lock:
        if _utf8_table is None:
            results = tuple(
                b"" if target is None
                else (chr(target) if isinstance(target, int) else target).encode("utf-8")
                for target in table
            )  # fmt: skip
            if _index_words is not None:
                try:
                    _index_words.set_table(*_flattened(results))
                except ValueError:  # a table the loop cannot take: charmap_encode's path
                    _index_words = None  # type: ignore[assignment]
            # Published last: another thread that sees the table finds the C loop ready.
            _utf8_table = results
        return _utf8_table


def _flattened(table: tuple[bytes, ...]) -> tuple[bytes, bytes, bytes]:
    """The UTF-8 table as the C loop reads it: each code point's offset into one blob (native
    uint32), its length (uint8), and the blob of every result one after another."""
    offsets = array.array("I")
    blob = bytearray()
    for result in table:
        offsets.append(len(blob))
        blob += result
    return offsets.tobytes(), bytes(map(len, table)), bytes(blob)


def parse_ranges(pieces: str) -> list[tuple[int, int]]:
    """The (first, last) code point pairs of a generated ranges string."""
    pairs = (item.split("-") for item in pieces.split())
    return [(int(first, 16), int(last, 16)) for first, last in pairs]


def plain_text(html_fragment: str) -> str:
    """The words of stored HTML: tags out, entities decoded, one blank line between blocks.

    Deliberately simple and ours (regular expressions, no parser): it decides what the index
    holds, so it must give the same answer for the same bytes while INDEX_TEXT_VERSION stands.
    """
    if "<" not in html_fragment and "&" not in html_fragment:
        text = html_fragment
    else:
        text = _DROPPED_ELEMENTS.sub(" ", html_fragment)
        text = _BREAKING_TAG.sub("\n", text)
        text = html.unescape(_ANY_TAG.sub("", text))
    # Split at each newline, then squeeze each line's whitespace: the same lines as splitting
    # at whitespace runs holding a newline (the blank ones are dropped either way), without a
    # regular expression trying every position of the text.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def article_text(summary_html: str, content_html: str) -> str:
    """An article's plain text as the cache knows it: its content's, else its summary's."""
    return plain_text(content_html) or plain_text(summary_html)


def article_words(title: str, summary_html: str, content_html: str) -> str:
    """What the index holds for one article, from what the cache stores of it."""
    return index_words(title, article_text(summary_html, content_html))


def article_words_utf8(title: str, summary_html: str, content_html: str) -> bytes:
    """`article_words(...)` encoded as UTF-8, the form a parse worker hands to the store."""
    return index_form_utf8(f"{title}\n{article_text(summary_html, content_html)}")


def index_words(title: str, text: str) -> str:
    """The string put in the index for one article (see `index_form`)."""
    return index_form(f"{title}\n{text}")


def index_form_utf8(text: str) -> bytes:
    """`index_form(text).encode()`, in one pass from the text to the bytes.

    Each character is looked up in a table of UTF-8 results (by the C loop in `_index_words`
    when it was built, else by `charmap_encode`), so the spaced-out string is never built and
    never encoded apart; supplementary-plane text (rare) takes `index_form`.
    """
    table = _utf8_table if _utf8_table is not None else _load_utf8_table()
    if _index_words is not None:
        words = _index_words.encode(text)  # None: supplementary-plane characters
        if words is not None:
            return words
    if _ASTRAL.search(text):
        return index_form(text).encode()
    return codecs.charmap_encode(text, "strict", table)[0]


def index_form(text: str) -> str:
    """Text as the index holds it: folded, each CJK character set apart as a word, separators
    as spaces, diacritics off Latin letters, in one `translate` pass.

    Done before the `ascii` tokenizer sees the text, which makes indexing much cheaper than
    `unicode61`; spacing may differ between versions (the tokenizer ignores it), words not.
    """
    table = _index_table if _index_table is not None else _load_index_table()
    words = text.translate(table)
    if _ASTRAL.search(text):  # the input: half as long as the spaced-out words
        words = _ASTRAL.sub(_astral_form, words)
    return words


def _astral_form(match: re.Match[str]) -> str:
    """A supplementary-plane ideograph is a word of its own (folded: compatibility ideographs
    to their unified form); anything else there (emoji, symbols, rare scripts) separates
    words, whatever Python's Unicode version says of it."""
    code = ord(match.group())
    first, last = _ASTRAL_IDEOGRAPHS
    if not first <= code <= last:
        return " "
    return f" {chr(fold_table().get(code, code))} "


def fts_query(
    user_query: str, variants: Callable[[str], Iterable[str]] | None = None
) -> str | None:
    """The FTS5 query for what the user typed, or None when it holds nothing searchable.

    Each whitespace-separated part becomes one quoted phrase, all ANDed, so FTS5 syntax the user
    types is searched as text and can never make the query fail; with `variants`, each part also
    matches its other spellings (软件 OR 軟體).
    """
    groups = [group for part in user_query.split() if (group := fts_phrase(part, variants))]
    if not groups:
        return None
    return " AND ".join(groups)


def fts_phrase(text: str, variants: Callable[[str], Iterable[str]] | None = None) -> str | None:
    """`text` as one FTS5 phrase (or its spellings' phrases ORed), None when nothing in it is
    searchable; only index words go between the quotes, so it can never be FTS5 syntax."""
    spellings = [text, *(variants(text) if variants else ())]
    phrases: list[str] = []
    for spelling in spellings:
        tokens = _TOKEN.findall(index_form(spelling))
        if not tokens:
            continue
        phrase = '"' + " ".join(tokens) + '"'
        if phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        return None
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def index_tokens(text: str) -> list[str]:
    """The words the index would hold for `text`, as it compares them (ASCII case folded)."""
    return _TOKEN.findall(index_form(text).translate(_ASCII_LOWER))


def words_hold(text: str | None, needle: str | None) -> int:
    """1 when `needle` (words joined by single spaces, as `index_tokens` gives them) occurs in
    `text` word for word, else 0; the SQL function behind `title:`, `author:` and the like."""
    if not text or not needle:
        return 0
    return int(f" {needle} " in " " + " ".join(index_tokens(text)) + " ")


# ---- field terms (title:, author:) in SQL, with Python only where SQL cannot decide ---------

_MAX_SPELLINGS = 32  # contiguous spellings tried with instr() before leaving it to words_hold
_MAX_SOURCES = 8  # a character with more sources than this is not pre-checked

_sources: dict[str, tuple[str, ...]] | None = None
_sources_lock = threading.Lock()


def _is_cjk(char: str) -> bool:
    """Whether the index makes `char` a word of its own (a BMP CJK character)."""
    return any(first <= ord(char) <= last for first, last in _BMP_CJK_RANGES)


def _cjk_sources(char: str) -> tuple[str, ...]:
    """The characters whose index form is the CJK character `char`: itself and those that fold
    to it (鄭 for 郑); built on first use by inverting the folding table."""
    global _sources
    if _sources is None:
        with _sources_lock:  # two threads may both build it: the same table either way
            found: dict[str, list[str]] = {}
            for code, target in fold_table().items():
                found.setdefault(chr(target), []).append(chr(code))
            _sources = {target: tuple(chars) for target, chars in found.items()}
    return (char, *_sources.get(char, ()))


def field_condition(column: str, needle: str) -> tuple[str, list[object]]:
    """SQL that holds exactly when `words_hold(column, needle)` does, cheaper: for words of
    Chinese characters, instr() finds the usual spellings and rules out texts lacking one of
    the characters, so the Python function runs only on the few rows left in between."""
    tokens = needle.split()
    if not tokens:
        return "0", []
    exact = f"words_hold({column}, ?)"
    checks: list[str] = []
    parameters: list[object] = []
    for token in tokens:
        if len(token) == 1 and _is_cjk(token):
            chars = _cjk_sources(token)
            if len(chars) <= _MAX_SOURCES:
                checks.append("(" + " OR ".join(f"instr({column}, ?)" for _ in chars) + ")")
                parameters.extend(chars)
    if not checks:
        return exact, [needle]
    sql = "(" + " AND ".join(checks) + f" AND {exact})"
    parameters.append(needle)
    spellings = _spellings(tokens)
    if spellings:
        sql = "(" + " OR ".join(f"instr({column}, ?)" for _ in spellings) + f" OR {sql})"
        parameters[:0] = spellings
    return sql, parameters


def _spellings(tokens: list[str]) -> list[str]:
    """The contiguous spellings of a needle of single CJK characters whose every source
    indexes as that character alone (so finding one means the words hold), or [] when there
    are too many or a token is not such a character."""
    table = _load_index_table()
    options: list[list[str]] = []
    for token in tokens:
        if len(token) != 1 or not _is_cjk(token):
            return []
        spaced = f" {token} "
        alone = [c for c in _cjk_sources(token) if ord(c) <= 0xFFFF and table[ord(c)] == spaced]
        if not alone:
            return []
        options.append(alone)
    spellings = [""]
    for choices in options:
        spellings = [start + choice for start in spellings for choice in choices]
        if len(spellings) > _MAX_SPELLINGS:
            return []
    return spellings
