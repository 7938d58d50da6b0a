"""The reading pane's text for one article in one script, and the key it is cached under.

Pure functions (no widget), so a worker thread can build the pane ahead of time.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text

from reader.core.model import StoredArticle
from reader.core.script.view import ScriptView
from reader.core.text.cells import clean_line
from reader.ui.article_text import article_text
from reader.ui.strings import label


def pane_key(
    article: StoredArticle, mode: str, full_text: bool, query: str | None, images: bool = False
) -> tuple[object, ...]:
    """What an article's pane Text depends on: the article, the script (second: handlers
    compare it), the source shown (with the web page's meta) and the search words highlighted."""
    item = article.listing
    return (
        item.id,
        mode,
        article.shown_html(full_text),
        article.shown_page_meta(full_text),
        article.text,
        item.title,
        item.feed_title,
        item.author,
        item.published,
        item.link,
        item.feed_url,
        query,
        images,
    )


def build_pane_text(
    article: StoredArticle,
    view: ScriptView,
    full_text: bool,
    query: str | None,
    zone: tzinfo | None,
    ui_language: str,
    images: bool = False,
) -> Text:
    """The article converted to the view's script and laid out as Text (slow: call it in a
    thread). With the full story, the web page's meta line follows the byline; with `images`,
    photos' labels carry their URLs for the pane to draw them."""
    # The HTML block builder (lxml) loads with the first article shown, not with the app.
    from reader.core.text.blocks import html_to_blocks, text_to_blocks

    item = article.listing
    blocks = html_to_blocks(view.html(article.shown_html(full_text), item.feed_url), item.link)
    if not blocks and article.text:
        blocks = text_to_blocks(view.text(article.text, item.feed_url))
    published, feed, author = view.byline(item, zone)
    meta_parts = [published, feed]
    if author:
        meta_parts.append(label("by_author", view.mode, ui_language, author=author))
    meta = clean_line("  ".join(part for part in meta_parts if part))
    page_meta = article.shown_page_meta(full_text)
    page_line = page_meta.display_line(zone) if page_meta else ""
    if page_line:
        meta += "\n" + clean_line(view.text(page_line, item.feed_url))
    return article_text(
        clean_line(view.text(item.title, item.feed_url)),
        meta,
        blocks,
        label("image", view.mode, ui_language),
        query,
        images,
    )
