"""Route planning: prerequisites in order, dates that hold, preferences, and ``check_route``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from services.matching.engine import (
    CourseDoc,
    PresentationDoc,
    Profile,
    Route,
    check_route,
    plan_route,
)
from services.matching.engine.funding import cost_to_person

TODAY = date(2026, 1, 5)
HOME = (53.4800, -2.2400)  # Manchester
KM_LAT = 1 / 111.2


def run(
    start_in_days: int | None, weeks: float = 4, km: float = 2.0, mode: str = "classroom"
) -> PresentationDoc:
    online = mode == "online"
    return PresentationDoc(
        start_date=None if start_in_days is None else TODAY + timedelta(days=start_in_days),
        duration_weeks=weeks,
        lat=None if online else HOME[0] + km * KM_LAT,
        lon=None if online else HOME[1],
        mode=mode,
    )


def course(
    course_id: str,
    *runs: PresentationDoc,
    skills: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
    entry: tuple[str, ...] = (),
    cost: float = 0.0,
    funding: str | None = "fully_funded",
    qualification_type: str = "short_course",
    level: int | None = 1,
) -> CourseDoc:
    return CourseDoc(
        id=course_id,
        title=course_id,
        provider_name="Provider",
        qualification_type=qualification_type,
        level=level,
        skills_taught=list(skills),
        grants=list(grants),
        entry_requirements=list(entry),
        presentations=list(runs) or [run(14)],
        cost=cost,
        funding=funding,
    )


def person(**changes: Any) -> Profile:
    base = Profile(
        skills=[],
        english_level="entry2",
        maths_level="level2",
        driving_licence=False,
        lat=HOME[0],
        lon=HOME[1],
        max_travel_km=15.0,
        age=30,
    )
    return replace(base, **changes)


def ids(route: Route) -> list[str]:
    return [step.course_id for step in route.steps]


def planned(
    profile: Profile, skills: list[str], requirements: list[str], courses: list[CourseDoc]
) -> Route:
    route = plan_route(profile, skills, requirements, courses, TODAY)
    assert check_route(route, profile, skills, requirements, courses, TODAY) == []
    return route


ESOL_E3 = course("esol-e3", run(7, weeks=10), grants=("english:entry3",), entry=("english:entry2",))
FS_L1 = course(
    "fs-english-l1",
    run(30, weeks=12),  # starts while ESOL runs: unusable after it
    run(120, weeks=12),
    grants=("english:level1",),
    entry=("english:entry3",),
)
DIPLOMA = course(
    "care-diploma-l2",
    run(300, weeks=30),
    skills=("care-planning", "dementia-care"),
    entry=("english:level1",),
    qualification_type="diploma",
    level=2,
)


def test_prerequisites_come_first_and_each_step_starts_after_the_last_ends() -> None:
    profile = person()
    route = planned(profile, ["care-planning"], [], [DIPLOMA, FS_L1, ESOL_E3])
    assert ids(route) == ["esol-e3", "fs-english-l1", "care-diploma-l2"]
    assert route.uncovered == []
    for before, after in zip(route.steps, route.steps[1:], strict=False):
        assert after.start_date > before.end_date
    assert route.steps[1].start_date == TODAY + timedelta(days=120)
    assert route.earliest_start == route.steps[0].start_date
    assert route.total_weeks == sum(step.weeks for step in route.steps)
    assert route.steps[-1].covers == ["care-planning"]


def test_a_person_who_already_has_the_level_skips_the_prerequisites() -> None:
    route = planned(
        person(english_level="level1"), ["care-planning"], [], [DIPLOMA, FS_L1, ESOL_E3]
    )
    assert ids(route) == ["care-diploma-l2"]


def test_runs_in_the_past_are_never_used() -> None:
    past_and_future = course("phleb", run(-10, weeks=1), run(20, weeks=1), skills=("phlebotomy",))
    route = planned(person(), ["phlebotomy"], [], [past_and_future])
    assert route.steps[0].start_date == TODAY + timedelta(days=20)
    only_past = course("phleb-old", run(-10, weeks=1), skills=("phlebotomy",))
    route = planned(person(), ["phlebotomy"], [], [only_past])
    assert route.steps == []
    assert route.uncovered == ["phlebotomy"]


def test_available_from_delays_the_first_step() -> None:
    runs = course("cc", run(10, weeks=6), run(60, weeks=6), skills=("personal-care",))
    profile = person(available_from=TODAY + timedelta(days=30))
    route = planned(profile, ["personal-care"], [], [runs])
    assert route.steps[0].start_date == TODAY + timedelta(days=60)


def test_what_no_course_teaches_is_listed_uncovered() -> None:
    route = planned(
        person(), ["empathy", "personal-care"], [], [course("cc", skills=("personal-care",))]
    )
    assert ids(route) == ["cc"]
    assert route.uncovered == ["empathy"]


def test_registration_is_uncovered_whatever_the_courses_claim() -> None:
    fake = course("nmc", grants=("registration:NMC",))
    route = planned(person(), [], ["registration:NMC"], [fake])
    assert route.steps == []
    assert route.uncovered == ["registration:NMC"]


def test_fewest_weeks_wins_over_cost() -> None:
    short_paid = course(
        "short-paid", run(14, weeks=2), skills=("first-aid",), cost=200, funding="self_funded"
    )
    long_free = course("long-free", run(14, weeks=10), skills=("first-aid",))
    assert ids(planned(person(), ["first-aid"], [], [long_free, short_paid])) == ["short-paid"]


def test_at_equal_weeks_the_fully_funded_course_wins() -> None:
    paid = course("paid", skills=("first-aid",), cost=200, funding="self_funded")
    funded = course("funded", skills=("first-aid",), cost=200, funding="fully_funded")
    route = planned(person(), ["first-aid"], [], [paid, funded])
    assert ids(route) == ["funded"]
    assert route.total_cost == 0.0


def test_at_equal_weeks_and_cost_the_nearer_course_wins() -> None:
    far = course("far", run(14, km=12), skills=("first-aid",))
    near = course("near", run(14, km=1), skills=("first-aid",))
    assert ids(planned(person(), ["first-aid"], [], [far, near])) == ["near"]


def test_one_course_covering_two_skills_beats_two_longer_ones() -> None:
    both = course("both", run(14, weeks=3), skills=("a-skill", "b-skill"))
    a_only = course("a-only", run(14, weeks=2), skills=("a-skill",))
    b_only = course("b-only", run(14, weeks=2), skills=("b-skill",))
    assert ids(planned(person(), ["a-skill", "b-skill"], [], [a_only, b_only, both])) == ["both"]


def test_courses_beyond_the_travel_limit_are_ignored_but_online_ones_count() -> None:
    far = course("far", run(14, km=40), skills=("first-aid",))
    assert planned(person(), ["first-aid"], [], [far]).uncovered == ["first-aid"]
    online = course("online", run(14, mode="online"), skills=("first-aid",))
    route = planned(person(), ["first-aid"], [], [far, online])
    assert ids(route) == ["online"]
    assert route.steps[0].distance_km == 0.0


def test_a_start_any_time_run_starts_as_soon_as_possible() -> None:
    roll_on = course("roll-on", run(None, weeks=2, mode="online"), skills=("first-aid",))
    route = planned(person(), ["first-aid"], [], [roll_on])
    assert route.steps[0].start_date == TODAY


def test_entry_requirements_the_person_cannot_reach_leave_the_skill_uncovered() -> None:
    needs_licence = course(
        "c1", skills=("route-planning",), grants=("licence:C1",), entry=("licence:B",)
    )
    route = planned(
        person(driving_licence=False), ["route-planning"], ["licence:C1"], [needs_licence]
    )
    assert route.steps == []
    assert set(route.uncovered) == {"route-planning", "licence:C1"}
    with_car = planned(
        person(driving_licence=True), ["route-planning"], ["licence:C1"], [needs_licence]
    )
    assert ids(with_car) == ["c1"]
    assert with_car.uncovered == []


def test_dates_that_rule_out_a_chain_leave_the_requirement_uncovered() -> None:
    late_fs = course("fs", run(20, weeks=12), grants=("english:level1",), entry=("english:entry3",))
    route = planned(person(), [], ["english:level1"], [ESOL_E3, late_fs])
    assert "english:level1" in route.uncovered


def test_check_route_finds_broken_routes() -> None:
    profile = person()
    courses = [DIPLOMA, FS_L1, ESOL_E3]
    good = planned(profile, ["care-planning"], [], courses)
    reversed_steps = replace(
        good, steps=list(reversed(good.steps)), earliest_start=good.steps[-1].start_date
    )
    assert check_route(reversed_steps, profile, ["care-planning"], [], courses, TODAY)
    in_the_past = replace(
        good,
        steps=[replace(good.steps[0], start_date=TODAY - timedelta(days=1)), *good.steps[1:]],
        earliest_start=TODAY - timedelta(days=1),
    )
    assert any(
        "before" in p
        for p in check_route(in_the_past, profile, ["care-planning"], [], courses, TODAY)
    )
    forgot = replace(good, steps=good.steps[:2], total_weeks=sum(s.weeks for s in good.steps[:2]))
    problems = check_route(forgot, profile, ["care-planning"], [], courses, TODAY)
    assert any("care-planning" in p for p in problems)
    wrong_total = replace(good, total_weeks=good.total_weeks + 5)
    assert check_route(wrong_total, profile, ["care-planning"], [], courses, TODAY)


def test_cost_to_person_follows_funding_and_eligibility() -> None:
    assert cost_to_person(500, "fully_funded", "diploma", 2, 40) == 0.0
    assert cost_to_person(500, "advanced_learner_loan", "diploma", 3, 40) == 500.0
    assert cost_to_person(500, "advanced_learner_loan", "diploma", 3, 18) == 0.0
    assert cost_to_person(300, None, "functional_skills", 2, 50) == 0.0
    assert cost_to_person(300, "self_funded", "short_course", None, None) == 300.0
