"""Dates as the reader prints them beside an article."""

from __future__ import annotations

from datetime import datetime, tzinfo


def local_minute(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """`2023-03-17 08:41` in `zone` (the computer's own when None); empty for no date."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
