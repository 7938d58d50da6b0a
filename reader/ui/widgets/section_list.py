"""The main screen's article list: loads the pages of one section from the cache in workers
and redraws its rows when the script changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from reader.core.script.convert import next_mode
from reader.ui.article_text import cached_rows
from reader.ui.cache_reads import read_page
from reader.ui.messages import ListingsLoaded
from reader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from reader.ui.widgets.section_tabs import STARRED

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


class SectionList(ArticleList):
    """An ArticleList over one section: a page at a time, more as the reader nears the end."""

    app: ReaderApp

    @dataclass
    class PageShown(Message):
        """A page of the section is on screen (`offset` 0: the list was replaced)."""

        section: str
        offset: int
        keep_id: int | None  # the article kept selected, if it was on the page
        empty: bool  # the section has no articles

    def __init__(self, id: str | None = None, row_lines: int = 2) -> None:
        super().__init__(id=id, row_lines=row_lines)
        self.section: str | None = None
        self._prefetch_due = False

    def on_mount(self) -> None:
        self.app.script_changed_signal.subscribe(self, lambda _mode: self._redraw_for_script())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged does not bubble: hand it to the app's one failure handler."""
        self.app.on_worker_state_changed(event)

    def show_section(self, section: str, keep_id: int | None = None) -> None:
        """Show `section`'s first page, keeping `keep_id` selected if it is there."""
        self.section = section
        self.load_page(section, 0, keep_id=keep_id)

    def reload(self) -> None:
        """Read the loaded rows again, keeping the selection."""
        if self.section is not None:
            current = self.current
            keep_id = current.id if current is not None else None
            self.load_page(self.section, 0, keep_id, max(PAGE_SIZE, len(self.listings)))

    def toggle_row_lines(self) -> None:
        """Rows on two lines (the whole title) or one (more rows); remembered."""
        self.set_row_lines(1 if self.row_lines == 2 else 2)
        self.app.remember(row_lines=self.row_lines)

    def load_rest(self) -> None:
        """Read every row not loaded yet."""
        if self.section is not None:
            loaded = len(self.listings)
            self.load_more(self.section, loaded, self.total - loaded)

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def load_page(
        self, section: str, offset: int, keep_id: int | None = None, limit: int = PAGE_SIZE
    ) -> None:
        """Read a page of a section (a newer request cancels an older one)."""
        app = self.app
        loaded = read_page(
            app.library,
            app.view,
            app.now(),
            app.ui_language,
            section,
            offset,
            keep_id,
            limit,
            **self._list_mode(section),
        )
        self.post_message(loaded)

    def _list_mode(self, section: str) -> dict[str, Any]:
        """The sort order and unread filter the habits keep (issue 17), for read_page."""
        current = self.current
        return {
            "order": self.app.habits.order_of(section),
            "unread_only": self.app.ui_state.hide_read,
            "current_id": current.id if current is not None else None,
        }

    @work(thread=True, group="more", exit_on_error=False)
    def load_more(self, section: str, offset: int, limit: int = PAGE_SIZE) -> None:
        """Read a page of a section to append."""
        app = self.app
        loaded = read_page(
            app.library,
            app.view,
            app.now(),
            app.ui_language,
            section,
            offset,
            None,
            limit,
            **self._list_mode(section),
        )
        self.post_message(loaded)

    def _busy(self, group: str) -> bool:
        """Whether one of the list's workers in `group` is still to finish."""
        return any(
            worker.node is self
            and worker.group == group
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    def on_article_list_more_wanted(self, message: ArticleList.MoreWanted) -> None:
        message.stop()
        if self.section is not None:
            self.load_more(self.section, message.offset)

    def on_listings_loaded(self, message: ListingsLoaded) -> None:
        message.stop()
        if message.section != self.section:
            return
        if message.rows and message.rows[0].script not in (None, self.app.view.mode):
            self._reload_stale_page(message)
            return
        if message.offset == 0:
            self.replace_rows(message.rows, message.total, message.keep_id)
            if not message.rows:
                self.show_empty(
                    self.app.t("no_starred" if message.section == STARRED else "no_articles")
                )
        else:
            self.append_rows(message.rows, message.total)
        self._prefetch_soon()
        empty = message.offset == 0 and not message.rows
        self.post_message(self.PageShown(message.section, message.offset, message.keep_id, empty))

    def _reload_stale_page(self, message: ListingsLoaded) -> None:
        """Rows converted before the script changed: read them again, unless a newer read of
        the first page is already on its way."""
        limit = max(PAGE_SIZE, len(message.rows))
        if message.offset == 0:
            if not self._busy("listing"):
                self.load_page(message.section, 0, keep_id=message.keep_id, limit=limit)
        else:
            self.load_more(message.section, message.offset, limit)

    # ---- another script -----------------------------------------------------------------------

    def _redraw_for_script(self) -> None:
        """The rows in the new script: at once from cached conversions, else read again."""
        rows = None
        if self.rows and self.hint is None:
            rows = cached_rows(self.rows, self.app.view, self.app.now(), self.app.ui_language)
        if rows is None:
            self.reload()
        else:
            self.swap_rows(rows)
            if self._busy("listing"):
                self.reload()  # the page on its way was converted in the old script
        self._prefetch_soon()

    def _prefetch_soon(self) -> None:
        """After the next paint, convert the titles to the script `t` shows next, so the
        first press redraws at once too (only with the app's OpenCC warm-up on)."""
        if self.app.warm_up and not self._prefetch_due:
            self._prefetch_due = True
            self.call_after_refresh(self._start_prefetch)

    def _start_prefetch(self) -> None:
        self._prefetch_due = False
        titles = [
            (row.listing.title, row.listing.feed_title, row.listing.feed_url) for row in self.rows
        ]
        self.prefetch_next_script(titles)

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch_next_script(self, titles: list[tuple[str, str, str]]) -> None:
        """Fill the conversion cache for the next script (in a thread; stops early once a
        newer request cancels it)."""
        view = replace(self.app.view, mode=next_mode(self.app.view.mode))
        worker = get_current_worker()
        for index, (title, feed_title, feed_url) in enumerate(titles):
            if index % 20 == 0 and worker.is_cancelled:
                return
            view.text(title, feed_url)
            view.text(feed_title, feed_url)
