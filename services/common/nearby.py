"""Listing things near a place: the shared half of every service's ``near=`` search.

A service asks :func:`around` for the place (a ``ValidationFailed`` naming ``query.near``
when it is not a known postcode or outward code), selects its rows inside the place's
bounding box (``Around.within_box``) with its own filters, and hands them to :func:`page_by_distance`, which keeps
those within the radius, sorts them nearest first (ties by id) and cuts the page after the
cursor. The cursor is the last row's (distance, id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.sql.operators import ColumnOperators

from services.common import geo
from services.common.errors import InvalidInput, ValidationFailed
from services.common.pagination import decode_cursor, encode_cursor

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Around:
    """A place and how far from it a search reaches."""

    lat: float
    lon: float
    radius_km: float

    def within_box(self, lat: ColumnOperators, lon: ColumnOperators) -> list[Any]:
        """SQL conditions keeping rows whose ``lat``/``lon`` lie in the radius's bounding box."""
        lat_min, lat_max, lon_min, lon_max = geo.bounding_box(self.lat, self.lon, self.radius_km)
        return [lat.between(lat_min, lat_max), lon.between(lon_min, lon_max)]


def around(near: str, radius_km: float) -> Around:
    """The search area around ``near`` (a full postcode or an outward code)."""
    point = geo.lookup(near)
    if point is None:
        raise ValidationFailed(
            f"Unknown place {near!r}.",
            [
                {
                    "field": "query.near",
                    "message": "not a known UK postcode or outward code",
                    "type": "value_error",
                }
            ],
        )
    return Around(point.lat, point.lon, radius_km)


def page_by_distance(
    rows: Iterable[T],
    area: Around,
    *,
    position: Callable[[T], tuple[float | None, float | None]],
    key: Callable[[T], str],
    limit: int,
    cursor: str | None,
    secret: str,
) -> tuple[list[tuple[T, float]], str | None]:
    """One page of ``rows`` within ``area``, nearest first, with each row's distance in km."""
    found: list[tuple[float, str, T]] = []
    for row in rows:
        lat, lon = position(row)
        if lat is None or lon is None:
            continue
        distance = round(geo.haversine_km(area.lat, area.lon, lat, lon), 3)
        if distance <= area.radius_km:
            found.append((distance, key(row), row))
    found.sort(key=lambda t: (t[0], t[1]))
    if cursor:
        last_distance, last_id = decode_cursor(cursor, secret, 2)
        if not isinstance(last_distance, int | float) or not isinstance(last_id, str):
            raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
        last = (float(last_distance), last_id)
        found = [t for t in found if (t[0], t[1]) > last]
    page = found[:limit]
    nxt = encode_cursor([page[-1][0], page[-1][1]], secret) if len(found) > limit else None
    return [(row, distance) for distance, _, row in page], nxt
