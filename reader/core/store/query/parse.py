"""The query language's parser: text in, a tree of frozen nodes out, or a QuerySyntaxError that
names the column and what was expected there.

Grammar (terms side by side must all hold; OR binds tighter than that, as in mail search):
``query := group* ; group := unary ("OR" unary)* ; unary := "-" unary | "(" group* ")" | term``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIELDS = ("title", "author", "feed", "section", "link")
STATES = ("unread", "read", "starred")
AGE_UNITS = {"h": 1, "d": 24, "w": 24 * 7}

_AGE = re.compile(r"([<>])(\d{1,6})([hdw])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DELIMITERS = frozenset('()"')


class QuerySyntaxError(ValueError):
    """A query that does not parse: `column` is 1-based, `expected` says what should be there."""

    def __init__(self, column: int, expected: str) -> None:
        super().__init__(f"column {column}: {expected}")
        self.column = column
        self.expected = expected


@dataclass(frozen=True)
class Words:
    """Text to find in an article's title or text: a bare word, or a quoted phrase."""

    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Field:
    """`title:`, `author:`, `feed:`, `section:` or `link:` holding a word or phrase."""

    name: str
    text: str


@dataclass(frozen=True)
class State:
    """`is:unread`, `is:read` or `is:starred`."""

    name: str


@dataclass(frozen=True)
class Age:
    """`age:<7d` (newer than) or `age:>7d` (older than), in hours."""

    newer: bool
    hours: int


@dataclass(frozen=True)
class Day:
    """`after:DATE` (on or after that day) or `before:DATE` (before that day)."""

    after: bool
    day: date


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class All:
    """Every term holds (an empty All is a query with nothing in it)."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Any:
    """At least one term holds."""

    terms: tuple[Node, ...]


Node = Words | Field | State | Age | Day | Not | All | Any


def parse_query(text: str) -> All:
    """The tree of `text`; raises QuerySyntaxError."""
    parser = _Parser(text)
    tree = parser.sequence(closing=False)
    return tree


class _Parser:
    """Recursive descent straight over the characters (the language has no other tokens)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def fail(self, expected: str, at: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError((self.at if at is None else at) + 1, expected)

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def at_or(self) -> bool:
        end = self.at + 2
        return self.text[self.at : end] == "OR" and (
            end == len(self.text) or self.text[end].isspace() or self.text[end] in "()"
        )

    def sequence(self, *, closing: bool) -> All:
        terms: list[Node] = []
        while True:
            self.skip_space()
            char = self.peek()
            if not char:
                if closing:
                    raise self.fail("expected ')'")
                return All(tuple(terms))
            if char == ")":
                if not closing:
                    raise self.fail("unexpected ')': no '(' before it")
                return All(tuple(terms))
            if self.at_or():
                raise self.fail("expected a term before OR")
            terms.append(self.group())

    def group(self) -> Node:
        alternatives = [self.unary()]
        while True:
            mark = self.at
            self.skip_space()
            if not self.at_or():
                self.at = mark
                break
            self.at += 2
            self.skip_space()
            if not self.peek() or self.peek() == ")" or self.at_or():
                raise self.fail("expected a term after OR")
            alternatives.append(self.unary())
        return alternatives[0] if len(alternatives) == 1 else Any(tuple(alternatives))

    def unary(self) -> Node:
        char = self.peek()
        if char == "-":
            self.at += 1
            following = self.peek()
            if not following or following.isspace() or following == ")":
                raise self.fail("expected a term after '-'")
            return Not(self.unary())
        if char == "(":
            self.at += 1
            inner = self.sequence(closing=True)
            self.at += 1  # the ')' sequence stopped at
            return inner
        if char == '"':
            return Words(self.quoted(), quoted=True)
        return self.term()

    def quoted(self) -> str:
        start = self.at
        end = self.text.find('"', start + 1)
        if end < 0:
            raise self.fail("expected a closing '\"' for the one here", start)
        self.at = end + 1
        return self.text[start + 1 : end]

    def bare(self) -> str:
        start = self.at
        while self.at < len(self.text):
            char = self.text[self.at]
            if char.isspace() or char in _DELIMITERS:
                break
            self.at += 1
        return self.text[start : self.at]

    def term(self) -> Node:
        start = self.at
        word = self.bare()
        name, colon, value = word.partition(":")
        if not colon or name not in (*FIELDS, "is", "age", "after", "before"):
            return Words(word)
        value_at = start + len(name) + 1
        if name in FIELDS:
            if not value and self.peek() == '"':
                value = self.quoted()
            if not value.strip():
                raise self.fail(f"expected a word or a quoted phrase after '{name}:'", value_at)
            return Field(name, value)
        if self.peek() in _DELIMITERS - {")"} and self.peek():
            raise self.fail(f"expected a value after '{name}:'", self.at)
        if name == "is":
            if value not in STATES:
                raise self.fail("expected unread, read or starred after 'is:'", value_at)
            return State(value)
        if name == "age":
            match = _AGE.fullmatch(value)
            if match is None:
                raise self.fail(
                    "expected '<' or '>', a number and h, d or w after 'age:'", value_at
                )
            hours = int(match.group(2)) * AGE_UNITS[match.group(3)]
            return Age(newer=match.group(1) == "<", hours=hours)
        day = _parse_day(value)
        if day is None:
            raise self.fail(f"expected a date as YYYY-MM-DD after '{name}:'", value_at)
        return Day(after=name == "after", day=day)


def _parse_day(value: str) -> date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
