"""The status line: last refresh, online/offline, failed feeds, progress, script mode."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """One line of plain text parts joined by dots; set with `show(parts)`."""

    def show(self, parts: list[str], warning: bool = False) -> None:
        text = Text(" · ".join(part for part in parts if part))
        self.set_class(warning, "-warning")
        self.update(text)
