"""The article list: an OptionList fed one page at a time, so a section of 10,000
articles is never 10,000 widgets (or even 10,000 rows built at once)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.model import Listing
from reader.ui.article_text import ArticleRow

PAGE_SIZE = 200
LOAD_AHEAD = 20  # load the next page when the highlight comes this close to the end


class ArticleList(OptionList):
    """Rows of one section (or search results); remembers the Listing behind every row."""

    @dataclass
    class MoreWanted(Message):
        """The reader is near the end of what is loaded and more exists."""

        offset: int

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.listings: list[Listing] = []
        self.total = 0
        self._asked_for: int | None = None

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
        self.clear_options()
        self.listings = [row.listing for row in rows]
        self.total = total
        self._asked_for = None
        self.add_options([Option(row, id=str(row.listing.id)) for row in rows])
        new_index = self.index_of(keep_id) if keep_id is not None else None
        if new_index is None:
            self.highlighted = 0 if rows else None
            self.scroll_to(y=0, animate=False, immediate=True)
            return
        self.highlighted = new_index
        if old_index is not None:
            # The same article stays on the same screen line: new rows above push the view down.
            self.scroll_to(y=old_scroll + (new_index - old_index), animate=False, immediate=True)

    def show_empty(self, hint: str) -> None:
        """No articles: one greyed, unselectable line that says what to do."""
        self.clear_options()
        self.listings = []
        self.total = 0
        self._asked_for = None
        self.add_option(Option(Text(hint, style="dim"), disabled=True))
        self.highlighted = None

    def append_rows(self, rows: list[ArticleRow], total: int) -> None:
        """Add the next page at the end."""
        self.listings.extend(row.listing for row in rows)
        self.total = total
        self._asked_for = None
        self.add_options([Option(row, id=str(row.listing.id)) for row in rows])

    def update_row(self, index: int, row: ArticleRow) -> None:
        """Redraw one row (after marking it read or starred)."""
        self.listings[index] = row.listing
        self.replace_option_prompt_at_index(index, row)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None:
            return
        loaded = len(self.listings)
        if loaded < self.total and highlighted >= loaded - LOAD_AHEAD and self._asked_for != loaded:
            self._asked_for = loaded
            self.post_message(self.MoreWanted(loaded))
