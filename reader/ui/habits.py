"""The habits newsboat users bring (issue 17), behind the app's `habit` action: pipe the open
article to a program, save it as Markdown, bookmark it, open its links by number, hide read
articles and sort the list.

Programs and files are reached in thread workers through the library; what they say comes back
as a short notice. Feed text reaches a program only on its standard input or as separate
arguments (reader.core.backends.user_command), never through a shell.
"""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING

from textual.timer import Timer

from reader.core.library import (
    UserCommandFailed,
    bookmark_article,
    pipe_article,
    save_article,
)
from reader.core.script.shown import ShownArticle, shown_article
from reader.core.text.cells import clean_line
from reader.ui.article_text import links_of
from reader.ui.screens.links import DIGIT_SECONDS, LinksScreen, number_ready
from reader.ui.screens.main import MainScreen
from reader.ui.screens.prompt import PromptScreen
from reader.ui.state import SORT_ORDERS
from reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

OUTPUT_CHARS = 300  # how much of a program's output a notice shows
NOTICE_SECONDS = 8.0


class Habits:
    """What `|`, `S`, `b`, `L`, digits, `h` and `O` do; the app owns one."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.typed = ""  # digits of a link number typed in the reading view
        self._timer: Timer | None = None

    # ---- plumbing -------------------------------------------------------------------------------

    @property
    def main(self) -> MainScreen | None:
        return next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)

    def allows(self, name: str) -> bool:
        """Digits and Enter mean link numbers only while an article fills the screen (they
        switch sections and open rows elsewhere); the rest always run."""
        if name == "link_go":
            return bool(self.typed)
        if name == "link_digit":
            main = self.main
            return (
                main is not None
                and self.app.screen is main
                and main.has_class("-reading")
                and main.pane.article_id is not None
            )
        return True

    def run(self, name: str, *arguments: object) -> None:
        handler = getattr(self, f"do_{name}", None)
        if handler is not None:
            handler(*arguments)

    def _say(self, message: str, error: bool = False, failed: bool = False) -> None:
        """A notice in the UI's language; program output is data, never markup."""
        self.app.notify(
            message,
            # A program's or a save's failure stays up even over an article (see app.notify).
            severity="error" if failed else "warning" if error else "information",
            timeout=NOTICE_SECONDS,
            markup=False,
        )

    def _say_from_thread(self, message: str, error: bool = False, failed: bool = False) -> None:
        self.app.call_from_thread(self._say, message, error, failed)

    def _open_shown(self) -> tuple[ShownArticle | None, str]:
        """The open article as the pane shows it (script, source), or None with a notice;
        the second item names why. Call from a worker: OpenCC runs here."""
        main = self.main
        article = main.pane.article if main is not None else None
        if main is None or article is None or article.listing.id != main.pane.article_id:
            return None, "no_open_article"
        view, zone = self.app.view, self.app.zone
        return shown_article(article, view, zone, main.pane.show_full_text), ""

    def _has_open_article(self) -> bool:
        main = self.main
        if main is None or main.pane.article is None or main.pane.article_id is None:
            self._say(self.app.t("no_open_article"), error=True)
            return False
        return True

    # ---- pipe, save, bookmark ---------------------------------------------------------------

    def do_pipe(self) -> None:
        """Ask which program (the configured one filled in), then pipe the article to it."""
        if not self._has_open_article():
            return
        question = self.app.t("pipe_prompt")
        configured = self.app.library.config.settings.pipe_command

        def answered(command: str | None) -> None:
            if command and command.strip():
                self.app.run_worker(
                    lambda: self._pipe(command), thread=True, group="pipe", exit_on_error=False
                )

        self.app.push_screen(PromptScreen(question, configured), answered)

    def _pipe(self, command: str) -> None:
        shown, why = self._open_shown()
        if shown is None:
            self._say_from_thread(self.app.t(why), error=True)
            return
        try:
            output = pipe_article(self.app.library, command, shown)
        except UserCommandFailed as error:
            self._say_from_thread(
                self.app.t("program_failed", error=clean_line(str(error))), failed=True
            )
            return
        lines = [clean_line(line) for line in output.splitlines() if line.strip()]
        said = "\n".join(lines)[:OUTPUT_CHARS]
        self._say_from_thread(said or self.app.t("pipe_done"))

    def do_save(self) -> None:
        if self._has_open_article():
            self.app.run_worker(self._save, thread=True, group="save", exit_on_error=False)

    def _save(self) -> None:
        shown, why = self._open_shown()
        if shown is None:
            self._say_from_thread(self.app.t(why), error=True)
            return
        markdown = shown.markdown(self.app.t("source_label"), self.app.t("image").strip("[]"))
        try:
            path = save_article(self.app.library, shown, markdown, self.app.now())
        except OSError as error:
            reason = clean_line(error.strerror or str(error))
            self._say_from_thread(self.app.t("save_failed", error=reason), failed=True)
            return
        self._say_from_thread(self.app.t("saved_to", path=clean_line(str(path))))

    def do_bookmark(self) -> None:
        if self._has_open_article():
            self.app.run_worker(self._bookmark, thread=True, group="bookmark", exit_on_error=False)

    def _bookmark(self) -> None:
        shown, why = self._open_shown()
        if shown is None:
            self._say_from_thread(self.app.t(why), error=True)
            return
        try:
            bookmark_article(self.app.library, shown)
        except UserCommandFailed as error:
            self._say_from_thread(
                self.app.t("program_failed", error=clean_line(str(error))), failed=True
            )
            return
        self._say_from_thread(self.app.t("bookmarked"))

    # ---- links by number --------------------------------------------------------------------

    def links(self) -> list[str]:
        """The open article's numbered links, in number order."""
        main = self.main
        if main is None or main.pane.article_id is None:
            return []
        return links_of(main.pane.body.text)

    def do_links(self) -> None:
        """A list of the open article's links to pick from (or type the number of)."""
        if not self._has_open_article():
            return
        urls = self.links()
        if not urls:
            self._say(self.app.t("no_links"))
            return

        def chosen(url: str | None) -> None:
            if url:
                self.open_link(urls.index(url) + 1, url)

        self.app.push_screen(LinksScreen(self.app.t("links_title"), urls), chosen)

    def do_link_digit(self, digit: int) -> None:
        """A digit typed while reading: open that link once no longer number can follow, else
        after a moment (or at Enter)."""
        self.typed += str(digit)
        if self._timer is not None:
            self._timer.stop()
        if number_ready(self.typed, len(self.links())):
            self.do_link_go()
        else:
            self._timer = self.app.set_timer(DIGIT_SECONDS, self.do_link_go)

    def do_link_go(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        typed, self.typed = self.typed, ""
        if not typed:
            return
        number, urls = int(typed), self.links()
        if not 1 <= number <= len(urls):
            self._say(self.app.t("no_such_link", number=number), error=True)
            return
        self.open_link(number, urls[number - 1])

    def open_link(self, number: int, url: str) -> None:
        """Open a link in the browser from a worker (a browser can take a while to answer)."""
        if not url.startswith(("http://", "https://", "mailto:")):
            return
        self.app.opened_links.append(url)
        self._say(self.app.t("opening_link", number=number))
        self.app.run_worker(
            lambda: webbrowser.open(url), thread=True, group="browser", exit_on_error=False
        )

    # ---- the list: hide read, sort ------------------------------------------------------------

    def order_of(self, section: str | None) -> str:
        """The section's sort order (newest first unless `O` chose another)."""
        return self.app.ui_state.sort_orders.get(section or "", "newest")

    def do_hide_read(self) -> None:
        """Show only unread articles, or all again (remembered); the one selected stays."""
        hide = not self.app.ui_state.hide_read
        self.app.remember(hide_read=hide)
        self._say(self.app.t("hide_read_on" if hide else "hide_read_off"))
        self._reload_list()

    def do_sort(self) -> None:
        """The next sort order for this section (remembered per section)."""
        main = self.main
        if main is None or main.section is None:
            return
        order = SORT_ORDERS[(SORT_ORDERS.index(self.order_of(main.section)) + 1) % 4]
        orders = dict(self.app.ui_state.sort_orders)
        orders[main.section] = order
        self.app.remember(sort_orders=orders)
        self._say(self.app.t("sort_now", order=self.app.t(f"sort_{order}")))
        self._reload_list()

    def _reload_list(self) -> None:
        main = self.main
        if main is not None:
            main.article_list.reload()
            self.show_list_mode()

    def show_list_mode(self) -> None:
        """The sort order and the unread filter on the status line (when not the default)."""
        main = self.main
        if main is None:
            return
        parts = []
        order = self.order_of(main.section)
        if order != "newest":
            parts.append(self.app.t("sort_now", order=self.app.t(f"sort_{order}")))
        if self.app.ui_state.hide_read:
            parts.append(self.app.t("hide_read_on"))
        main.query_one(StatusLine).show_list_mode(" · ".join(parts))
