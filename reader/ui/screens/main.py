"""The main screen: section tabs, article list, reading pane, status line and footer.

Keeps the reading session (section, counts, refresh state, search words) and wires the
widgets: cache reads and refreshes run in thread workers that post messages
(reader.ui.messages), and the handlers here update the widgets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.screen import Screen
from textual.widgets import Footer, Tabs
from textual.worker import Worker, WorkerState

from reader.core.text.cells import clean_line
from reader.ui.cache_reads import mark_section_read, read_counts, section_keys
from reader.ui.footer_labels import relabel_footer
from reader.ui.keys import help_rows, main_bindings
from reader.ui.messages import CountsLoaded, RefreshFinished, RefreshProgressed
from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.screens.failed_feeds import FailedFeedsScreen, failed_feeds_text
from reader.ui.screens.help import HelpScreen, help_text
from reader.ui.screens.search import SearchScreen
from reader.ui.unread import unread_target
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.section_list import SectionList
from reader.ui.widgets.section_tabs import STARRED, SectionTabs, is_feed_section
from reader.ui.widgets.split_body import SplitBody
from reader.ui.widgets.split_divider import SplitDivider
from reader.ui.widgets.status_line import RefreshState, StatusLine

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

WIDE_COLUMNS = 110


class MainScreen(Screen[None]):
    """Reading session: which section, which article, what the status line says."""

    app: ReaderApp

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.unread_counts: dict[str, int] = {}
        self.section_names: dict[str, str] = {}  # section -> its name in the current script
        self.refresh_state = RefreshState()
        self.search_query: str | None = None  # the search words of the open article, if any
        self.pending_select: str | None = None  # "first_unread" or "last" once rows arrive
        self._binding_labels: list[str] = []
        self._main_bindings: list[Binding] = []

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged does not bubble: hand it to the app's one failure handler."""
        self.app.on_worker_state_changed(event)

    # ---- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        sections = section_keys(self.app.library)
        self._set_bindings()
        yield SectionTabs(sections, id="sections")
        with SplitBody(id="body"):
            yield SectionList(id="articles", row_lines=self.app.ui_state.row_lines)
            yield SplitDivider(id="divider")
            yield ReadingPane(id="reader")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        tabs = self.query_one(SectionTabs)
        remembered = self.app.ui_state.section
        first = remembered if remembered in tabs.sections else tabs.sections[0]
        self.pane.show_hint(self.app.t("no_article_selected"))
        self._layout_for(self.size.width)
        self.switch_section(first, keep_id=self.app.ui_state.article_id)
        self.article_list.focus()
        self.load_counts()
        self.app.script_changed_signal.subscribe(self, lambda _mode: self._redraw_for_script())

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width < WIDE_COLUMNS, "-narrow")
        self.query_one(SplitBody).apply_split(narrow=width < WIDE_COLUMNS)
        if width >= WIDE_COLUMNS and self.has_class("-reading"):
            self.remove_class("-reading")
            self.refresh_bindings()

    def _set_bindings(self) -> None:
        """Key descriptions follow the UI language and script: rebuild the map (and so the
        footer) only when a description changed."""
        bindings: list[Binding] = main_bindings(self.app.view.mode, self.app.ui_language)
        labels = [binding.description for binding in bindings]
        if labels == self._binding_labels:
            return
        self._binding_labels = labels
        old, self._main_bindings = self._main_bindings, bindings
        self._bindings = BindingsMap(bindings)
        if not relabel_footer(self, old, bindings):
            self.refresh_bindings()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    @property
    def article_list(self) -> SectionList:
        return self.query_one("#articles", SectionList)

    @property
    def pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    def _current_id(self) -> int | None:
        current = self.article_list.current
        return current.id if current is not None else None

    def _busy(self, group: str) -> bool:
        """Whether one of this screen's workers in `group` is still to finish."""
        return any(
            worker.node is self
            and worker.group == group
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    # ---- sections and the list ------------------------------------------------------------

    def switch_section(self, section: str, keep_id: int | None = None) -> None:
        """Show `section`'s first page; remember it."""
        self.section = section
        self.query_one(SectionTabs).activate_section(section)
        self.app.remember(section=section)
        self.article_list.show_section(section, keep_id=keep_id)

    @on(Tabs.TabActivated)
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        tabs = self.query_one(SectionTabs)
        if event.tab.id != tabs.active:
            return  # a stale activation (e.g. the first tab's, at mount) after a newer switch
        section = tabs.section_of(event.tab)
        if section is not None and section != self.section:
            self.switch_section(section)

    def on_section_list_page_shown(self, message: SectionList.PageShown) -> None:
        if message.section != self.section:
            return
        articles = self.article_list
        if message.empty:
            self.pane.show_hint(
                self.app.t("no_starred" if message.section == STARRED else "no_articles")
            )
        elif message.offset == 0 and message.keep_id is not None and not self.narrow:
            if self.pane.article_id != message.keep_id:
                self.open_article(message.keep_id)
        elif message.offset == 0 and self.pane.article_id is None:
            self.pane.show_hint(self.app.t("no_article_selected"))  # e.g. a first refresh
        pending, self.pending_select = self.pending_select, None
        if pending == "last":
            articles.action_last()
        elif pending == "first_unread":
            index = next((i for i, item in enumerate(articles.listings) if not item.read), None)
            if index is not None:
                articles.highlighted = index
                self.open_article(articles.listings[index].id)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Unread counts, section names in the current script, failed feeds, last refresh."""
        self.post_message(read_counts(self.app.library, self.app.view, self.app.now()))

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.unread_counts = message.unread_counts
        self.section_names = message.section_names
        self.refresh_state = replace(
            self.refresh_state,
            failed_count=message.failed_feeds,
            last_refreshed=message.last_refreshed,
        )
        self._show_counts()

    def _show_counts(self) -> None:
        """Tab labels and the status line from the counts and refresh state kept here."""
        tabs = self.query_one(SectionTabs)
        tabs.show_counts(self.section_names, self.unread_counts, self.app.t("starred"))
        self.query_one(StatusLine).show(self.refresh_state)

    # ---- another script ---------------------------------------------------------------------

    def _redraw_for_script(self) -> None:
        """Key labels and tabs in the new script: at once from cached conversions where it
        can, else read again in a worker."""
        self._set_bindings()
        view = self.app.view
        names = {name: view.cached_text(name) for name in self.unread_counts}
        if not names or self._busy("counts") or any(name is None for name in names.values()):
            self.load_counts()
        else:
            self.section_names = {name: text for name, text in names.items() if text is not None}
            self._show_counts()

    # ---- the open article -------------------------------------------------------------------

    def open_article(self, article_id: int, query: str | None = None) -> None:
        """Open an article in the pane (with `query`'s words highlighted); remember it."""
        self.search_query = query
        self.app.remember(article_id=article_id)
        self.pane.open(article_id, query)

    def on_reading_pane_article_shown(self, message: ReadingPane.ArticleShown) -> None:
        self.query_one(SplitBody).set_list_only(False)  # an article opened while skimming
        if self.narrow:
            self.add_class("-reading")
            self.refresh_bindings()
        articles = self.article_list
        index = articles.index_of(message.listing.id)
        if index is not None:
            was_unread = not articles.listings[index].read
            articles.set_flags(index, read=True)
            if was_unread:
                self.load_counts()

    @on(ArticleList.OptionSelected, "#articles")
    def _row_chosen(self, event: ArticleList.OptionSelected) -> None:
        event.stop()
        self.action_open_article()

    # ---- moving around ----------------------------------------------------------------------

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
        articles.load_rest()

    def action_open_article(self) -> None:
        current = self._current_id()
        if current is not None:
            self.open_article(current)

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

    def action_next_unread(self) -> None:
        self._go_unread(1)

    def action_prev_unread(self) -> None:
        self._go_unread(-1)

    def _go_unread(self, step: int) -> None:
        articles = self.article_list
        current = articles.current
        target = unread_target(
            [listing.read for listing in articles.listings],
            articles.highlighted if current is not None else None,
            current is not None and self.pane.article_id == current.id,
            step,
            list(filter(is_feed_section, self.query_one(SectionTabs).sections)),
            self.section,
            self.unread_counts,
        )
        if target.row is not None:
            articles.highlighted = target.row
            self.open_article(articles.listings[target.row].id)
        elif target.section is not None:
            self.pending_select = "first_unread"
            self.switch_section(target.section)
        else:
            self.notify(self.app.t("no_more_unread"))

    # ---- changing articles ------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        articles = self.article_list
        current, index = articles.current, articles.highlighted
        if current is None or index is None:
            return
        # A single-row UPDATE on an indexed key: quick enough to do inline.
        self.app.library.store.set_read([current.id], not current.read)
        articles.set_flags(index, read=not current.read)
        self.load_counts()

    def action_toggle_star(self) -> None:
        articles = self.article_list
        current, index = articles.current, articles.highlighted
        if current is None or index is None:
            return
        self.app.library.store.set_starred(current.id, not current.starred)
        articles.set_flags(index, starred=not current.starred)
        self.load_counts()  # a query section may count starred articles
        self.notify(self.app.t("unstarred" if current.starred else "starred_note"))

    def action_mark_section_read(self) -> None:
        section = self.section
        if section is None or section == STARRED:
            return
        t = self.app.t
        name = self.section_names.get(section, section)
        question = t("confirm_mark_section", section=clean_line(name))

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_read_in_background(section)

        self.app.push_screen(ConfirmScreen(question, t("yes"), t("no")), answered)

    @work(thread=True, group="mark", exit_on_error=False)
    def mark_read_in_background(self, section: str) -> None:
        count = mark_section_read(self.app.library, section, self.app.now())
        self.app.call_from_thread(self.notify, self.app.t("marked_read", count=count))
        self.app.call_from_thread(self.article_list.reload)
        self.load_counts()

    def action_split(self, step: int) -> None:
        self.query_one(SplitBody).move_split(step)

    def action_list_only(self) -> None:
        self.query_one(SplitBody).toggle_list_only()

    def action_row_lines(self) -> None:
        self.article_list.toggle_row_lines()

    def action_full_text(self) -> None:
        self.pane.toggle_full_text()

    def action_next_copy(self) -> None:
        self.pane.next_copy()

    def action_toggle_images(self) -> None:
        self.pane.toggle_images()

    def action_cycle_script(self) -> None:
        self.app.cycle_script()

    # ---- links and dialogs ------------------------------------------------------------------

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

    def action_search(self) -> None:
        def chosen(result: tuple[int, str] | None) -> None:
            if result is not None:
                article_id, query = result
                self.open_article(article_id, query or None)

        self.app.push_screen(
            SearchScreen(self.app.t("search_prompt"), self.search_query or ""), chosen
        )

    def action_help(self) -> None:
        rows = help_rows(self.app.view.mode, self.app.ui_language, self.app.keymap)
        self.app.push_screen(
            HelpScreen(help_text(self.app.t("help_title"), rows, self.app.t("help_close")))
        )

    def action_failed_feeds(self) -> None:
        states = self.app.library.store.feed_states()
        text = failed_feeds_text(states, self.app.t("failed_title"), self.app.t("failed_none"))
        self.app.push_screen(FailedFeedsScreen(text))

    # ---- refreshing -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.start_refresh(self.section if is_feed_section(self.section) else None)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def start_refresh(self, section: str | None) -> None:
        """Refresh one section's feeds (None: all), unless a refresh is already running."""
        if self.refresh_state.running:
            self.notify(self.app.t("refresh_busy"))
            return
        total = len(self.app.library.feeds(section))
        self._set_refresh_state(replace(self.refresh_state, progress=(0, total)))
        self.run_refresh(section)

    def _set_refresh_state(self, state: RefreshState) -> None:
        self.refresh_state = state
        self.query_one(StatusLine).show(state)

    def show_changes_waiting(self, waiting: int) -> None:
        """The sync outbox's count, from the app's push worker."""
        if waiting != self.refresh_state.changes_waiting:
            self._set_refresh_state(replace(self.refresh_state, changes_waiting=waiting))

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, section: str | None) -> None:
        """Fetch and store feeds (blocking; in a thread), posting progress as feeds finish."""

        def progress(done: int, total: int, result: Any) -> None:
            self.post_message(RefreshProgressed(done, total, result))

        summary = self.app.library.refresh(section, progress)
        failed, fetched = len(summary.failed), len(summary.results)
        self.post_message(RefreshFinished(section, summary.new_articles, failed, fetched))

    def on_refresh_progressed(self, message: RefreshProgressed) -> None:
        if self.refresh_state.running:
            progress = (message.done, message.total)
            self._set_refresh_state(replace(self.refresh_state, progress=progress))

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        # Routine news goes to the status line (with the counts load_counts brings); a pop-up
        # only for feeds that failed.
        self.refresh_state = replace(
            self.refresh_state,
            progress=None,
            offline=bool(message.fetched_feeds) and message.failed_feeds == message.fetched_feeds,
            new_articles=message.new_articles,
        )
        if message.failed_feeds:
            failed = self.app.t("refresh_failed", count=message.failed_feeds)
            self.notify(failed, severity="warning")
        self.load_counts()
        if self.section is not None and message.new_articles:
            self.article_list.reload()
