"""The cache's read side: pages of listings, counts, one article, search.

Each function is one indexed query returning one page, so nothing ever loads the whole cache.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from reader.core.model import Listing, PageMeta, StoredArticle
from reader.core.store.codec import unpack
from reader.core.store.connection import Database
from reader.core.store.feeds import section_id_of
from reader.core.store.query.compile import NOTHING, CompiledQuery, Condition, compile_query
from reader.core.store.query.parse import parse_query
from reader.core.store.schema import from_micros, to_micros
from reader.core.store.search import article_text, fts_query
from reader.core.store.stories.reads import first_of_story, later_copies, later_copies_by_section

_LISTING_COLUMNS = """
    a.id, f.url, coalesce(f.configured_title, f.feed_title, f.url), s.name,
    a.title, a.link, a.author, a.published, a.read, a.starred, a.story_id
"""
_LISTING_JOINS = """
    JOIN feeds AS f ON f.id = a.feed_id
    LEFT JOIN sections AS s ON s.id = a.section_id
"""


# The list's sort orders (issue 17), as ORDER BY terms; ties fall back to the newest first.
LIST_ORDERS = {
    "newest": "a.sort_key DESC, a.id DESC",
    "oldest": "a.sort_key ASC, a.id ASC",
    "feed": "coalesce(f.configured_title, f.feed_title, f.url), a.sort_key DESC, a.id DESC",
    "title": "a.title, a.sort_key DESC, a.id DESC",
}


def titles_seen_last(database: Database, limit: int) -> list[str]:
    """Titles of the articles first stored last, newest first (for notify_command)."""
    rows = database.read(
        "SELECT a.title FROM articles AS a WHERE a.section_id IS NOT NULL"
        " ORDER BY a.first_seen DESC, a.sort_key DESC, a.id DESC LIMIT ?",
        (limit,),
    )
    return [str(row[0]) for row in rows]


def _listing(row: Sequence[Any]) -> Listing:
    return Listing(
        id=int(row[0]),
        feed_url=str(row[1]),
        feed_title=str(row[2]),
        section=str(row[3] or ""),
        title=str(row[4]),
        link=row[5],
        author=row[6],
        published=from_micros(row[7]),
        read=bool(row[8]),
        starred=bool(row[9]),
        story_id=row[10],
    )


def _filters(
    database: Database,
    section: str | None,
    feed_url: str | None,
    unread_only: bool,
    starred_only: bool,
    also_id: int | None = None,
    hidden: Condition | None = None,
) -> tuple[str, list[object]] | None:
    """WHERE terms that let SQLite pick the matching (partial) index; None: nothing matches.

    ``read = 0`` and ``starred = 1`` are written as literals on purpose: a partial index is
    only used when the query repeats its WHERE term.
    """
    terms: list[str] = []
    parameters: list[object] = []
    if feed_url is not None:
        rows = database.read("SELECT id FROM feeds WHERE url = ?", (feed_url,))
        if not rows:
            return None
        terms.append("a.feed_id = ?")
        parameters.append(rows[0][0])
    if section is not None:
        section_id = section_id_of(database, section)
        if section_id is None:
            return None
        terms.append("a.section_id = ?")
        parameters.append(section_id)
    elif feed_url is None:
        terms.append("a.section_id IS NOT NULL")
    if unread_only and also_id is not None:
        terms.append("(a.read = 0 OR a.id = ?)")  # the article the reader is on stays
        parameters.append(also_id)
    elif unread_only:
        terms.append("a.read = 0")
    if starred_only:
        terms.append("a.starred = 1")
    if hidden is not None:  # what the hide rules match is left out
        terms.append(f"NOT {hidden.sql}")
        parameters.extend(hidden.parameters)
    return " AND ".join(terms), parameters


def listings(
    database: Database,
    section: str | None = None,
    *,
    feed_url: str | None = None,
    unread_only: bool = False,
    starred_only: bool = False,
    limit: int = 100,
    offset: int = 0,
    order: str = "newest",
    also_id: int | None = None,
    hidden: Condition | None = None,
    one_row_per_story: bool = True,
) -> list[Listing]:
    """One page of articles in `order` (LIST_ORDERS; section None: every configured section),
    without those `hidden` holds for; with `unread_only`, `also_id` is listed even when read;
    with `one_row_per_story`, a story's first copy in the list stands for all its copies."""
    filters = _filters(
        database, section, feed_url, unread_only, starred_only, also_id=also_id, hidden=hidden
    )
    if filters is None:
        return []
    where, parameters = filters
    if one_row_per_story:  # a story's later copies in this list are left out
        first, first_parameters = first_of_story(where, parameters)
        where, parameters = f"{where} AND {first}", [*parameters, *first_parameters]
    rows = database.read(
        f"SELECT {_LISTING_COLUMNS} FROM articles AS a {_LISTING_JOINS}"
        f" WHERE {where} ORDER BY {LIST_ORDERS.get(order, LIST_ORDERS['newest'])}"
        " LIMIT ? OFFSET ?",
        (*parameters, limit, offset),
    )
    return [_listing(row) for row in rows]


