"""The query language's tree as SQL over `articles AS a` and the FTS5 index: one WHERE term
with its parameters, plus the FTS match that can drive the query when the top level has words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from reader.core.store.query.parse import Age, All, Any, Day, Field, Node, Not, State, Words
from reader.core.store.schema import to_micros
from reader.core.store.search import field_condition, fts_phrase, index_tokens

Variants = Callable[[str], Iterable[str]]
# Whether an FTS5 phrase is rare in the index (so narrowing a title: term by it pays).
Rare = Callable[[str], bool]

_IN_INDEX = "a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)"
_STATE_SQL = {"unread": "a.read = 0", "read": "a.read != 0", "starred": "a.starred = 1"}
# Checked in SQL first (search.field_condition); "" for an article without an author.
_TEXT_COLUMNS = {"title": "a.title", "author": "ifnull(a.author, '')"}
_FIELD_SQL = {
    "link": "words_hold(a.link, ?)",
    # Feeds and sections are few: their ids are found once, not a function call per article.
    "feed": "a.feed_id IN (SELECT id FROM feeds WHERE"
    " words_hold(coalesce(configured_title, feed_title, url), ?) OR words_hold(url, ?))",
    "section": "a.section_id IN (SELECT id FROM sections WHERE words_hold(name, ?))",
}


@dataclass(frozen=True)
class CompiledQuery:
    """`where` holds for exactly the matching articles among those `match` finds; `match` (None:
    the query holds no words every match must have) is an FTS5 query every match satisfies, for
    driving the query from the index."""

    where: str
    parameters: tuple[object, ...]
    match: str | None


NOTHING = CompiledQuery("0", (), None)


def compile_query(
    tree: All,
    *,
    now: datetime,
    zone: tzinfo = UTC,
    variants: Variants | None = None,
    rare: Rare | None = None,
) -> CompiledQuery:
    """SQL for `tree`; a query with nothing to look for (blank, or only punctuation) matches
    nothing, as a search for nothing finds nothing."""
    if not has_content(tree):
        return NOTHING
    compiler = _Compiler(now, zone, variants, rare)
    match = compiler.necessary(tree)
    if match is None:
        where = compiler.sql(tree)
    else:  # the top level's words are the match's job: only the other terms go in WHERE
        rest = [term for term in _flatten(tree) if not isinstance(term, Words)]
        where = compiler.sql(All(tuple(rest)))
    return CompiledQuery(where, tuple(compiler.parameters), match)


def has_content(node: Node) -> bool:
    """Whether `node` asks for anything: words with nothing searchable in them ask for nothing."""
    if isinstance(node, Words):
        return bool(index_tokens(node.text))
    if isinstance(node, Field):
        return True
    if isinstance(node, Not):
        return has_content(node.term)
    if isinstance(node, All | Any):
        return any(has_content(term) for term in node.terms)
    return True


class _Compiler:
    def __init__(
        self, now: datetime, zone: tzinfo, variants: Variants | None, rare: Rare | None = None
    ) -> None:
        self.rare = rare
        self.now = now
        self.zone = zone
        self.variants = variants
        self.parameters: list[object] = []

    def sql(self, node: Node) -> str:
        if isinstance(node, Words):
            match = self.words_match(node)
            if match is None:
                return "1"  # nothing searchable in it: it asks for nothing
            self.parameters.append(match)
            return _IN_INDEX
        if isinstance(node, Field):
            needle = " ".join(index_tokens(node.text))
            if not needle:
                return "0"  # a field holding no words matches no article
            if node.name in _TEXT_COLUMNS:
                sql, parameters = field_condition(_TEXT_COLUMNS[node.name], needle)
                self.parameters.extend(parameters)
                return sql
            self.parameters.extend([needle] * _FIELD_SQL[node.name].count("?"))
            return _FIELD_SQL[node.name]
        if isinstance(node, State):
            return _STATE_SQL[node.name]
        if isinstance(node, Age):
            self.parameters.append(to_micros(self.now - timedelta(hours=node.hours)))
            return "a.sort_key > ?" if node.newer else "a.sort_key <= ?"
        if isinstance(node, Day):
            midnight = datetime.combine(node.day, time(), tzinfo=self.zone)
            self.parameters.append(to_micros(midnight))
            return "a.sort_key >= ?" if node.after else "a.sort_key < ?"
        if isinstance(node, Not):
            return f"NOT ({self.sql(node.term)})"
        if not node.terms:
            return "1"
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(self.sql(term) for term in node.terms) + ")"

    def words_match(self, node: Words) -> str | None:
        if node.quoted:
            return fts_phrase(node.text, self.variants)
        # A bare word is searched as search always has: its parts, each a phrase.
        variants = self.variants
        parts = (fts_phrase(part, variants) for part in node.text.split())
        found = [part for part in parts if part]
        return " AND ".join(found) if found else None

    def necessary(self, node: Node) -> str | None:
        """An FTS5 query every article `node` matches also satisfies, or None when there is none.

        Field terms are checked in SQL row by row (cheap); the index narrows a title: term only
        when `rare` says its words are in few articles (a title's words are often in most texts).
        """
        if isinstance(node, Words):
            return self.words_match(node)
        if isinstance(node, Field) and node.name == "title" and self.rare is not None:
            phrase = fts_phrase(node.text)  # a title's words are in the index too
            return phrase if phrase and self.rare(phrase) else None
        if isinstance(node, All):
            found = [match for term in node.terms if (match := self.necessary(term))]
            return _joined(found, "AND")
        if isinstance(node, Any):
            # Every alternative must narrow, or the group as a whole does not.
            alternatives = [self.necessary(term) for term in node.terms]
            if not alternatives or None in alternatives:
                return None
            return _joined([match for match in alternatives if match], "OR")
        return None


def _joined(matches: list[str], operator: str) -> str | None:
    if len(matches) <= 1:
        return matches[0] if matches else None
    return "(" + f" {operator} ".join(f"({match})" for match in matches) + ")"


@dataclass(frozen=True, slots=True)
class Condition:
    """An SQL condition over `articles AS a` with its parameters."""

    sql: str
    parameters: tuple[object, ...]


def as_condition(query: CompiledQuery) -> Condition:
    """`query` as one self-contained condition over `articles AS a` (its index match folded in),
    for adding to other queries: filter rules, a page's highlight flags."""
    if query.match is None:
        return Condition(f"({query.where})", query.parameters)
    return Condition(f"({_IN_INDEX} AND {query.where})", (query.match, *query.parameters))


def _flatten(tree: All) -> list[Node]:
    """The terms that must all hold, with nested groups of them opened."""
    terms: list[Node] = []
    for term in tree.terms:
        terms.extend(_flatten(term) if isinstance(term, All) else [term])
    return terms
