"""The main screen: section tabs, article list, reading pane, status line and footer.

Owns every state change of the reading session. Cache reads, script conversion and
refreshes run in thread workers that post messages (reader.ui.messages); handlers here (and
in the main_* mixins) update the widgets.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Tabs
from textual.worker import WorkerState

from reader.core.model import StoredArticle
from reader.core.text.cells import clean_line
from reader.ui.article_text import make_rows
from reader.ui.messages import CountsLoaded, ListingsLoaded
from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.screens.failed_feeds import FailedFeedsScreen, failed_feeds_text
from reader.ui.screens.help import HelpScreen, help_text
from reader.ui.screens.main_article import ArticlePaneMixin
from reader.ui.screens.main_refresh import RefreshMixin
from reader.ui.screens.main_script import ScriptMixin
from reader.ui.screens.main_unread import UnreadNavigationMixin
from reader.ui.screens.search import SearchScreen
from reader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.section_tabs import STARRED, SectionTabs
from reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

WIDE_COLUMNS = 110


class MainScreen(ArticlePaneMixin, ScriptMixin, RefreshMixin, UnreadNavigationMixin, Screen[None]):
    """Reading session: which section, which article, what the status line says.

    The reading pane (main_article), the refresh flow and status line (main_refresh), the
    script toggle and its prefetch (main_script) and unread navigation (main_unread) are
    mixins: Textual dispatches `on_...` handlers and runs `@work` methods found anywhere in
    the MRO. `@on` handlers stay here: only classes built by Textual's metaclass collect them."""

    app: ReaderApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.unread_counts: dict[str, int] = {}
        self.section_names: list[str] = []  # sections in the current script
        self.failed_count = 0
        self.last_refreshed: datetime | None = None
        self.progress: tuple[int, int] | None = None
        self.offline = False
        self.search_query: str | None = None  # search words to highlight in the open article
        self.show_full_text = True  # the web page's story when we have it; `f` toggles
        self.open_has_full_text = False
        self.pending_select: str | None = None  # "first_unread" or "last" once rows arrive
        self.open_article_data: StoredArticle | None = None  # what the pane's text was built from
        # The open article's pane Text per script (and source, full text, query): a toggle back
        # to a script shown before redraws at once, without a worker.
        self._pane_texts: dict[tuple[object, ...], Text] = {}
        self._prefetch_due = False

    # ---- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        sections = [*self.app.library.store.sections(), STARRED]
        self._set_bindings()
        yield SectionTabs(sections, id="sections")
        with Horizontal(id="body"):
            yield ArticleList(id="articles")
            yield ReadingPane(id="reader")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        tabs = self.query_one(SectionTabs)
        remembered = self.app.ui_state.section
        first = remembered if remembered in tabs.sections else tabs.sections[0]
        self.query_one(ReadingPane).show_hint(self.app.t("no_article_selected"))
        self._layout_for(self.size.width)
        self.switch_section(first, keep_id=self.app.ui_state.article_id)
        self.query_one(ArticleList).focus()
        self.load_counts()
        self.set_interval(60, self.update_status, name="status-clock")

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width < WIDE_COLUMNS, "-narrow")
        if width >= WIDE_COLUMNS and self.has_class("-reading"):
            self.remove_class("-reading")
            self.refresh_bindings()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    # ---- sections and the list ------------------------------------------------------------

    def switch_section(self, section: str, keep_id: int | None = None) -> None:
        """Show `section`'s first page; remember it."""
        self.section = section
        self.query_one(SectionTabs).show(section)
        self.app.remember(section=section)
        self.load_page(section, 0, keep_id=keep_id)

    @on(Tabs.TabActivated)
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        tabs = self.query_one(SectionTabs)
        if event.tab.id != tabs.active:
            return  # a stale activation (e.g. the first tab's, at mount) after a newer switch
        section = tabs.section_of(event.tab)
        if section is not None and section != self.section:
            self.switch_section(section)

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def load_page(
        self, section: str, offset: int, keep_id: int | None = None, limit: int = PAGE_SIZE
    ) -> None:
        """Read the first page of a section (a newer request cancels an older one)."""
        self._read_page(section, offset, keep_id, limit)

    def _read_page(self, section: str, offset: int, keep_id: int | None, limit: int) -> None:
        """Read a page of listings and build its rows in the current script (in a thread)."""
        store = self.app.library.store
        starred = section == STARRED
        name = None if starred else section
        listings = store.listings(name, starred_only=starred, limit=limit, offset=offset)
        total = store.count(name, starred_only=starred)
        if keep_id is not None and all(item.id != keep_id for item in listings):
            keep_id = None
        rows = make_rows(listings, self.app.view, self.app.now(), self.app.ui_language)
        self.post_message(ListingsLoaded(section, offset, rows, total, keep_id))

    def on_listings_loaded(self, message: ListingsLoaded) -> None:
        if message.section != self.section:
            return
        if message.rows and message.rows[0].script not in (None, self.app.view.mode):
            self._reload_stale_page(message)
            return
        articles = self.article_list
        if message.offset == 0:
            articles.replace_rows(message.rows, message.total, message.keep_id)
            if not message.rows:
                hint = self.app.t("no_starred" if message.section == STARRED else "no_articles")
                articles.show_empty(hint)
                self.pane.show_hint(hint)
            elif message.keep_id is not None and not self.narrow:
                if self.pane.article_id != message.keep_id:
                    self.open_article(message.keep_id)
            elif self.pane.article_id is None:  # e.g. the first refresh filled an empty list
                self.pane.show_hint(self.app.t("no_article_selected"))
        else:
            articles.append_rows(message.rows, message.total)
        self._prefetch_soon()
        pending, self.pending_select = self.pending_select, None
        if pending == "last":
            articles.action_last()
        elif pending == "first_unread":
            index = next((i for i, item in enumerate(articles.listings) if not item.read), None)
            if index is not None:
                articles.highlighted = index
                self.open_article(articles.listings[index].id)

    def _reload_stale_page(self, message: ListingsLoaded) -> None:
        """Rows converted before the script changed: read them again, unless a newer read of
        the first page is already on its way."""
        limit = max(PAGE_SIZE, len(message.rows))
        if message.offset == 0:
            if not self._busy("listing"):
                self.load_page(message.section, 0, keep_id=message.keep_id, limit=limit)
        else:
            self.load_more(message.section, message.offset, limit)

    def _busy(self, group: str) -> bool:
        """Whether one of this screen's workers in `group` is still to finish."""
        return any(
            worker.node is self
            and worker.group == group
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    def on_article_list_more_wanted(self, message: ArticleList.MoreWanted) -> None:
        if self.section is not None:
            self.load_more(self.section, message.offset)

    @work(thread=True, group="more", exit_on_error=False)
    def load_more(self, section: str, offset: int, limit: int = PAGE_SIZE) -> None:
        self._read_page(section, offset, None, limit)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Unread counts, section names in the current script, failed feeds, last refresh."""
        store = self.app.library.store
        view = self.app.view
        counts = store.unread_counts()
        names = {name: view.text(name) for name in counts}
        states = store.feed_states()
        failed = sum(1 for state in states if state.last_status == "failed")
        fetched = [state.last_fetched for state in states if state.last_fetched is not None]
        last = max(fetched) if fetched else None
        self.post_message(CountsLoaded(counts, failed, names, last))

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.unread_counts = message.unread_counts
        self.failed_count = message.failed_feeds
        self.last_refreshed = message.last_refreshed
        names = message.section_names
        tabs = self.query_one(SectionTabs)
        labels: list[Text] = []
        for section in tabs.sections:
            if section == STARRED:
                labels.append(Text(self.app.t("starred")))
                continue
            label = Text(clean_line(names.get(section, section)))
            unread = self.unread_counts.get(section, 0)
            if unread:
                label.append(f" {unread}", style="bold")
            labels.append(label)
        tabs.set_labels(labels)
        self.update_status()

    # ---- rows -----------------------------------------------------------------------------

    def _redraw_row(self, index: int, **changes: Any) -> None:
        """Redraw one row with changed read/starred flags (no conversion: reuses its text)."""
        from dataclasses import replace

        from reader.ui.article_text import ArticleRow

        articles = self.article_list
        old = articles.rows[index]
        listing = replace(articles.listings[index], **changes)
        articles.update_row(
            index, ArticleRow(listing, old.title, old.feed, old.age, old.query, old.script)
        )

    def _current_id(self) -> int | None:
        current = self.article_list.current
        return current.id if current is not None else None

    # ---- actions --------------------------------------------------------------------------

    def action_section(self, index: int) -> None:
        sections = self.query_one(SectionTabs).sections
        if 0 <= index < len(sections):
            self.switch_section(sections[index])

    def _step_section(self, step: int) -> None:
        sections = self.query_one(SectionTabs).sections
        index = sections.index(self.section) if self.section in sections else 0
        self.switch_section(sections[(index + step) % len(sections)])

    def action_next_section(self) -> None:
        self._step_section(1)

    def action_prev_section(self) -> None:
        self._step_section(-1)

    def action_cursor_down(self) -> None:
        self.article_list.action_cursor_down()
        self._follow_in_narrow_reading()

    def action_cursor_up(self) -> None:
        self.article_list.action_cursor_up()
        self._follow_in_narrow_reading()

    def _follow_in_narrow_reading(self) -> None:
        """In the narrow reading view j/k move to the neighbouring article and show it."""
        if self.narrow and self.has_class("-reading"):
            current = self._current_id()
            if current is not None:
                self.open_article(current)

    def action_first(self) -> None:
        self.article_list.action_first()

    def action_last(self) -> None:
        """Go to the end of the section, loading the remaining rows first if needed."""
        articles = self.article_list
        loaded = len(articles.listings)
        if self.section is None or loaded >= articles.total:
            articles.action_last()
            return
        self.pending_select = "last"
        self.load_more(self.section, loaded, articles.total - loaded)

    def action_open_article(self) -> None:
        current = self._current_id()
        if current is not None:
            self.open_article(current)

    @on(ArticleList.OptionSelected, "#articles")
    def _row_chosen(self, event: ArticleList.OptionSelected) -> None:
        event.stop()
        self.action_open_article()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (back to the list) exists only while an article fills a narrow screen."""
        if action == "back":
            return self.has_class("-reading")
        return True

    def action_back(self) -> None:
        if self.has_class("-reading"):
            self.remove_class("-reading")
            self.article_list.focus()
            self.refresh_bindings()

    def action_page(self) -> None:
        pane = self.pane
        if pane.article_id is None or (self.narrow and not self.has_class("-reading")):
            self.action_open_article()
        elif pane.at_end:
            self.article_list.action_cursor_down()
            self.action_open_article()
        else:
            pane.page_down()

    def action_toggle_read(self) -> None:
        articles = self.article_list
        current, index = articles.current, articles.highlighted
        if current is None or index is None:
            return
        # A single-row UPDATE on an indexed key: well under a millisecond, so done inline.
        self.app.library.store.set_read([current.id], not current.read)
        self._redraw_row(index, read=not current.read)
        self.load_counts()

    def action_toggle_star(self) -> None:
        articles = self.article_list
        current, index = articles.current, articles.highlighted
        if current is None or index is None:
            return
        self.app.library.store.set_starred(current.id, not current.starred)
        self._redraw_row(index, starred=not current.starred)
        self.notify(self.app.t("unstarred" if current.starred else "starred_note"))

    def action_mark_section_read(self) -> None:
        section = self.section
        if section is None or section == STARRED:
            return
        t = self.app.t
        question = t("confirm_mark_section", section=clean_line(self.app.view.text(section)))

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_read_in_background(section)

        self.app.push_screen(ConfirmScreen(question, t("yes"), t("no")), answered)

    @work(thread=True, group="mark", exit_on_error=False)
    def mark_read_in_background(self, section: str) -> None:
        count = self.app.library.store.mark_section_read(section)
        self.app.call_from_thread(self.notify, self.app.t("marked_read", count=count))
        self.app.call_from_thread(self._reload_current)
        self.load_counts()

    def _reload_current(self) -> None:
        if self.section is not None:
            loaded = max(PAGE_SIZE, len(self.article_list.listings))
            self.load_page(self.section, 0, keep_id=self._current_id(), limit=loaded)

    def _current_link(self) -> str | None:
        current = self.article_list.current
        if current is None or not current.link:
            self.notify(self.app.t("no_link"), severity="warning")
            return None
        return current.link

    def action_open_browser(self) -> None:
        link = self._current_link()
        if link:
            self.notify(self.app.t("opening"))
            self.app.open_link(link)

    def action_copy_link(self) -> None:
        link = self._current_link()
        if link:
            self.app.copy_to_clipboard(link)
            self.notify(self.app.t("copied"))

    def action_cycle_script(self) -> None:
        self.app.cycle_script()

    def action_refresh(self) -> None:
        self.start_refresh(None if self.section in (None, STARRED) else self.section)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def action_search(self) -> None:
        def chosen(result: tuple[int, str] | None) -> None:
            if result is not None:
                article_id, query = result
                self.open_article(article_id, query or None)

        self.app.push_screen(
            SearchScreen(self.app.t("search_prompt"), self.search_query or ""), chosen
        )

    def action_help(self) -> None:
        from reader.ui.keys import help_rows

        rows = help_rows(self.app.view.mode, self.app.ui_language, self.app.keymap)
        self.app.push_screen(
            HelpScreen(help_text(self.app.t("help_title"), rows, self.app.t("help_close")))
        )

    def action_failed_feeds(self) -> None:
        states = self.app.library.store.feed_states()
        text = failed_feeds_text(states, self.app.t("failed_title"), self.app.t("failed_none"))
        self.app.push_screen(FailedFeedsScreen(text))
