"""The row of section tabs: one per configured section with its unread count, then ★."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tab, Tabs

STARRED = "\x00starred"  # the starred tab's section key; no configured name can hold NUL


def tab_id(index: int) -> str:
    """A widget id for the tab at `index` (section names are not valid ids)."""
    return f"section-{index}"


class SectionTabs(Tabs, can_focus=False):
    """Tabs that never take focus (the list keeps it) and are relabelled in place."""

    def __init__(self, sections: list[str], id: str | None = None) -> None:
        super().__init__(*[Tab(Text(name), id=tab_id(i)) for i, name in enumerate(sections)], id=id)
        self.sections = sections

    def set_labels(self, labels: list[Text]) -> None:
        """New labels (converted names, counts) for the tabs, in the same order."""
        for index, text in enumerate(labels):
            try:
                tab = self.query_one(f"#{tab_id(index)}", Tab)
            except Exception:
                continue
            tab.label = text

    def section_of(self, tab: Tab | None) -> str | None:
        """The section key of a tab."""
        if tab is None or tab.id is None:
            return None
        index = int(tab.id.rsplit("-", 1)[1])
        return self.sections[index] if 0 <= index < len(self.sections) else None

    def show(self, section: str) -> None:
        """Make `section`'s tab the active one."""
        if section in self.sections:
            self.active = tab_id(self.sections.index(section))
