"""Near-place listing shared by the services: radius, order, pages and unknown places."""

from __future__ import annotations

import pytest

from services.common import geo
from services.common.errors import InvalidInput, ValidationFailed
from services.common.nearby import Around, around, page_by_distance

SECRET = "test-secret"
Row = tuple[str, float | None, float | None]
CENTRE = Around(52.4, -1.9, 10.0)


def rows() -> list[Row]:
    # north of the centre in steps of about 1.1 km, two at the same spot, one without a place
    found: list[Row] = [(f"r{i:02d}", 52.4 + i * 0.01, -1.9) for i in range(12)]
    return [*found, ("r99", 52.4 + 0.03, -1.9), ("nowhere", None, None)]


def page(cursor: str | None, limit: int) -> tuple[list[tuple[Row, float]], str | None]:
    return page_by_distance(
        rows(),
        CENTRE,
        position=lambda r: (r[1], r[2]),
        key=lambda r: r[0],
        limit=limit,
        cursor=cursor,
        secret=SECRET,
    )


def test_rows_within_the_radius_come_nearest_first_ties_by_id() -> None:
    found, nxt = page(None, 50)
    assert nxt is None
    expected = sorted(
        (round(geo.haversine_km(CENTRE.lat, CENTRE.lon, lat, lon), 3), name)
        for name, lat, lon in rows()
        if lat is not None and lon is not None
    )
    within = [name for distance, name in expected if distance <= CENTRE.radius_km]
    assert 0 < len(within) < len(expected)  # the radius cuts the list
    assert [row[0] for row, _ in found] == within
    ids = [row[0] for row, _ in found]
    assert ids.index("r03") + 1 == ids.index("r99")  # the same place: by id


def test_pages_cover_every_row_once() -> None:
    everything, _ = page(None, 50)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        found, cursor = page(cursor, 4)
        seen += [row[0] for row, _ in found]
        if cursor is None:
            break
    assert seen == [row[0] for row, _ in everything]


def test_a_tampered_cursor_is_invalid_input() -> None:
    _, cursor = page(None, 2)
    assert cursor is not None
    with pytest.raises(InvalidInput):
        page(cursor[:-2] + "xx", 2)


def test_an_unknown_place_names_the_near_parameter() -> None:
    with pytest.raises(ValidationFailed) as raised:
        around("ZZ99 9ZZ", 5.0)
    assert raised.value.extra["errors"][0]["field"] == "query.near"
