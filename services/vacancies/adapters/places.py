"""Where an advert is: UK postcodes in free text, localities, and coordinates a feed gives.

Feeds mix town and postcode in one string ("Leeds, LS1 4AP", "Unit 3, Kings Road
RG1 3AA Reading") or give only the outward code ("B15"). Postcodes are kept as given
(trimmed, not reformatted); the vacancy service geocodes them. Coordinates are only taken
when the feed states them, within range, and not the (0, 0) placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Full postcode (outward + inward); the inward part may be glued on ("B152TT").
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_OUTWARD_ONLY = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", re.IGNORECASE)
_REPEATED_SEPARATORS = re.compile(r"\s*([,;|])(?:\s*[,;|])+\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Place:
    """A postcode and a locality read from one free-text location."""

    postcode: str | None
    locality: str | None


def find_postcode(text: str | None) -> str | None:
    """The first full UK postcode in ``text``, as written there; else ``None``."""
    if not text:
        return None
    match = POSTCODE.search(text)
    return match.group(0).strip() if match else None


def split_location(text: str | None) -> Place:
    """Split "Leeds, LS1 4AP" into postcode "LS1 4AP" and locality "Leeds".

    A text that is only an outward code ("B15") is taken as the postcode.
    """
    if not text:
        return Place(None, None)
    clean = _SPACES.sub(" ", text).strip()
    if _OUTWARD_ONLY.match(clean):
        return Place(clean, None)
    match = POSTCODE.search(clean)
    if match is None:
        return Place(None, clean or None)
    rest = clean[: match.start()] + clean[match.end() :]
    rest = _REPEATED_SEPARATORS.sub(r"\1 ", _SPACES.sub(" ", rest)).strip(" ,;|-")
    return Place(match.group(0).strip(), rest or None)


def clean_postcode(value: str | None) -> str | None:
    """A postcode field as given, trimmed; blank -> ``None``."""
    if value is None:
        return None
    return value.strip() or None


def blank_postcodes(text: str) -> str:
    """``text`` with every full postcode replaced by spaces (positions kept)."""
    return POSTCODE.sub(lambda m: " " * len(m.group(0)), text)


def coordinate(value: object, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (180) from a number or numeric string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if number != number or not -limit <= number <= limit:  # NaN or out of range
        return None
    return number


def coordinates(lat: object, lon: object) -> tuple[float | None, float | None]:
    """Both coordinates, or neither: half a position or (0, 0) is no position."""
    latitude, longitude = coordinate(lat, 90.0), coordinate(lon, 180.0)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, None
    return latitude, longitude
