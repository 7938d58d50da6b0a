"""Articles and list rows as rich Text built from plain strings: feed text is never markup.

Pure functions, so the reading pane and the list can be tested without a screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

from reader.core.model import Listing
from reader.core.script.convert import search_spellings
from reader.core.script.fold import fold_for_search
from reader.core.script.view import ScriptView
from reader.core.text.cells import clean_line, truncate_cells
from reader.ui.strings import label
from reader.ui.timefmt import relative_time

if TYPE_CHECKING:  # the HTML block builder (lxml) loads with the first article, not the list
    from reader.core.text.blocks import Block

LINK_STYLE = Style(underline=True, color="cyan")
MATCH_STYLE = Style(reverse=True, bold=True)
IMAGE_META = "image"  # meta key on a photo's label: the pane draws the photo above that line
LINK_NUMBER_META = "link_number"  # meta key on a link's "[n]": the URL typing n opens (issue 17)


def link_style(url: str) -> Style:
    """A clickable link: the terminal's own hyperlink plus a click action for Textual."""
    return LINK_STYLE + Style(link=url) + Style.from_meta({"@click": f"app.open_link({url!r})"})


def highlight_matches(text: Text, query: str | None) -> None:
    """Reverse every match of the query's words in `text`, whatever the script or width.

    fold_for_search maps one character to one character, so offsets found in the folded
    text are offsets in the original."""
    if not query:
        return
    folded = fold_for_search(text.plain)
    for word in search_spellings(query):
        start = folded.find(word)
        while start != -1:
            text.stylize(MATCH_STYLE, start, start + len(word))
            start = folded.find(word, start + len(word))


def number_links(body: Text, block: Block, numbers: dict[str, int]) -> Text:
    """`body` with "[n]" after each link's text, as `reader show` numbers them (equal URLs
    share a number); each marker carries its URL for `links_of`."""
    for link in block.links:
        numbers.setdefault(link.url, len(numbers) + 1)
    spans = sorted((end, url) for _start, end, url in block.spans if url in numbers)
    # A link with no text in the block (an empty anchor) gets its marker at the block's end.
    spanned = {url for _end, url in spans}
    unspanned = dict.fromkeys(link.url for link in block.links if link.url not in spanned)
    spans += [(len(body), url) for url in unspanned]
    if not spans:
        return body
    pieces = body.divide([end for end, _url in spans])
    numbered = Text()
    for piece, (_end, url) in zip(pieces, spans, strict=False):
        numbered.append_text(piece)
        marker = Style(dim=True) + Style.from_meta({LINK_NUMBER_META: url})
        numbered.append(f"[{numbers[url]}]", style=marker)
    for piece in pieces[len(spans) :]:
        numbered.append_text(piece)
    return numbered


def meta_urls(text: Text, key: str) -> list[str]:
    """The URLs a pane Text's spans carry under meta `key`, in order, each once."""
    urls: list[str] = []
    for span in text.spans:
        style = span.style
        if not isinstance(style, str) and style._meta:
            url = style.meta.get(key)
            if isinstance(url, str) and url not in urls:
                urls.append(url)
    return urls


def links_of(text: Text) -> list[str]:
    """The URLs of a pane Text's numbered links: link n is item n - 1."""
    return meta_urls(text, LINK_NUMBER_META)


def block_text(
    block: Block, image_label: str, images: bool = False, numbers: dict[str, int] | None = None
) -> Text:
    """One block as Text: links styled, prefixes for lists and quotes, images as a label
    (marked with the photo's URL, with `images`, so the pane draws the photo there)."""
    if block.kind == "rule":
        return Text("─" * 20, style="dim")
    if block.kind == "image":
        line = Text(image_label + " ", style=Style(bold=True))
        if images and block.url:
            # On the label alone: a base style would reach the URL's line too, and draw it twice.
            line.stylize(Style.from_meta({IMAGE_META: block.url}), 0, len(image_label))
        if block.text:
            line.append(block.text, style="italic")
        if block.url:
            line.append("\n")
            line.append(block.url, style=link_style(block.url) + Style(dim=True))
        return line
    body = Text(block.text)
    for start, end, url in block.spans:
        body.stylize(link_style(url), start, end)
    if numbers is not None:
        body = number_links(body, block, numbers)
    if block.kind == "heading":
        body.stylize("bold")
        return body
    if block.kind == "list_item":
        marker = f"{block.ordinal}. " if block.ordinal is not None else "• "
        indent = "  " * max(0, block.level - 1)
        return Text(indent + marker) + body
    if block.kind == "quote":
        body.stylize("italic")
        return Text("▎ " * max(1, block.level), style="dim") + body
    if block.kind == "preformatted":
        body.no_wrap = True
        return body
    return body


def article_text(
    title: str,
    meta: str,
    blocks: Sequence[Block],
    image_label: str,
    query: str | None = None,
    images: bool = False,
) -> Text:
    """The whole reading pane: title, meta line, blank-line separated blocks; with `images`,
    each photo's label carries its URL for the pane to draw it."""
    document = Text()
    document.append(title, style="bold")
    document.append("\n")
    document.append(meta, style="dim")
    numbers: dict[str, int] = {}  # link URL -> its number, shared across blocks
    for block in blocks:
        document.append("\n\n")
        document.append_text(block_text(block, image_label, images, numbers))
    highlight_matches(document, query)
    return document


