"""The row of section tabs: one per configured section with its unread count, the [[query]]
sections with theirs, then ★."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Tab, Tabs
from textual.worker import Worker

from reader.core.script.convert import next_mode
from reader.core.text.cells import clean_line

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

STARRED = "\x00starred"  # the starred tab's section key; no configured name can hold NUL
QUERY = "\x00query:"  # a [[query]] section's key is this and its name (issue 15)


def query_key(name: str) -> str:
    """The section key of the [[query]] section `name`."""
    return QUERY + name


def query_name(section: str | None) -> str | None:
    """The [[query]] section's name of a section key, or None for any other section."""
    if section is None or not section.startswith(QUERY):
        return None
    return section[len(QUERY) :]


def is_feed_section(section: str | None) -> bool:
    """Whether `section` is a feed section (not ★ nor a query section): what refresh and
    marking a section read act on."""
    return section is not None and section != STARRED and not section.startswith(QUERY)


def tab_id(index: int) -> str:
    """A widget id for the tab at `index` (section names are not valid ids)."""
    return f"section-{index}"


class SectionTabs(Tabs, can_focus=False):
    """Tabs that never take focus (the list keeps it) and are relabelled in place."""

    app: ReaderApp

    def __init__(self, sections: list[str], id: str | None = None) -> None:
        super().__init__(*[Tab(Text(name), id=tab_id(i)) for i, name in enumerate(sections)], id=id)
        self.sections = sections
        self._prefetch_due = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged does not bubble: hand it to the app's one failure handler."""
        self.app.on_worker_state_changed(event)

    def set_labels(self, labels: list[Text]) -> None:
        """New labels (converted names, counts) for the tabs, in the same order."""
        for index, text in enumerate(labels):
            try:
                tab = self.query_one(f"#{tab_id(index)}", Tab)
            except Exception:
                continue
            tab.label = text

    def show_counts(
        self, section_names: dict[str, str], unread_counts: dict[str, int], starred_label: str
    ) -> None:
        """Label each tab with its section's name in the current script and its unread count."""
        labels: list[Text] = []
        for section in self.sections:
            if section == STARRED:
                labels.append(Text(starred_label))
                continue
            name = query_name(section) or section
            label = Text(clean_line(section_names.get(section, name)))
            unread = unread_counts.get(section, 0)
            if unread:
                label.append(f" {unread}", style="bold")
            labels.append(label)
        self.set_labels(labels)
        self._prefetch_soon()

    def _prefetch_soon(self) -> None:
        """After the next paint, convert the section names to the script `t` shows next, so
        the first press redraws the tabs at once too (only with the app's warm-up on)."""
        if self.app.warm_up and not self._prefetch_due:
            self._prefetch_due = True
            self.call_after_refresh(self._start_prefetch)

    def _start_prefetch(self) -> None:
        self._prefetch_due = False
        names = [query_name(section) or section for section in self.sections]
        self.prefetch_next_script([name for name in names if name != STARRED])

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch_next_script(self, sections: list[str]) -> None:
        """Fill the conversion cache with the section names in the next script (in a thread)."""
        view = replace(self.app.view, mode=next_mode(self.app.view.mode))
        for name in sections:
            view.text(name)

    def section_of(self, tab: Tab | None) -> str | None:
        """The section key of a tab."""
        if tab is None or tab.id is None:
            return None
        index = int(tab.id.rsplit("-", 1)[1])
        return self.sections[index] if 0 <= index < len(self.sections) else None

    def activate_section(self, section: str) -> None:
        """Make `section`'s tab the active one."""
        if section in self.sections:
            self.active = tab_id(self.sections.index(section))
