"""The score's parts and weights, and what levels, licences and tokens satisfy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from services.matching.engine import Profile, Requirements, scoring
from services.matching.engine.attainment import (
    Attainment,
    attainable,
    expand_skills,
    grant_skills,
    level_rank,
    licence_categories,
    normalise_token,
    vacancy_requirements,
)


def test_weights_sum_to_one_and_score_stays_in_range() -> None:
    assert math.isclose(sum(scoring.WEIGHTS.values()), 1.0)
    assert float(scoring.combine(1, 1, 1, 1, 1)) == 1.0
    assert float(scoring.combine(0, 0, 0, 0, 0)) == 0.0


def test_essential_skills_weigh_more_than_desirable_ones() -> None:
    essential_only = float(scoring.skills_part(1, 1, 0, 1))
    desirable_only = float(scoring.skills_part(0, 1, 1, 1))
    assert essential_only == pytest.approx(
        scoring.ESSENTIAL_WEIGHT / (scoring.ESSENTIAL_WEIGHT + 1)
    )
    assert essential_only > desirable_only
    assert float(scoring.skills_part(0, 0, 0, 0)) == 1.0


def test_requirements_part_is_the_share_met() -> None:
    assert float(scoring.requirements_part(1, 2)) == 0.5
    assert float(scoring.requirements_part(0, 0)) == 1.0


def test_distance_part_halves_every_eight_km_and_never_rises() -> None:
    assert float(scoring.distance_part(0)) == 1.0
    assert float(scoring.distance_part(scoring.DISTANCE_HALF_KM)) == pytest.approx(0.5)
    parts = scoring.distance_part(np.linspace(0, 60, 200))
    assert np.all(np.diff(parts) <= 0)


def test_pattern_part() -> None:
    assert float(scoring.pattern_part(1, 2, person_any=False)) == 0.5
    assert float(scoring.pattern_part(0, 0, person_any=False)) == 1.0
    assert float(scoring.pattern_part(0, 3, person_any=True)) == 1.0


def test_level_part_and_vacancy_level() -> None:
    assert scoring.vacancy_level("Band 3", entry_level=False) == 2
    assert scoring.vacancy_level(5, entry_level=False) == 4
    assert scoring.vacancy_level(4, entry_level=True) == 0
    assert scoring.vacancy_level(None, entry_level=False) == 2
    assert float(scoring.level_part(2, 2)) == 1.0
    assert float(scoring.level_part(0, 2)) == 0.5
    assert float(scoring.level_part(0, 9)) == 0.0


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("entry1", 1),
        ("Entry 3", 3),
        ("level-1", 4),
        ("level2", 5),
        ("level3", 6),
        (None, 0),
        ("GCSE", 0),
    ],
)
def test_level_order(text: str | None, rank: int) -> None:
    assert level_rank(text) == rank


def test_licence_categories_imply_the_ones_they_contain() -> None:
    assert licence_categories(True) == {"B"}
    assert licence_categories(False) == set()
    assert licence_categories("C") == {"B", "C1", "C"}
    assert licence_categories("D1, BE") == {"B", "BE", "D1"}


def test_higher_levels_satisfy_lower_ones_but_not_the_other_subject() -> None:
    held = Attainment(english=level_rank("level1"))
    assert held.satisfies("english:entry3")
    assert held.satisfies("English: Level 1")
    assert not held.satisfies("english:level2")
    assert not held.satisfies("maths:entry1")


def test_tokens_ages_and_registration() -> None:
    held = Attainment(tokens={"care_certificate", "nmc"}, age=17)
    assert held.satisfies("Care Certificate")
    assert held.satisfies("registration:NMC")
    assert not held.satisfies("age:18")
    assert Attainment().satisfies("age:18")  # unknown age: taken as adult
    assert normalise_token("Licence: c1") == "licence:C1"


def test_profile_skills_stand_for_levels_and_licences() -> None:
    profile = Profile(
        skills=["english-level2", "driving-licence-c1", "care-certificate"],
        english_level=None,
        maths_level="entry3",
        driving_licence=False,
        lat=52.0,
        lon=-1.0,
    )
    held = Attainment.from_profile(profile)
    assert held.satisfies("english:level2")
    assert held.satisfies("licence:B")
    assert held.satisfies("care_certificate")
    expanded = expand_skills(profile.skills, held)
    assert {"english-entry1", "english-level1", "maths-entry3", "driving-licence-b"} <= expanded
    assert "maths-level1" not in expanded


def test_grants_stand_for_skills() -> None:
    assert grant_skills("english:level1") == [
        "english-entry1",
        "english-entry2",
        "english-entry3",
        "english-level1",
    ]
    assert grant_skills("licence:C") == [
        "driving-licence-b",
        "driving-licence-c1",
        "driving-licence-c",
    ]
    assert grant_skills("care_certificate") == ["care-certificate"]


def test_chains_of_courses_reach_further() -> None:
    offers = [(["english:entry2"], ["english:entry3"]), (["english:entry3"], ["english:level1"])]
    reached = attainable(Attainment(english=level_rank("entry2")), offers)
    assert reached.english == level_rank("level1")
    stuck = attainable(Attainment(english=level_rank("entry1")), offers)
    assert stuck.english == level_rank("entry1")


def test_vacancy_requirements_leave_dbs_to_the_employer() -> None:
    req = Requirements(
        dbs="enhanced", driving_licence="yes", english_level="level1", registration="nmc"
    )
    assert vacancy_requirements(req) == ["english:level1", "licence:B", "registration:NMC"]
