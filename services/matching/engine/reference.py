"""A straight Python scan: the same gates and score as the index, one vacancy at a time.

No grid, no CSR, no vectorisation: every vacancy is checked with plain Python using the
formula in ``scoring.py``. It exists as an oracle (tests compare the index with it on random
data) and as the slow baseline the benchmark measures the index against. It classifies
readiness from the gates alone (it plans no routes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from services.common.geo import haversine_km
from services.matching.engine import scoring
from services.matching.engine.attainment import (
    Attainment,
    attainable,
    expand_skills,
    normalise_token,
    vacancy_requirements,
)
from services.matching.engine.routes import start_floor, usable_runs
from services.matching.engine.types import CourseDoc, Parts, Profile, Ready, VacancyDoc


@dataclass(frozen=True, slots=True)
class ScannedMatch:
    """One vacancy's score, parts, distance and gate class, computed the slow way."""

    vacancy_id: str
    score: float
    parts: Parts
    distance_km: float
    ready: Ready


def reachable_attainment(profile: Profile, courses: Iterable[CourseDoc], today: date) -> Attainment:
    """What the person could hold after chaining the courses they can reach in time."""
    floor = start_floor(profile, today)
    offers = [
        (course.entry_requirements, course.grants)
        for course in courses
        if usable_runs(profile, course, floor)
    ]
    return attainable(Attainment.from_profile(profile), offers)


def scan_one(
    profile: Profile,
    vacancy: VacancyDoc,
    reachable: Attainment,
    today: date,
    radius_km: float | None = None,
) -> ScannedMatch | None:
    """The vacancy scored for the person, or None when it is out of range or closed."""
    radius = profile.max_travel_km if radius_km is None else radius_km
    if vacancy.closing_date is not None and vacancy.closing_date < today:
        return None
    distance = haversine_km(profile.lat, profile.lon, vacancy.lat, vacancy.lon)
    if distance > radius:
        return None
    distance = float(scoring.round_distance(distance))
    held = Attainment.from_profile(profile)
    skills = expand_skills(profile.skills, held)
    essential = list(dict.fromkeys(vacancy.essential_skills))
    desirable = [s for s in dict.fromkeys(vacancy.desirable_skills) if s not in essential]
    essential_have = sum(1 for s in essential if s in skills)
    desirable_have = sum(1 for s in desirable if s in skills)
    requirements = vacancy_requirements(vacancy.requirements)
    met = [held.satisfies(r) for r in requirements]
    patterns = set(vacancy.working_pattern)
    accepted = len(patterns & set(profile.patterns))
    person_any = not profile.patterns or scoring.FLEXIBLE_PATTERN in profile.patterns
    parts = Parts(
        skills=float(
            scoring.skills_part(essential_have, len(essential), desirable_have, len(desirable))
        ),
        requirements=float(scoring.requirements_part(sum(met), len(requirements))),
        distance=float(scoring.distance_part(distance)),
        pattern=float(scoring.pattern_part(accepted, len(patterns), person_any)),
        level=float(
            scoring.level_part(
                held.level(), scoring.vacancy_level(vacancy.band, vacancy.entry_level)
            )
        ),
    )
    score = float(
        scoring.combine(
            parts.skills, parts.requirements, parts.distance, parts.pattern, parts.level
        )
    )
    hours_ok = not (
        profile.hours_per_week is not None
        and vacancy.hours_per_week is not None
        and math.isfinite(vacancy.hours_per_week)
        and vacancy.hours_per_week > profile.hours_per_week + 1e-9
    )
    ready: Ready
    if hours_ok and all(met) and essential_have == len(essential):
        ready = "now"
    elif hours_ok and all(
        ok or (not normalise_token(r).startswith("registration:") and reachable.satisfies(r))
        for r, ok in zip(requirements, met, strict=True)
    ):
        ready = "after_training"
    else:
        ready = "not_eligible"
    return ScannedMatch(vacancy.id, score, parts, distance, ready)


def scan_match(
    profile: Profile,
    vacancies: Sequence[VacancyDoc],
    courses: Sequence[CourseDoc],
    *,
    today: date,
    limit: int | None = None,
    include_training: bool = True,
) -> list[ScannedMatch]:
    """Every vacancy checked in turn; the wanted ones sorted by score, ties by id."""
    reachable = reachable_attainment(profile, courses, today)
    wanted = {"now", "after_training"} if include_training else {"now"}
    found = [
        scanned
        for vacancy in vacancies
        if (scanned := scan_one(profile, vacancy, reachable, today)) is not None
        and scanned.ready in wanted
    ]
    found.sort(key=lambda m: (-m.score, m.vacancy_id))
    return found if limit is None else found[:limit]
