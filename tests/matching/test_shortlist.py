"""The jobseeker index behind shortlists, without HTTP: the same scores as matching, the right
people in range, stable pseudonyms, pagination, and erasure that scrubs."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from services.common.geo import haversine_km, lookup
from services.matching.engine import (
    CourseDoc,
    MatchIndex,
    PresentationDoc,
    Profile,
    Requirements,
    VacancyDoc,
)
from services.matching.engine.reference import reachable_attainment, scan_one
from services.matching.shortlist import (
    MAX_ROUTES_PER_ITEM,
    TRAVEL_BUCKETS,
    JobseekerEntry,
    JobseekerIndex,
    VacancyView,
    candidate_ref,
    ref_key,
    shortlist,
    vacancy_view,
)

TODAY = date(2026, 3, 2)
KEY = ref_key("test-secret")
SKILLS = (
    "personal-care", "moving-and-handling", "infection-prevention-control", "teamwork",
    "customer-service", "empathy", "verbal-communication", "portering", "health-and-safety",
    "cleaning", "data-entry",
)  # fmt: skip
PATTERNS = ("full_time", "part_time", "nights", "weekends", "flexible")
LEVELS = (None, "entry3", "level1", "level2")
LICENCES: tuple[bool | str, ...] = (False, True, "B C1")
CENTRES = [(52.4733, -1.9295), (52.4862, -1.8904), (52.55, -2.0), (51.5074, -0.1278)]


def _point(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(CENTRES)
    return lat + rng.uniform(-0.12, 0.12), lon + rng.uniform(-0.18, 0.18)


def _profile(rng: random.Random) -> Profile:
    lat, lon = _point(rng)
    return Profile(
        skills=rng.sample(SKILLS, rng.randint(0, 6)),
        english_level=rng.choice(LEVELS),
        maths_level=rng.choice(LEVELS),
        driving_licence=rng.choice(LICENCES),
        lat=lat,
        lon=lon,
        max_travel_km=rng.choice([3.0, 5.0, 8.0, 10.0, 15.0, 25.0]),
        hours_per_week=rng.choice([None, 16.0, 30.0, 37.5]),
        patterns=rng.sample(PATTERNS, rng.randint(0, 2)),
        age=rng.choice([None, 19, 30, 45]),
        qualifications=rng.choice([[], [], ["registration:NMC"], ["Level 3 Diploma"]]),
    )


def _vacancy(rng: random.Random, i: int) -> VacancyDoc:
    lat, lon = _point(rng)
    skills = rng.sample(SKILLS, rng.randint(0, 6))
    cut = rng.randint(0, len(skills))
    return VacancyDoc(
        id=f"vac-{i:03d}",
        title=f"Vacancy {i}",
        employer="Trust",
        role=None,
        lat=lat,
        lon=lon,
        essential_skills=skills[:cut],
        desirable_skills=skills[cut:],
        requirements=Requirements(
            english_level=rng.choice(LEVELS),
            maths_level=rng.choice(LEVELS),
            driving_licence=rng.choice([None, None, "B", "C1"]),
            registration=rng.choice([None, None, None, "NMC"]),
        ),
        hours_per_week=rng.choice([None, 20.0, 37.5]),
        working_pattern=rng.sample(PATTERNS[:4], rng.randint(0, 2)),
        band=rng.choice([None, 2, 3, "Band 4"]),
        entry_level=rng.random() < 0.6,
        closing_date=TODAY + timedelta(days=30),
    )


def _courses() -> list[CourseDoc]:
    return [
        CourseDoc(
            id="course-fs-english",
            title="Functional Skills English Level 2",
            provider_name="College",
            qualification_type="functional_skills",
            level=2,
            skills_taught=["english-level2"],
            grants=["english:level2"],
            presentations=[PresentationDoc(start_date=None, duration_weeks=10, mode="online")],
        ),
        CourseDoc(
            id="course-care",
            title="Care Certificate",
            provider_name="College",
            qualification_type="certificate",
            level=2,
            skills_taught=["personal-care", "moving-and-handling", "infection-prevention-control"],
            presentations=[
                PresentationDoc(
                    start_date=TODAY + timedelta(days=14), duration_weeks=6, lat=52.48, lon=-1.9
                )
            ],
        ),
    ]


@pytest.fixture(scope="module")
def world() -> tuple[MatchIndex, JobseekerIndex, list[JobseekerEntry], list[VacancyDoc]]:
    rng = random.Random(20261123)
    vacancies = [_vacancy(rng, i) for i in range(40)]
    index = MatchIndex()
    index.build(vacancies, _courses())
    entries = [
        JobseekerEntry(f"js_{i:04d}", f"office-{i % 3}", rng.random() < 0.7, None, _profile(rng), 1)
        for i in range(400)
    ]
    people = JobseekerIndex()
    people.build(entries)
    return index, people, entries, vacancies


def _view(index: MatchIndex, vacancy_id: str) -> VacancyView:
    view = vacancy_view(index, vacancy_id, TODAY)
    assert view is not None
    return view


def test_scores_and_parts_are_the_ones_matching_gives(world) -> None:  # type: ignore[no-untyped-def]
    """The engine's reference scan (plain Python, one pair at a time) is the oracle."""
    index, people, entries, vacancies = world
    by_id = {e.id: e for e in entries}
    courses = _courses()
    compared = 0
    for vacancy in vacancies[:15]:
        view = _view(index, vacancy.id)
        candidates, _ = people.take(view, KEY, after=None, count=10_000, consenting_only=False)
        for candidate in candidates:
            profile = by_id[candidate.jobseeker_id].profile
            reachable = reachable_attainment(profile, courses, TODAY)
            scanned = scan_one(profile, vacancy, reachable, TODAY)
            assert scanned is not None
            assert candidate.score == pytest.approx(scanned.score, abs=1e-6)
            assert candidate.distance_km == pytest.approx(scanned.distance_km, abs=1e-3)
            for name, value in candidate.parts.items():
                assert value == pytest.approx(getattr(scanned.parts, name), abs=1e-6), name
            assert candidate.now == (scanned.ready == "now")
            held = set(profile.skills)
            wanted = {*vacancy.essential_skills, *vacancy.desirable_skills}
            assert {s for s, _ in candidate.missing_skills} <= wanted - held
            compared += 1
    assert compared > 50, "the random world should put many people in range"


