"""The reading pane: one article as a single Text in a scrolling container."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class ReadingPane(VerticalScroll, can_focus=False):
    """Shows the open article (or a hint); knows which article it shows."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="article-body", markup=False)

    def show_article(self, article_id: int, text: Text) -> None:
        self.article_id = article_id
        self.query_one("#article-body", Static).update(text)
        self.scroll_home(animate=False, immediate=True)

    def show_hint(self, hint: str) -> None:
        self.article_id = None
        self.query_one("#article-body", Static).update(Text(hint, style="dim"))
        self.scroll_home(animate=False, immediate=True)

    @property
    def at_end(self) -> bool:
        """True when the last line of the article is on screen."""
        return self.scroll_y >= self.max_scroll_y

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    @property
    def body_text(self) -> str:
        """The plain text on display (for tests and copy)."""
        content = self.query_one("#article-body", Static).content
        return str(getattr(content, "plain", content))
