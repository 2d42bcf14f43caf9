"""The skills-gap report on a small catalogue built by hand, and over the gateway."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from services.common.geo import lookup
from services.matching.engine import CourseDoc, MatchIndex, PresentationDoc, Profile, VacancyDoc
from services.matching.people_schemas import ReferralOutcomes
from services.matching.shortlist import JobseekerEntry, JobseekerIndex
from services.matching.skills_gap import catalogue_of, course_supply, skills_gap_report
from services.taxonomy import load_taxonomy
from tests.matching.people_support import advert, ingest_vacancies, new_jobseeker, wait_indexed

TODAY = date(2026, 3, 2)
WM = lookup("B15 2TT")
LONDON = lookup("SW1A 1AA")
assert WM is not None and LONDON is not None


def _role(role_id: str) -> list[str]:
    return list(load_taxonomy().roles_by_id[role_id].essential_skills)


def _vacancy(i: int, role: str, where: object, closing: date) -> VacancyDoc:
    return VacancyDoc(
        id=f"v{i}", title=role, employer="Trust", role=role,
        lat=where.lat, lon=where.lon, closing_date=closing,  # type: ignore[attr-defined]
    )  # fmt: skip


def _run(days: int | None, where: object | None) -> PresentationDoc:
    start = None if days is None else TODAY + timedelta(days=days)
    if where is None:
        return PresentationDoc(start_date=start, duration_weeks=4, mode="online")
    return PresentationDoc(start_date=start, duration_weeks=4, lat=where.lat, lon=where.lon)  # type: ignore[attr-defined]


def _person(
    i: int, skills: list[str], where: object, region: str, licence: bool = False
) -> JobseekerEntry:
    profile = Profile(
        skills=skills, english_level="level2", maths_level="level2", driving_licence=licence,
        lat=where.lat, lon=where.lon, max_travel_km=10.0,  # type: ignore[attr-defined]
    )  # fmt: skip
    return JobseekerEntry(f"js_{i}", "office", False, region, profile, 1)


def _world() -> tuple[MatchIndex, JobseekerIndex]:
    later = TODAY + timedelta(days=40)
    index = MatchIndex()
    index.build(
        [
            _vacancy(1, "porter", WM, later),
            _vacancy(2, "porter", WM, later),
            _vacancy(3, "porter", LONDON, later),
            _vacancy(4, "porter", WM, TODAY - timedelta(days=1)),  # expired
            _vacancy(5, "driver", WM, later),
        ],
        [
            CourseDoc(
                id="portering", title="Portering", provider_name="College",
                qualification_type="short_course", level=None, skills_taught=["portering"],
                leads_to=["porter"],
                presentations=[_run(30, WM), _run(120, WM), _run(30, LONDON), _run(10, None)],
            ),
            CourseDoc(
                id="driving", title="Driving lessons", provider_name="School",
                qualification_type="short_course", level=None, skills_taught=["defensive-driving"],
                grants=["licence:B"], presentations=[_run(None, WM)],
            ),
        ],
    )  # fmt: skip
    porter, driver = _role("porter"), _role("driver")
    people = JobseekerIndex()
    people.build(
        [
            _person(1, porter, WM, "West Midlands"),  # porter: ready now
            _person(2, [s for s in porter if s != "portering"], WM, "West Midlands"),  # taught
            _person(3, [s for s in porter if s != "health-and-safety"], WM, "West Midlands"),
            _person(4, porter, LONDON, "London"),
            _person(5, [s for s in driver if s != "driving-licence-b"], WM, "West Midlands"),
        ]
    )
    return index, people


REFERRALS = [
    ("porter", ["referred", "applied", "interviewed", "offered", "started"]),
    ("porter", ["referred", "withdrawn"]),
    ("driver", ["referred"]),
    (None, ["referred"]),
]


def test_numbers_for_a_region() -> None:
    index, people = _world()
    report = skills_gap_report(
        catalogue=catalogue_of(index, TODAY),
        people=people,
        referrals=REFERRALS,
        region="West Midlands",
        today=TODAY,
    )
    assert report.jobseekers == 4 and report.window_days == 90
    items = {i.role: i for i in report.items}
    porter, driver = items["porter"], items["driver"]
    assert porter.open_vacancies == 2 and porter.course_starts_next_90_days == 2
    assert porter.course_places_next_90_days is None
    assert (porter.jobseekers_ready_now, porter.jobseekers_ready_after_training) == (1, 1)
    assert porter.shortfall == 1
    assert porter.referrals == ReferralOutcomes(
        referred=2, applied=1, interviewed=1, offered=1, started=1, withdrawn=1
    )
    assert driver.open_vacancies == 1 and driver.course_starts_next_90_days == 0
    assert (driver.jobseekers_ready_now, driver.jobseekers_ready_after_training) == (0, 1)
    assert driver.referrals.referred == 1
    shortfalls = [i.shortfall for i in report.items]
    assert shortfalls == sorted(shortfalls, reverse=True)


def test_numbers_for_england() -> None:
    index, people = _world()
    report = skills_gap_report(
        catalogue=catalogue_of(index, TODAY), people=people, referrals=[], region=None, today=TODAY
    )
    porter = next(i for i in report.items if i.role == "porter")
    assert report.jobseekers == 5
    assert porter.open_vacancies == 3 and porter.course_starts_next_90_days == 3
    assert (porter.jobseekers_ready_now, porter.jobseekers_ready_after_training) == (2, 1)


def test_a_region_with_no_venue_still_sees_online_courses() -> None:
    index, people = _world()
    report = skills_gap_report(
        catalogue=catalogue_of(index, TODAY),
        people=people,
        referrals=[],
        region="North East",
        today=TODAY,
    )
    assert report.jobseekers == 0
    assert [(i.role, i.course_starts_next_90_days, i.open_vacancies) for i in report.items] == [
        ("porter", 1, 0)
    ]


def test_the_report_over_the_gateway(
    gateway: TestClient,
    admin_headers: dict[str, str],
    adviser_headers: dict[str, str],
    hub_headers: dict[str, str],
    app_headers: dict[str, str],
) -> None:
    ids = ingest_vacancies(
        gateway, admin_headers, [advert("G1", "Healthcare Support Worker", "B15 2TT")], "gap"
    )
    wait_indexed(gateway, hub_headers, list(ids.values()))
    new_jobseeker(
        gateway, adviser_headers, skills=_role("healthcare-support-worker"), consent_to_share=False
    )
    response = gateway.get(
        "/v1/reports/skills-gap", params={"region": "West Midlands"}, headers=hub_headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"] == "West Midlands" and body["jobseekers"] == 1
    role = next(i for i in body["items"] if i["role"] == "healthcare-support-worker")
    assert role["open_vacancies"] == 1 and role["jobseekers_ready_now"] == 1
    elsewhere = gateway.get(
        "/v1/reports/skills-gap", params={"region": "London"}, headers=hub_headers
    )
    assert elsewhere.json()["jobseekers"] == 0 and elsewhere.json()["items"] == []
    bad = gateway.get("/v1/reports/skills-gap", params={"region": "Narnia"}, headers=hub_headers)
    assert bad.status_code == 422
    assert gateway.get("/v1/reports/skills-gap", headers=app_headers).status_code == 403


def test_course_places_add_up_over_runs_that_state_them() -> None:
    def run(days: int, places: int | None) -> PresentationDoc:
        start = TODAY + timedelta(days=days)
        return PresentationDoc(
            start_date=start, duration_weeks=4, lat=WM.lat, lon=WM.lon, places=places
        )

    course = CourseDoc(
        id="portering", title="Portering", provider_name="College",
        qualification_type="short_course", level=None, skills_taught=["portering"],
        leads_to=["porter"],
        presentations=[run(5, 12), run(40, 8), run(60, None), run(200, 30)],
    )  # fmt: skip
    supply = course_supply([course], "West Midlands", TODAY)
    # Three runs start inside the 90 days; two of them say how many places (12 + 8).
    assert supply.starts["porter"] == 3
    assert supply.places == {"porter": 20}
    elsewhere = course_supply([course], "London", TODAY)
    assert elsewhere.places == {} and elsewhere.starts["porter"] == 0


def test_places_reach_the_index_from_a_course_event() -> None:
    from services.matching.indexer import course_doc

    event = {
        "id": "crs_1", "title": "Care Certificate", "provider": {"name": "College"},
        "qualification_type": "short_course", "status": "open", "lat": WM.lat, "lon": WM.lon,
        "presentations": [{"start_date": str(TODAY), "places": 16}, {"start_date": str(TODAY)}],
    }  # fmt: skip
    doc = course_doc(event)
    assert doc is not None
    assert [p.places for p in doc.presentations] == [16, None]
