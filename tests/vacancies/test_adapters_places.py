"""Postcodes and localities in free-text locations; coordinates only when valid."""

from __future__ import annotations

import pytest

from services.vacancies.adapters.places import (
    Place,
    blank_postcodes,
    clean_postcode,
    coordinates,
    find_postcode,
    split_location,
)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Leeds, LS1 4AP", Place("LS1 4AP", "Leeds")),
        (
            "Northgate General Hospital, Northgate, NG9 1ZZ",
            Place("NG9 1ZZ", "Northgate General Hospital, Northgate"),
        ),
        ("Unit 3, RG1 3AA, Reading", Place("RG1 3AA", "Unit 3, Reading")),
        ("SW1A 1AA", Place("SW1A 1AA", None)),
        ("B15", Place("B15", None)),
        ("Westmoor", Place(None, "Westmoor")),
        ("  ", Place(None, None)),
        (None, Place(None, None)),
    ],
)
def test_split_location(text: str | None, place: Place) -> None:
    assert split_location(text) == place


def test_postcodes_are_kept_as_written() -> None:
    assert find_postcode("Clinic at b152tt, Birmingham") == "b152tt"
    assert clean_postcode("  PR4 0HB ") == "PR4 0HB"
    assert clean_postcode("   ") is None


def test_blanking_postcodes_keeps_positions() -> None:
    text = "NP22 5PW £10"
    blanked = blank_postcodes(text)
    assert len(blanked) == len(text)
    assert blanked.strip() == "£10"


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("52.0105", "-.262406", (52.0105, -0.262406)),
        (51.5, -0.1, (51.5, -0.1)),
        ("0", "0", (None, None)),
        ("91", "0.5", (None, None)),
        ("52.1", None, (None, None)),
        ("nan", "1", (None, None)),
        (True, 1.0, (None, None)),
    ],
)
def test_coordinates(lat: object, lon: object, expected: tuple[float | None, float | None]) -> None:
    assert coordinates(lat, lon) == expected
