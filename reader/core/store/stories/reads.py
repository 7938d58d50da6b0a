"""Lists that show a story once: the SQL that keeps only a story's first copy among the rows a
list would show, counts that count a story once, and the other copies of each listed article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from reader.core.model import Listing
from reader.core.store.connection import Database

_ALIAS = re.compile(r"\ba\.")


def first_of_story(where: str, parameters: Sequence[object]) -> tuple[str, list[object]]:
    """A condition over `articles AS a`: the article is alone, or no copy of its story that
    `where` also picks comes before it (earlier published, then smaller id). `where` is the
    list's own condition over `a`, asked again of each copy."""
    inner = _ALIAS.sub("story_copy.", where) if where else "1"
    sql = (
        "(a.story_id IS NULL OR NOT EXISTS (SELECT 1 FROM articles AS story_copy"
        " WHERE story_copy.story_id = a.story_id AND (story_copy.sort_key < a.sort_key"
        " OR (story_copy.sort_key = a.sort_key AND story_copy.id < a.id))"
        f" AND {inner}))"
    )
    return sql, list(parameters)


def later_copies(database: Database, where: str, parameters: Sequence[object]) -> int:
    """How many rows `where` picks that are not their story's first copy there: what a count of
    stories subtracts from a count of articles. Walks only the articles of stories (a small
    partial index), so counts stay as cheap as they were."""
    first, first_parameters = first_of_story(where, parameters)
    rows = database.read(
        "SELECT count(*) FROM articles AS a INDEXED BY articles_by_story"
        f" WHERE a.story_id IS NOT NULL AND ({where or '1'}) AND NOT {first}",
        (*parameters, *first_parameters),
    )
    return int(rows[0][0])


def later_copies_by_section(
    database: Database, extra: str, parameters: Sequence[object]
) -> dict[int, int]:
    """Section id -> unread articles there that are not their story's first unread copy in the
    section (`extra`: more conditions over `a`, such as the hide rules)."""
    where = "a.section_id = story_section.id AND a.read = 0" + extra
    inner = _ALIAS.sub("story_copy.", where)
    rows = database.read(
        "SELECT a.section_id, count(*) FROM articles AS a INDEXED BY articles_by_story"
        " JOIN sections AS story_section ON story_section.id = a.section_id"
        f" WHERE a.story_id IS NOT NULL AND {where}"
        " AND EXISTS (SELECT 1 FROM articles AS story_copy"
        " WHERE story_copy.story_id = a.story_id AND (story_copy.sort_key < a.sort_key"
        " OR (story_copy.sort_key = a.sort_key AND story_copy.id < a.id))"
        f" AND {inner}) GROUP BY a.section_id",
        (*parameters, *parameters),
    )
    return {int(section_id): int(count) for section_id, count in rows}


def story_copies(database: Database, story_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Story id -> [(article id, feed title)] of its copies in configured feeds, earliest
    first."""
    copies: dict[int, list[tuple[int, str]]] = {}
    ids = sorted(set(story_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = database.read(
            "SELECT a.story_id, a.id, coalesce(f.configured_title, f.feed_title, f.url)"
            " FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id"
            f" WHERE a.story_id IN ({','.join('?' * len(chunk))})"
            " AND a.section_id IS NOT NULL ORDER BY a.sort_key, a.id",
            chunk,
        )
        for story_id, article_id, feed_title in rows:
            copies.setdefault(int(story_id), []).append((int(article_id), str(feed_title)))
    return copies


def with_copies(database: Database, listings: list[Listing]) -> list[Listing]:
    """The page with each article's other copies (`same_story`) and the feeds they are from
    (`also_in`, without the article's own feed): one query for the page."""
    story_ids = [listing.story_id for listing in listings if listing.story_id is not None]
    if not story_ids:
        return listings
    copies = story_copies(database, story_ids)
    result: list[Listing] = []
    for listing in listings:
        members = copies.get(listing.story_id or 0, [])
        others = [(i, title) for i, title in members if i != listing.id]
        if not others:
            result.append(listing)
            continue
        feeds = list(dict.fromkeys(title for _, title in others if title != listing.feed_title))
        result.append(
            replace(listing, same_story=tuple(i for i, _ in others), also_in=tuple(feeds))
        )
    return result