class ArticleRow:
    """One list row laid out to the width it is drawn at: on one line (marks, title, then
    feed and age on the right) or on two (the title, then feed and age under it)."""

    def __init__(
        self,
        listing: Listing,
        title: str,
        feed: str,
        age: str,
        query: str | None = None,
        script: str | None = None,
        snippet: str | None = None,
        also_in: str | None = None,
    ) -> None:
        self.listing = listing
        self.title = clean_line(title)
        self.feed = clean_line(feed)
        self.age = age
        self.query = query
        self.script = script  # the script mode the texts were converted in, when known
        # Search results: the text around the match, drawn after the feed and age on two lines.
        self.snippet = clean_line(snippet) if snippet else None
        # The same story's other feeds (也見於 中原熱線、國際在線), converted like the rest.
        self.also_in = clean_line(also_in) if also_in else None

    @property
    def key(self) -> tuple[object, ...]:
        """Everything the drawn row depends on: equal keys draw the same line."""
        return (
            self.listing,
            self.title,
            self.feed,
            self.age,
            self.query,
            self.snippet,
            self.also_in,
        )

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.line(options.max_width)

    def _marks(self) -> Text:
        """The unread dot and the star, then a space: three cells."""
        row = Text("●" if not self.listing.read else " ", style="" if self.listing.read else "bold")
        row.append("★" if self.listing.starred else " ", style="yellow")
        row.append(" ")
        return row

    def _title(self, width: int) -> Text:
        title = truncate_cells(self.title, width)
        title_text = Text(title, style="bold" if not self.listing.read else "")
        highlight_matches(title_text, self.query)
        return title_text

    def lines(self, width: int, row_lines: int) -> list[Text]:
        """The row as `row_lines` lines of `width` cells (see `line` and `title_lines`)."""
        return self.title_lines(width) if row_lines == 2 else [self.line(width)]

    def title_lines(self, width: int) -> list[Text]:
        """The row as two lines: the title across the whole width, then the feed name and
        age dimmed under it, so a headline is cut only by the list's own width."""
        first = self._marks()
        first.append_text(self._title(max(1, width - 3)))
        second = Text("   ")
        second.append(f"{self.feed}  {self.age}".strip(), style="dim")
        if self.also_in:
            second.append("  " + self.also_in, style="dim italic")
        if self.snippet:
            snippet = Text("  " + truncate_cells(self.snippet, max(1, width)))
            highlight_matches(snippet, self.query)
            second.append_text(snippet)
        for line in (first, second):
            line.no_wrap = True
            line.overflow = "crop"
        return [first, second]

    def line(self, width: int) -> Text:
        """The row as one line of `width` cells: the age is never cut, the feed name is cut
        to a quarter of the width, the title gets the rest."""
        row = self._marks()
        age = self.age
        feed = truncate_cells(self.feed, max(0, min(cell_len(self.feed), width // 4)))
        if width < 40:
            feed = ""
        meta = f"{feed} {age}".strip()
        meta_width = cell_len(meta)
        title_width = max(1, width - 3 - meta_width - (2 if meta_width else 0))
        title_text = self._title(title_width)
        if self.also_in and title_text.cell_len + 4 < title_width:
            room = title_width - title_text.cell_len - 2
            title_text.append("  " + truncate_cells(self.also_in, room), style="dim italic")
        row.append_text(title_text)
        row.append(" " * max(0, title_width - title_text.cell_len))
        if meta_width:
            row.append("  ")
            row.append(meta, style="dim")
        row.no_wrap = True
        row.overflow = "crop"
        return row


def make_rows(
    listings: Sequence[Listing],
    view: ScriptView,
    now: datetime,
    ui_language: str,
    query: str | None = None,
) -> list[ArticleRow]:
    """List rows in the current script, with ages at `now`; run it in a worker (OpenCC).

    Rows are tagged with the mode read at the start: a toggle during the work makes them stale."""
    mode = view.mode
    return [
        ArticleRow(
            item,
            view.text(item.title, item.feed_url),
            view.text(item.feed_title, item.feed_url),
            relative_time(item.published, now, mode, ui_language),
            query,
            mode,
            also_in=_also_in([view.text(feed) for feed in item.also_in], mode, ui_language),
        )
        for item in listings
    ]


def _also_in(feeds: Sequence[str], mode: str, ui_language: str) -> str | None:
    """「也見於 中原熱線、國際在線」 for the feed titles (already in the view's script)."""
    if not feeds:
        return None
    separator = label("feeds_separator", mode, ui_language)
    return label("also_in", mode, ui_language, feeds=separator.join(feeds))


def cached_rows(
    rows: Sequence[ArticleRow],
    view: ScriptView,
    now: datetime,
    ui_language: str,
) -> list[ArticleRow] | None:
    """The same rows in the view's current script, built only from conversions already
    cached (cheap enough for the UI thread); None as soon as one text would need OpenCC."""
    mode = view.mode
    rebuilt: list[ArticleRow] = []
    for row in rows:
        item = row.listing
        title = view.cached_text(item.title, item.feed_url)
        feed = view.cached_text(item.feed_title, item.feed_url)
        if title is None or feed is None:
            return None
        age = relative_time(item.published, now, mode, ui_language)
        others = [view.cached_text(name) for name in item.also_in]
        if any(name is None for name in others):
            return None
        also_in = _also_in([name for name in others if name is not None], mode, ui_language)
        rebuilt.append(ArticleRow(item, title, feed, age, row.query, mode, also_in=also_in))
    return rebuilt
