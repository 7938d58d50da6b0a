"""The feeds whose last fetch failed, each with its readable last error."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.model import FeedState
from reader.core.text.cells import clean_line


def failed_feeds_text(states: list[FeedState], title: str, none_label: str) -> Text:
    """A plain list: feed title (or URL), its section and URL, then its last error."""
    text = Text(title, style="bold")
    failed = [state for state in states if state.last_status == "failed"]
    if not failed:
        text.append("\n\n" + none_label)
        return text
    for state in failed:
        text.append("\n\n")
        text.append(clean_line(state.title or state.url), style="bold")
        text.append(f"  [{clean_line(state.section)}]", style="dim")
        text.append("\n" + state.url, style="dim")
        text.append("\n" + clean_line(state.last_error or "?"), style="red")
    return text


class FailedFeedsScreen(ModalScreen[None]):
    """Read-only list of failed feeds; Escape, q or F closes it."""

    BINDINGS = [Binding("escape,q,F", "close", "Close", id="failed_close")]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="failed-dialog", classes="dialog"):
            yield Static(self.text, id="failed-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
