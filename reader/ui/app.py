"""The reader's Textual app: wires the library, remembered state and the main screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import ThemeProvider
from textual.worker import Worker, WorkerState, get_current_worker

from reader.core.library import Library, notify_new_articles
from reader.core.model import ScriptMode
from reader.core.script.convert import next_mode
from reader.core.script.view import ScriptView
from reader.core.text.cells import clean_line
from reader.ui.commands import ReaderCommands, translated_system_commands
from reader.ui.habits import Habits
from reader.ui.messages import RefreshFinished
from reader.ui.screens.main import MainScreen
from reader.ui.state import load_ui_state, save_ui_state
from reader.ui.strings import label

# Articles a search index rebuild step takes in the TUI: about 0.15 s holding the cache, so a
# list or article read waits at most that long while the rebuild runs.
INDEX_BATCH = 500
BLINK_SECONDS = 1.5  # how long a pop-up may stay over an article that fills the screen
# With a sync server, marks made here are pushed this soon after they are made (when online).
PUSH_SECONDS = 5.0


class ReaderApp(App[None]):
    """A terminal news reader over one Library (config, cache and backend)."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        library: Library,
        *,
        refresh_on_start: bool | None = None,
        clock: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        warm_up: bool = True,
        startup_notices: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.startup_notices = startup_notices or []  # shown once the screen is up
        settings = library.config.settings
        self.library = library
        self.ui_state = load_ui_state(library.paths.ui_state_file)
        self.ui_language = settings.ui_language
        self.keymap = dict(library.config.keys)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = zone  # None: the computer's local zone
        self.refresh_on_start = (
            settings.refresh_on_start if refresh_on_start is None else refresh_on_start
        )
        self.warm_up = warm_up
        # Published with the new mode after `t`: each widget redraws its own region.
        self.script_changed_signal: Signal[ScriptMode] = Signal(self, "script-changed")
        self.opened_links: list[str] = []  # what open_link was asked to open, newest last
        self.habits = Habits(self)  # pipe, save, bookmark, links by number, hide read, sort
        languages = {state.url: state.language for state in library.store.feed_states()}
        self.view = ScriptView.for_config(library.config, languages, self.ui_state.script_mode)
        theme = settings.theme or self.ui_state.theme
        if theme and theme in self.available_themes:
            self.theme = theme

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))
        main = MainScreen()
        self.push_screen(main)
        for notice in self.startup_notices:
            self.notify(notice, severity="warning", timeout=30, markup=False)
        if self.warm_up:
            self.call_after_refresh(self.warm_up_converter)
        self.call_after_refresh(self.catch_up_search_index)
        if self.refresh_on_start:
            self.call_after_refresh(main.start_refresh, None)
        minutes = self.library.config.settings.refresh_interval
        if minutes > 0:
            self.set_interval(minutes * 60, lambda: main.start_refresh(None), name="auto-refresh")
        if self.library.config.sync is not None:
            self.set_interval(PUSH_SECONDS, self.push_waiting_changes, name="sync-push")

    @work(thread=True, exclusive=True, group="sync-push", exit_on_error=False)
    def push_waiting_changes(self) -> None:
        """Send the marks waiting in the outbox to the sync server; the status line says how
        many still wait (all of them while the server cannot be reached)."""
        waiting = self.library.store.pending_count()
        if waiting:
            waiting = self.library.push_changes().pending
        self.call_from_thread(self._show_changes_waiting, waiting)

    def _show_changes_waiting(self, waiting: int) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.show_changes_waiting(waiting)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up_converter(self) -> None:
        """Load OpenCC's dictionaries after the first paint, so the first `t` is quick."""
        from reader.core.script.convert import warm_up

        warm_up(self.view.variant)

    @work(thread=True, group="search-index", exit_on_error=False)
    def catch_up_search_index(self) -> None:
        """After an upgrade the search index is rebuilt here, after the first paint, in small
        batches so the UI's own reads of the cache never wait long (see store_index)."""
        store = self.library.store
        left = store.index_backlog()
        if not left:
            return
        notice = self.t("index_rebuilding", count=f"{left:,}")
        self.call_from_thread(self.notify, notice, markup=False)
        worker = get_current_worker()
        while store.catch_up_index(batch=INDEX_BATCH):
            if worker.is_cancelled:
                return  # the next start goes on from here
        self.call_from_thread(self.notify, self.t("index_rebuilt"), markup=False)

    def now(self) -> datetime:
        return self.clock()

    def t(self, key: str, **values: Any) -> str:
        """A UI label in the current script or language."""
        return label(key, self.view.mode, self.ui_language, **values)

    def remember(self, **changes: Any) -> None:
        """Update and save the remembered state (a tiny JSON file: written inline)."""
        for name, value in changes.items():
            setattr(self.ui_state, name, value)
        save_ui_state(self.library.paths.ui_state_file, self.ui_state)

    def cycle_script(self) -> None:
        """original -> 简体 -> 繁體 -> original, everywhere at once."""
        self.view.mode = next_mode(self.view.mode)
        self.remember(script_mode=self.view.mode)
        self.notify(self.t("script_now", script=self.t(f"mode_{self.view.mode}")))
        self.script_changed_signal.publish(self.view.mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands (Theme, Quit, Keys, ...) in the palette in the UI's language."""
        return translated_system_commands(super().get_system_commands(screen), self.t)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            prompt = self.t("palette_prompt")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=prompt))

    def search_themes(self) -> None:
        prompt = self.t("theme_prompt")
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=prompt))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Pop-ups sit over the list (app.tcss); where an article fills a narrow screen they
        last only a blink, unless they report an error."""
        screen = self.screen
        over_text = isinstance(screen, MainScreen) and screen.has_class("-reading")
        if over_text and severity != "error":
            timeout = BLINK_SECONDS
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def open_link(self, url: str) -> None:
        """Open a URL from the feed in the browser (only http(s) and mailto reach here)."""
        if not url.startswith(("http://", "https://", "mailto:")):
            return
        self.opened_links.append(url)
        self.open_url(url)

    def action_open_link(self, url: str) -> None:
        """Target of a click on a link in the reading pane."""
        self.open_link(url)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place an unexpected failure in a worker becomes something readable."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            message = f"{type(error).__name__}: {error}".replace("\x1b", "")
            self.notify(
                message[:500],
                title=self.t("error_title"),
                severity="error",
                markup=False,
                timeout=10,
            )

    # ---- the habits newsboat users bring (issue 17): reader/ui/habits.py ----------------------

    def action_habit(self, name: str, *arguments: object) -> None:
        self.habits.run(name, *arguments)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits and Enter are link numbers only while an article fills the screen."""
        if action == "habit" and parameters:
            return self.habits.allows(str(parameters[0]))
        return True

    def on_section_list_page_shown(self) -> None:
        self.habits.show_list_mode()  # each section has its own sort order

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        """Run notify_command after a refresh that brought articles (its error as a notice)."""
        if message.new_articles and self.library.config.settings.notify_command.strip():
            count = message.new_articles
            self.run_worker(
                lambda: self._notify_command(count),
                thread=True,
                group="notify",
                exit_on_error=False,
            )

    def _notify_command(self, count: int) -> None:
        error = notify_new_articles(self.library, count)
        if error is not None:
            notice = self.t("notify_failed", error=clean_line(error))
            self.call_from_thread(self.notify, notice, severity="warning", markup=False)