def count(
    database: Database,
    section: str | None = None,
    *,
    unread_only: bool = False,
    starred_only: bool = False,
    also_id: int | None = None,
    hidden: Condition | None = None,
    one_row_per_story: bool = True,
) -> int:
    """How many rows a listing with the same filters would page through (a story once)."""
    filters = _filters(
        database, section, None, unread_only, starred_only, also_id=also_id, hidden=hidden
    )
    if filters is None:
        return 0
    where, parameters = filters
    rows = database.read(f"SELECT count(*) FROM articles AS a WHERE {where}", parameters)
    if not one_row_per_story:
        return int(rows[0][0])
    return int(rows[0][0]) - later_copies(database, where, parameters)


def unread_counts(database: Database, hidden: Condition | None = None) -> dict[str, int]:
    """Unread stories per configured section (not counting those `hidden` holds for; the
    copies of one story in a section count once), in config order, zeros included."""
    unhidden = f" AND NOT {hidden.sql}" if hidden else ""
    rows = database.read(
        "SELECT s.id, s.name, (SELECT count(*) FROM articles AS a"
        f"  WHERE a.section_id = s.id AND a.read = 0{unhidden})"
        " FROM sections AS s WHERE s.position IS NOT NULL ORDER BY s.position",
        hidden.parameters if hidden else (),
    )
    copies = later_copies_by_section(database, unhidden, hidden.parameters if hidden else ())
    return {str(name): int(count) - copies.get(int(id_), 0) for id_, name, count in rows}


def article(database: Database, article_id: int) -> StoredArticle | None:
    """Everything needed to read one article, or None if it is not cached."""
    rows = database.read(
        f"SELECT {_LISTING_COLUMNS}, b.summary_html, b.content_html, b.full_html,"
        f" f.language, b.page_meta FROM articles AS a {_LISTING_JOINS}"
        " JOIN article_bodies AS b ON b.article_id = a.id WHERE a.id = ?",
        (article_id,),
    )
    if not rows:
        return None
    row = rows[0]
    summary_html = unpack(row[11]) or ""
    content_html = unpack(row[12]) or ""
    return StoredArticle(
        listing=_listing(row),
        summary_html=summary_html,
        content_html=content_html,
        text=article_text(summary_html, content_html),  # derived, not stored
        full_html=unpack(row[13]),
        language=row[14],
        page_meta=_page_meta(row[15]),
    )


def _page_meta(value: str | None) -> PageMeta | None:
    """The stored page meta, or None when there is none or it cannot be read."""
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return PageMeta.from_json(data) if isinstance(data, dict) else None


def search(
    database: Database,
    query: str,
    *,
    section: str | None = None,
    limit: int = 100,
    offset: int = 0,
    regional_words: bool = True,
    hidden: Condition | None = None,
) -> list[Listing]:
    """Articles whose title or text holds every word of ``query`` in either script, newest
    first (not those `hidden` holds for); a query with nothing searchable in it finds nothing.

    With `regional_words`, each word also matches how other regions write it (软件 finds 軟體);
    that loads the script converters on the first search.
    """
    variants = None
    if regional_words and any(ord(ch) > 0x2E7F for ch in query):
        from reader.core.script.convert import phrase_variants

        variants = phrase_variants
    match = fts_query(query, variants)
    if match is None:
        return []
    section_term = "a.section_id IS NOT NULL"
    parameters: list[object] = [match]
    if section is not None:
        section_id = section_id_of(database, section)
        if section_id is None:
            return []
        section_term = "a.section_id = ?"
        parameters.append(section_id)
    if hidden is not None:
        section_term += f" AND NOT {hidden.sql}"
        parameters.extend(hidden.parameters)
    rows = database.read(
        "WITH hits AS MATERIALIZED (SELECT rowid AS id FROM article_fts"
        "  WHERE article_fts MATCH ?)"
        f" SELECT {_LISTING_COLUMNS} FROM hits JOIN articles AS a ON a.id = hits.id"
        f" {_LISTING_JOINS} WHERE {section_term}"
        " ORDER BY a.sort_key DESC, a.id DESC LIMIT ? OFFSET ?",
        (*parameters, limit, offset),
    )
    return [_listing(row) for row in rows]


# A title: phrase the index holds for at most this many articles narrows a query through it.
RARE_PHRASE_ARTICLES = 2000


_rare_phrases: dict[tuple[str, str], bool] = {}  # (cache file, phrase) -> rare, once a run


def is_rare(database: Database, phrase: str) -> bool:
    """Whether the index holds `phrase` for few articles (it stops counting past the limit);
    asked once a run per phrase, since a query section is compiled at every read."""
    key = (str(database.path), phrase)
    known = _rare_phrases.get(key)
    if known is not None:
        return known
    rows = database.read(
        "SELECT count(*) FROM (SELECT rowid FROM article_fts WHERE article_fts MATCH ? LIMIT ?)",
        (phrase, RARE_PHRASE_ARTICLES + 1),
    )
    rare = _rare_phrases[key] = int(rows[0][0]) <= RARE_PHRASE_ARTICLES
    return rare


