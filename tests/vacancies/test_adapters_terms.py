"""Hours, working patterns and contract types from codes, labels, titles and prose."""

from __future__ import annotations

import pytest

from services.vacancies.adapters.terms import (
    from_employment_types,
    merge_patterns,
    normalise_patterns,
    parse_contract,
    parse_hours,
    patterns_from_text,
)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("Hours: 37.5 hours per week, including nights.", 37.5),
        ("You will work 30-37.5 hrs a week", 30.0),
        ("22.5h/week, term time only", 22.5),
        ("16 hours pw", 16.0),
        ("Hours per week: 20", 20.0),
        ("Our units operate 24 hours 7 days a week", None),
        ("Shifts are 12 hours long", None),
        ("150 hours per week", None),
        ("", None),
    ],
)
def test_hours_per_week(text: str, hours: float | None) -> None:
    assert parse_hours(text) == hours


def test_hours_come_from_the_first_text_that_states_them() -> None:
    assert parse_hours(None, "Part time", "37.5 hours per week", "20 hours per week") == 37.5


@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        ("Bank Healthcare Assistant - Nights", ["nights", "bank"]),
        ("Part-time Receptionist (weekends)", ["part_time", "weekends"]),
        ("Flexible working, job share considered", ["flexible", "job_share"]),
        ("Blood Bank Scientist", []),
        ("Staff Nurse", []),
    ],
)
def test_patterns_in_titles(text: str, patterns: list[str]) -> None:
    assert patterns_from_text(text) == patterns


def test_pattern_cells_are_normalised_and_unknown_words_kept() -> None:
    assert normalise_patterns(["Nights", "FULL_TIME", " ", "Nine day fortnight", "full time"]) == [
        "full_time",
        "nights",
        "nine_day_fortnight",
    ]


@pytest.mark.parametrize(
    ("codes", "patterns", "contract"),
    [
        (["FULL_TIME"], ["full_time"], None),
        (["PART_TIME", "TEMPORARY"], ["part_time"], "temporary"),
        (["PER_DIEM"], ["bank"], "bank"),
        (["VOLUNTEER"], [], "other"),
        (["OTHER"], [], None),
        (["full-time"], ["full_time"], None),
        (["Fixed Term"], [], "fixed_term"),
    ],
)
def test_employment_type_codes(codes: list[str], patterns: list[str], contract: str | None) -> None:
    assert from_employment_types(codes) == (patterns, contract)


@pytest.mark.parametrize(
    ("text", "contract"),
    [
        ("Permanent", "permanent"),
        ("Fixed term: 12 months", "fixed_term"),
        ("Secondment", "fixed_term"),
        ("Bank", "bank"),
        ("Apprenticeship", "apprenticeship"),
        ("Locum Consultant", "temporary"),
        ("Voluntary", "other"),
        ("Other", "other"),
        ("Another Role", None),
        ("Full time", None),
    ],
)
def test_contract_labels(text: str, contract: str | None) -> None:
    assert parse_contract(text) == contract


def test_merged_patterns_keep_known_order_then_unknown() -> None:
    assert merge_patterns(["nights", "rotating"], ["full_time", "nights"]) == [
        "full_time",
        "nights",
        "rotating",
    ]
