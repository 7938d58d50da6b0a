"""The main screen's unread navigation: `n`/`p` open the next or previous unread article,
moving on to the next section with unread articles when this one has none left.

A mixin of MainScreen (reader.ui.screens.main): the screen's actions and key bindings
reach these methods through its MRO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.widgets.section_tabs import STARRED, SectionTabs

if TYPE_CHECKING:
    from textual.screen import Screen

    from reader.ui.app import ReaderApp

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class UnreadNavigationMixin(_ScreenBase):
    """Next/previous unread article, across sections.

    Uses the screen's `section`, `unread_counts`, `pending_select`, `article_list`, `pane`,
    `open_article` and `switch_section`."""

    app: ReaderApp  # type: ignore[assignment]
    section: str | None
    unread_counts: dict[str, int]
    pending_select: str | None

    def action_next_unread(self) -> None:
        self._go_unread(1)

    def action_prev_unread(self) -> None:
        self._go_unread(-1)

    def _find_unread(self, step: int) -> int | None:
        """The index of the nearest unread loaded row from the highlighted one, in `step`'s
        direction."""
        articles = self.article_list
        start = articles.highlighted if articles.highlighted is not None else -1
        index = start + step
        while 0 <= index < len(articles.listings):
            if not articles.listings[index].read:
                return index
            index += step
        return None

    def _go_unread(self, step: int) -> None:
        current = self.article_list.current
        if current is not None and not current.read and self.pane.article_id != current.id:
            self.open_article(current.id)  # the selected one is unread and not open yet
            return
        index = self._find_unread(step)
        if index is not None:
            self.article_list.highlighted = index
            self.open_article(self.article_list.listings[index].id)
            return
        sections = [s for s in self.query_one(SectionTabs).sections if s != STARRED]
        if self.section in sections:
            position = sections.index(self.section)
            order = sections[position + 1 :] + sections[:position]
            if step < 0:
                order = list(reversed(sections[:position])) + list(
                    reversed(sections[position + 1 :])
                )
        else:
            order = sections
        for section in order:
            if self.unread_counts.get(section, 0) > 0:
                self.pending_select = "first_unread"
                self.switch_section(section)
                return
        self.notify(self.app.t("no_more_unread"))
