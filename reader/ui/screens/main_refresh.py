"""The main screen's refresh flow and status line: start a refresh, run it in a thread,
show its progress and outcome.

A mixin of MainScreen (reader.ui.screens.main): Textual finds `on_...` handlers and runs
`@work` methods on every class of the screen's MRO, so these behave as the screen's own.
(`@on` handlers would not be found in a plain mixin; keep those on the screen class.)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work

from reader.ui.messages import RefreshFinished, RefreshProgressed
from reader.ui.timefmt import relative_time
from reader.ui.widgets.article_list import PAGE_SIZE
from reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.screen import Screen

    from reader.ui.app import ReaderApp

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class RefreshMixin(_ScreenBase):
    """Refresh state (progress, offline) and the status line that reports it.

    Uses the screen's `section`, `failed_count`, `last_refreshed`, `article_list`,
    `load_counts`, `load_page` and `_current_id`."""

    app: ReaderApp  # type: ignore[assignment]
    section: str | None
    failed_count: int
    last_refreshed: datetime | None
    progress: tuple[int, int] | None  # feeds done and to do while a refresh runs
    offline: bool  # the last refresh reached no feed at all

    def update_status(self) -> None:
        """Say when feeds were last fetched (or how far a refresh is), online or not,
        how many feeds failed and which script is shown."""
        t = self.app.t
        parts: list[str] = []
        if self.progress is not None:
            done, total = self.progress
            parts.append(t("refreshing", done=done, total=total))
        elif self.last_refreshed is not None:
            # Relative to the app's clock; a fetch "in the future" (a test clock) reads as now.
            moment = min(self.last_refreshed, self.app.now())
            age = relative_time(moment, self.app.now(), self.app.view.mode, self.app.ui_language)
            parts.append(t("refreshed_at", time=age))
        else:
            parts.append(t("never_refreshed"))
        parts.append(t("offline") if self.offline else t("online"))
        if self.failed_count:
            parts.append(t("failed_feeds", count=self.failed_count))
        parts.append(t("script_now", script=t(f"mode_{self.app.view.mode}")))
        self.query_one(StatusLine).show(parts, warning=bool(self.failed_count) or self.offline)

    def start_refresh(self, section: str | None) -> None:
        """Refresh one section's feeds (None: all), unless a refresh is already running."""
        if self.progress is not None:
            self.notify(self.app.t("refresh_busy"))
            return
        self.progress = (0, len(self.app.library.feeds(section)))
        self.update_status()
        self.run_refresh(section)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, section: str | None) -> None:
        """Fetch and store feeds (blocking; in a thread), posting progress as feeds finish."""

        def progress(done: int, total: int, result: Any) -> None:
            self.post_message(RefreshProgressed(done, total, result))

        summary = self.app.library.refresh(section, progress)
        self.post_message(RefreshFinished(section, summary))

    def on_refresh_progressed(self, message: RefreshProgressed) -> None:
        if self.progress is not None:
            self.progress = (message.done, message.total)
            self.update_status()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.progress = None
        summary = message.summary
        failed = summary.failed
        self.offline = bool(summary.results) and len(failed) == len(summary.results)
        if failed:
            self.notify(self.app.t("refresh_failed", count=len(failed)), severity="warning")
        else:
            self.notify(self.app.t("refresh_done", new=summary.new_articles))
        self.load_counts()
        if self.section is not None and summary.new_articles:
            loaded = max(PAGE_SIZE, len(self.article_list.listings))
            self.load_page(self.section, 0, keep_id=self._current_id(), limit=loaded)
