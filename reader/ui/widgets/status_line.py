"""The status line: last refresh and what it brought, online/offline, failed feeds, progress,
script mode; routine news lives here rather than in pop-ups over the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from reader.ui.timefmt import relative_time

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

CLOCK_SECONDS = 60  # "refreshed 3 minutes ago" is redrawn this often


@dataclass(frozen=True)
class RefreshState:
    """What the status line reports about refreshing; the main screen keeps and replaces it."""

    progress: tuple[int, int] | None = None  # feeds done and to do while a refresh runs
    offline: bool = False  # the last refresh reached no feed at all
    failed_count: int = 0  # feeds whose last fetch failed
    last_refreshed: datetime | None = None  # the latest fetch of any feed
    new_articles: int | None = None  # what the last refresh in this session brought
    changes_waiting: int = 0  # read/star marks not yet taken by the sync server

    @property
    def running(self) -> bool:
        return self.progress is not None


class StatusLine(Static):
    """One line of plain text parts joined by dots, drawn from the RefreshState it is given
    and redrawn when the script changes or the clock moves on."""

    app: ReaderApp

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = RefreshState()
        self.list_mode = ""  # the list's sort order and unread filter (issue 17), when set

    def on_mount(self) -> None:
        self.app.script_changed_signal.subscribe(self, lambda _mode: self.render_state())
        self.set_interval(CLOCK_SECONDS, self.render_state, name="status-clock")

    def show(self, state: RefreshState) -> None:
        """Report `state` from now on."""
        self.state = state
        self.render_state()

    def show_list_mode(self, text: str) -> None:
        """Report how the list is sorted and filtered ("" for the default)."""
        self.list_mode = text
        self.render_state()

    def render_state(self) -> None:
        """Say when feeds were last fetched (or how far a refresh is), online or not, how
        many feeds failed and which script is shown."""
        app, state = self.app, self.state
        t = app.t
        parts: list[str] = []
        if state.progress is not None:
            done, total = state.progress
            parts.append(t("refreshing", done=done, total=total))
        elif state.last_refreshed is not None:
            # Relative to the app's clock; a fetch "in the future" (a test clock) reads as now.
            moment = min(state.last_refreshed, app.now())
            parts.append(
                t(
                    "refreshed_at",
                    time=relative_time(moment, app.now(), app.view.mode, app.ui_language),
                )
            )
        else:
            parts.append(t("never_refreshed"))
        if state.progress is None and state.new_articles is not None:
            parts.append(t("new_articles", count=state.new_articles))
        parts.append(t("offline") if state.offline else t("online"))
        if state.failed_count:
            parts.append(t("failed_feeds", count=state.failed_count))
        if state.changes_waiting:
            parts.append(t("changes_waiting", count=state.changes_waiting))
        parts.append(self.list_mode)
        parts.append(t("script_now", script=t(f"mode_{app.view.mode}")))
        self.set_class(bool(state.failed_count) or state.offline, "-warning")
        self.update(Text(" · ".join(part for part in parts if part)))
