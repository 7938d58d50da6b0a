"""An article as the reader shows it in one script (title, meta lines, body blocks, link), and
what the user's own programs get of it: the pipe's input, the bookmark's arguments, Markdown.

Pure functions (OpenCC aside), shared by the TUI's `|`, `S`, `b` and `reader show --markdown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from reader.core.model import StoredArticle
from reader.core.script.view import ScriptView
from reader.core.text.blocks import Block, html_to_blocks, text_to_blocks
from reader.core.text.cells import clean_line
from reader.core.text.markdown import article_markdown
from reader.core.text.plain import blocks_to_text

EXCERPT_LINES = 3  # lines of the text a bookmark program gets
EXCERPT_CHARS = 500


@dataclass(frozen=True, slots=True)
class ShownArticle:
    """One article's texts in the script it is read in, cleaned of control characters."""

    title: str
    meta: str  # the byline, then the web page's meta line when the full story is shown
    blocks: tuple[Block, ...]
    link: str | None
    feed_title: str
    published: datetime | None

    @property
    def plain_text(self) -> str:
        """The body as plain text, links numbered "[n]" and listed at the end (as `show`)."""
        return blocks_to_text(self.blocks)

    def pipe_input(self) -> str:
        """What `|` writes to a program's standard input: title, link, blank line, text."""
        head = [self.title, *([self.link] if self.link else [])]
        return "\n".join(head) + "\n\n" + self.plain_text + "\n"

    def excerpt(self) -> str:
        """The first few non-blank lines of the text, for a bookmark program."""
        lines = [line.strip() for line in self.plain_text.splitlines() if line.strip()]
        return "\n".join(lines[:EXCERPT_LINES])[:EXCERPT_CHARS]

    def bookmark_arguments(self) -> list[str]:
        """URL, title, feed title and excerpt: separate arguments, never one shell string."""
        return [self.link or "", self.title, self.feed_title, self.excerpt()]

    def markdown(self, source_label: str = "Source", image_label: str = "圖") -> str:
        return article_markdown(
            self.title,
            self.meta,
            self.blocks,
            self.link,
            source_label=source_label,
            image_label=image_label,
        )


def shown_article(
    article: StoredArticle, view: ScriptView, zone: tzinfo | None = None, full_text: bool = True
) -> ShownArticle:
    """The article converted to the view's script as the reading pane shows it (slow on long
    texts: OpenCC; call it in a worker)."""
    item = article.listing
    blocks = html_to_blocks(view.html(article.shown_html(full_text), item.feed_url), item.link)
    if not blocks and article.text:
        blocks = text_to_blocks(view.text(article.text, item.feed_url))
    published, feed, author = view.byline(item, zone)
    meta = "  ·  ".join(part for part in (published, feed, author) if part)
    page_meta = article.shown_page_meta(full_text)
    page_line = page_meta.display_line(zone) if page_meta else ""
    if page_line:
        meta += "\n" + view.text(page_line, item.feed_url)
    return ShownArticle(
        title=clean_line(view.text(item.title, item.feed_url)),
        meta="\n".join(clean_line(line) for line in meta.split("\n")),
        blocks=tuple(blocks),
        link=item.link,
        feed_title=clean_line(feed),
        published=item.published,
    )
