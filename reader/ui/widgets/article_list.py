"""The article list: a line-API scroll view fed one page at a time.

Each row takes one or two screen lines (`row_lines`), drawn straight from its ArticleRow as
cached Strips, so showing, replacing or converting a page of rows measures nothing and renders
only the rows on screen (an OptionList measured and wrapped every row as a Rich renderable).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.model import Listing
from reader.ui.article_text import ArticleRow

PAGE_SIZE = 200
LOAD_AHEAD = 20  # load the next page when the highlight comes this close to the end

ROW = "article-list--row"
ROW_HIGHLIGHTED = "article-list--row-highlighted"
ROW_HOVER = "article-list--row-hover"
HINT = "article-list--hint"
# A row a [[filter]] highlight rule matches (issue 15); its colours are in app.tcss.
ROW_FILTER_HIGHLIGHT = "article-list--row-filter-highlight"


class ArticleList(ScrollView, can_focus=True):
    """Rows of one section (or search results); remembers the Listing behind every row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        # The screen's first/last know the whole section, not just the rows loaded so far.
        Binding("home", "screen.first", "First", show=False),
        Binding("end", "screen.last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        color: $foreground;
        background: $surface;
        & > .article-list--row-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .article-list--row-highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .article-list--row-hover {
            background: $block-hover-background;
        }
        & > .article-list--hint {
            color: $text-disabled;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        ROW,
        ROW_HIGHLIGHTED,
        ROW_HOVER,
        HINT,
        ROW_FILTER_HIGHLIGHT,
    }

    highlighted: reactive[int | None] = reactive(None)
    """Index of the selected row, or None when there are no rows."""

    @dataclass
    class MoreWanted(Message):
        """The reader is near the end of what is loaded and more exists."""

        offset: int

    class OptionSelected(Message, namespace="option_list"):
        """A row was chosen (Enter or a click). Handled as `on_option_list_option_selected`,
        the OptionList's name, so screens written for an OptionList keep working."""

        def __init__(self, article_list: ArticleList, index: int, listing: Listing) -> None:
            super().__init__()
            self.article_list = article_list
            self.option_index = index
            self.listing = listing

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(self, id: str | None = None, row_lines: int = 1) -> None:
        super().__init__(id=id)
        self.row_lines = row_lines  # screen lines a row takes: 1, or 2 with the title alone
        self.listings: list[Listing] = []
        self.rows: list[ArticleRow] = []
        self.total = 0
        self.hint: str | None = None  # shown instead of rows when there are none
        self._asked_for: int | None = None
        self._hover: int | None = None
        # Drawn rows by what they show, so rows shown again (the same page in a script shown
        # before) are not drawn again.
        self._strips: LRUCache[tuple[tuple[object, ...], int, RichStyle, int, int], Strip]
        self._strips = LRUCache(1024)
        self._hint_lines: tuple[int, list[Text]] | None = None

    # ---- the public API the screens use ------------------------------------------------------

    @property
    def current(self) -> Listing | None:
        """The highlighted article, if any."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.listings):
            return None
        return self.listings[index]

    def index_of(self, article_id: int) -> int | None:
        return next((i for i, item in enumerate(self.listings) if item.id == article_id), None)

    def replace_rows(self, rows: list[ArticleRow], total: int, keep_id: int | None) -> None:
        """Show new rows; keep `keep_id` selected at the same place on screen if present."""
        old_index = self.highlighted
        old_scroll = self.scroll_y
        self._set_rows(rows, total)
        new_index = self.index_of(keep_id) if keep_id is not None else None
        if new_index is None:
            self.highlighted = 0 if rows else None
            self.scroll_to(y=0, animate=False, immediate=True)
            return
        if old_index is not None:
            # The same article stays on the same screen line: new rows above push the view down.
            shift = (new_index - old_index) * self.row_lines
            self.scroll_to(y=old_scroll + shift, animate=False, immediate=True)
        self.highlighted = new_index

    def show_empty(self, hint: str) -> None:
        """No articles: greyed, unselectable lines that say what to do."""
        self._set_rows([], 0, hint)
        self.highlighted = None

    def append_rows(self, rows: list[ArticleRow], total: int) -> None:
        """Add the next page at the end."""
        self.listings.extend(row.listing for row in rows)
        self.rows.extend(rows)
        self.total = total
        self._asked_for = None
        self._update_virtual_size()
        self.refresh()

    def update_row(self, index: int, row: ArticleRow) -> None:
        """Redraw one row (after marking it read or starred)."""
        self.listings[index] = row.listing
        self.rows[index] = row
        self._refresh_row(index)

    def set_flags(
        self, index: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Redraw one row with new read/starred flags (its texts are reused: no conversion)."""
        old = self.rows[index]
        listing = self.listings[index]
        listing = replace(
            listing,
            read=listing.read if read is None else read,
            starred=listing.starred if starred is None else starred,
        )
        self.update_row(
            index,
            ArticleRow(
                listing,
                old.title,
                old.feed,
                old.age,
                old.query,
                old.script,
                old.snippet,
                also_in=old.also_in,
            ),
        )

    def swap_rows(self, rows: list[ArticleRow]) -> None:
        """The same articles with new texts (another script): selection and scroll stay, and
        only the rows on screen are drawn again (or taken from the cache of drawn rows)."""
        self.rows = list(rows)
        self.listings = [row.listing for row in rows]
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_row_lines(self, row_lines: int) -> None:
        """Draw rows on `row_lines` screen lines from now on, keeping the highlighted row."""
        if row_lines != self.row_lines:
            self.row_lines = row_lines
            self._strips.clear()
            self._update_virtual_size()
            self.refresh()
            self.scroll_to_highlight()

    # ---- state ---------------------------------------------------------------------------

    def _set_rows(self, rows: list[ArticleRow], total: int, hint: str | None = None) -> None:
        self.rows = list(rows)
        self.listings = [row.listing for row in rows]
        self.total = total
        self.hint = hint
        self._hint_lines = None
        self._asked_for = None
        self._hover = None
        self._strips.clear()
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        if self.hint is not None:
            height = len(self._hint_text(width))
        else:
            height = len(self.rows) * self.row_lines
        size = Size(width, height)
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _hint_text(self, width: int) -> list[Text]:
        """The hint wrapped to `width` (cached per width)."""
        if self.hint is None or width <= 0:
            return []
        if self._hint_lines is None or self._hint_lines[0] != width:
            hint = Text(self.hint, style="dim")
            self._hint_lines = (width, list(hint.wrap(self.app.console, width)))
        return self._hint_lines[1]

    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self.rows:
            return None
        return max(0, min(highlighted, len(self.rows) - 1))

    def watch_highlighted(self, old: int | None, highlighted: int | None) -> None:
        for index in (old, highlighted):
            if index is not None:
                self._refresh_row(index)
        if highlighted is None:
            return
        self.scroll_to_highlight()
        loaded = len(self.listings)
        if loaded < self.total and highlighted >= loaded - LOAD_AHEAD and self._asked_for != loaded:
            self._asked_for = loaded
            self.post_message(self.MoreWanted(loaded))

    def scroll_to_highlight(self) -> None:
        if self.highlighted is None or not self.is_mounted:
            return
        self._update_virtual_size()
        width = max(1, self.scrollable_content_region.width)
        region = Region(0, self.highlighted * self.row_lines, width, self.row_lines)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def _refresh_row(self, index: int) -> None:
        for line in range(index * self.row_lines, (index + 1) * self.row_lines):
            self.refresh_line(line)

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._update_virtual_size()
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def on_show(self) -> None:
        self.scroll_to_highlight()

    # ---- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line_index = self.scroll_offset.y + y
        if self.hint is not None:
            lines = self._hint_text(width)
            style = self.get_visual_style(ROW, HINT).rich_style
            if 0 <= line_index < len(lines):
                return self._strip_of(lines[line_index], width, style)
            return Strip.blank(width, self.get_visual_style(ROW).rich_style)
        index, part = divmod(line_index, self.row_lines)
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, self.get_visual_style(ROW).rich_style)
        state = (
            ROW_HIGHLIGHTED
            if index == self.highlighted
            else ROW_HOVER
            if index == self._hover
            else ROW
        )
        row = self.rows[index]
        marked = (ROW, ROW_FILTER_HIGHLIGHT) if row.listing.highlighted else (ROW,)
        classes = marked if state == ROW else (*marked, state)
        style = self.get_visual_style(*classes).rich_style  # follows focus and theme
        key = (row.key, width, style, self.row_lines, part)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strip_of(row.lines(width, self.row_lines)[part], width, style)
            self._strips[key] = strip
        return strip

    def _strip_of(self, line: Text, width: int, base: RichStyle) -> Strip:
        """One line of Text as a Strip of exactly `width` cells over the base style."""
        console = self.app.console
        style = base + console.get_style(line.style) if line.style else base  # render() omits it
        segments = list(Segment.apply_style(line.render(console), style=style))
        return Strip(segments).crop_extend(0, width, base)

    # ---- keys and mouse --------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self.rows:
            self.highlighted = 0 if self.highlighted is None else self.highlighted + 1

    def action_cursor_up(self) -> None:
        if self.rows:
            self.highlighted = 0 if self.highlighted is None else max(0, self.highlighted - 1)

    def action_first(self) -> None:
        if self.rows:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.rows:
            self.highlighted = len(self.rows) - 1

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_page_up(self) -> None:
        self._move_page(-1)

    def _move_page(self, direction: int) -> None:
        if not self.rows:
            return
        step = max(1, self.scrollable_content_region.height // self.row_lines)
        self.highlighted = (self.highlighted or 0) + direction * step

    def action_select(self) -> None:
        index = self.highlighted
        if index is not None and 0 <= index < len(self.listings):
            self.post_message(self.OptionSelected(self, index, self.listings[index]))

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = (self.scroll_offset.y + offset.y) // self.row_lines
        return index if 0 <= index < len(self.rows) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._row_at(event)
        if index != self._hover:
            for row in (self._hover, index):
                if row is not None:
                    self._refresh_row(row)
            self._hover = index

    def _on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._refresh_row(self._hover)
            self._hover = None
