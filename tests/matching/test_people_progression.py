"""Career progression: the next roles up, what they add, and in-work routes first."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from services.common.geo import lookup
from services.matching.engine import CourseDoc, MatchIndex, PresentationDoc
from services.matching.progression import is_in_work, progression
from services.taxonomy import load_taxonomy

TODAY = date(2026, 3, 2)
WM = lookup("B15 2TT")
assert WM is not None


def _course(
    course_id: str, skills: list[str], *, kind: str = "certificate", weeks: float = 4,
    hours: float | None = 30, attendance: str = "daytime", mode: str = "classroom",
) -> CourseDoc:  # fmt: skip
    return CourseDoc(
        id=course_id,
        title=course_id,
        provider_name="College",
        qualification_type=kind,
        level=2,
        skills_taught=skills,
        hours_per_week=hours,
        presentations=[
            PresentationDoc(
                start_date=TODAY + timedelta(days=20),
                duration_weeks=weeks,
                lat=WM.lat,  # type: ignore[union-attr]
                lon=WM.lon,  # type: ignore[union-attr]
                attendance=attendance,
                mode=mode,
            )
        ],
    )


def _index() -> MatchIndex:
    index = MatchIndex()
    index.build(
        [],
        [
            _course("team-leader-apprenticeship", ["leadership", "rota-management"], kind="apprenticeship", weeks=52),
            _course("leadership-bootcamp", ["leadership", "rota-management"], weeks=2, hours=35),
            _course("patient-transport", ["patient-transport-clinical", "first-aid", "manual-handling-of-patients", "empathy"]),
        ],
    )  # fmt: skip
    return index


def test_in_work_courses_are_recognised() -> None:
    assert is_in_work(_course("a", [], kind="apprenticeship"))
    assert is_in_work(_course("b", [], hours=6))
    assert is_in_work(_course("c", [], attendance="evening"))
    assert is_in_work(_course("d", [], mode="online"))
    assert not is_in_work(_course("e", [], hours=30))


def test_next_roles_what_they_add_and_the_in_work_route_first() -> None:
    porter = load_taxonomy().roles_by_id["porter"]
    found = progression(
        _index(),
        porter,
        point=(WM.lat, WM.lon),
        max_travel_km=15,
        today=TODAY,  # type: ignore[union-attr]
    )
    steps = {s.role: s for s in found.next}
    assert list(steps) == list(porter.progression)
    supervisor = steps["porter-supervisor"]
    essential = {a.id for a in supervisor.adds.skills if a.essential}
    assert essential == {"leadership", "rota-management"}
    assert {a.id for a in supervisor.adds.skills if not a.essential} == {"line-management"}
    assert supervisor.adds.requirements == []
    # the bootcamp is shorter, but someone in work is offered the apprenticeship
    assert supervisor.route_basis == "in_work" and supervisor.route is not None
    assert [s.course_id for s in supervisor.route.steps] == ["team-leader-apprenticeship"]
    ambulance = steps["ambulance-care-assistant"]
    assert ambulance.adds.requirements == ["licence:C1"]
    # no in-work course teaches any of it: the daytime course is the route
    assert ambulance.route_basis == "any" and ambulance.route is not None
    assert [s.course_id for s in ambulance.route.steps] == ["patient-transport"]
    assert "licence:C1" in ambulance.route.uncovered


def test_without_a_place_there_is_no_route() -> None:
    porter = load_taxonomy().roles_by_id["porter"]
    found = progression(_index(), porter, point=None, max_travel_km=15, today=TODAY)
    assert found.next and all(s.route is None and s.route_basis is None for s in found.next)


def test_progression_over_the_gateway(gateway: TestClient, app_headers: dict[str, str]) -> None:
    response = gateway.get(
        "/v1/roles/healthcare-support-worker/progression",
        params={"postcode": "B15 2TT"},
        headers=app_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["role"] == "healthcare-support-worker"
    assert [s["role"] for s in body["next"]] == list(
        load_taxonomy().roles_by_id["healthcare-support-worker"].progression
    )
    assert all(s["route"] is not None for s in body["next"])
    assert gateway.get("/v1/roles/astronaut/progression", headers=app_headers).status_code == 404
    bad = gateway.get(
        "/v1/roles/porter/progression", params={"postcode": "ZZ99 9ZZ"}, headers=app_headers
    )
    assert bad.status_code == 422
