"""Is it the same story? The pure half of grouping copies of one story from several feeds.

An article's *lead* is the start of its text folded to one script (繁/简 and variants), with
datelines and reporter credits taken out and only letters and digits kept, so the copy a
portal republishes in the other script, with its own dateline and punctuation, reads the
same. Its *keys* are stable hashes of its title and first clauses in the search index's folded
form (made from the index words a parse worker makes anyway): articles that share too few are
never compared (group.py). `same_story` decides a pair exactly from the two leads.
"""

from __future__ import annotations

import re
import threading
import zlib

from reader.core.script.fold import fold_table
from reader.core.store.search import index_form_utf8

# The lead is cut from this much of the text (datelines and credits are taken out first).
TEXT_CHARS = 520
# Keys come from the title and the clauses of this many bytes of the text's index words: about
# 160 characters of Chinese (five bytes each there, a space either side), enough for MAX_KEYS
# clauses. Bytes, so the words are cut without decoding them (a clause cut short makes a key
# that a copy cut at the same place shares, or none).
KEY_BYTES = 720
# Shingles are compared over this many characters of the lead.
LEAD_CHARS = 400
# A span shorter than this (letters and digits only, UTF-8 bytes: 8 Chinese characters or 24
# Latin letters) makes no key: too likely to repeat.
MIN_SPAN_BYTES = 24
MAX_KEYS = 8

# Decision thresholds, chosen on the labelled pairs (bench/eval_dedup.py; README figures).
MIN_SHINGLES = 12  # a lead with fewer character 3-shingles is too short to judge
MIN_CONTAINMENT = 0.55  # shared shingles over the shorter lead's
MIN_JACCARD = 0.3  # shared over all (keeps a short summary from matching a long body loosely)
# Of the figures of the lead with fewer, this share must be in the other's, in the same order.
MIN_NUMBERS_SHARED = 0.8

# 2026年01月30日星期五: a date the page puts before the text.
_DATE = re.compile(r"^[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日(?:星期.)?\s*")
# 新华社北京12月1日电, 中新网郑州3月17日电, 本报讯: a dateline at the start of the text.
_DATELINE = re.compile(
    r"^[^。，,\n]{0,24}?(?:[0-9〇零一二三四五六七八九十]{1,3}月[0-9〇零一二三四五六七八九十]{1,3}日)?"
    r"(?:电|讯|電|訊)(?=[ \u3000（(「“\"A-Za-z0-9\u4e00-\u9fff])"
)
# （记者 张三）, (通讯员 李四), 【编者按】: short bracketed asides, wherever they are.
_ASIDE = re.compile(r"[（(【\[][^（）()【】\[\]\n]{0,30}[）)】\]]")
# Spans end at sentence and clause punctuation: a portal that edits a sentence (星期四 for
# 1月29日) still leaves most of its clauses as they were.
_SPAN_ENDS = "。！？!?；;，,：:、\n"
# A figure, not a date or a time (those a portal rewrites: 28日 becomes 星期三).
_NUMBER = re.compile(r"[0-9]+(?![0-9年月日时分秒])")
# The day of the month an event is dated (17日): two texts naming only other days than each
# other tell of different days (the same official in another city the next day).
_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})日")


_fold: tuple[int | str | None, ...] | None = None
_fold_lock = threading.Lock()


def _fold_tuple() -> tuple[int | str | None, ...]:
    """One `str.translate` table (a tuple indexed by code point, markedly faster than a dict)
    that folds to one script, turns span-ending punctuation into a newline and drops every
    other character that is not a letter or digit; built on first use (a parse pool warms it).
    """
    global _fold
    with _fold_lock:
        if _fold is None:
            fold = fold_table()
            entries: list[int | str | None] = []
            for code in range(0x10000):
                char = chr(fold.get(code, code))
                if chr(code) in _SPAN_ENDS:
                    entries.append("\n")
                elif char.isalnum():
                    entries.append(ord(char))
                else:
                    entries.append(None)
            _fold = tuple(entries)
        return _fold


def _strip_credits(start: str) -> str:
    """The text without its leading date and dateline and its bracketed asides."""
    for pattern in (_DATE, _DATELINE):
        found = pattern.match(start)
        if found:
            start = start[found.end() :]
    if "（" in start or "(" in start or "【" in start or "[" in start:
        start = _ASIDE.sub("", start)
    return start


def lead_spans(text: str, chars: int = TEXT_CHARS) -> list[str]:
    """The spans of the first `chars` of `text` between sentence and clause punctuation,
    folded to one script, letters and digits only."""
    table = _fold if _fold is not None else _fold_tuple()
    start = _strip_credits(text[:chars].lstrip())
    return [span for span in start.translate(table).split("\n") if span]


