"""Search folding: text mapped character for character to one script, case and width, so 郑州
finds 鄭州 and ＡＢＣ finds abc, and a match's offsets in the folded text are its offsets in the
original (that is how matches are highlighted).

The table is generated from OpenCC's dictionaries into `_fold_data` (`python -m
scripts.build_fold_data`) and loaded on the first call, never at import.
"""

from __future__ import annotations

import threading

# Bump whenever the folding table changes (`python -m scripts.build_fold_data` says so):
# the cache re-indexes its folded columns when the version it stored differs.
FOLD_VERSION: int = 1

_table: dict[int, int] | None = None
_table_lock = threading.Lock()


def _load_table() -> dict[int, int]:
    """Build the translate table from the generated data module (once, thread-safe)."""
    global _table
    with _table_lock:
        if _table is None:
            from reader.core.script import _fold_data

            _table = dict(
                zip(map(ord, _fold_data.SOURCES), map(ord, _fold_data.TARGETS), strict=True)
            )
        return _table


def fold_for_search(text: str) -> str:
    """Fold text for search: traditional and variant characters to simplified, full-width ASCII
    to ASCII, letters to one case. The result has exactly len(text) characters, position for
    position, so offsets found in the folded text are offsets in the original."""
    table = _table if _table is not None else _load_table()
    return text.translate(table)


def fold_table() -> dict[int, int]:
    """The folding table itself (loaded on first use), for callers that build on it."""
    return _table if _table is not None else _load_table()


def is_table_loaded() -> bool:
    """Whether the folding table has been loaded (it must not be at start-up)."""
    return _table is not None
