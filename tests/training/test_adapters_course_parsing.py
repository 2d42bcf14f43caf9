"""Shared value parsers: durations, hours, money, funding, attendance, mode, dates, postcodes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.training.adapters.parsing import (
    find_postcode,
    normalise_postcode,
    parse_attendance,
    parse_cost,
    parse_date,
    parse_duration_weeks,
    parse_funding,
    parse_hours_per_week,
    parse_int,
    parse_mode,
    parse_number,
    parse_total_hours,
    provider_type_from_name,
    slug,
    ukprn,
)


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("12 weeks", 12.0),
        ("12 wks", 12.0),
        ("P12W", 12.0),
        ("P1Y", 52.0),
        ("P6M", 26.0),
        ("P1Y6M", 78.0),
        ("P14D", 2.0),
        ("1 year", 52.0),
        ("one year", 52.0),
        ("a year", 52.0),
        ("2 years", 104.0),
        ("18 months", 78.0),
        ("1 year 6 months", 78.0),
        ("7 days", 1.0),
        ("10-12 weeks", 12.0),
        ("10 to 12 weeks", 12.0),
        ("10 weeks, 6 hours a week", 10.0),
        ("2 days per week for 12 weeks", 12.0),
        ("30 weeks or 1 year", 52.0),
    ],
)
def test_parse_duration_weeks(text: str, weeks: float) -> None:
    assert parse_duration_weeks(text) == weeks


@pytest.mark.parametrize("text", [None, "", "one term", "PT30H", "6 hours a week", "flexible"])
def test_parse_duration_weeks_unknown(text: str | None) -> None:
    assert parse_duration_weeks(text) is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [("6 hours per week", 6.0), ("16 hrs/week", 16.0), ("7.5 hpw", 7.5), ("6 hrs a week", 6.0),
     ("3-6 hours per week", 6.0), ("Part time, 4 hours each week", 4.0), ("about 20 hours", None),
     (None, None)],
)
def test_parse_hours_per_week(text: str | None, hours: float | None) -> None:
    assert parse_hours_per_week(text) == hours


@pytest.mark.parametrize(
    ("value", "hours"),
    [("580 hours", 580.0), ("60 mins", 1.0), ("45 mins + 30 mins = 75 mins", 1.25),
     ("40 learning hours (8 taught)", 40.0), ("120 guided hours", 120.0), (90, 90.0),
     ("4 modules", None), (None, None)],
)
def test_parse_total_hours(value: str | int | None, hours: float | None) -> None:
    assert parse_total_hours(value) == hours


@pytest.mark.parametrize(
    ("value", "cost"),
    [
        ("£350", 350.0), ("£1,250.00", 1250.0), ("350", 350.0), ("350.50 GBP", 350.5),
        ("From £99", 99.0), ("£350 (concessions available)", 350.0), ("Level 2 course £350", 350.0),
        ("Free", 0.0), ("free of charge", 0.0), ("Fully funded", 0.0), ("Fully-funded", 0.0),
        ("No cost", 0.0), ("£0", 0.0), ("0", 0.0), ("Nil", 0.0), (120, 120.0), (0, 0.0),
        ("Contact us", None), ("TBC", None), ("", None), (None, None), (-5, None),
    ],
)
def test_parse_cost(value: str | int | None, cost: float | None) -> None:
    assert parse_cost(value) == cost


@pytest.mark.parametrize(
    ("text", "funding"),
    [
        ("Adult Skills Fund", "adult_skills_fund"), ("AEB funded", "adult_skills_fund"),
        ("Advanced Learner Loan available", "advanced_learner_loan"),
        ("24+ loan", "advanced_learner_loan"), ("Apprenticeship levy", "apprenticeship_levy"),
        ("Fully funded", "fully_funded"), ("Free", "fully_funded"),
        ("Paid by your employer", "employer_paid"), ("Self-funded", "self_funded"),
        ("adult_skills_fund", "adult_skills_fund"), ("employer-paid", "employer_paid"),
        ("£350", None), (None, None),
    ],
)
def test_parse_funding(text: str | None, funding: str | None) -> None:
    assert parse_funding(text) == funding


@pytest.mark.parametrize(
    ("value", "attendance"),
    [("DT", "daytime"), ("ev", "evening"), ("WE", "weekend"), ("CS", "flexible"),
     ("FL", "flexible"), ("Daytime", "daytime"), ("Tuesday evenings", "evening"),
     ("Saturdays", "weekend"), ("Self-paced", "flexible"), ("", None), ("Full time", None)],
)
def test_parse_attendance(value: str, attendance: str | None) -> None:
    assert parse_attendance(value) == attendance


@pytest.mark.parametrize(
    ("value", "mode"),
    [("CM", "classroom"), ("NC", "classroom"), ("ON", "online"), ("DS", "online"),
     ("DA", "blended"), ("MM", "blended"), ("WB", "work_based"), ("Face-to-face", "classroom"),
     ("Distance with attendance", "blended"), ("e-learning", "online"),
     ("work_based", "work_based"), ("Workplace", "work_based"), ("", None), ("Unknown", None)],
)
def test_parse_mode(value: str, mode: str | None) -> None:
    assert parse_mode(value) == mode


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-01-12", date(2026, 1, 12)), ("2026-01-12T09:00:00Z", date(2026, 1, 12)),
     ("12/01/2026", date(2026, 1, 12)), ("12.01.2026", date(2026, 1, 12)),
     ("12 January 2026", date(2026, 1, 12)), ("Mon 12th Jan 2026", date(2026, 1, 12)),
     ("31/02/2026", None), ("next spring", None), ("September 2026", None), (None, None)],
)
def test_parse_date(value: str | None, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("b152tt", "B15 2TT"), ("B15 2TT", "B15 2TT"), ("sw1a 1aa", "SW1A 1AA"),
     ("EC1A1BB", "EC1A 1BB"), ("M1 1AE", "M1 1AE"), ("XX1 1XX", None), ("B15", None), (None, None)],
)
def test_normalise_postcode(value: str | None, expected: str | None) -> None:
    assert normalise_postcode(value) == expected


def test_find_postcode_takes_the_last_one_in_an_address() -> None:
    assert find_postcode("Church Road, Northfield, Birmingham B31 2LB") == "B31 2LB"
    assert find_postcode("Standard ST0216 at level 2") is None


@pytest.mark.parametrize(
    ("name", "provider_type"),
    [("Example City College", "fe_college"), ("University of Example", "university"),
     ("Example Borough Council", "local_authority"), ("Example NHS Foundation Trust", "employer"),
     ("Example Care Training Ltd", "independent_training_provider"), ("Acme Ltd", "other")],
)
def test_provider_type_from_name(name: str, provider_type: str) -> None:
    assert provider_type_from_name(name) == provider_type


def test_ukprn_slug_and_int() -> None:
    assert ukprn("ukprn:10009999") == "10009999"
    assert ukprn("20009999") is None
    assert ukprn("100099991") is None
    assert slug("City & Guilds (UK)") == "city-guilds-uk"
    assert (parse_int("12"), parse_int("12.0"), parse_int("12.5"), parse_int("x")) == (
        12, 12, None, None,
    )
    assert (parse_number("1,200"), parse_number("NaN"), parse_number("inf")) == (1200.0, None, None)
    assert parse_cost(float("nan")) is None
    assert parse_duration_weeks("9" * 400 + " weeks") is None


@given(st.text(max_size=80))
def test_free_text_parsers_never_fail_and_never_go_negative(text: str) -> None:
    for value in (parse_duration_weeks(text), parse_hours_per_week(text), parse_cost(text),
                  parse_total_hours(text)):
        assert value is None or value >= 0
    parse_date(text)
    parse_funding(text)
    parse_mode(text)
    parse_attendance(text)
    find_postcode(text)
