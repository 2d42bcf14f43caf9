"""/v1/match and /v1/routes over the embedded system: live index, validation, explainable results."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

FUTURE = (date.today() + timedelta(days=60)).isoformat()
PROFILE = {
    "skills": ["personal-care", "customer-service"],
    "english_level": "level2",
    "maths_level": "level2",
    "driving_licence": False,
    "postcode": "B15 2TT",
    "max_travel_km": 10,
}


def _advert(external_id: str, title: str, postcode: str, text: str) -> dict[str, object]:
    return {
        "@type": "JobPosting",
        "identifier": external_id,
        "title": title,
        "description": text,
        "validThrough": FUTURE,
        "hiringOrganization": {"name": "Sandwell and West Birmingham NHS Trust"},
        "jobLocation": {"address": {"postalCode": postcode}},
    }


def _match(client: TestClient, headers: dict[str, str], **extra: object) -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/match", headers=headers, json={**PROFILE, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_empty_catalogue_gives_empty_results_with_a_reason(
    gateway: TestClient, app_headers: dict[str, str]
) -> None:
    body = _match(gateway, app_headers)
    assert body["matches"] == [] and "no open vacancies" in body["reason"].lower()


def test_an_ingested_vacancy_is_matchable_within_two_seconds(
    gateway: TestClient, admin_headers: dict[str, str], adviser_headers: dict[str, str]
) -> None:
    feed = json.dumps(
        _advert("M1", "Customer Service Assistant", "B15 2TT", "Customer service on reception.")
    ).encode()
    ingested = gateway.post(
        "/v1/ingest/vacancies?source=live&format=jobposting-jsonld",
        headers=admin_headers,
        content=feed,
    )
    assert ingested.status_code == 200
    deadline = time.monotonic() + 2.0
    found: list[dict] = []  # type: ignore[type-arg]
    while time.monotonic() < deadline and not found:
        found = [
            m
            for m in _match(gateway, adviser_headers)["matches"]
            if m["title"] == "Customer Service Assistant"
        ]
        time.sleep(0.05)
    assert found, "the vacancy did not reach /v1/match within 2 s"
    (match,) = found
    assert 0 <= match["score"] <= 1 and all(0 <= v <= 1 for v in match["parts"].values())
    assert match["distance_km"] <= PROFILE["max_travel_km"]


def test_vacancies_beyond_the_travel_limit_are_not_returned(
    gateway: TestClient, admin_headers: dict[str, str], app_headers: dict[str, str]
) -> None:
    feed = "\n".join(
        json.dumps(_advert(f"F{i}", f"Receptionist {i}", pc, "Customer service and reception."))
        for i, pc in enumerate(["B15 2TT", "NR1 3SR"])
    ).encode()
    gateway.post(
        "/v1/ingest/vacancies?source=far&format=jobposting-jsonld",
        headers=admin_headers,
        content=feed,
    )
    time.sleep(1.0)
    titles = [m["title"] for m in _match(gateway, app_headers)["matches"]]
    assert "Receptionist 0" in titles and "Receptionist 1" not in titles
    near_norwich = [m["title"] for m in _match(gateway, app_headers, postcode="NR1")["matches"]]
    assert near_norwich == ["Receptionist 1"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"skills": ["no-such-skill"]}, "body.skills"),
        ({"postcode": "ZZ99 9ZZ"}, "body.postcode"),
        ({"max_travel_km": -5}, "body.max_travel_km"),
        ({"skills": [], "english_level": None, "maths_level": None}, "body.skills"),
        ({"english_level": "fluent"}, "body.english_level"),
    ],
)
def test_bad_profiles_are_422_naming_the_field(
    gateway: TestClient, app_headers: dict[str, str], change: dict[str, object], field: str
) -> None:
    response = gateway.post("/v1/match", headers=app_headers, json={**PROFILE, **change})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


def test_route_to_a_role_lists_the_gap(gateway: TestClient, app_headers: dict[str, str]) -> None:
    response = gateway.post(
        "/v1/routes",
        headers=app_headers,
        json={"profile": PROFILE, "role": "healthcare-support-worker"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # no courses in the catalogue: every missing essential skill is listed as uncovered
    assert {s["id"] for s in body["missing_skills"]} <= set(body["uncovered"])
    assert body["steps"] == [] and body["total_cost"] == 0
    assert (
        gateway.post(
            "/v1/routes", headers=app_headers, json={"profile": PROFILE, "role": "astronaut"}
        ).status_code
        == 404
    )


def test_employer_hubs_may_not_match(gateway: TestClient, hub_headers: dict[str, str]) -> None:
    assert gateway.post("/v1/match", headers=hub_headers, json=PROFILE).status_code == 403
