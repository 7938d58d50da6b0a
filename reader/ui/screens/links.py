"""The open article's numbered links (`L`): pick one with the arrows and Enter, or type its
number (a longer number within a moment, or ended with Enter)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import OptionList, Static

DIGIT_SECONDS = 1.0  # how long a typed number waits for its next digit


def number_ready(typed: str, count: int) -> bool:
    """Whether a typed number can grow no longer: no link has a number that starts with it."""
    return int(typed) * 10 > count


class LinksScreen(ModalScreen[str | None]):
    """Dismisses with the chosen link's URL, or None (Escape, or a number with no link)."""

    BINDINGS = [Binding("escape", "close", "Close", id="links_close")]

    def __init__(self, title: str, urls: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.urls = urls
        self.typed = ""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        width = len(str(len(self.urls)))
        options = [
            Text(f"[{number}]".rjust(width + 2) + " ") + Text(url)  # a URL is data, not markup
            for number, url in enumerate(self.urls, start=1)
        ]
        with Vertical(id="links-dialog", classes="dialog"):
            yield Static(Text(self.title_text), id="links-title")
            yield OptionList(*options, id="links-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.urls[event.option_index])

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        self.typed += event.character
        number = int(self.typed)
        if 1 <= number <= len(self.urls):
            self.query_one(OptionList).highlighted = number - 1
        if self._timer is not None:
            self._timer.stop()
        if number_ready(self.typed, len(self.urls)):
            self._choose_typed()
        else:
            self._timer = self.set_timer(DIGIT_SECONDS, self._choose_typed)

    def _choose_typed(self) -> None:
        number, self.typed = int(self.typed or 0), ""
        self.dismiss(self.urls[number - 1] if 1 <= number <= len(self.urls) else None)

    def action_close(self) -> None:
        self.dismiss(None)
