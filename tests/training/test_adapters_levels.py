"""Levels as feeds write them, and the English/maths level codes they map to."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.training.adapters.levels import (
    Level,
    find_level,
    gcse_grade_level,
    parse_level,
    skill_level_code,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Entry 2", Level(0, 2)),
        ("Entry Level 3", Level(0, 3)),
        ("entry-level 1", Level(0, 1)),
        ("Entry level", Level(0, None)),
        ("Entry", Level(0, None)),
        ("E3", Level(0, 3)),
        ("0", Level(0, None)),
        ("1", Level(1)),
        ("Level 2", Level(2)),
        ("L3", Level(3)),
        ("l4", Level(4)),
        ("RQF level 5", Level(5)),
        ("NVQ Level 2", Level(2)),
        ("NVQ 3", Level(3)),
        ("Level Two", Level(2)),
        (3, Level(3)),
        (6.0, Level(6)),
    ],
)
def test_parse_level_reads_level_fields(value: str | int | float, expected: Level) -> None:
    assert parse_level(value) == expected


@pytest.mark.parametrize("value", [None, "", "Advanced", "level 10", 9, 2.5, True, "Levels 2"])
def test_parse_level_refuses_what_is_not_a_level(value: object) -> None:
    assert parse_level(value) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NCFE CACHE Level 2 Diploma in Care", Level(2)),
        ("ESOL Skills for Life Entry 1", Level(0, 1)),
        ("Certificate in ESOL Skills for Life (Entry 2)", Level(0, 2)),
        ("Functional Skills Qualification in Mathematics at Level 1", Level(1)),
        ("Entry Level 3 Award, then Level 1", Level(0, 3)),
        ("Level 1 and Entry 3 ESOL", Level(1)),
    ],
)
def test_find_level_reads_the_first_level_a_title_names(text: str, expected: Level) -> None:
    assert find_level(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2 days", "603/2636/3", "entry requirements apply", "entertainment", "ST0216", "Year 2"],
)
def test_find_level_needs_a_level_word(text: str) -> None:
    assert find_level(text) is None


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (Level(0, 1), "entry1"), (Level(0, 2), "entry2"), (Level(0, 3), "entry3"),
        (Level(0), None), (Level(1), "level1"), (Level(2), "level2"), (Level(3), "level3"),
        (Level(6), "level3"),
    ],
)
def test_skill_level_code(level: Level, code: str | None) -> None:
    assert skill_level_code(level) == code


@pytest.mark.parametrize(
    ("grade", "code"),
    [("4", "level2"), ("9", "level2"), ("C", "level2"), ("A*", "level2"), ("3", "level1"),
     ("d", "level1"), ("G", "level1"), ("0", None), ("U", None)],
)
def test_gcse_grade_level(grade: str, code: str | None) -> None:
    assert gcse_grade_level(grade) == code


@given(st.integers(min_value=1, max_value=8))
def test_every_way_of_writing_an_rqf_level_agrees(number: int) -> None:
    forms: list[str | int] = [str(number), f"Level {number}", f"L{number}", f"level{number}", number]
    assert {parse_level(form) for form in forms} == {Level(number)}


@given(st.text(max_size=60))
def test_find_level_never_fails_and_stays_in_range(text: str) -> None:
    found = find_level(text)
    if found is not None:
        assert 0 <= found.level <= 8
        assert found.entry_sublevel is None or (found.level == 0 and 1 <= found.entry_sublevel <= 3)
