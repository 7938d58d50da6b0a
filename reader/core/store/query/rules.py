"""The config's `[[query]]` sections and `[[filter]]` rules: checked when the config loads, so
a rule that cannot run is a config error naming its key and the query's column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from reader.core.model import Section
from reader.core.store.query.compile import has_content
from reader.core.store.query.parse import QuerySyntaxError, parse_query

FilterAction = Literal["hide", "read", "star", "highlight"]
FILTER_ACTIONS: tuple[FilterAction, ...] = ("hide", "read", "star", "highlight")


@dataclass(frozen=True, slots=True)
class QuerySection:
    """A saved search shown as a section of its own, after the feed sections."""

    name: str
    query: str


@dataclass(frozen=True, slots=True)
class FilterRule:
    """Articles `query` matches are hidden or highlighted when read, or marked read or starred
    when first stored."""

    query: str
    action: FilterAction


class RuleProblem(ValueError):
    """What is wrong with the `index`th table of `table` ("query" or "filter"), and at which
    key (None: the table itself)."""

    def __init__(self, table: str, index: int, key: str | None, message: str) -> None:
        super().__init__(message)
        self.table = table
        self.index = index
        self.key = key
        self.message = message


class Locates(Protocol):
    """Where keys and table headers are in the config's text (config._Locator)."""

    def nth_header(self, name: str, index: int) -> int | None: ...
    def key(self, key: str, table: str | None = None) -> int | None: ...
    def key_after(self, key: str, start: int | None) -> int | None: ...


def config_rules(
    data: dict[str, Any],
    sections: Sequence[Section],
    locate: Locates,
    error: Callable[[Path, str, int | None], Exception],
    path: Path,
) -> tuple[tuple[QuerySection, ...], tuple[FilterRule, ...]]:
    """The config's [[query]] and [[filter]] tables; a problem raises `error(path, message,
    line)` (the config error) with the line of the table's key at fault, else of the table."""
    try:
        queries = query_sections(data.get("query", []), {section.name for section in sections})
        return queries, filter_rules(data.get("filter", []))
    except RuleProblem as problem:
        line = locate.nth_header(problem.table, problem.index) or locate.key(problem.table)
        line = locate.key_after(problem.key, line) if problem.key else line
        raise error(path, problem.message, line) from None


def query_sections(raw: Any, section_names: set[str]) -> tuple[QuerySection, ...]:
    """The `[[query]]` tables as query sections; a name may not repeat nor be a feed section's."""
    found: list[QuerySection] = []
    for index, table in enumerate(_tables(raw, "query")):
        _known_keys(table, "query", index, ("name", "query"))
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RuleProblem("query", index, "name", "query.name: every [[query]] needs a name")
        name = name.strip()
        if name in section_names or any(other.name == name for other in found):
            raise RuleProblem(
                "query", index, "name", f"query.name: the section {name!r} appears twice"
            )
        found.append(QuerySection(name, _query(table, "query", index)))
    return tuple(found)


def filter_rules(raw: Any) -> tuple[FilterRule, ...]:
    """The `[[filter]]` tables as rules."""
    found: list[FilterRule] = []
    for index, table in enumerate(_tables(raw, "filter")):
        _known_keys(table, "filter", index, ("query", "action"))
        query = _query(table, "filter", index)
        action = table.get("action")
        if action is None:
            raise RuleProblem("filter", index, None, "filter.action: missing (hide, read, ...)")
        if action not in FILTER_ACTIONS:
            raise RuleProblem(
                "filter",
                index,
                "action",
                f"filter.action: expected one of {', '.join(FILTER_ACTIONS)}, got {action!r}",
            )
        found.append(FilterRule(query, action))
    return tuple(found)


def _tables(raw: Any, table: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise RuleProblem(table, -1, None, f"'{table}' must be an array of tables: [[{table}]]")
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise RuleProblem(table, index, None, f"each [[{table}]] must be a table")
    return raw


def _known_keys(table: dict[str, Any], name: str, index: int, keys: tuple[str, ...]) -> None:
    for key in table:
        if key not in keys:
            raise RuleProblem(name, index, key, f"{name}.{key}: unknown key")


def _query(table: dict[str, Any], name: str, index: int) -> str:
    """The table's `query`, checked to parse and to ask for something."""
    query = table.get("query")
    if query is None:
        raise RuleProblem(name, index, None, f"{name}.query: missing")
    if not isinstance(query, str):
        raise RuleProblem(name, index, "query", f"{name}.query: expected a query (text)")
    try:
        tree = parse_query(query)
    except QuerySyntaxError as error:
        raise RuleProblem(
            name,
            index,
            "query",
            f"{name}.query: {query!r}: column {error.column}: {error.expected}",
        ) from None
    if not has_content(tree):
        raise RuleProblem(name, index, "query", f"{name}.query: {query!r} looks for nothing")
    return query
