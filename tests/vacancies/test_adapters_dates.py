"""Feed dates in the forms real adverts use, read as calendar dates and UTC times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.vacancies.adapters.dates import parse_date, parse_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-12-31T23:59:59+0000", date(2020, 12, 31)),
        ("2020-12-31T23:59:59+0100", date(2020, 12, 31)),
        ("2020-12-31T00:30:00-05:00", date(2020, 12, 31)),
        ("2020-12-31", date(2020, 12, 31)),
        ("2020-12-31 09:00", date(2020, 12, 31)),
        ("31/12/2020", date(2020, 12, 31)),
        ("31-12-20", date(2020, 12, 31)),
        ("1 May 2025", date(2025, 5, 1)),
        ("1st of May, 2025", date(2025, 5, 1)),
        ("May 1, 2025", date(2025, 5, 1)),
        ("Thu, 31 Dec 2020 23:59:59 GMT", date(2020, 12, 31)),
        ("20201231", date(2020, 12, 31)),
        (" 2020-12-31 ", date(2020, 12, 31)),
    ],
)
def test_closing_dates(value: str, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ASAP",
        "31/02/2020",
        "2020-13-01",
        "Ongoing",
        "32 May 2025",
        "Smarch 3, 2025",
        None,
        True,
    ],
)
def test_unreadable_dates_are_none(value: object) -> None:
    assert parse_date(value) is None
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-08-08T11:13:33+0100", datetime(2019, 8, 8, 10, 13, 33, tzinfo=UTC)),
        ("2019-08-08T11:13:33Z", datetime(2019, 8, 8, 11, 13, 33, tzinfo=UTC)),
        ("2019-08-08T11:13:33.250+00:00", datetime(2019, 8, 8, 11, 13, 33, tzinfo=UTC)),
        ("2019-08-08T11:13:33", datetime(2019, 8, 8, 11, 13, 33, tzinfo=UTC)),
        ("2019-08-08", datetime(2019, 8, 8, tzinfo=UTC)),
        ("08/08/2019 11:13", datetime(2019, 8, 8, 11, 13, tzinfo=UTC)),
        ("1565259213", datetime(2019, 8, 8, 10, 13, 33, tzinfo=UTC)),
    ],
)
def test_posting_times_are_utc_aware(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() is not None
    assert parsed.utcoffset() == expected.utcoffset()
