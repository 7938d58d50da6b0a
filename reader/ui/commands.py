"""The command palette in the UI's language: every key of the main screen by its description,
and Textual's own commands (Theme, Quit, Keys, ...) with translated titles and help."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.ui.keys import MAIN_KEYS
from reader.ui.screens.main import MainScreen
from reader.ui.strings import label

# Textual's command titles -> (label key of the title, label key of the help)
SYSTEM_COMMAND_LABELS: dict[str, tuple[str, str]] = {
    "Theme": ("cmd_theme", "cmd_theme_help"),
    "Quit": ("cmd_quit", "cmd_quit_help"),
    "Keys": ("cmd_keys", "cmd_keys_show"),
    "Maximize": ("cmd_maximize", "cmd_maximize_help"),
    "Minimize": ("cmd_minimize", "cmd_minimize_help"),
    "Screenshot": ("cmd_screenshot", "cmd_screenshot_help"),
}


def translated_system_commands(
    commands: Iterable[SystemCommand], t: Callable[[str], str]
) -> Iterable[SystemCommand]:
    """Textual's system commands with titles and help from our labels (`t` picks the form);
    a command we have no label for passes through as Textual wrote it."""
    for command in commands:
        keys = SYSTEM_COMMAND_LABELS.get(command.title)
        if keys is None:
            yield command
            continue
        title_key, help_key = keys
        if command.title == "Keys" and command.help.startswith("Hide"):
            help_key = "cmd_keys_hide"
        yield command._replace(title=t(title_key), help=t(help_key))


class ReaderCommands(Provider):
    """Offers the main screen's actions by their translated description; a search also
    finds them by their English name, but shows them in the UI's language."""

    def _commands(self) -> list[tuple[str, str, str, str]]:
        app = self.app
        mode = getattr(getattr(app, "view", None), "mode", "original")
        language = getattr(app, "ui_language", "zh")
        commands = []
        for key in MAIN_KEYS:
            if key.id.startswith(("section_", "link_")) or key.id in ("quit", "palette"):
                continue
            title = label(key.label_key, mode, language)
            english = label(key.label_key, mode, "en")
            commands.append((title, english, key.action, f"{key.help_keys or key.keys}"))
        return commands

    def _run(self, action: str) -> None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                self.app.call_later(screen.run_action, action)
                return

    async def discover(self) -> Hits:
        for title, _english, action, keys in self._commands():
            yield DiscoveryHit(title, partial(self._run, action), help=keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, english, action, keys in self._commands():
            score = matcher.match(title)
            shown = matcher.highlight(title) if score > 0 else title
            score = max(score, matcher.match(english))
            if score > 0:
                yield Hit(score, shown, partial(self._run, action), text=title, help=keys)
