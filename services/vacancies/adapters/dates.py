"""Dates and times as feeds write them, read into ``date`` and UTC-aware ``datetime``.

Seen in vacancy feeds: ISO 8601 with or without time and zone, with "Z", "+0000" or
"+01:00" ("2020-12-31T23:59:59+0000", "2020-12-31", "2020-12-31 09:00"), UK day-first
dates ("31/12/2020", "31-12-2020", "31.12.20"), written-out dates ("31 December 2020",
"Thu, 31 Dec 2020 23:59:59 GMT", "December 31, 2020"), and Unix timestamps.

A closing date is the calendar date the advert states, in its own zone: "2020-12-31T23:59:59+0100"
closes on 31 December, not 30. A time without a zone is taken as UTC. Anything unreadable is
``None`` (the caller decides whether that rejects the record).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Final

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?$",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_DAY_FIRST = re.compile(
    r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WORDY = re.compile(
    r"^(?:[a-z]+,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    r"(?P<mon>[a-z]+)\.?,?\s+(?P<y>\d{4})$",
    re.IGNORECASE,
)
_WORDY_MONTH_FIRST = re.compile(
    r"^(?:[a-z]+,?\s+)?(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})$",
    re.IGNORECASE,
)
_EPOCH = re.compile(r"^\d{9,10}(?:\.\d+)?$")


def parse_datetime(value: object) -> datetime | None:
    """A UTC-aware datetime from a feed value; date-only values are midnight UTC."""
    parsed = _parse(value)
    if parsed is None:
        return None
    if isinstance(parsed, datetime):
        aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    return datetime.combine(parsed, time(0, 0), tzinfo=UTC)


def parse_date(value: object) -> date | None:
    """The calendar date a feed value states (in the value's own zone, if it has one)."""
    parsed = _parse(value)
    if isinstance(parsed, datetime):
        return parsed.date()
    return parsed


def _parse(value: object) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return _parse_text(text)
    except (ValueError, OverflowError):
        return None


def _parse_text(text: str) -> date | datetime | None:
    if match := _ISO.match(text):
        return _build(match, match.group("y"), match.group("tz"))
    if match := _DAY_FIRST.match(text):
        year = match.group("y")
        return _build(match, year if len(year) == 4 else f"20{year}", None)
    if match := _COMPACT.match(text):
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    if match := _WORDY.match(text) or _WORDY_MONTH_FIRST.match(text):
        month = _MONTHS.get(match.group("mon").lower())
        if month is None:
            return None
        return date(int(match.group("y")), month, int(match.group("d")))
    if _EPOCH.match(text):
        return datetime.fromtimestamp(float(text), tz=UTC)
    try:
        return parsedate_to_datetime(text)  # RFC 2822: "Thu, 31 Dec 2020 23:59:59 GMT"
    except (TypeError, ValueError, IndexError):
        return None


def _build(match: re.Match[str], year: str, zone: str | None) -> date | datetime:
    day = date(int(year), int(match.group("m")), int(match.group("d")))
    if match.group("H") is None:
        return day
    clock = time(int(match.group("H")), int(match.group("M")), int(match.group("S") or 0))
    return datetime.combine(day, clock, tzinfo=_zone(zone))


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