def compiled_query(
    text: str,
    *,
    now: datetime,
    zone: tzinfo = UTC,
    regional_words: bool = True,
    database: Database | None = None,
) -> CompiledQuery:
    """The query language's `text` as SQL; raises QuerySyntaxError. With `regional_words`, words
    also match how other regions write them (loads the script converters when there are any);
    with `database`, a title: term whose words are rare there is narrowed by the index."""
    tree = parse_query(text)
    variants = None
    if regional_words and any(ord(ch) > 0x2E7F for ch in text):
        from reader.core.script.convert import phrase_variants

        variants = phrase_variants
    rare = None if database is None else lambda phrase: is_rare(database, phrase)
    return compile_query(tree, now=now, zone=zone, variants=variants, rare=rare)


def _matching(
    database: Database, query: CompiledQuery, section: str | None, hidden: Condition | None
) -> tuple[str, list[object]] | None:
    """FROM and WHERE (with parameters) of the articles `query` matches in `section` (None:
    every configured section); None when the section is unknown."""
    terms: list[str] = ["a.section_id IS NOT NULL"]
    parameters: list[object] = []
    if section is not None:
        section_id = section_id_of(database, section)
        if section_id is None:
            return None
        terms, parameters = ["a.section_id = ?"], [section_id]
    source = "articles AS a"
    if query.match is not None:
        source = (
            "(SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ?) AS hits"
            " JOIN articles AS a ON a.id = hits.id"
        )
        parameters.insert(0, query.match)
    terms.append(query.where)
    parameters.extend(query.parameters)
    if hidden is not None:
        terms.append(f"NOT {hidden.sql}")
        parameters.extend(hidden.parameters)
    return f"{source} {{joins}} WHERE " + " AND ".join(terms), parameters


def query_listings(
    database: Database,
    query: CompiledQuery,
    *,
    section: str | None = None,
    limit: int = 100,
    offset: int = 0,
    hidden: Condition | None = None,
    order: str = "newest",
    unread_only: bool = False,
    also_id: int | None = None,
) -> list[Listing]:
    """One page of the articles `query` matches (not those `hidden` holds for) in `order`
    (LIST_ORDERS); with `unread_only`, `also_id` is listed even when read."""
    matching = _matching(database, query, section, hidden)
    if matching is None or query is NOTHING:
        return []
    body, parameters = matching
    unread, unread_parameters = _unread_terms(unread_only, also_id)
    rows = database.read(
        f"SELECT {_LISTING_COLUMNS} FROM {body.format(joins=_LISTING_JOINS)}{unread}"
        f" ORDER BY {LIST_ORDERS.get(order, LIST_ORDERS['newest'])} LIMIT ? OFFSET ?",
        (*parameters, *unread_parameters, limit, offset),
    )
    return [_listing(row) for row in rows]


def query_count(
    database: Database,
    query: CompiledQuery,
    *,
    section: str | None = None,
    unread_only: bool = False,
    hidden: Condition | None = None,
    also_id: int | None = None,
) -> int:
    """How many articles `query` matches (only the unread ones with `unread_only`, and
    `also_id`; not those `hidden` holds for)."""
    matching = _matching(database, query, section, hidden)
    if matching is None or query is NOTHING:
        return 0
    body, parameters = matching
    unread, unread_parameters = _unread_terms(unread_only, also_id)
    rows = database.read(
        f"SELECT count(*) FROM {body.format(joins='')}{unread}", (*parameters, *unread_parameters)
    )
    return int(rows[0][0])


def _unread_terms(unread_only: bool, also_id: int | None) -> tuple[str, list[object]]:
    """The WHERE addition that keeps unread articles (and `also_id`, the one being read)."""
    if not unread_only:
        return "", []
    if also_id is None:
        return " AND a.read = 0", []
    return " AND (a.read = 0 OR a.id = ?)", [also_id]


def unread_matching(
    database: Database, query: CompiledQuery, hidden: Condition | None = None
) -> list[int]:
    """Ids of the unread articles `query` matches (not those `hidden` holds for): what marking
    a query section read marks."""
    matching = _matching(database, query, None, hidden)
    if matching is None or query is NOTHING:
        return []
    body, parameters = matching
    rows = database.read(f"SELECT a.id FROM {body.format(joins='')} AND a.read = 0", parameters)
    return [int(row[0]) for row in rows]


def missing_full_text(
    database: Database, feed_url: str, seen_since: datetime, limit: int = 50
) -> list[tuple[int, str]]:
    """(id, link) of a feed's articles first seen since `seen_since` that have a web link but
    no full text yet, newest first: what a `full_text = true` feed still needs fetched."""
    rows = database.read(
        """SELECT a.id, a.link FROM articles AS a
           JOIN feeds AS f ON f.id = a.feed_id
           JOIN article_bodies AS b ON b.article_id = a.id
           WHERE f.url = ? AND a.first_seen >= ? AND a.link IS NOT NULL
                 AND b.full_html IS NULL
           ORDER BY a.sort_key DESC, a.id DESC LIMIT ?""",
        (feed_url, to_micros(seen_since), limit),
    )
    return [(int(row[0]), str(row[1])) for row in rows]
