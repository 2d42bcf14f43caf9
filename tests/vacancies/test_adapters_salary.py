"""Salary prose, pay periods and Agenda for Change bands, on strings shaped like real adverts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.vacancies.adapters.salary import (
    Salary,
    normalise_band,
    parse_band,
    parse_period,
    parse_salary,
    parse_single_band,
    salary_from_numbers,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£24,465 - £26,465 per annum pro rata", Salary(24465, 26465, "year")),
        ("£21,730 - £22,177 a year pro rata", Salary(21730, 22177, "year")),
        ("£10.50 per hour", Salary(10.5, 10.5, "hour")),
        ("£24,465 a year", Salary(24465, 24465, "year")),
        ("£15.66p/h - £20.35p/h", Salary(15.66, 20.35, "hour")),
        ("£23,247.92 - £ 35,077.19 + £3000 Welcome Bonus", Salary(23247.92, 35077.19, "year")),
        ("£31,608 per annum plus £5,000 Welcome Bonus", Salary(31608, 31608, "year")),
        ("£25-31000 + up to £3k salary enhancements pa", Salary(25000, 31000, "year")),
        ("£25k - £30k DOE", Salary(25000, 30000, "year")),
        ("Up to £30,615pa DoE", Salary(None, 30615, "year")),
        ("Starting at £27,373.50", Salary(27373.5, None, "year")),
        ("AfC Band 6: £31,365 rising to £37,890 pro rata", Salary(31365, 37890, "year")),
        ("27,373.50 - 29,000 plus £5,000 Welcome Bonus", Salary(27373.5, 29000, "year")),
        ("18500 + £2000 location allowance", Salary(18500, 18500, "year")),
        ("£8.80 - £9.35", Salary(8.8, 9.35, "hour")),
        ("£110ph for GPs", Salary(110, 110, "hour")),
        ("£45-£140.98 pr hour", Salary(45, 140.98, "hour")),
        ("25.00 Hourly", Salary(25, 25, "hour")),
        ("£155.63 per week", Salary(155.63, 155.63, "week")),
        ("£1,850 per month", Salary(1850, 1850, "month")),
        ("£450 per day", Salary(450, 450, "day")),
        ("£13.79 Weekly pay will include enhancements", Salary(13.79, 13.79, "hour")),
        ("£37.5k, 37.5 hours per week", Salary(37500, 37500, "year")),
        ("£155.55 to £24.88", Salary(24.88, 155.55, None)),
    ],
)
def test_salary_prose_is_read(text: str, expected: Salary) -> None:
    assert parse_salary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Depending on experience",
        "negotiable",
        "Competitive salary plus benefits",
        "Band 3",
        "Band 5 or 6",
        "Band 7/8a DOE",
        "£0.00",
        "0",
        "NP22 5PW",
        "01206 918 701",
        "per annum pro rata + 5% of basic salary",
        "",
        None,
    ],
)
def test_text_without_an_amount_is_no_salary(text: str | None) -> None:
    result = parse_salary(text)
    assert result == Salary()
    assert not result.has_amount


def test_feed_unit_is_used_only_when_neither_words_nor_size_decide() -> None:
    assert parse_salary("£9,491.56", default_period="year").period == "year"
    assert parse_salary("£9,491.56").period is None
    # The corpus labels hourly rates "YEAR": the size of the amount overrules it.
    assert parse_salary("£9.86", default_period="year").period == "hour"


def test_html_entities_in_the_prose_are_decoded_first() -> None:
    assert parse_salary("&pound;24,071 &ndash; &pound;25,674 a year") == Salary(
        24071, 25674, "year"
    )


def test_structured_numbers_keep_their_stated_unit_when_plausible() -> None:
    assert salary_from_numbers(50.0, 60.0, "day") == Salary(50, 60, "day")
    assert salary_from_numbers(26000.0, 24000.0, None) == Salary(24000, 26000, "year")
    assert salary_from_numbers(9.5, 9.5, "year") == Salary(9.5, 9.5, "hour")
    assert salary_from_numbers(None, None, "year") == Salary()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("YEAR", "year"),
        ("HOUR", "hour"),
        ("Month", "month"),
        ("weekly", "week"),
        ("per annum", "year"),
        ("p/h", "hour"),
        ("days", "day"),
        ("fortnightly", None),
        ("", None),
    ],
)
def test_period_words_and_codes(text: str, period: str | None) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("Band 3", "3"),
        ("Healthcare Assistant - Band 2", "2"),
        ("AfC Band 8A (Dependent on Experience)", "8a"),
        ("band 8 b", "8b"),
        ("Band 5/6 equivalent", "5"),
        ("BAND: 4", "4"),
        ("Band 10", None),
        ("Bandwidth 3", None),
        ("Band 8e", None),
        ("£24,465 a year", None),
        (None, None),
    ],
)
def test_band_named_in_text(text: str | None, band: str | None) -> None:
    assert parse_band(text) == band


def test_a_long_text_gives_a_band_only_when_it_names_one() -> None:
    assert parse_single_band("This Band 3 post. Band 3 staff rotate.") == "3"
    assert parse_single_band("A Band 5 post with progression to Band 6.") is None
    assert parse_single_band("No band here.") is None


@pytest.mark.parametrize(
    ("value", "band"),
    [("3", "3"), ("Band 3", "3"), ("8A", "8a"), (" 8 c ", "8c"), ("11", None), ("x", None)],
)
def test_band_cells(value: str, band: str | None) -> None:
    assert normalise_band(value) == band


@given(st.text(max_size=200))
def test_any_text_reads_without_error_and_bounds_are_ordered(text: str) -> None:
    result = parse_salary(text)
    if result.minimum is not None and result.maximum is not None:
        assert result.minimum <= result.maximum
    if not result.has_amount:
        assert result.period is None
