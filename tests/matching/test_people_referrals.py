"""Referrals over the embedded gateway: the status flow, 409s naming the allowed next states,
office isolation, and targets that must exist in the live index."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.settings import Settings
from tests.conftest import make_key
from tests.matching.people_support import advert, ingest_vacancies, new_jobseeker, wait_indexed

PROBLEM = "application/problem+json"


@pytest.fixture
def vacancy_id(
    gateway: TestClient, admin_headers: dict[str, str], adviser_headers: dict[str, str]
) -> str:
    ids = ingest_vacancies(
        gateway, admin_headers, [advert("R1", "Healthcare Support Worker", "B15 2TT")], "referrals"
    )
    wait_indexed(gateway, adviser_headers, [ids["R1"]])
    return ids["R1"]


def _refer(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/v1/referrals", headers=headers, json=body)


def _move(client: TestClient, headers: dict[str, str], referral_id: str, status: str) -> Any:
    return client.patch(f"/v1/referrals/{referral_id}", headers=headers, json={"status": status})


def test_a_referral_walks_the_flow_and_records_its_history(
    gateway: TestClient, adviser_headers: dict[str, str], vacancy_id: str
) -> None:
    person = new_jobseeker(gateway, adviser_headers)
    made = _refer(gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id)
    assert made.status_code == 201, made.text
    referral = made.json()
    assert referral["status"] == "referred" and referral["allowed_next"] == ["applied", "withdrawn"]
    assert (
        referral["title"] == "Healthcare Support Worker" and referral["region"] == "West Midlands"
    )
    for status in ("applied", "interviewed", "offered", "started"):
        moved = _move(gateway, adviser_headers, referral["id"], status)
        assert moved.status_code == 200, moved.text
    final = moved.json()
    assert [h["status"] for h in final["history"]] == [
        "referred", "applied", "interviewed", "offered", "started"
    ]  # fmt: skip
    times = [h["at"] for h in final["history"]]
    assert times == sorted(times) and final["allowed_next"] == []


@pytest.mark.parametrize(
    ("path", "wrong", "allowed"),
    [
        ([], "started", ["applied", "withdrawn"]),
        ([], "interviewed", ["applied", "withdrawn"]),
        (["applied", "interviewed"], "shortlisted", ["offered", "withdrawn"]),
        (["withdrawn"], "applied", []),
        (["applied", "offered", "started"], "withdrawn", []),
    ],
)
def test_a_move_the_flow_does_not_allow_is_a_409_naming_the_allowed_next_states(
    gateway: TestClient,
    adviser_headers: dict[str, str],
    vacancy_id: str,
    path: list[str],
    wrong: str,
    allowed: list[str],
) -> None:
    person = new_jobseeker(gateway, adviser_headers)
    referral = _refer(
        gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id
    ).json()
    for status in path:
        assert _move(gateway, adviser_headers, referral["id"], status).status_code == 200
    refused = _move(gateway, adviser_headers, referral["id"], wrong)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith(PROBLEM)
    problem = refused.json()
    assert problem["allowed"] == allowed
    for state in allowed:
        assert state in problem["detail"]
    if not allowed:
        assert "final" in problem["detail"]
    current = path[-1] if path else "referred"
    assert problem["current"] == current
    unchanged = gateway.get(
        "/v1/referrals", params={"jobseeker_id": person["id"]}, headers=adviser_headers
    ).json()["items"]
    assert [r["status"] for r in unchanged] == [current]


def test_repeating_the_current_status_changes_nothing(
    gateway: TestClient, adviser_headers: dict[str, str], vacancy_id: str
) -> None:
    person = new_jobseeker(gateway, adviser_headers)
    referral = _refer(
        gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id
    ).json()
    again = _move(gateway, adviser_headers, referral["id"], "referred")
    assert again.status_code == 200 and again.json()["history"] == referral["history"]


def test_one_open_referral_per_target_and_a_new_one_after_withdrawal(
    gateway: TestClient, adviser_headers: dict[str, str], vacancy_id: str
) -> None:
    person = new_jobseeker(gateway, adviser_headers)
    first = _refer(
        gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id
    ).json()
    duplicate = _refer(gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id)
    assert duplicate.status_code == 409 and duplicate.json()["referral_id"] == first["id"]
    assert _move(gateway, adviser_headers, first["id"], "withdrawn").status_code == 200
    again = _refer(gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id)
    assert again.status_code == 201


def test_referrals_are_confined_to_the_office(
    gateway: TestClient, settings: Settings, adviser_headers: dict[str, str], vacancy_id: str
) -> None:
    other = {"Authorization": f"Bearer {make_key(settings, 'adviser', office='office-b')}"}
    person = new_jobseeker(gateway, adviser_headers)
    referral = _refer(
        gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id
    ).json()
    assert (
        _refer(gateway, other, jobseeker_id=person["id"], vacancy_id=vacancy_id).status_code == 404
    )
    assert _move(gateway, other, referral["id"], "applied").status_code == 404
    assert (
        gateway.get(
            "/v1/referrals", params={"jobseeker_id": person["id"]}, headers=other
        ).status_code
        == 404
    )
    assert gateway.get("/v1/referrals", headers=other).json()["items"] == []
    mine = gateway.get("/v1/referrals", headers=adviser_headers).json()["items"]
    assert [r["id"] for r in mine] == [referral["id"]]
    assert _move(gateway, adviser_headers, referral["id"], "applied").status_code == 200


def test_targets_must_exist_and_be_exactly_one(
    gateway: TestClient, adviser_headers: dict[str, str], vacancy_id: str
) -> None:
    person = new_jobseeker(gateway, adviser_headers)
    missing = _refer(gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id="vac_nope")
    assert missing.status_code == 404
    assert (
        _refer(
            gateway, adviser_headers, jobseeker_id=person["id"], course_id="crs_nope"
        ).status_code
        == 404
    )
    both = _refer(
        gateway, adviser_headers, jobseeker_id=person["id"], vacancy_id=vacancy_id, course_id="c"
    )
    assert both.status_code == 422
    assert _refer(gateway, adviser_headers, jobseeker_id=person["id"]).status_code == 422
    bad_status = gateway.patch(
        "/v1/referrals/ref_x", headers=adviser_headers, json={"status": "hired"}
    )
    assert bad_status.status_code == 422


def test_a_course_can_be_a_referral_target(
    gateway: TestClient, admin_headers: dict[str, str], adviser_headers: dict[str, str]
) -> None:
    start = (date.today() + timedelta(days=20)).isoformat()
    course = {
        "id": "CC-1",
        "title": "Care Certificate",
        "provider": {"name": "Example College"},
        "level": "2",
        "durationWeeks": 6,
        "venue": {"postcode": "B15 2TT"},
        "startDates": [start],
        "leadsTo": ["care-worker"],
    }
    ingested = gateway.post(
        "/v1/ingest/courses?source=ref-courses&format=json",
        headers=admin_headers,
        content=json.dumps([course]).encode(),
    )
    assert ingested.status_code == 200 and ingested.json()["counts"]["rejected"] == 0, ingested.text
    listing = gateway.get("/v1/courses", params={"limit": 200}, headers=admin_headers).json()
    (course_id,) = [c["id"] for c in listing["items"] if c["title"] == "Care Certificate"]
    person = new_jobseeker(gateway, adviser_headers)
    deadline = time.monotonic() + 5
    while True:
        made = _refer(gateway, adviser_headers, jobseeker_id=person["id"], course_id=course_id)
        if made.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["course_id"] == course_id and body["vacancy_id"] is None
    assert body["organisation"] == "Example College" and body["role"] == "care-worker"
