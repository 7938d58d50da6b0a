"""The command palette's reader commands: every key of the main screen, by its description."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.ui.keys import MAIN_KEYS
from reader.ui.screens.main import MainScreen
from reader.ui.strings import label


class ReaderCommands(Provider):
    """Offers the main screen's actions (by translated description and English name)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        app = self.app
        mode = getattr(getattr(app, "view", None), "mode", "original")
        language = getattr(app, "ui_language", "zh")
        commands = []
        for key in MAIN_KEYS:
            if key.id.startswith("section_") or key.id == "quit":
                continue
            title = label(key.label_key, mode, language)
            english = label(key.label_key, mode, "en")
            name = title if title == english else f"{title} · {english}"
            commands.append((name, key.action, f"{key.help_keys or key.keys}"))
        return commands

    def _run(self, action: str) -> None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                self.app.call_later(screen.run_action, action)
                return

    async def discover(self) -> Hits:
        for name, action, keys in self._commands():
            yield DiscoveryHit(name, partial(self._run, action), help=keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, keys in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), text=name, help=keys
                )
