"""The article list and the reading pane side by side, with the split between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal

from reader.ui.widgets.split_divider import SplitDivider

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

DEFAULT_LIST_PERCENT = 45  # wide enough for a 24-character headline on two-line rows at 120
MIN_LIST_PERCENT = 25
MAX_LIST_PERCENT = 75
SPLIT_STEP = 5


def clamp_percent(percent: int) -> int:
    """A list share the screen can show: never so narrow or wide that one side vanishes."""
    return max(MIN_LIST_PERCENT, min(MAX_LIST_PERCENT, percent))


class SplitBody(Horizontal):
    """Owns the list's share of a wide screen (moved by keys or by dragging the divider, and
    remembered) and the skimming view where the list is shown alone."""

    app: ReaderApp

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        remembered = self.app.ui_state.list_percent
        self.list_percent = clamp_percent(remembered or DEFAULT_LIST_PERCENT)
        self.narrow = False  # set by the screen: one side fills the width instead

    @property
    def list_only(self) -> bool:
        return self.has_class("-list-only")

    def on_mount(self) -> None:
        self.apply_split()

    def apply_split(self, narrow: bool | None = None) -> None:
        """Size the list: its share of the width, or all of it when narrow or alone."""
        if narrow is not None:
            self.narrow = narrow
        whole = self.narrow or self.list_only
        for child in self.children:
            if child.id == "articles":
                child.styles.width = "1fr" if whole else f"{self.list_percent}%"

    def move_split(self, step: int) -> None:
        """Widen (step > 0) or narrow the list by `step` percent of the width; remember it."""
        self.list_percent = clamp_percent(self.list_percent + step)
        self.apply_split()
        self.app.remember(list_percent=self.list_percent)

    def toggle_list_only(self) -> None:
        """Show the list alone (for skimming), or the list and the pane again."""
        self.set_list_only(not self.list_only)

    def set_list_only(self, alone: bool) -> None:
        self.set_class(alone, "-list-only")
        self.apply_split()

    def on_split_divider_dragged(self, message: SplitDivider.Dragged) -> None:
        message.stop()
        width = max(1, self.region.width)
        self.list_percent = clamp_percent(round((message.screen_x - self.region.x) * 100 / width))
        self.apply_split()

    def on_split_divider_released(self, message: SplitDivider.Released) -> None:
        message.stop()
        self.app.remember(list_percent=self.list_percent)
