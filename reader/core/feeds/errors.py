"""The one error of feed parsing, in a module of its own so every format reader can raise it."""

from __future__ import annotations

__all__ = ["FeedParseError"]


class FeedParseError(Exception):
    """Nothing in the document could be read as a feed; the message says why, readably."""
