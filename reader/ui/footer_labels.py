"""Give the footer's keys new descriptions in place, so the script toggle need not rebuild it."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Footer


def _shape(bindings: list[Binding]) -> list[tuple[object, ...]]:
    return [(b.key, b.action, b.show, b.id, b.group) for b in bindings]


def relabel_footer(screen: DOMNode, old: list[Binding], new: list[Binding]) -> bool:
    """Relabel the footer's keys when only descriptions changed; False when it must be rebuilt.

    Textual has no public call for this and `refresh_bindings()` rebuilds every key on each `t`,
    so the keys are found by type name (no private import) and, should that fail, rebuilt."""
    if not old or _shape(old) != _shape(new):
        return False
    footers = screen.query(Footer)
    # Typed loosely: FooterKey is private, its attributes are checked below.
    keys: list[Any] = list(footers.first().query("FooterKey")) if footers else []
    if not keys or any(key.has_class("-grouped") for key in keys):
        return False
    if not all(hasattr(key, "action") and hasattr(key, "description") for key in keys):
        return False
    descriptions: dict[str, str] = {}
    for binding in new:
        if binding.show or binding.action == "app.command_palette":  # the footer's right end
            descriptions.setdefault(binding.action, binding.description)
    for key in keys:
        description = descriptions.get(key.action)
        if description is not None and description != key.description:
            key.description = description
            key.refresh(layout=True)
    return True
