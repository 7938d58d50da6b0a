"""The main screen's script toggle: key labels in the UI language, the redraw after `t`
(at once from cached conversions where it can), and converting what is on screen to the
next script ahead of time.

A mixin of MainScreen (reader.ui.screens.main): Textual finds `on_...` handlers and runs
`@work` methods on every class of the screen's MRO, so these behave as the screen's own.
(`@on` handlers would not be found in a plain mixin; keep those on the screen class.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingsMap
from textual.message import Message
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.worker import get_current_worker

from reader.core.model import StoredArticle
from reader.core.script.convert import next_mode
from reader.ui.article_text import cached_rows
from reader.ui.keys import main_bindings
from reader.ui.messages import CountsLoaded

if TYPE_CHECKING:
    from textual.screen import Screen

    from reader.ui.app import ReaderApp

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object

PANE_TEXTS_KEPT = 12  # pane Texts kept for the open article (scripts x sources x queries)


class ScriptMixin(_ScreenBase):
    """Redraws for a script change and the next script's conversions, done ahead.

    Uses the screen's `unread_counts`, `failed_count`, `last_refreshed`, `open_article_data`,
    `show_full_text`, `search_query`, `article_list`, `pane`, `load_counts`, `load_article`,
    `on_counts_loaded`, `update_status`, `_pane_text`, `_reload_current` and `_busy`."""

    app: ReaderApp  # type: ignore[assignment]
    unread_counts: dict[str, int]
    failed_count: int
    last_refreshed: datetime | None
    search_query: str | None
    show_full_text: bool
    open_article_data: StoredArticle | None
    # The open article's pane Text per script (and source, full text, query): a toggle back
    # to a script shown before redraws at once, without a worker.
    _pane_texts: dict[tuple[object, ...], Text]
    _prefetch_due: bool

    class PanePrepared(Message):
        """The open article's pane, built ahead in the script `t` shows next."""

        def __init__(self, key: tuple[object, ...], text: Text) -> None:
            super().__init__()
            self.key = key
            self.text = text

    # ---- key labels -------------------------------------------------------------------------

    def _set_bindings(self) -> None:
        """Key descriptions follow the UI language, so the map is rebuilt on a mode change
        (only when a description changes). The footer's keys take the new descriptions in
        place; rebuilding the footer costs ~20 ms and a frame."""
        bindings = main_bindings(self.app.view.mode, self.app.ui_language)
        labels = [binding.description for binding in bindings]
        if labels == getattr(self, "_binding_labels", None):
            return
        old: list[Binding] = getattr(self, "_main_bindings", [])
        self._binding_labels = labels
        self._main_bindings = bindings
        self._bindings = BindingsMap(bindings)
        if not self._relabel_footer(old, bindings):
            self.refresh_bindings()

    def _relabel_footer(self, old: list[Binding], new: list[Binding]) -> bool:
        """Give the footer's keys their new descriptions without rebuilding it; False when
        it must be rebuilt (other keys shown, grouped keys, not composed yet)."""

        def shape(bindings: list[Binding]) -> list[tuple[object, ...]]:
            return [(b.key, b.action, b.show, b.id, b.group) for b in bindings]

        if not old or shape(old) != shape(new):
            return False
        footers = self.query(Footer)
        keys = list(footers.first().query(FooterKey)) if footers else []
        if not keys or any(key.has_class("-grouped") for key in keys):
            return False
        descriptions: dict[str, str] = {}
        for binding in new:
            if binding.show:
                descriptions.setdefault(binding.action, binding.description)
        for key in keys:
            description = descriptions.get(key.action)
            if description is not None and description != key.description:
                key.description = description
                key.refresh(layout=True)
        return True

    # ---- redraw in the new script -------------------------------------------------------------

    def redraw_for_script(self) -> None:
        """Everything from feeds and every label again in the new script.

        Texts converted before (the LRU in reader.core.script.convert, the pane's Text per script)
        are redrawn at once on this thread, so the change shows in the next frame; anything
        that still needs OpenCC goes to the workers as before."""
        self._set_bindings()
        self.update_status()
        self._redraw_tabs_for_script()
        self._redraw_list_for_script()
        self._redraw_pane_for_script()
        self._prefetch_soon()

    def _redraw_tabs_for_script(self) -> None:
        view = self.app.view
        names = {name: view.cached_text(name) for name in self.unread_counts}
        if not names or self._busy("counts") or any(name is None for name in names.values()):
            self.load_counts()
            return
        self.on_counts_loaded(
            CountsLoaded(
                self.unread_counts,
                self.failed_count,
                {section: name for section, name in names.items() if name is not None},
                self.last_refreshed,
            )
        )

    def _redraw_list_for_script(self) -> None:
        articles = self.article_list
        rows = None
        if articles.rows and articles.hint is None:
            rows = cached_rows(articles.rows, self.app.view, self.app.now(), self.app.ui_language)
        if rows is None:
            self._reload_current()
            return
        articles.swap_rows(rows)
        if self._busy("listing"):
            self._reload_current()  # the page on its way was converted in the old script

    def _redraw_pane_for_script(self) -> None:
        pane = self.pane
        if pane.article_id is None:
            return
        article = self.open_article_data
        if (
            article is not None
            and article.listing.id == pane.article_id
            and not self._busy("article")
        ):
            key = pane_key(article, self.app.view.mode, self.show_full_text, self.search_query)
            text = self._pane_texts.get(key)
            if text is not None:
                pane.show_article(pane.article_id, text, keep_scroll=True)
                return
        self.load_article(pane.article_id, self.search_query, self.show_full_text, keep_scroll=True)

    def _keep_pane_text(self, key: tuple[object, ...], text: Text) -> None:
        """Remember a built pane Text under its `pane_key`, dropping the oldest beyond a few."""
        self._pane_texts[key] = text
        while len(self._pane_texts) > PANE_TEXTS_KEPT:
            del self._pane_texts[next(iter(self._pane_texts))]

    # ---- the next script, ahead of time ------------------------------------------------------

    def _prefetch_soon(self) -> None:
        """After the next paint, convert what is on screen to the script `t` shows next, so
        the first press redraws at once too (only with the app's OpenCC warm-up on)."""
        if self.app.warm_up and not self._prefetch_due:
            self._prefetch_due = True
            self.call_after_refresh(self._start_prefetch)

    def _start_prefetch(self) -> None:
        self._prefetch_due = False
        article = self.open_article_data
        if article is None or article.listing.id != self.pane.article_id:
            article = None
        titles = [
            (row.listing.title, row.listing.feed_title, row.listing.feed_url)
            for row in self.article_list.rows
        ]
        self.prefetch_next_script(
            article, titles, list(self.unread_counts), self.show_full_text, self.search_query
        )

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch_next_script(
        self,
        article: StoredArticle | None,
        titles: list[tuple[str, str, str]],
        sections: list[str],
        full_text: bool,
        query: str | None,
    ) -> None:
        """Fill the conversion cache for the next script and build the open article's pane
        in it (in a thread; stops early once a newer request cancels it)."""
        view = replace(self.app.view, mode=next_mode(self.app.view.mode))  # type: ignore[arg-type]
        worker = get_current_worker()
        if article is not None:
            text = self._pane_text(article, view, full_text, query)
            self.post_message(
                self.PanePrepared(pane_key(article, view.mode, full_text, query), text)
            )
        for name in sections:
            view.text(name)
        for index, (title, feed_title, feed_url) in enumerate(titles):
            if index % 20 == 0 and worker.is_cancelled:
                return
            view.text(title, feed_url)
            view.text(feed_title, feed_url)

    def on_script_mixin_pane_prepared(self, message: PanePrepared) -> None:
        article = self.open_article_data
        if article is not None and message.key[0] == article.listing.id:
            self._keep_pane_text(message.key, message.text)


def pane_key(
    article: StoredArticle, mode: str, full_text: bool, query: str | None
) -> tuple[object, ...]:
    """What an article's pane Text depends on: the article, the script (second: handlers
    compare it), the source shown and the search words highlighted."""
    item = article.listing
    html = (
        article.full_html
        if full_text and article.full_html
        else article.content_html or article.summary_html
    )
    return (
        item.id,
        mode,
        html,
        article.text,
        item.title,
        item.feed_title,
        item.author,
        item.published,
        item.link,
        item.feed_url,
        query,
    )
