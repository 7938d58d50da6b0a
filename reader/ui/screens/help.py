"""Every key of the reader with what it does, in the UI's language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def help_text(title: str, rows: list[tuple[str, str]], footer: str) -> Text:
    """Two columns: keys, then the description."""
    key_width = max((len(keys) for keys, _ in rows), default=0) + 2
    text = Text(title, style="bold")
    text.append("\n")
    for keys, description in rows:
        text.append("\n")
        text.append(keys.ljust(key_width), style="bold")
        text.append(description)
    text.append("\n\n" + footer, style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    """A scrollable key list; Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help_close")]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(self.text, id="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
