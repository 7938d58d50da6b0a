"""The main screen's reading pane: load an article in a thread, convert and lay it out in
the current script, show it; the web page's full text on `f`.

A mixin of MainScreen (reader.ui.screens.main): Textual finds `on_...` handlers and runs
`@work` methods on every class of the screen's MRO, so these behave as the screen's own.
(`@on` handlers would not be found in a plain mixin; keep those on the screen class.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from reader.core.model import StoredArticle
from reader.core.script.view import ScriptView
from reader.core.text.blocks import html_to_blocks, text_to_blocks
from reader.core.text.cells import clean_line
from reader.ui.article_text import article_text
from reader.ui.messages import ArticleLoaded, FullTextFetched
from reader.ui.screens.main_script import pane_key
from reader.ui.strings import label
from reader.ui.timefmt import local_time

if TYPE_CHECKING:
    from textual.screen import Screen

    from reader.ui.app import ReaderApp

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class ArticlePaneMixin(_ScreenBase):
    """The open article: loading, layout, full text.

    Uses the screen's `narrow`, `article_list`, `pane`, `load_counts`, `_busy`,
    `_redraw_row`, `_pane_texts`, `_keep_pane_text` and `_prefetch_soon`."""

    app: ReaderApp  # type: ignore[assignment]
    search_query: str | None  # search words to highlight in the open article
    show_full_text: bool  # the web page's story when we have it; `f` toggles
    open_has_full_text: bool
    open_article_data: StoredArticle | None  # what the pane's text was built from
    _pane_texts: dict[tuple[object, ...], Text]

    def open_article(self, article_id: int, query: str | None = None) -> None:
        """Load, convert and show an article; mark it read."""
        self.search_query = query
        self.app.remember(article_id=article_id)
        self.load_article(article_id, query, self.show_full_text)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(
        self, article_id: int, query: str | None, full_text: bool, keep_scroll: bool = False
    ) -> None:
        """Read the article, convert its HTML to the current script and lay it out as Text."""
        store = self.app.library.store
        article = store.article(article_id)
        if article is None:
            return
        if not article.listing.read:
            store.set_read([article_id], True)
        mode = self.app.view.mode  # a toggle during the work makes the result stale
        text = self._pane_text(article, self.app.view, full_text, query)
        loaded = ArticleLoaded(article, text, query, keep_scroll)
        loaded.pane_key = pane_key(article, mode, full_text, query)  # type: ignore[attr-defined]
        self.post_message(loaded)

    def _pane_text(
        self, article: StoredArticle, view: ScriptView, full_text: bool, query: str | None
    ) -> Text:
        """The article converted to the view's script and laid out as Text (in a thread)."""
        item = article.listing
        language = self.app.ui_language
        html = (
            article.full_html
            if full_text and article.full_html
            else article.content_html or article.summary_html
        )
        blocks = html_to_blocks(view.html(html, item.feed_url), item.link)
        if not blocks and article.text:
            blocks = text_to_blocks(view.text(article.text, item.feed_url))
        meta_parts = [
            local_time(item.published, self.app.zone),
            view.text(item.feed_title, item.feed_url),
        ]
        if item.author:
            author = view.text(item.author, item.feed_url)
            meta_parts.append(label("by_author", view.mode, language, author=author))
        meta = clean_line("  ".join(part for part in meta_parts if part))
        return article_text(
            clean_line(view.text(item.title, item.feed_url)),
            meta,
            blocks,
            label("image", view.mode, language),
            query,
        )

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        listing = message.article.listing
        key: tuple[object, ...] | None = getattr(message, "pane_key", None)
        if key is not None:
            if key[1] != self.app.view.mode:  # built in the script shown before a toggle
                if not self._busy("article"):
                    self.load_article(
                        listing.id,
                        message.query,
                        self.show_full_text,
                        keep_scroll=message.keep_scroll,
                    )
                return
            if self.open_article_data is None or self.open_article_data.listing.id != listing.id:
                self._pane_texts.clear()
            self._keep_pane_text(key, message.text)
        self.open_article_data = message.article
        self._prefetch_soon()
        self.open_has_full_text = message.article.full_html is not None
        self.pane.show_article(listing.id, message.text, message.keep_scroll)
        if self.narrow:
            self.add_class("-reading")
            self.refresh_bindings()
        articles = self.article_list
        index = articles.index_of(listing.id)
        if index is not None:
            was_unread = not articles.listings[index].read
            self._redraw_row(index, read=True)
            if was_unread:
                self.load_counts()

    # ---- full text --------------------------------------------------------------------------

    def action_full_text(self) -> None:
        """Show the stored story, or back to the feed's text; fetch the story when there is none."""
        article_id = self.pane.article_id
        if article_id is None:
            return
        if self.open_has_full_text:
            self.show_full_text = not self.show_full_text
            self.notify(self.app.t("full_text_shown" if self.show_full_text else "feed_text_shown"))
            self.load_article(article_id, self.search_query, self.show_full_text)
            return
        self.notify(self.app.t("full_text_fetching"))
        self.fetch_full_text(article_id)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def fetch_full_text(self, article_id: int) -> None:
        """Download and extract the article's web page (blocking; in a thread) and cache it."""
        from reader.core.refresh.fulltext import FullTextError

        try:
            self.app.library.full_text(article_id)
        except FullTextError as error:
            message = self.app.t("full_text_failed", reason=clean_line(str(error)))
            # The reason quotes the server (its reason phrase): never read it as markup.
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)
            return
        self.post_message(FullTextFetched(article_id))

    def on_full_text_fetched(self, message: FullTextFetched) -> None:
        self.show_full_text = True
        if self.pane.article_id == message.article_id:
            self.notify(self.app.t("full_text_shown"))
            self.load_article(message.article_id, self.search_query, True)
