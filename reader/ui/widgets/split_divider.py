"""The bar between the article list and the reading pane; dragging it moves the split."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget


class SplitDivider(Widget):
    """A one-cell column that captures the mouse while pressed and reports where it is."""

    DEFAULT_CSS = """
    SplitDivider {
        width: 1;
        height: 1fr;
        color: $panel-lighten-2;
        background: $background;
        &:hover, &.-dragging {
            color: $accent;
        }
    }
    """

    @dataclass
    class Dragged(Message):
        """The divider is being dragged to column `screen_x` of the screen."""

        screen_x: int

    class Released(Message):
        """The drag ended: the split is where the user left it."""

    def render(self) -> Text:
        return Text("\n".join("▏" * self.size.height))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.capture_mouse()
        self.add_class("-dragging")

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.has_class("-dragging"):
            event.stop()
            self.post_message(self.Dragged(event.screen_x))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.has_class("-dragging"):
            event.stop()
            self.release_mouse()
            self.remove_class("-dragging")
            self.post_message(self.Released())