def lead_of(spans: list[str]) -> str:
    """The lead compared for similarity: the spans joined, cut to LEAD_CHARS."""
    return "".join(spans)[:LEAD_CHARS]


def keys_of(spans: list[bytes]) -> tuple[int, ...]:
    """Stable 63-bit hashes (CRC-32 and Adler-32 side by side) of the first MAX_KEYS distinct
    spans (UTF-8) long enough to be telling (never Python's salted hash(): keys are stored and
    compared across runs)."""
    keys: list[int] = []
    for span in dict.fromkeys(spans):
        if len(span) >= MIN_SPAN_BYTES:
            keys.append((zlib.crc32(span) << 31) ^ zlib.adler32(span))
            if len(keys) == MAX_KEYS:
                break
    return tuple(keys)


# Between clauses in the search index's form of a text: sentence and clause punctuation (the
# index keeps , ; : ! ? ( ) . as ASCII), and three spaces (。、「」 become a space, and each
# Chinese character has a space either side, so two characters are two spaces apart).
_INDEX_CLAUSE_ENDS = bytes.maketrans(b",;:!?()[].\n", b"\0" * 11)


def keys_of_words(words: bytes) -> tuple[int, ...]:
    """The keys of an article from its search index words (`article_words_utf8`: the title, a
    newline, the text): its title's and first clauses, folded and without spaces (datelines and
    credits make keys that simply never match). A cut of the words a parse worker makes anyway,
    so keys cost no folding of their own."""
    head = words[: words.find(b"\n") + 1 + KEY_BYTES]
    marked = head.replace(b"   ", b"\0").translate(_INDEX_CLAUSE_ENDS, b" ")
    return keys_of(marked.split(b"\0"))


def story_keys(title: str, text: str) -> tuple[int, ...]:
    """The keys of an article (its title and plain text)."""
    return keys_of_words(index_form_utf8(f"{title}\n{text}"))


def story_lead(text: str) -> str:
    """The lead of an article's plain text: derived only for articles compared."""
    return lead_of(lead_spans(text))


def story_signature(title: str, text: str) -> tuple[str, tuple[int, ...]]:
    """(lead, keys) of an article."""
    return story_lead(text), story_keys(title, text)


def _shingles(lead: str) -> set[str]:
    return {lead[i : i + 3] for i in range(len(lead) - 2)}


def similarity(lead_a: str, lead_b: str) -> tuple[float, float]:
    """(containment, Jaccard) of the two leads' character 3-shingles."""
    a, b = _shingles(lead_a), _shingles(lead_b)
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)), shared / (len(a) + len(b) - shared)


def numbers_agree(lead_a: str, lead_b: str) -> bool:
    """Whether the figures of the text with fewer agree with the other's, in order: most of
    them (MIN_NUMBERS_SHARED) form a subsequence of the other's. The same template with other
    figures (next month's prices, another item's number) is another story; a copy that drops
    a figure is not."""
    numbers_a, numbers_b = _NUMBER.findall(lead_a), _NUMBER.findall(lead_b)
    if len(numbers_a) > len(numbers_b):
        numbers_a, numbers_b = numbers_b, numbers_a
    if not numbers_a:
        return True
    # The longest common subsequence, by the usual table (a lead holds few figures).
    previous = [0] * (len(numbers_b) + 1)
    for number in numbers_a:
        current = [0]
        for index, other in enumerate(numbers_b):
            current.append(
                previous[index] + 1 if number == other else max(previous[index + 1], current[-1])
            )
        previous = current
    return previous[-1] / len(numbers_a) >= MIN_NUMBERS_SHARED


def days_agree(lead_a: str, lead_b: str) -> bool:
    """False when both leads name days of the month and none is the same."""
    days_a, days_b = set(_DAY.findall(lead_a)), set(_DAY.findall(lead_b))
    return not (days_a and days_b and not days_a & days_b)


def same_story(lead_a: str, lead_b: str) -> bool:
    """Whether two leads tell the same story: most shingles of the shorter are in the longer,
    enough of both are shared, their figures agree and they are dated the same day."""
    if len(lead_a) < MIN_SHINGLES + 2 or len(lead_b) < MIN_SHINGLES + 2:
        return False
    containment, jaccard = similarity(lead_a, lead_b)
    return (
        containment >= MIN_CONTAINMENT
        and jaccard >= MIN_JACCARD
        and numbers_agree(lead_a, lead_b)
        and days_agree(lead_a, lead_b)
    )
