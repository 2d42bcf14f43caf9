"""The match index on small hand-built data: gates, routes on matches, ordering, events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from services.matching.engine import (
    CourseDoc,
    MatchIndex,
    MatchItem,
    PresentationDoc,
    Profile,
    Requirements,
    VacancyDoc,
    check_route,
)

TODAY = date(2026, 1, 5)
HOME = (52.4800, -1.9000)  # Birmingham
KM_LAT = 1 / 111.2  # degrees of latitude per km


def north(km: float) -> tuple[float, float]:
    return HOME[0] + km * KM_LAT, HOME[1]


def vacancy(
    vacancy_id: str,
    *,
    km: float = 1.0,
    essential: tuple[str, ...] = ("personal-care",),
    desirable: tuple[str, ...] = (),
    requirements: Requirements | None = None,
    hours: float | None = 37.5,
    patterns: tuple[str, ...] = (),
    title: str = "Care Worker",
    closing: date | None = None,
) -> VacancyDoc:
    lat, lon = north(km)
    return VacancyDoc(
        id=vacancy_id,
        title=title,
        employer="Acme Care",
        role="care-worker",
        lat=lat,
        lon=lon,
        essential_skills=list(essential),
        desirable_skills=list(desirable),
        requirements=requirements or Requirements(),
        hours_per_week=hours,
        working_pattern=list(patterns),
        closing_date=closing,
    )


def course(
    course_id: str,
    *,
    skills: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
    entry: tuple[str, ...] = (),
    start_in_days: int = 14,
    weeks: float = 4,
    km: float = 2.0,
    mode: str = "classroom",
    cost: float = 0.0,
    funding: str | None = "fully_funded",
) -> CourseDoc:
    lat, lon = north(km)
    start = TODAY + timedelta(days=start_in_days)
    return CourseDoc(
        id=course_id,
        title=course_id.replace("-", " ").title(),
        provider_name="City College",
        qualification_type="short_course",
        level=1,
        skills_taught=list(skills),
        grants=list(grants),
        entry_requirements=list(entry),
        presentations=[
            PresentationDoc(
                start_date=start,
                end_date=None,
                duration_weeks=weeks,
                lat=None if mode == "online" else lat,
                lon=None if mode == "online" else lon,
                mode=mode,
            )
        ],
        cost=cost,
        funding=funding,
    )


def person(**changes: Any) -> Profile:
    base = Profile(
        skills=["personal-care"],
        english_level="level2",
        maths_level="level2",
        driving_licence=False,
        lat=HOME[0],
        lon=HOME[1],
        max_travel_km=10.0,
    )
    return replace(base, **changes)


def index_of(vacancies: list[VacancyDoc], courses: list[CourseDoc] | None = None) -> MatchIndex:
    index = MatchIndex()
    index.build(vacancies, courses or [])
    return index


def by_id(
    index: MatchIndex,
    profile: Profile,
    *,
    include_gated: bool = False,
    include_training: bool = True,
) -> dict[str, MatchItem]:
    result = index.match(
        profile,
        today=TODAY,
        limit=None,
        include_gated=include_gated,
        include_training=include_training,
    )
    return {item.vacancy_id: item for item in result.items}


def test_a_person_who_meets_everything_is_ready_now() -> None:
    index = index_of([vacancy("v1", requirements=Requirements(english_level="level1"))])
    item = by_id(index, person())["v1"]
    assert item.ready == "now"
    assert item.route is None
    assert item.missing_skills == []
    assert item.reasons == []
    assert 0.0 <= item.score <= 1.0


def test_licence_category_is_a_gate_unless_a_course_within_reach_gives_it() -> None:
    need_c1 = vacancy("driver", essential=(), requirements=Requirements(driving_licence="C1"))
    with_car_licence = person(driving_licence=True)

    gated = index_of([need_c1])
    assert "driver" not in by_id(gated, with_car_licence)
    shown = by_id(gated, with_car_licence, include_gated=True)["driver"]
    assert shown.ready == "not_eligible"
    assert any("licence:C1" in reason for reason in shown.reasons)

    c1_course = course("c1-training", grants=("licence:C1",), entry=("licence:B",))
    trainable = index_of([need_c1], [c1_course])
    item = by_id(trainable, with_car_licence)["driver"]
    assert item.ready == "after_training"
    assert item.route is not None
    assert [step.course_id for step in item.route.steps] == ["c1-training"]

    # without category B the C1 course cannot be started: still gated
    assert "driver" not in by_id(trainable, person(driving_licence=False))


def test_a_higher_licence_category_meets_a_lower_one() -> None:
    index = index_of(
        [vacancy("driver", essential=(), requirements=Requirements(driving_licence="C1"))]
    )
    assert by_id(index, person(driving_licence="C"))["driver"].ready == "now"
    assert "driver" not in by_id(index, person(driving_licence="D1"))


def test_registration_is_never_trainable() -> None:
    nurse = vacancy("nurse", essential=(), requirements=Requirements(registration="NMC"))
    fake = course("nursing-registration", grants=("registration:NMC",))
    index = index_of([nurse], [fake])
    item = by_id(index, person(), include_gated=True)["nurse"]
    assert item.ready == "not_eligible"
    assert any("no course can give" in reason for reason in item.reasons)
    assert by_id(index, person(qualifications=["NMC"]))["nurse"].ready == "now"


def test_vacancies_beyond_the_travel_limit_are_left_out() -> None:
    index = index_of([vacancy("near", km=5), vacancy("far", km=25)])
    result = index.match(person(max_travel_km=10), today=TODAY, include_gated=True)
    assert [item.vacancy_id for item in result.items] == ["near"]
    assert result.in_range == 1
    wider = index.match(person(max_travel_km=30), today=TODAY)
    assert {item.vacancy_id for item in wider.items} == {"near", "far"}


def test_hours_beyond_what_the_person_can_work_are_a_gate() -> None:
    index = index_of([vacancy("full", hours=37.5), vacancy("part", hours=16)])
    items = by_id(index, person(hours_per_week=20), include_gated=True)
    assert items["part"].ready == "now"
    assert items["full"].ready == "not_eligible"
    assert any("hours a week" in reason for reason in items["full"].reasons)
    assert by_id(index, person(hours_per_week=None))["full"].ready == "now"


def test_english_gap_with_a_course_chain_is_after_training_with_a_checkable_route() -> None:
    need = vacancy(
        "hcsw",
        essential=("personal-care", "clinical-observations"),
        requirements=Requirements(english_level="level1"),
    )
    courses = [
        course(
            "esol-entry-3",
            grants=("english:entry3",),
            entry=("english:entry2",),
            start_in_days=7,
            weeks=10,
        ),
        course(
            "fs-english-l1",
            grants=("english:level1",),
            entry=("english:entry3",),
            start_in_days=90,
            weeks=12,
        ),
        course("observations", skills=("clinical-observations",), start_in_days=200, weeks=2),
    ]
    index = index_of([need], courses)
    profile = person(english_level="entry2")
    item = by_id(index, profile)["hcsw"]
    assert item.ready == "after_training"
    assert item.route is not None
    assert [step.course_id for step in item.route.steps][:2] == ["esol-entry-3", "fs-english-l1"]
    assert "observations" in [step.course_id for step in item.route.steps]
    missing = [m.id for m in item.missing_skills if m.essential]
    assert check_route(item.route, profile, missing, ["english:level1"], courses, TODAY) == []


def test_a_route_that_cannot_fit_a_requirement_in_time_makes_the_item_not_eligible() -> None:
    need = vacancy("hcsw", essential=(), requirements=Requirements(english_level="level1"))
    courses = [
        course(
            "esol-entry-3",
            grants=("english:entry3",),
            entry=("english:entry2",),
            start_in_days=30,
            weeks=10,
        ),
        # starts while ESOL is still running, and has no later run
        course(
            "fs-english-l1",
            grants=("english:level1",),
            entry=("english:entry3",),
            start_in_days=40,
            weeks=12,
        ),
    ]
    index = index_of([need], courses)
    assert "hcsw" not in by_id(index, person(english_level="entry2"))
    shown = by_id(index, person(english_level="entry2"), include_gated=True)["hcsw"]
    assert shown.ready == "not_eligible"
    assert any("scheduled" in reason for reason in shown.reasons)


def test_include_training_false_returns_only_ready_now() -> None:
    index = index_of(
        [vacancy("ready"), vacancy("gap", essential=("phlebotomy",))],
        [course("phleb", skills=("phlebotomy",))],
    )
    assert set(by_id(index, person())) == {"ready", "gap"}
    assert set(by_id(index, person(), include_training=False)) == {"ready"}


def test_missing_skills_are_flagged_essential_or_not() -> None:
    index = index_of([vacancy("v", essential=("personal-care", "phlebotomy"), desirable=("ecg",))])
    item = by_id(index, person())["v"]
    assert sorted(item.missing_skills) == [("ecg", False), ("phlebotomy", True)]


def test_results_are_sorted_by_score_then_id() -> None:
    vacancies = [
        vacancy(
            f"v{i}",
            km=float(i % 4) + 0.5,
            essential=("personal-care",) if i % 2 else ("personal-care", "ecg"),
        )
        for i in range(12)
    ]
    vacancies.append(vacancy("twin-a", km=2.0))
    vacancies.append(vacancy("twin-b", km=2.0))
    index = index_of(vacancies, [course("ecg-course", skills=("ecg",))])
    items = index.match(person(), today=TODAY, limit=None).items
    keys = [(-item.score, item.vacancy_id) for item in items]
    assert keys == sorted(keys)
    twins = [item.vacancy_id for item in items if item.vacancy_id.startswith("twin")]
    assert twins == ["twin-a", "twin-b"]


def test_limit_keeps_the_best() -> None:
    index = index_of([vacancy(f"v{i}", km=0.5 + i) for i in range(8)])
    everything = index.match(person(), today=TODAY, limit=None).items
    top = index.match(person(), today=TODAY, limit=3).items
    assert [item.vacancy_id for item in top] == [item.vacancy_id for item in everything[:3]]


def test_closed_vacancies_are_left_out() -> None:
    index = index_of(
        [vacancy("open", closing=TODAY), vacancy("closed", closing=TODAY - timedelta(days=1))]
    )
    assert set(by_id(index, person())) == {"open"}


def test_upserts_and_removes_are_visible_in_the_next_match() -> None:
    index = index_of([vacancy("v1")])
    index.upsert_vacancy(vacancy("v2", km=3))
    assert set(by_id(index, person())) == {"v1", "v2"}
    index.upsert_vacancy(vacancy("v1", title="Senior Care Worker"))
    assert by_id(index, person())["v1"].title == "Senior Care Worker"
    assert index.vacancy_count == 2
    assert index.remove_vacancy("v2") is True
    assert index.remove_vacancy("v2") is False
    assert set(by_id(index, person())) == {"v1"}


def test_course_events_change_routes_and_gates() -> None:
    need = vacancy("driver", essential=(), requirements=Requirements(driving_licence="C1"))
    index = index_of([need])
    profile = person(driving_licence=True)
    assert "driver" not in by_id(index, profile)
    index.upsert_course(course("c1", grants=("licence:C1",)))
    assert by_id(index, profile)["driver"].ready == "after_training"
    assert index.remove_course("c1") is True
    assert "driver" not in by_id(index, profile)


def test_many_writes_compact_and_match_a_fresh_build() -> None:
    index = index_of([vacancy(f"v{i}", km=(i % 9) + 0.2) for i in range(50)])
    for i in range(3000):
        index.upsert_vacancy(
            vacancy(
                f"n{i}",
                km=(i % 13) * 0.7 + 0.1,
                essential=("personal-care", "ecg") if i % 3 else (),
            )
        )
        if i % 4 == 0:
            index.remove_vacancy(f"n{i}")
    assert len(index.vacancies.ids) < 50 + 3000  # compaction dropped tombstoned rows
    live = [vacancy(f"v{i}", km=(i % 9) + 0.2) for i in range(50)] + [
        vacancy(
            f"n{i}", km=(i % 13) * 0.7 + 0.1, essential=("personal-care", "ecg") if i % 3 else ()
        )
        for i in range(3000)
        if i % 4
    ]
    fresh = index_of(live)
    profile = person(max_travel_km=8)
    got = [(i.vacancy_id, i.score) for i in index.match(profile, today=TODAY, limit=None).items]
    want = [(i.vacancy_id, i.score) for i in fresh.match(profile, today=TODAY, limit=None).items]
    assert got == want


def test_pattern_part_reflects_what_the_person_accepts() -> None:
    index = index_of(
        [vacancy("nights", patterns=("nights",)), vacancy("days", patterns=("full_time",))]
    )
    items = by_id(index, person(patterns=["full_time"]))
    assert items["days"].parts.pattern == 1.0
    assert items["nights"].parts.pattern == 0.0
    flexible = by_id(index, person(patterns=["flexible"]))
    assert flexible["nights"].parts.pattern == 1.0


def test_bad_coordinates_are_refused() -> None:
    index = MatchIndex()
    with pytest.raises(ValueError, match="coordinates"):
        index.upsert_vacancy(replace(vacancy("v"), lat=float("nan")))


def test_memory_estimate_grows_with_the_data() -> None:
    small = index_of([vacancy("v0")])
    large = index_of([vacancy(f"v{i}", km=i % 7) for i in range(500)])
    assert large.memory_bytes() > small.memory_bytes() > 0


def test_many_course_events_sort_and_rebuild_and_match_a_fresh_build() -> None:
    need = vacancy(
        "driver", essential=("route-planning",), requirements=Requirements(driving_licence="C1")
    )
    index = index_of([need])
    kept: list[CourseDoc] = []
    for i in range(2400):
        doc = course(
            f"c{i:04d}",
            skills=("route-planning",) if i % 2 else (),
            grants=("licence:C1",) if i % 3 == 0 else (),
            start_in_days=10 + i % 50,
            weeks=1 + i % 7,
            km=(i % 11) * 0.8,
        )
        index.upsert_course(doc)
        if i % 2 == 0 and i < 2300:
            index.remove_course(doc.id)
        else:
            kept.append(doc)
    assert index.course_count == len(kept)
    fresh = index_of([need], kept)
    profile = person(driving_licence=True)
    assert index.match(profile, today=TODAY) == fresh.match(profile, today=TODAY)
