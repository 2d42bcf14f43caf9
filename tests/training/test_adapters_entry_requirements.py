"""Entry requirement prose turned into structured requirements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.training.adapters.requirements import parse_entry_requirements, split_clauses


def _summary(text: str) -> list[tuple[str, str | None, int | None]]:
    return [(r.kind, r.level, r.min_age) for r in parse_entry_requirements(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("English and maths at level 2", [("english", "level2", None), ("maths", "level2", None)]),
        ("Level 1 English and maths.", [("english", "level1", None), ("maths", "level1", None)]),
        ("English at Entry 3; maths at Entry 2",
         [("english", "entry3", None), ("maths", "entry2", None)]),
        ("English at Entry 3 and maths at Entry 2",
         [("english", "entry3", None), ("maths", "entry2", None)]),
        ("Candidates will usually have 5 GCSEs at grade C or above including maths, English and "
         "a science", [("english", "level2", None), ("maths", "level2", None)]),
        ("GCSE English and maths grades 1-3 or Functional Skills Level 1",
         [("english", "level1", None), ("maths", "level1", None)]),
        ("GCSE maths at grade 4 or above", [("maths", "level2", None)]),
        ("Candidates will have at least 2 A levels at grade C or above in maths and a science, "
         "including English GCSE grade A/B", [("maths", "level3", None), ("english", "level2", None)]),
        ("Good spoken English", [("english", None, None)]),
    ],
)
def test_english_and_maths_levels(text: str, expected: list[tuple[str, str | None, int | None]]) -> None:
    assert _summary(text) == expected


def test_a_flattened_list_keeps_a_level_2_apprenticeship_from_reading_as_an_a_level() -> None:
    text = ("Candidates will usually have one of the following: 5 GCSEs at grace C or above, "
            "including maths and English a level 2 apprenticeship in construction")

    assert _summary(text) == [("english", "level2", None), ("maths", "level2", None)]


def test_the_first_level_per_subject_is_kept() -> None:
    text = ("5 GCSEs at grade C or above including maths. "
            "A levels at grade C or above in a maths-based subject.")

    assert _summary(text) == [("maths", "level2", None)]


@pytest.mark.parametrize(
    ("text", "age"),
    [("You must be aged 19 or over.", 19), ("Aged 16-18", 16), ("19+ learners only", 19),
     ("Applicants must be 18 years or older", 18), ("Open to anyone over the age of 25", 25)],
)
def test_minimum_age(text: str, age: int) -> None:
    assert ("age", None, age) in _summary(text)


def test_credits_and_points_are_not_ages() -> None:
    kinds = [kind for kind, _, _ in _summary("90+ credits in an engineering BTEC, or 120+ UCAS points")]

    assert "age" not in kinds


def test_dbs_and_employment() -> None:
    assert _summary("Candidates must undertake an enhanced disclosure and barring service check.") == [
        ("dbs", None, None)
    ]
    assert _summary("Learners must be employed in a care setting.") == [("employment", None, None)]


def test_unstructured_clauses_are_kept_as_qualification_or_other() -> None:
    requirements = parse_entry_requirements(
        "Set by employer. A relevant degree. Previous experience as a support worker."
    )

    assert [(r.kind, r.text) for r in requirements] == [
        ("qualification", "A relevant degree."),
        ("other", "Previous experience as a support worker."),
    ]


def test_a_clause_about_who_the_course_is_for_is_not_a_minimum() -> None:
    kinds = [kind for kind, _, _ in _summary("For adults without maths at level 2")]

    assert "maths" not in kinds and kinds == ["qualification"]


@pytest.mark.parametrize("text", ["Set by employer.", "None specified.", "N/A", "No formal entry "
                                  "requirements", "", None])
def test_boilerplate_and_empty_give_nothing(text: str | None) -> None:
    assert parse_entry_requirements(text) == []


def test_each_requirement_keeps_its_clause_as_text() -> None:
    (english, age) = parse_entry_requirements("English at Entry 1.\nYou must be 19 or over.")

    assert (english.text, age.text) == ("English at Entry 1.", "You must be 19 or over.")


def test_split_clauses_on_sentences_semicolons_lines_and_bullets() -> None:
    assert split_clauses("One. Two; three\n• four\n- five") == ["One.", "Two;", "three", "four",
                                                               "five"]


@given(st.text(max_size=120))
def test_any_text_parses_to_valid_requirements(text: str) -> None:
    for requirement in parse_entry_requirements(text):
        assert requirement.text
        assert requirement.level is None or requirement.kind in {"english", "maths"}
