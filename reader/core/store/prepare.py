"""What the cache writes for one article: its digest, packed bodies and index words.

`prepare` computes them where the article is parsed (a parse worker), so the store's one writer
thread only runs SQL; `digest_of` and `row_values` give the same values for a plain Article.
"""

from __future__ import annotations

import hashlib

from reader.core.model import Article, PreparedArticle, RowValues
from reader.core.store.codec import pack_utf8
from reader.core.store.schema import to_micros
from reader.core.store.search import article_words_utf8
from reader.core.store.stories.text import keys_of_words


def article_digest(article: Article) -> str:
    """A hash of every field we store, so an unchanged article costs no writes.

    Plain text is derived from the HTML, so it is not hashed (caches written while it was
    rewrite each article once, the first time its feed changes).
    """
    return _digest(article, _utf8(article.summary_html), _utf8(article.content_html))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _digest(article: Article, summary: bytes, content: bytes) -> str:
    """`article_digest`, given the bodies already encoded by `_utf8`."""
    published = "" if article.published is None else str(to_micros(article.published))
    hasher = hashlib.blake2b(digest_size=16)
    for part in (article.title, article.link or "", article.author or "", published):
        encoded = _utf8(part)
        hasher.update(len(encoded).to_bytes(8, "big"))
        hasher.update(encoded)
    for encoded in (summary, content):
        hasher.update(len(encoded).to_bytes(8, "big"))
        hasher.update(encoded)
    return hasher.hexdigest()


def compute_row_values(article: Article, digest: str | None = None) -> RowValues:
    """The derived values of an article, computed now (`digest` when already known); each
    body is encoded once, for both the digest and the packed blob."""
    summary, content = _utf8(article.summary_html), _utf8(article.content_html)
    words = article_words_utf8(article.title, article.summary_html, article.content_html)
    return RowValues(
        _digest(article, summary, content) if digest is None else digest,
        pack_utf8(summary),
        pack_utf8(content),
        words,
        keys_of_words(words),  # same-story keys: a cut of the index words
    )


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