def test_exactly_the_consenting_people_in_their_own_range_pass(world) -> None:  # type: ignore[no-untyped-def]
    index, people, entries, vacancies = world
    for vacancy in vacancies[:20]:
        view = _view(index, vacancy.id)
        candidates, more = people.take(view, KEY, after=None, count=10_000)
        assert not more
        expected = set()
        for e in entries:
            p = e.profile
            distance = haversine_km(p.lat, p.lon, vacancy.lat, vacancy.lon)
            hours_ok = not (
                vacancy.hours_per_week is not None
                and p.hours_per_week is not None
                and vacancy.hours_per_week > p.hours_per_week
            )
            registered = vacancy.requirements.registration is None or (
                f"registration:{vacancy.requirements.registration}" in p.qualifications
            )
            if e.consent and distance <= p.max_travel_km and hours_ok and registered:
                expected.add(e.id)
        assert {c.jobseeker_id for c in candidates} == expected


def test_ranking_is_by_score_then_ref_and_pages_join_up(world) -> None:  # type: ignore[no-untyped-def]
    index, people, _entries, vacancies = world
    view = max(
        (_view(index, v.id) for v in vacancies),
        key=lambda v: len(people.take(v, KEY, after=None, count=10_000)[0]),
    )
    whole, _ = people.take(view, KEY, after=None, count=10_000)
    assert len(whole) >= 10
    assert [(-c.score, c.ref) for c in whole] == sorted((-c.score, c.ref) for c in whole)
    paged = []
    after = None
    while True:
        page, more = people.take(view, KEY, after=after, count=3)
        paged += page
        if not more:
            break
        after = (page[-1].score, page[-1].ref)
    assert [c.ref for c in paged] == [c.ref for c in whole]


def test_candidate_refs_are_stable_per_vacancy_and_unrelated_across() -> None:
    a1 = candidate_ref(KEY, "vac-1", "js_1")
    assert a1 == candidate_ref(KEY, "vac-1", "js_1")
    assert a1 != candidate_ref(KEY, "vac-2", "js_1")
    assert a1 != candidate_ref(KEY, "vac-1", "js_2")
    assert a1 != candidate_ref(ref_key("another-secret"), "vac-1", "js_1")
    assert "js_1" not in a1 and len(a1) == len("cand_") + 16


def test_travel_limits_are_each_persons_own(world) -> None:  # type: ignore[no-untyped-def]
    index, _people, _entries, vacancies = world
    vacancy = vacancies[0]
    people = JobseekerIndex()
    # due north of the vacancy, at 9.9 and 10.1 km, both willing to travel 10 km
    km_per_degree = haversine_km(0, 0, 1, 0)
    base = _profile(random.Random(1))
    near = replace(
        base,
        lat=vacancy.lat + 9.9 / km_per_degree,
        lon=vacancy.lon,
        max_travel_km=10.0,
        hours_per_week=None,
    )
    far = replace(near, lat=vacancy.lat + 10.1 / km_per_degree)
    keen = replace(far, max_travel_km=11.0)
    people.build(
        [
            JobseekerEntry("near", "o", True, None, near),
            JobseekerEntry("far", "o", True, None, far),
            JobseekerEntry("keen", "o", True, None, keen),
        ]
    )
    view = _view(index, vacancy.id)
    registered_view = replace(view, registration=None, hours=math.nan)
    found = {c.jobseeker_id for c in people.take(registered_view, KEY, after=None, count=10)[0]}
    assert found == {"near", "keen"}
    assert TRAVEL_BUCKETS[-1] >= 200


