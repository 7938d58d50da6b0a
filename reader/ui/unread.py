"""Where `n` and `p` go: the next or previous unread article, moving on to the next section
with unread articles when the loaded rows have none left.

Pure functions over plain data, so the rule can be tested without an app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class UnreadTarget:
    """A loaded row to open, or a section whose first unread article to open; neither when
    nothing is left unread."""

    row: int | None = None
    section: str | None = None


def nearest_unread_row(read: Sequence[bool], highlighted: int | None, step: int) -> int | None:
    """The index of the nearest unread row after (`step` 1) or before (`step` -1) the
    highlighted one; from the top when nothing is highlighted."""
    index = (highlighted if highlighted is not None else -1) + step
    while 0 <= index < len(read):
        if not read[index]:
            return index
        index += step
    return None


def sections_in_order(sections: Sequence[str], current: str | None, step: int) -> list[str]:
    """The other sections in the order `n` (`step` 1) or `p` (`step` -1) visits them, wrapping
    around; all of them when `current` is not one."""
    if current not in sections:
        return list(sections)
    position = sections.index(current)
    after, before = list(sections[position + 1 :]), list(sections[:position])
    if step < 0:
        return list(reversed(before)) + list(reversed(after))
    return after + before


def unread_target(
    read: Sequence[bool],
    highlighted: int | None,
    highlighted_is_open: bool,
    step: int,
    sections: Sequence[str],
    current: str | None,
    unread_counts: Mapping[str, int],
) -> UnreadTarget:
    """Where `n`/`p` goes: the highlighted row when it is unread and not open yet, else the
    nearest unread row in `step`'s direction, else the next section with unread articles."""
    if highlighted is not None and 0 <= highlighted < len(read):
        if not read[highlighted] and not highlighted_is_open:
            return UnreadTarget(row=highlighted)
    row = nearest_unread_row(read, highlighted, step)
    if row is not None:
        return UnreadTarget(row=row)
    for section in sections_in_order(sections, current, step):
        if unread_counts.get(section, 0) > 0:
            return UnreadTarget(section=section)
    return UnreadTarget()
