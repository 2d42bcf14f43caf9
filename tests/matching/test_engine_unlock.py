""" "What would change this": single steps ranked by the vacancies they make ready now."""

from __future__ import annotations

from datetime import date, timedelta

from services.matching.engine import (
    CourseDoc,
    MatchIndex,
    PresentationDoc,
    Profile,
    Requirements,
    VacancyDoc,
    what_would_change,
)

TODAY = date(2026, 1, 5)
HOME = (51.4545, -2.5879)  # Bristol
KM_LAT = 1 / 111.2


def vacancy(
    vacancy_id: str, km: float, essential: list[str], english: str | None = None
) -> VacancyDoc:
    return VacancyDoc(
        id=vacancy_id,
        title="Job",
        employer="Employer",
        role=None,
        lat=HOME[0] + km * KM_LAT,
        lon=HOME[1],
        essential_skills=essential,
        requirements=Requirements(english_level=english),
    )


def course(
    course_id: str, title: str, *, skills: list[str], grants: list[str], entry: list[str]
) -> CourseDoc:
    return CourseDoc(
        id=course_id,
        title=title,
        provider_name="City College",
        qualification_type="functional_skills",
        level=1,
        skills_taught=skills,
        grants=grants,
        entry_requirements=entry,
        presentations=[
            PresentationDoc(TODAY + timedelta(days=10), duration_weeks=12, lat=HOME[0], lon=HOME[1])
        ],
    )


PERSON = Profile(
    skills=["personal-care"],
    english_level="entry3",
    maths_level="level2",
    driving_licence=False,
    lat=HOME[0],
    lon=HOME[1],
    max_travel_km=10.0,
)


def world() -> MatchIndex:
    vacancies = [
        *(vacancy(f"english-{i}", 2.0 + i, ["personal-care"], english="level1") for i in range(3)),
        *(vacancy(f"ecg-{i}", 1.0 + i, ["personal-care", "ecg"]) for i in range(2)),
        vacancy("both", 1.5, ["personal-care", "ecg"], english="level1"),
        vacancy("ready", 1.0, ["personal-care"]),
        vacancy("far-english", 30.0, ["personal-care"], english="level1"),
        vacancy("three-gaps", 1.0, ["ecg", "phlebotomy", "wound-care", "stoma-care"]),
    ]
    courses = [
        course(
            "fs-l1",
            "Functional Skills English Level 1",
            skills=[],
            grants=["english:level1"],
            entry=["english:entry3"],
        ),
        course(
            "fs-l2",
            "Functional Skills English Level 2",
            skills=[],
            grants=["english:level2"],
            entry=["english:level1"],
        ),
    ]
    index = MatchIndex()
    index.build(vacancies, courses)
    return index


def test_steps_are_ranked_by_vacancies_unlocked_within_the_radius() -> None:
    steps = what_would_change(PERSON, world(), 10.0, today=TODAY)
    assert [(s.kind, s.id, s.extra_vacancies) for s in steps] == [
        ("course", "fs-l1", 3),
        ("skill", "ecg", 2),
    ]
    assert steps[0].text == "Functional Skills English Level 1: +3 vacancies within 10 km"


def test_a_course_whose_entry_requirements_are_not_met_is_not_a_single_step() -> None:
    steps = what_would_change(PERSON, world(), 10.0, today=TODAY)
    assert "fs-l2" not in {s.id for s in steps}


def test_a_wider_radius_counts_more_and_labels_come_from_the_caller() -> None:
    steps = what_would_change(PERSON, world(), 40.0, today=TODAY, labels={"ecg": "ECG recording"})
    assert steps[0].extra_vacancies == 4
    assert steps[1].label == "ECG recording"
    assert steps[1].text == "ECG recording: +2 vacancies within 40 km"


def test_top_limits_the_answer_and_nothing_to_unlock_gives_nothing() -> None:
    assert len(what_would_change(PERSON, world(), 10.0, top=1, today=TODAY)) == 1
    everything = Profile(
        skills=["personal-care", "ecg", "phlebotomy", "wound-care", "stoma-care"],
        english_level="level2",
        maths_level="level2",
        driving_licence=False,
        lat=HOME[0],
        lon=HOME[1],
        max_travel_km=10.0,
    )
    assert what_would_change(everything, world(), 10.0, today=TODAY) == []