def test_changes_are_visible_at_once_and_compaction_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    index, _people, entries, vacancies = world
    people = JobseekerIndex()
    people.build(entries)
    view = _view(index, vacancies[3].id)
    before = [
        (c.jobseeker_id, c.score) for c in people.take(view, KEY, after=None, count=10_000)[0]
    ]
    # move someone onto the vacancy, make them consent; erase someone who was there
    mover = next(e for e in entries if e.id not in {j for j, _ in before})
    moved = JobseekerEntry(
        mover.id, mover.office, True, None,
        replace(mover.profile, lat=vacancies[3].lat, lon=vacancies[3].lon, hours_per_week=None, qualifications=["registration:NMC"]),
        version=2,
    )  # fmt: skip
    assert people.upsert(moved)
    assert not people.upsert(JobseekerEntry(mover.id, "x", True, None, mover.profile, version=1))
    gone = before[0][0]
    assert people.remove(gone) and not people.remove(gone)
    after = {c.jobseeker_id: c.score for c in people.take(view, KEY, after=None, count=10_000)[0]}
    assert mover.id in after and gone not in after
    fresh = JobseekerIndex()
    fresh.build([moved if e.id == mover.id else e for e in entries if e.id != gone])
    assert after == {
        c.jobseeker_id: c.score for c in fresh.take(view, KEY, after=None, count=10_000)[0]
    }
    people.compact()
    assert after == {
        c.jobseeker_id: c.score for c in people.take(view, KEY, after=None, count=10_000)[0]
    }


def test_erasure_scrubs_the_row_not_only_tombstones_it(world) -> None:  # type: ignore[no-untyped-def]
    _index, _people, entries, _vacancies = world
    people = JobseekerIndex()
    people.build(entries)
    victim = next(e for e in entries if e.profile.qualifications)
    row = people.row_of[victim.id]
    assert people.traces(victim.id)
    assert people.remove(victim.id)
    assert people.traces(victim.id) == []
    cols = people.cols
    assert math.isnan(cols.lat.view()[row]) and math.isnan(cols.lon.view()[row])
    assert people.ids[row] == "" and victim.id not in people.ids
    indptr = people.indptr.view()
    assert not people.entry.view()[indptr[row] : indptr[row + 1]].any()
    assert int(cols.english.view()[row]) == 0 and not cols.consent.view()[row]
    # the grid key no longer says where they lived, and the sorted order still holds
    keys = people.grid_keys
    for bucket in range(len(TRAVEL_BUCKETS)):
        segment = keys[people.bounds[bucket] : people.bounds[bucket + 1]]
        assert np.all(np.diff(segment) >= 0)


def test_shortlist_pages_skip_the_ineligible_and_carry_routes(world) -> None:  # type: ignore[no-untyped-def]
    index, people, _entries, vacancies = world
    for vacancy in vacancies[:10]:
        view = _view(index, vacancy.id)
        everyone, _ = people.take(view, KEY, after=None, count=10_000)
        result, nxt = shortlist(index, people, view, key=KEY, limit=5, after=None, today=TODAY)
        assert len(result.items) <= 5
        # a page ends early only at the bound on routes asked, never on time
        full = len(result.items) == 5 or nxt is None
        assert full or result.routes >= MAX_ROUTES_PER_ITEM * 5 + 8
        for item in result.items:
            assert (item.ready == "now") == item.candidate.now
            assert (item.route is None) == (item.ready == "now")
            if item.route is not None:
                assert not set(item.route.uncovered) & set(item.candidate.missing_requirements)
        order = [c.ref for c in everyone]
        positions = [order.index(item.candidate.ref) for item in result.items]
        assert positions == sorted(positions)
        if nxt is not None:
            more, _ = shortlist(index, people, view, key=KEY, limit=5, after=nxt, today=TODAY)
            later = [order.index(item.candidate.ref) for item in more.items]
            assert not positions or not later or later[0] > positions[-1]


def test_a_vacancy_that_is_closed_or_unknown_has_no_view(world) -> None:  # type: ignore[no-untyped-def]
    index, _people, _entries, vacancies = world
    assert vacancy_view(index, "no-such-vacancy", TODAY) is None
    assert vacancy_view(index, vacancies[0].id, TODAY + timedelta(days=31)) is None


def test_a_real_postcode_point_is_accepted() -> None:
    point = lookup("B15 2TT")
    assert point is not None
    people = JobseekerIndex()
    base = _profile(random.Random(3))
    people.build(
        [
            JobseekerEntry(
                "a", "o", True, "West Midlands", replace(base, lat=point.lat, lon=point.lon)
            )
        ]
    )
    assert "a" in people and len(people) == 1
