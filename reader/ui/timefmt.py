"""Relative times for the article list: "3 小時前", a date once older than a week."""

from __future__ import annotations

from datetime import datetime

from reader.ui.strings import label


def relative_time(moment: datetime | None, now: datetime, mode: str, ui_language: str) -> str:
    """'3 小時前' style age of `moment` at `now`; a date for anything older than a week."""
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return label("just_now", mode, ui_language)
    if seconds < 3600:
        return label("minutes_ago", mode, ui_language, n=int(seconds // 60))
    if seconds < 86400:
        return label("hours_ago", mode, ui_language, n=int(seconds // 3600))
    if seconds < 7 * 86400:
        return label("days_ago", mode, ui_language, n=int(seconds // 86400))
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d")
