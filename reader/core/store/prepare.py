"""What the cache writes for one article, computed where the article is parsed.

Storing a new article costs a digest, two packed bodies and the index words: CPU work that,
on the store's one writer thread, kept the other core idle during a refresh. A
`PreparedArticle` (made by `prepare`) carries those values, so a parse worker process
does the work and the writer only runs SQL. `digest_of` and `row_values` give them for any
Article, computing them for a plain one, so the store accepts both and writes the same bytes
either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from reader.core.model import Article
from reader.core.store.codec import pack
from reader.core.store.schema import to_micros
from reader.core.store.search import article_words


def article_digest(article: Article) -> str:
    """A hash of every field we store, so an unchanged article costs no writes.

    Plain text is derived from the HTML, so it is not hashed (caches written while it was
    rewrite each article once, the first time its feed changes).
    """
    published = "" if article.published is None else str(to_micros(article.published))
    parts = (
        article.title,
        article.link or "",
        article.author or "",
        published,
        article.summary_html,
        article.content_html,
    )
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        hasher.update(len(encoded).to_bytes(8, "big"))
        hasher.update(encoded)
    return hasher.hexdigest()


class RowValues(NamedTuple):
    """The derived values stored with an article."""

    digest: str
    summary_blob: bytes  # store_codec.pack(summary_html)
    content_blob: bytes  # store_codec.pack(content_html)
    # store_search.article_words of the stored title and HTML, UTF-8 encoded: FTS5 reads a
    # blob as UTF-8 text, and bytes cross from a parse worker and into SQLite with no
    # decoding and re-encoding (about 15 µs an article on the writer's process).
    words: bytes


def compute_row_values(article: Article, digest: str | None = None) -> RowValues:
    """The derived values of an article, computed now (`digest` when already known)."""
    return RowValues(
        article_digest(article) if digest is None else digest,
        pack(article.summary_html),
        pack(article.content_html),
        article_words(article.title, article.summary_html, article.content_html).encode(),
    )


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article as the cache writes it, made by `prepare` where the article was parsed: the
    fields stored as they are, and the values derived from the rest (`stored`).

    It carries no raw HTML (the packed bodies hold it), so a parse worker sends a third less
    back to the writer's process. Only `prepare` makes one: values and fields always agree.
    """

    feed_url: str
    entry_id: str
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    stored: RowValues = field(repr=False, compare=False)


def prepare(article: Article | PreparedArticle) -> PreparedArticle:
    """The article with its stored values computed (an already prepared one as it is)."""
    if isinstance(article, PreparedArticle):
        return article
    return PreparedArticle(
        feed_url=article.feed_url,
        entry_id=article.entry_id,
        title=article.title,
        link=article.link,
        author=article.author,
        published=article.published,
        stored=compute_row_values(article),
    )


def digest_of(article: Article | PreparedArticle) -> str:
    """The article's digest: carried by a PreparedArticle, else computed now (cheap)."""
    if isinstance(article, PreparedArticle):
        return article.stored.digest
    return article_digest(article)


def row_values(article: Article | PreparedArticle, digest: str | None = None) -> RowValues:
    """The values to store for `article`: carried by a PreparedArticle, else computed now.

    The store asks only for articles it writes: an unchanged one costs just its digest.
    """
    if isinstance(article, PreparedArticle):
        return article.stored
    return compute_row_values(article, digest)
