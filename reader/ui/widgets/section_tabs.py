"""The row of section tabs: one per configured section with its unread count, then ★."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tab, Tabs

from reader.core.text.cells import clean_line

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

    def show_counts(
        self, section_names: dict[str, str], unread_counts: dict[str, int], starred_label: str
    ) -> None:
        """Label each tab with its section's name in the current script and its unread count."""
        labels: list[Text] = []
        for section in self.sections:
            if section == STARRED:
                labels.append(Text(starred_label))
                continue
            label = Text(clean_line(section_names.get(section, section)))
            unread = unread_counts.get(section, 0)
            if unread:
                label.append(f" {unread}", style="bold")
            labels.append(label)
        self.set_labels(labels)

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
