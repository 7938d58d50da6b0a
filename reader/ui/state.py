"""What the UI remembers between runs: last section, last article, script mode, theme, the
list's width, its row layout and whether photos are shown.

A small JSON file in the data dir; a missing or corrupt file gives the defaults, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reader.core.model import SCRIPT_MODES, ScriptMode

SORT_ORDERS = ("newest", "oldest", "feed", "title")  # the order `O` cycles through


@dataclass
class UiState:
    """The remembered parts of a session."""

    section: str | None = None  # section name, or STARRED for the starred tab
    article_id: int | None = None  # the article selected last
    script_mode: ScriptMode | None = None  # None: the config's script setting
    theme: str | None = None  # None: the config's theme, else Textual's default
    list_percent: int | None = None  # the list's share of a wide screen; None: the default
    row_lines: int = 2  # screen lines an article row takes: 2 (title alone) or 1
    images: str | None = None  # photos in the pane, "on" or "off"; None: the config's setting
    # Issue 17: the list shows unread articles only (`h`); each section's sort order (`O`).
    hide_read: bool = False
    sort_orders: dict[str, str] = field(default_factory=dict)  # section -> LIST_ORDERS name


def load_ui_state(path: Path) -> UiState:
    """Read the state file; anything unreadable or of the wrong shape is ignored."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(raw, dict):
        return UiState()
    state = UiState()
    if isinstance(raw.get("section"), str):
        state.section = raw["section"]
    if isinstance(raw.get("article_id"), int) and not isinstance(raw.get("article_id"), bool):
        state.article_id = raw["article_id"]
    if raw.get("script_mode") in SCRIPT_MODES:
        state.script_mode = raw["script_mode"]
    if isinstance(raw.get("theme"), str):
        state.theme = raw["theme"]
    percent = raw.get("list_percent")
    if isinstance(percent, int) and not isinstance(percent, bool):
        state.list_percent = percent
    if raw.get("row_lines") in (1, 2) and not isinstance(raw.get("row_lines"), bool):
        state.row_lines = raw["row_lines"]
    if raw.get("images") in ("on", "off"):
        state.images = raw["images"]
    if isinstance(raw.get("hide_read"), bool):
        state.hide_read = raw["hide_read"]
    orders = raw.get("sort_orders")
    if isinstance(orders, dict):
        state.sort_orders = {
            section: order
            for section, order in orders.items()
            if isinstance(section, str) and order in SORT_ORDERS
        }
    return state


def save_ui_state(path: Path, state: UiState) -> None:
    """Write the state file atomically (a temp file renamed over it); failures are ignored,
    since losing the last position must never stop the reader from closing."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own, so two readers saving at once never share a temporary file.
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(state), ensure_ascii=False))
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
