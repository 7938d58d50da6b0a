"""The reading pane: loads an article in a worker, converts and lays it out in the current
script, keeps the Texts it built per script, fetches the web page's story on `f`.

Workers post messages to the pane itself; the pane tells the screen what it showed with
`ReadingPane.ArticleShown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from reader.core.library import full_text_or_reason
from reader.core.model import Listing, StoredArticle
from reader.core.script.convert import next_mode
from reader.core.script.view import ScriptView
from reader.core.text.cells import clean_line
from reader.core.text.layout import prepare_layout
from reader.ui.article_text import IMAGE_META, meta_urls
from reader.ui.halfblocks import draw_in_box, image_size
from reader.ui.pane_text import build_pane_text, pane_key
from reader.ui.widgets.article_body import ArticleBody

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

PANE_TEXTS_KEPT = 12  # pane Texts kept for the open article (scripts x sources x queries)


class ReadingPane(VerticalScroll, can_focus=False):
    """Shows the open article (or a hint) and owns loading it, in any script and source."""

    app: ReaderApp

    @dataclass
    class ArticleShown(Message):
        """An article is on screen now (and marked read in the cache)."""

        listing: Listing

    @dataclass
    class ArticleLoaded(Message, bubble=False):
        """An article was read from the cache and laid out as Text under its `pane_key`."""

        article: StoredArticle
        text: Text
        key: tuple[object, ...]
        query: str | None
        keep_scroll: bool  # the same article again (another script): stay where the reader is
        image_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # cached photos
        missing_images: list[str] = field(default_factory=list)  # photos not downloaded yet

    @dataclass
    class TextPrepared(Message, bubble=False):
        """The open article's Text, built ahead in the script `t` shows next."""

        key: tuple[object, ...]
        text: Text

    @dataclass
    class ImagesFetched(Message, bubble=False):
        """An article's photos were downloaded into the cache, or why each could not be."""

        outcomes: dict[str, Path | str]

    @dataclass
    class ImageDrawn(Message, bubble=False):
        """A photo drawn into a box of cells, or None when its stored copy cannot be read."""

        url: str
        columns: int
        rows: int
        strips: list[Strip] | None

    @dataclass
    class FullTextFetched(Message, bubble=False):
        """An article's story was fetched from its web page and cached."""

        article_id: int

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article_id: int | None = None
        self.search_words: str | None = None  # search words highlighted in the open article
        self.show_full_text = True  # the web page's story when we have it; `f` toggles
        self.article: StoredArticle | None = None  # what the shown Text was built from
        # The open article's Text per script (and source, full text, query): a toggle back to
        # a script shown before redraws at once, without a worker.
        self._texts: dict[tuple[object, ...], Text] = {}
        self._prefetch_due = False
        self.images_on = True  # photos drawn in the pane; `i` toggles, the app remembers
        self._downloading: set[str] = set()  # photos being fetched into the cache
        self._drawing: set[tuple[str, int, int]] = set()  # photos being drawn at a box size
        # The open story's copies from several feeds (issue 15), in the order `c` walks them.
        self._copies: tuple[int, ...] = ()
        self._copy_switched = False  # the article loading was asked for by `c`

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged does not bubble: hand it to the app's one failure handler."""
        self.app.on_worker_state_changed(event)

    def compose(self) -> ComposeResult:
        yield ArticleBody(id="article-body")

    def on_mount(self) -> None:
        remembered = self.app.ui_state.images
        self.images_on = (remembered or self.app.library.config.settings.images) == "on"
        self.app.script_changed_signal.subscribe(self, lambda _mode: self._redraw_for_script())

    @property
    def body(self) -> ArticleBody:
        return self.query_one("#article-body", ArticleBody)

    # ---- showing ------------------------------------------------------------------------------

    def show_article(self, article_id: int, text: Text, keep_scroll: bool = False) -> None:
        """Show an article from its top, or, with `keep_scroll` and the same article (e.g. in
        another script), at the place the reader had reached."""
        same = keep_scroll and self.article_id == article_id
        # Lines break elsewhere in another script: keep the paragraph, not the row.
        place = self.body.place_of_row(round(self.scroll_y))
        self.article_id = article_id
        self.body.show(text)
        if same:
            self.call_after_refresh(
                lambda: self.scroll_to(y=self.body.row_of_place(place), animate=False)
            )
        else:
            self.scroll_home(animate=False, immediate=True)

    def show_hint(self, hint: str) -> None:
        self.article_id = None
        self.body.show(Text(hint, style="dim"))
        self.scroll_home(animate=False, immediate=True)

    @property
    def at_end(self) -> bool:
        """True when the last line of the article is on screen."""
        return self.scroll_y >= self.max_scroll_y

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    @property
    def body_text(self) -> str:
        """The plain text on display (for tests and copy)."""
        return self.body.text.plain

    # ---- loading ------------------------------------------------------------------------------

    def open(self, article_id: int, query: str | None = None) -> None:
        """Load, convert and show an article with `query`'s words highlighted; mark it read."""
        self.search_words = query
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
        view = self.app.view
        mode = view.mode  # a toggle during the work makes the result stale
        images = self.images_on
        text = self._build_text(article, view, full_text, query, images)
        prepare_layout(text.plain)  # the line breaks' analysis here, not on the UI thread
        key = pane_key(article, mode, full_text, query, images)
        sizes: dict[str, tuple[int, int]] = {}
        missing: list[str] = []
        for url in photo_urls(text):
            path = self.app.library.cached_image(url)
            size = image_size(path) if path is not None else None
            if size is not None:
                sizes[url] = size
            else:
                missing.append(url)
        self.post_message(
            self.ArticleLoaded(article, text, key, query, keep_scroll, sizes, missing)
        )

    def _build_text(
        self,
        article: StoredArticle,
        view: ScriptView,
        full_text: bool,
        query: str | None,
        images: bool,
    ) -> Text:
        return build_pane_text(
            article, view, full_text, query, self.app.zone, self.app.ui_language, images
        )

    def _busy(self, group: str) -> bool:
        """Whether one of the pane's workers in `group` is still to finish."""
        return any(
            worker.node is self
            and worker.group == group
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    def on_reading_pane_article_loaded(self, message: ArticleLoaded) -> None:
        listing = message.article.listing
        if message.key[1] != self.app.view.mode:  # built in the script shown before a toggle
            if not self._busy("article"):
                self.load_article(
                    listing.id, message.query, self.show_full_text, message.keep_scroll
                )
            return
        if self.article is None or self.article.listing.id != listing.id:
            self._texts.clear()
        self._keep_text(message.key, message.text)
        self.article = message.article
        if listing.id not in self._copies:
            self._copies = (listing.id, *listing.same_story)
        if self._copy_switched:
            self._copy_switched = False
            feed = self.app.view.text(listing.feed_title, listing.feed_url)
            index, count = self._copies.index(listing.id) + 1, len(self._copies)
            # The feed's title is feed text: never read as markup.
            notice = self.app.t("copy_of", index=index, count=count, feed=feed)
            self.notify(notice, markup=False)
        self._prefetch_soon()
        self.body.image_sizes.update(message.image_sizes)
        self.show_article(listing.id, message.text, message.keep_scroll)
        self.post_message(self.ArticleShown(listing))
        missing = [url for url in message.missing_images if url not in self._downloading]
        if missing:
            self._downloading.update(missing)
            self.fetch_images(missing)

    def _keep_text(self, key: tuple[object, ...], text: Text) -> None:
        """Remember a built Text under its `pane_key`, dropping the oldest beyond a few."""
        self._texts[key] = text
        while len(self._texts) > PANE_TEXTS_KEPT:
            del self._texts[next(iter(self._texts))]

    # ---- another script -----------------------------------------------------------------------

    def _redraw_for_script(self) -> None:
        """The open article in the new script: at once from a Text built before, else loaded
        again at the place the reader had reached."""
        if self.article_id is None:
            return
        article = self.article
        if (
            article is not None
            and article.listing.id == self.article_id
            and not self._busy("article")
        ):
            key = pane_key(
                article, self.app.view.mode, self.show_full_text, self.search_words, self.images_on
            )
            text = self._texts.get(key)
            if text is not None:
                self.show_article(self.article_id, text, keep_scroll=True)
                self._prefetch_soon()
                return
        self.load_article(self.article_id, self.search_words, self.show_full_text, keep_scroll=True)

    def _prefetch_soon(self) -> None:
        """After the next paint, build the open article in the script `t` shows next, so the
        first press redraws at once too (only with the app's OpenCC warm-up on)."""
        if self.app.warm_up and not self._prefetch_due:
            self._prefetch_due = True
            self.call_after_refresh(self._start_prefetch)

    def _start_prefetch(self) -> None:
        self._prefetch_due = False
        article = self.article
        if article is not None and article.listing.id == self.article_id:
            self.prepare_next_script(article, self.show_full_text, self.search_words)

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prepare_next_script(
        self, article: StoredArticle, full_text: bool, query: str | None
    ) -> None:
        """Build the open article's Text in the script `t` shows next (in a thread)."""
        view = replace(self.app.view, mode=next_mode(self.app.view.mode))
        images = self.images_on
        text = self._build_text(article, view, full_text, query, images)
        prepare_layout(text.plain)
        key = pane_key(article, view.mode, full_text, query, images)
        self.post_message(self.TextPrepared(key, text))

    def on_reading_pane_text_prepared(self, message: TextPrepared) -> None:
        article = self.article
        if article is not None and message.key[0] == article.listing.id:
            self._keep_text(message.key, message.text)

    # ---- photos -------------------------------------------------------------------------------

    def toggle_images(self) -> None:
        """Show or hide photos (remembered); the open article is laid out again in place."""
        self.images_on = not self.images_on
        self.app.remember(images="on" if self.images_on else "off")
        self.notify(self.app.t("images_shown" if self.images_on else "images_hidden"))
        if self.article_id is not None:
            self.load_article(
                self.article_id, self.search_words, self.show_full_text, keep_scroll=True
            )

    @work(thread=True, group="images", exit_on_error=False)
    def fetch_images(self, urls: list[str]) -> None:
        """Download an article's photos into the disk cache (in a thread), so they stay offline."""
        self.post_message(self.ImagesFetched(self.app.library.fetch_images(urls)))

    def on_reading_pane_images_fetched(self, message: ImagesFetched) -> None:
        self._downloading.difference_update(message.outcomes)
        failed = {url for url, outcome in message.outcomes.items() if isinstance(outcome, str)}
        self.body.failed_images.update(failed)
        if failed:
            self.body.images_changed()
        else:
            self.body.refresh()  # the placeholders ask for their photos again

    def on_article_body_image_wanted(self, message: ArticleBody.ImageWanted) -> None:
        message.stop()
        wanted = (message.url, message.columns, message.rows)
        if message.url in self._downloading or wanted in self._drawing:
            return
        self._drawing.add(wanted)
        self.draw_image(*wanted)

    @work(thread=True, group="draw-image", exit_on_error=False)
    def draw_image(self, url: str, columns: int, rows: int) -> None:
        """Draw a cached photo into its box of cells (in a thread); None when it is not there."""
        path = self.app.library.cached_image(url)
        strips = draw_in_box(path, columns, rows) if path is not None else None
        self.post_message(self.ImageDrawn(url, columns, rows, strips))

    def on_reading_pane_image_drawn(self, message: ImageDrawn) -> None:
        self._drawing.discard((message.url, message.columns, message.rows))
        if message.strips is None:
            self.body.failed_images.add(message.url)
            self.body.images_changed()
            return
        self.body.image_strips[(message.url, message.columns, message.rows)] = message.strips
        self.body.refresh()

    def next_copy(self) -> None:
        """Show the same story as the next feed carries it (`c`), in turn; reading it marks
        every copy read like any article."""
        article = self.article
        if article is None or len(self._copies) < 2:
            self.notify(self.app.t("no_copies"))
            return
        here = self._copies.index(article.listing.id) if article.listing.id in self._copies else 0
        self._copy_switched = True
        self.load_article(
            self._copies[(here + 1) % len(self._copies)], self.search_words, self.show_full_text
        )

    # ---- the web page's story ---------------------------------------------------------------

    @property
    def has_full_text(self) -> bool:
        """Whether the open article's story from its web page is stored."""
        return self.article is not None and self.article.full_html is not None

    def toggle_full_text(self) -> None:
        """Show the stored story, or back to the feed's text; fetch the story when there is none."""
        article_id = self.article_id
        if article_id is None:
            return
        if self.has_full_text:
            self.show_full_text = not self.show_full_text
            self.notify(self.app.t("full_text_shown" if self.show_full_text else "feed_text_shown"))
            self.load_article(article_id, self.search_words, self.show_full_text)
            return
        self.notify(self.app.t("full_text_fetching"))
        self.fetch_full_text(article_id)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def fetch_full_text(self, article_id: int) -> None:
        """Download and extract the article's web page through the library (in a thread)."""
        outcome = full_text_or_reason(self.app.library, article_id)
        if isinstance(outcome, str):
            message = self.app.t("full_text_failed", reason=clean_line(outcome))
            # The reason quotes the server (its reason phrase): never read it as markup.
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)
            return
        self.post_message(self.FullTextFetched(article_id))

    def on_reading_pane_full_text_fetched(self, message: FullTextFetched) -> None:
        self.show_full_text = True
        if self.article_id == message.article_id:
            self.notify(self.app.t("full_text_shown"))
            self.load_article(message.article_id, self.search_words, True)


def photo_urls(text: Text) -> list[str]:
    """The photos a pane Text marks for drawing (see `article_text`), in order."""
    return meta_urls(text, IMAGE_META)
