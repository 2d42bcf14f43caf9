"""Properties of matching, checked with hypothesis on small random worlds.

* adding a skill the person lacked never lowers a score;
* moving the person further away never raises the distance part;
* a person who meets every essential skill and requirement of a vacancy within range is
  ready now;
* results are sorted by score and deterministic (whatever order the index was filled in);
* the index agrees with the straight Python scan (``reference.py``) on every vacancy;
* every route on a match passes ``check_route``;
* the vectorised blocker count behind "what would change" agrees with a plain loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.matching.engine import (
    CourseDoc,
    MatchIndex,
    PresentationDoc,
    Profile,
    Requirements,
    VacancyDoc,
    check_route,
)
from services.matching.engine.attainment import (
    LEVELS,
    Attainment,
    expand_skills,
    vacancy_requirements,
)
from services.matching.engine.reference import reachable_attainment, scan_one

TODAY = date(2026, 1, 5)
SKILLS = (
    "personal-care",
    "phlebotomy",
    "ecg",
    "teamwork",
    "food-hygiene",
    "portering",
    "first-aid",
)
PATTERNS = ("full_time", "part_time", "nights", "weekends", "shifts")
CENTRE = (52.20, -1.20)

levels = st.sampled_from((None, *LEVELS))
points = st.tuples(
    st.floats(CENTRE[0] - 0.25, CENTRE[0] + 0.25), st.floats(CENTRE[1] - 0.35, CENTRE[1] + 0.35)
)
licences: st.SearchStrategy[bool | str] = st.sampled_from((False, True, "C1", "D1"))
skill_lists = st.lists(st.sampled_from(SKILLS), max_size=4, unique=True)


@st.composite
def vacancies(draw: st.DrawFn, vacancy_id: str) -> VacancyDoc:
    lat, lon = draw(points)
    essential = draw(skill_lists)
    return VacancyDoc(
        id=vacancy_id,
        title="Job",
        employer="Employer",
        role=None,
        lat=lat,
        lon=lon,
        essential_skills=essential,
        desirable_skills=[s for s in draw(skill_lists) if s not in essential],
        requirements=Requirements(
            driving_licence=draw(st.sampled_from((None, None, "B", "C1"))),
            english_level=draw(levels),
            maths_level=draw(levels),
            registration=draw(st.sampled_from((None, None, None, "NMC"))),
        ),
        hours_per_week=draw(st.sampled_from((None, 16.0, 30.0, 37.5))),
        working_pattern=draw(st.lists(st.sampled_from(PATTERNS), max_size=2, unique=True)),
        band=draw(st.sampled_from((None, 2, 3, "Band 4"))),
        entry_level=draw(st.booleans()),
        closing_date=draw(st.sampled_from((None, TODAY, TODAY + timedelta(days=9)))),
    )


@st.composite
def courses(draw: st.DrawFn, course_id: str) -> CourseDoc:
    lat, lon = draw(points)
    grants = draw(
        st.lists(
            st.sampled_from(
                (
                    "english:level1",
                    "english:entry3",
                    "maths:level1",
                    "licence:C1",
                    "care_certificate",
                )
            ),
            max_size=2,
            unique=True,
        )
    )
    entry = draw(
        st.lists(st.sampled_from(("english:entry2", "english:entry3", "licence:B")), max_size=1)
    )
    runs = [
        PresentationDoc(
            start_date=TODAY + timedelta(days=draw(st.integers(-20, 200))),
            duration_weeks=draw(st.integers(1, 20)),
            lat=lat,
            lon=lon,
            mode=draw(st.sampled_from(("classroom", "online"))),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    return CourseDoc(
        id=course_id,
        title=course_id,
        provider_name="Provider",
        qualification_type="short_course",
        level=1,
        skills_taught=draw(skill_lists),
        grants=grants,
        entry_requirements=entry,
        presentations=runs,
        cost=draw(st.sampled_from((0.0, 150.0))),
        funding=draw(st.sampled_from(("fully_funded", "self_funded", None))),
    )


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    lat, lon = draw(points)
    return Profile(
        skills=draw(skill_lists),
        english_level=draw(levels),
        maths_level=draw(levels),
        driving_licence=draw(licences),
        lat=lat,
        lon=lon,
        max_travel_km=draw(st.sampled_from((5.0, 15.0, 40.0))),
        hours_per_week=draw(st.sampled_from((None, 20.0, 40.0))),
        patterns=draw(st.lists(st.sampled_from((*PATTERNS, "flexible")), max_size=2, unique=True)),
        available_from=draw(st.sampled_from((None, TODAY + timedelta(days=30)))),
        age=draw(st.sampled_from((None, 17, 30))),
        qualifications=draw(st.sampled_from(([], ["NMC"]))),
    )


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[VacancyDoc], list[CourseDoc]]:
    n_vacancies = draw(st.integers(1, 12))
    n_courses = draw(st.integers(0, 6))
    return (
        [draw(vacancies(f"v{i:02d}")) for i in range(n_vacancies)],
        [draw(courses(f"c{i:02d}")) for i in range(n_courses)],
    )


def build(world: tuple[list[VacancyDoc], list[CourseDoc]]) -> MatchIndex:
    index = MatchIndex()
    index.build(*world)
    return index


def scores(index: MatchIndex, profile: Profile) -> dict[str, float]:
    result = index.match(profile, today=TODAY, limit=None, include_gated=True, with_routes=False)
    return {item.vacancy_id: item.score for item in result.items}


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(worlds(), profiles(), st.sampled_from(SKILLS))
def test_adding_a_skill_never_lowers_a_score(world, profile, extra) -> None:  # type: ignore[no-untyped-def]
    index = build(world)
    before = scores(index, profile)
    after = scores(index, replace(profile, skills=[*profile.skills, extra]))
    assert set(before) <= set(after)
    for vacancy_id, score in before.items():
        assert after[vacancy_id] >= score


@PROPERTY
@given(worlds(), profiles(), st.floats(0.0, 0.2))
def test_adding_a_level_or_licence_never_lowers_a_score(world, profile, _) -> None:  # type: ignore[no-untyped-def]
    index = build(world)
    before = scores(index, profile)
    after = scores(index, replace(profile, english_level="level3", driving_licence="CE"))
    for vacancy_id, score in before.items():
        assert after[vacancy_id] >= score


@PROPERTY
@given(vacancies("v"), profiles(), st.floats(0.01, 3.0))
def test_moving_further_away_never_raises_the_distance_part(vacancy, profile, stretch) -> None:  # type: ignore[no-untyped-def]
    index = build(([vacancy], []))
    wide = replace(profile, max_travel_km=500.0)
    further = replace(
        wide,
        lat=vacancy.lat + (profile.lat - vacancy.lat) * (1 + stretch),
        lon=vacancy.lon + (profile.lon - vacancy.lon) * (1 + stretch),
    )
    near = index.match(wide, today=TODAY, include_gated=True, with_routes=False).items
    far = index.match(further, today=TODAY, include_gated=True, with_routes=False).items
    if near and far:
        assert far[0].distance_km >= near[0].distance_km
        assert far[0].parts.distance <= near[0].parts.distance


@PROPERTY
@given(worlds(), st.data())
def test_meeting_every_essential_and_requirement_within_range_is_ready_now(world, data) -> None:  # type: ignore[no-untyped-def]
    vacancies_, _ = world
    target = data.draw(st.sampled_from(vacancies_))
    if target.closing_date is not None and target.closing_date < TODAY:
        return
    req = target.requirements
    profile = Profile(
        skills=list(target.essential_skills),
        english_level=req.english_level,
        maths_level=req.maths_level,
        driving_licence=req.driving_licence or False,
        lat=target.lat + data.draw(st.floats(-0.02, 0.02)),
        lon=target.lon + data.draw(st.floats(-0.02, 0.02)),
        max_travel_km=10.0,
        hours_per_week=data.draw(st.sampled_from((None, 40.0))),
        qualifications=[req.registration] if req.registration else [],
    )
    items = {
        item.vacancy_id: item for item in build(world).match(profile, today=TODAY, limit=None).items
    }
    assert items[target.id].ready == "now"


@PROPERTY
@given(worlds(), profiles())
def test_results_are_sorted_and_deterministic(world, profile) -> None:  # type: ignore[no-untyped-def]
    index = build(world)
    first = index.match(profile, today=TODAY, limit=None, include_gated=True)
    again = index.match(profile, today=TODAY, limit=None, include_gated=True)
    assert first == again
    listed = [item for item in first.items if item.ready != "not_eligible"]
    keys = [(-item.score, item.vacancy_id) for item in listed]
    assert keys == sorted(keys)
    vacancies_, courses_ = world
    shuffled = MatchIndex()
    for vacancy in reversed(vacancies_):
        shuffled.upsert_vacancy(vacancy)
    for course in reversed(courses_):
        shuffled.upsert_course(course)
    assert shuffled.match(profile, today=TODAY, limit=None, include_gated=True) == first


@PROPERTY
@given(worlds(), profiles())
def test_index_agrees_with_the_straight_python_scan(world, profile) -> None:  # type: ignore[no-untyped-def]
    vacancies_, courses_ = world
    index = build(world)
    found = index.candidates(profile, today=TODAY)
    classes = {
        index.vacancies.ids[int(row)]: (
            "now" if found.now[i] else "after_training" if found.after[i] else "not_eligible",
            float(found.score[i]),
            float(found.distance[i]),
        )
        for i, row in enumerate(found.rows)
    }
    reachable = reachable_attainment(profile, courses_, TODAY)
    expected = {}
    for vacancy in vacancies_:
        scanned = scan_one(profile, vacancy, reachable, TODAY)
        if scanned is not None:
            expected[vacancy.id] = (scanned.ready, scanned.score, scanned.distance_km)
    assert set(classes) == set(expected)
    for vacancy_id, (ready, score, distance) in expected.items():
        got_ready, got_score, got_distance = classes[vacancy_id]
        assert got_ready == ready
        assert abs(got_score - score) < 1e-5
        assert abs(got_distance - distance) < 0.01


@PROPERTY
@given(worlds(), profiles())
def test_every_route_on_a_match_checks_out(world, profile) -> None:  # type: ignore[no-untyped-def]
    vacancies_, courses_ = world
    index = build(world)
    by_id = {vacancy.id: vacancy for vacancy in vacancies_}
    for item in index.match(profile, today=TODAY, limit=None).items:
        if item.route is None:
            continue
        vacancy = by_id[item.vacancy_id]
        essential = [m.id for m in item.missing_skills if m.essential]
        requirements = vacancy_requirements(vacancy.requirements)
        assert check_route(item.route, profile, essential, requirements, courses_, TODAY) == []
        for step in item.route.steps:
            assert step.start_date >= TODAY


@PROPERTY
@given(worlds(), profiles(), st.sampled_from((5.0, 20.0)))
def test_blocker_counts_agree_with_a_plain_loop(world, profile, radius) -> None:  # type: ignore[no-untyped-def]
    vacancies_, courses_ = world
    index = build(world)
    held = Attainment.from_profile(profile)
    have = expand_skills(profile.skills, held)
    reachable = reachable_attainment(profile, courses_, TODAY)
    expected: Counter[frozenset[str]] = Counter()
    for vacancy in vacancies_:
        scanned = scan_one(profile, vacancy, reachable, TODAY, radius_km=radius)
        if scanned is None or scanned.ready == "now":
            continue
        unmet = [r for r in vacancy_requirements(vacancy.requirements) if not held.satisfies(r)]
        hours_ok = not (
            profile.hours_per_week is not None
            and vacancy.hours_per_week is not None
            and vacancy.hours_per_week > profile.hours_per_week
        )
        if not hours_ok or any(r.startswith("registration:") for r in unmet):
            continue
        items = {s for s in vacancy.essential_skills if s not in have} | set(unmet)
        if len(items) <= 3:
            expected[frozenset(items)] += 1
    assert index.blockers(profile, radius_km=radius, today=TODAY) == expected
