"""Route planning shortcuts: the cross-request route cache, the shared course ranking behind
``effect_best``, and the planner's memo of set searches. Each must give exactly what the
plain computation gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.matching.engine import CourseDoc, MatchIndex, Profile, VacancyDoc, check_route
from services.matching.engine.course_table import CourseTable
from services.matching.engine.route_cache import RouteCache
from services.matching.engine.routes import RoutePlanner, start_floor
from tests.matching.test_engine_index import TODAY, course, north, person, vacancy
from tests.matching.test_engine_properties import courses, profiles, vacancies

GAPS = [
    (["phlebotomy"], []),
    (["phlebotomy", "ecg"], ["english:level1"]),
    (["ecg", "first-aid", "teamwork"], []),
    ([], ["care_certificate", "licence:C1"]),
    (["personal-care", "food-hygiene", "portering", "first-aid", "ecg"], ["maths:level1"]),
]


JOBS = [vacancy("v1", essential=("phlebotomy", "ecg")), vacancy("v2", essential=("phlebotomy",))]


def fresh(vacancy_docs: Sequence[VacancyDoc], course_docs: Sequence[CourseDoc]) -> MatchIndex:
    index = MatchIndex()
    index.build(vacancy_docs, course_docs)
    return index


def world() -> tuple[MatchIndex, list[CourseDoc]]:
    docs = [
        course("phlebotomy-a", skills=("phlebotomy",), weeks=6, km=3.0, start_in_days=120),
        course("phlebotomy-b", skills=("phlebotomy",), weeks=6, km=1.0, start_in_days=120),
        course("ecg", skills=("ecg",), weeks=2, entry=("english:level1",), start_in_days=100),
        course("fs-english-1", grants=("english:level1",), weeks=10),
    ]
    return fresh(JOBS, docs), docs


def test_a_cached_route_is_the_route_a_fresh_index_plans() -> None:
    index, docs = world()
    someone = person(skills=[], english_level="entry3")
    first = index.route(someone, ["phlebotomy", "ecg"], [], today=TODAY)
    hits = index.route_cache.hits
    again = index.route(someone, ["phlebotomy", "ecg"], [], today=TODAY)
    assert index.route_cache.hits == hits + 1
    assert again == first
    assert again == fresh([], docs).route(someone, ["phlebotomy", "ecg"], [], today=TODAY)
    assert [s.course_id for s in again.steps] == ["fs-english-1", "ecg", "phlebotomy-b"]


def test_matches_answered_from_the_cache_equal_a_fresh_index() -> None:
    index, docs = world()
    someone = person(skills=[], english_level="entry3")
    cold = index.match(someone, today=TODAY)
    warm = index.match(someone, today=TODAY)
    assert index.route_cache.hits >= 2
    assert warm == cold == fresh(JOBS, docs).match(someone, today=TODAY)


def test_a_course_change_empties_the_cache() -> None:
    index, docs = world()
    someone = person(skills=[])
    before = index.route(someone, ["phlebotomy"], [], today=TODAY)
    assert [s.course_id for s in before.steps] == ["phlebotomy-b"]
    quicker = course("phlebotomy-quick", skills=("phlebotomy",), weeks=1, km=4.0)
    index.upsert_course(quicker)
    after = index.route(someone, ["phlebotomy"], [], today=TODAY)
    assert [s.course_id for s in after.steps] == ["phlebotomy-quick"]
    assert after == fresh([], [*docs, quicker]).route(someone, ["phlebotomy"], [], today=TODAY)
    index.remove_course("phlebotomy-quick")
    assert index.route(someone, ["phlebotomy"], [], today=TODAY) == before


def test_people_with_other_facts_do_not_share_a_route() -> None:
    index, _docs = world()
    near = person(skills=[])
    far = replace(near, lat=north(40.0)[0])  # 40 km north: no classroom within 10 km
    assert index.route(near, ["phlebotomy"], [], today=TODAY).steps
    route = index.route(far, ["phlebotomy"], [], today=TODAY)
    assert not route.steps and route.uncovered == ["phlebotomy"]
    older = replace(near, available_from=TODAY.replace(year=TODAY.year + 1))
    assert index.route(older, ["phlebotomy"], [], today=TODAY).uncovered == ["phlebotomy"]


def test_forget_drops_the_routes_of_one_set_of_facts() -> None:
    index, _docs = world()
    one, other = person(skills=[]), person(skills=[], age=18)
    index.route(one, ["phlebotomy"], [], today=TODAY)
    index.route(other, ["phlebotomy"], [], today=TODAY)
    assert len(index.route_cache) == 2
    assert index.forget_routes(one, today=TODAY) == 1
    assert len(index.route_cache) == 1


def test_the_cache_is_bounded() -> None:
    cache = RouteCache(capacity=2)
    index, _docs = world()
    route = index.route(person(skills=[]), ["phlebotomy"], [], today=TODAY)
    for n in range(5):
        cache.put((bytes([n]), ((), (), ())), 1, route)
    assert len(cache) == 2
    assert cache.get((bytes([4]), ((), (), ())), 1) is route
    assert cache.get((bytes([4]), ((), (), ())), 2) is None  # another version: emptied
    assert len(cache) == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 30).flatmap(lambda n: st.tuples(*(courses(f"c{i}") for i in range(n)))),
    profiles(),
    st.sampled_from((1, 2, 3)),
)
def test_effect_best_is_the_first_of_each_effect_in_a_full_sort(
    docs: tuple[CourseDoc, ...], profile: Profile, keep: int
) -> None:
    table = CourseTable.rebuilt(docs)
    reach = table.reach(
        profile.lat, profile.lon, profile.max_travel_km, start_floor(profile, TODAY)
    )
    rows = reach.courses
    order = np.lexsort(
        (
            rows,
            table.venue_distance(rows, profile.lat, profile.lon),
            table.person_cost(rows, profile.age),
            table.min_weeks.view()[rows],
            table.effect.view()[rows],
        )
    )
    expected: dict[int, list[int]] = {}
    for row in rows[order].tolist():
        kept = expected.setdefault(int(table.effect.view()[row]), [])
        if len(kept) < keep:
            kept.append(row)
    assert table.effect_best(reach, profile.lat, profile.lon, profile.age, keep) == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.tuples(*(courses(f"c{i}") for i in range(14))),
    st.tuples(*(vacancies(f"v{i}") for i in range(6))),
    profiles(),
)
def test_cached_and_memoised_routes_equal_fresh_plans(
    docs: tuple[CourseDoc, ...], vacancy_docs: tuple[VacancyDoc, ...], profile: Profile
) -> None:
    index = fresh(vacancy_docs, docs)
    planner = RoutePlanner(profile, TODAY)  # one planner: its set searches are memoised
    for skills, requirements in GAPS:
        shared = planner.plan(skills, requirements, docs)
        alone = RoutePlanner(profile, TODAY).plan(skills, requirements, docs)
        assert shared == alone
        assert not check_route(shared, profile, skills, requirements, docs, TODAY)
        cold = index.route(profile, skills, requirements, today=TODAY)
        assert index.route(profile, skills, requirements, today=TODAY) == cold
        assert cold == fresh([], docs).route(profile, skills, requirements, today=TODAY)
        assert not check_route(cold, profile, skills, requirements, docs, TODAY)
    first = index.match(profile, today=TODAY, limit=None, include_gated=True)
    assert index.match(profile, today=TODAY, limit=None, include_gated=True) == first
