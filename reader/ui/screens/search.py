"""Search: a query box over a result list; Enter on a result opens it in the main screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.worker import Worker

from reader.core.library import QuerySyntaxError, query_words, snippet
from reader.ui.article_text import make_rows
from reader.ui.messages import SearchFinished
from reader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

SEARCH_LIMIT = 200


class SearchScreen(ModalScreen[tuple[int, str] | None]):
    """Dismisses with (article id, query) when a result is chosen, None on Escape."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="search_close"),
        Binding("down", "to_results", "Results", show=False, id="search_results"),
    ]

    app: ReaderApp

    def __init__(self, prompt: str, query: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.initial_query = query
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog", classes="dialog"):
            yield Input(value=self.initial_query, placeholder=self.prompt, id="search-input")
            yield Static("", id="search-count", markup=False)
            yield ArticleList(id="search-results", row_lines=2)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged does not bubble: hand it to the app's one failure handler."""
        self.app.on_worker_state_changed(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        self.run_search(self.query_text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search the cache and convert the results' titles off the event loop."""
        app = self.app
        store = app.library.store
        try:
            compiled = store.compile_query(
                query, now=app.now(), zone=app.library.config.settings.zone
            )
        except QuerySyntaxError as error:
            self.post_message(SearchFinished(query, [], error=str(error)))
            return
        listings = store.query_listings(compiled, limit=SEARCH_LIMIT) if query else []
        words = query_words(query)
        rows = make_rows(listings, app.view, app.now(), app.ui_language, words)
        for row in rows:
            stored = store.article(row.listing.id)
            if stored is not None:
                row.snippet = app.view.text(snippet(stored.text, words), row.listing.feed_url)
        self.post_message(SearchFinished(query, rows, partial=store.index_backlog() > 0))

    def on_search_finished(self, message: SearchFinished) -> None:
        app = self.app
        rows = message.rows
        results = self.query_one("#search-results", ArticleList)
        results.replace_rows(rows, len(rows), None)
        key = "search_count" if rows else "search_none"
        label = app.t(key, count=len(rows))
        if message.error:
            label = message.error
        if message.partial:
            label += app.t("search_partial")
        self.query_one("#search-count", Static).update(label)
        if rows:
            results.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        results = self.query_one("#search-results", ArticleList)
        listing = results.listings[event.option_index]
        self.dismiss((listing.id, self.query_text))

    def action_to_results(self) -> None:
        self.query_one("#search-results", ArticleList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
