"""Feed dates as timezone-aware datetimes, read from the raw string in numeric, Chinese,
ISO 8601, RFC 822 and Java `Date.toString()` forms, because feedparser misreads
`2023年03月17日 08:41:51` and takes times without a zone as UTC.

A time without a zone gets the configured zone, and "CST" means China Standard Time (UTC+8),
as it does on the Chinese sites that emit it.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo

from reader.core.model import DEFAULT_TIMEZONE

CHINA = timezone(timedelta(hours=8), "CST")

# Zone words seen on Chinese-language sites, with their offsets in hours.
_ZONE_WORDS = {
    "Z": 0,
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "CST": 8,
    "HKT": 8,
    "SGT": 8,
    "JST": 9,
    "KST": 9,
    "北京时间": 8,
    "北京時間": 8,
    "香港时间": 8,
    "香港時間": 8,
    "台北时间": 8,
    "台北時間": 8,
}
_ZONE_WORD_PATTERN = "|".join(sorted((re.escape(w) for w in _ZONE_WORDS), key=len, reverse=True))

# 2023年03月17日 08:41:51 / 2023-03-17 08:41:51 / 2023/3/17 8:41 / 2023.03.17T08:41:51+08:00
_NUMERIC_DATE = re.compile(
    r"""^\s*(?:(?P<zone_before>(?:北京|香港|台北)[时時][间間])\s*)?
    (?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?
    (?:\s*(?:[（(]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?)?\s*[T\s,]*\s*
      (?P<ampm>上午|下午|中午|晚上|凌晨|早上)?\s*
      (?P<hour>\d{1,2})\s*[:：時时点點]\s*(?P<minute>\d{1,2})\s*分?
      (?:\s*[:：]?\s*(?P<second>\d{1,2})(?:[.,](?P<fraction>\d+))?\s*秒?)?
    )?
    \s*(?P<zone>[+-]\d{2}:?\d{2}|[+-]\d{1,2}(?!\d)|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|"""
    + _ZONE_WORD_PATTERN
    + r""")?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)

# Fri Mar 17 08:41:51 CST 2023 (Java's Date.toString, common on Chinese CMSs)
_JAVA_DATE = re.compile(
    r"^\s*[A-Za-z]{3},?\s+(?P<month>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})\s+"
    r"(?P<zone>[A-Za-z]{1,5}|[+-]\d{4})?\s*(?P<year>\d{4})\s*$"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_RFC822_CST = re.compile(r"\bCST\b")
_RFC822_ZONE = re.compile(r"\d:\d{2}(?::\d{2})?\s*([A-Za-z]+|[+-]\d{4})?\s*$")
_RFC822_ZONES = frozenset("UT UTC GMT Z EST EDT CST CDT MST MDT PST PDT".split())


def _zone_from_text(text: str | None) -> tzinfo | None:
    """An explicit zone from `+08:00`, `+0800`, `+8`, `GMT+8`, `CST`, `北京时间`; None if absent."""
    if not text:
        return None
    word = text.strip()
    upper = word.upper()
    if upper in _ZONE_WORDS or word in _ZONE_WORDS:
        hours = _ZONE_WORDS.get(upper, _ZONE_WORDS.get(word, 0))
        return UTC if hours == 0 else timezone(timedelta(hours=hours))
    match = re.fullmatch(r"(?:GMT|UTC)?\s*([+-])\s*(\d{1,2}):?(\d{2})?", upper)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    if offset >= timedelta(hours=15):
        return None
    return UTC if not offset else timezone(sign * offset)


def _numeric(raw: str, default_tz: tzinfo) -> datetime | None:
    match = _NUMERIC_DATE.match(raw)
    if match is None:
        return None
    hour = int(match.group("hour") or 0)
    ampm = match.group("ampm")
    if ampm in ("下午", "晚上") and hour < 12:
        hour += 12
    elif ampm == "中午" and hour < 11:
        hour += 12
    elif ampm in ("凌晨", "上午", "早上") and hour == 12:
        hour = 0
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    zone_text = match.group("zone") or match.group("zone_before")
    zone = _zone_from_text(zone_text) if zone_text else None
    if zone_text and zone is None:
        return None
    try:
        return datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            hour,
            int(match.group("minute") or 0),
            int(match.group("second") or 0),
            int(fraction),
            tzinfo=zone or default_tz,
        )
    except ValueError:
        return None


def _java(raw: str, default_tz: tzinfo) -> datetime | None:
    match = _JAVA_DATE.match(raw)
    if match is None:
        return None
    month = _MONTHS.get(match.group("month").lower())
    zone_text = match.group("zone")
    zone = _zone_from_text(zone_text) if zone_text else default_tz
    if month is None or zone is None:
        return None
    try:
        return datetime(
            int(match.group("year")),
            month,
            int(match.group("day")),
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second")),
            tzinfo=zone,
        )
    except ValueError:
        return None


def _rfc822(raw: str, default_tz: tzinfo) -> datetime | None:
    text = _RFC822_CST.sub("+0800", raw.strip())
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    # parsedate_tz reports offset 0 for a missing or unknown zone too, so look for one.
    trailer = _RFC822_ZONE.search(text)
    zone_word = trailer.group(1) if trailer else None
    if zone_word is None or not (zone_word[0] in "+-" or zone_word.upper() in _RFC822_ZONES):
        zone: tzinfo = default_tz
    else:
        offset = parts[9] or 0
        zone = UTC if offset == 0 else timezone(timedelta(seconds=offset))
    if year < 100:  # two-digit years, as RFC 822 allowed
        year += 2000 if year < 70 else 1900
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


@lru_cache(maxsize=512)  # the fast feed path and the entry reader both ask for each date
def parse_feed_date(raw: str | None, default_tz: tzinfo = CHINA) -> datetime | None:
    """A timezone-aware datetime from a feed's date string; None when it cannot be read.

    A date without a zone is taken to be in `default_tz`.
    """
    if not raw:
        return None
    text = raw.strip()
    if not text or len(text) > 100:
        return None
    for reader in (_numeric, _rfc822, _java):
        value = reader(text, default_tz)
        if value is not None:
            return _plausible(value)
    return None


def _plausible(value: datetime) -> datetime | None:
    """Years before 1970 or after 2200 are typos or placeholders, not news dates."""
    if not 1970 <= value.year <= 2200:
        return None
    return value


def feedparser_date_handler(raw: str) -> time.struct_time | None:
    """feedparser's handler protocol: a UTC 9-tuple, or None to let the next handler try.

    Registered so feedparser's own `*_parsed` fields are right for Chinese forms too; naive
    times are taken as China time because a global handler cannot know the user's zone.
    """
    value = _numeric(raw, ZoneInfo(DEFAULT_TIMEZONE)) if raw else None
    if value is None:
        return None
    return value.astimezone(UTC).timetuple()


def from_utc_tuple(parsed: time.struct_time | tuple[int, ...] | None) -> datetime | None:
    """feedparser's `*_parsed` UTC tuple as an aware datetime (a last resort)."""
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in parsed[:6])
        return _plausible(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError):
        return None
