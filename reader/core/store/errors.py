"""What can go wrong with the cache, as one hierarchy the CLI and the UI turn into messages."""

from __future__ import annotations


class StoreError(Exception):
    """Anything the cache cannot do; the app turns it into a message."""


class NewerSchemaError(StoreError):
    """The file was written by a newer reader; we leave it exactly as it is."""


class CorruptDatabaseError(StoreError):
    """The file is not a readable SQLite database (garbage, truncated, failed quick_check)."""
