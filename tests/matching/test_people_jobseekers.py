"""Jobseekers over the embedded gateway: office isolation, minimised data, flags, validation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from services.common.deprivation import deprivation_of
from services.common.settings import Settings
from tests.conftest import make_key
from tests.matching.people_support import PROFILE, new_jobseeker

PROBLEM = "application/problem+json"


@pytest.fixture
def other_office(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(settings, 'adviser', office='office-b')}"}


def test_a_jobseeker_keeps_the_district_not_the_postcode_and_cv_skills_have_evidence(
    gateway: TestClient, adviser_headers: dict[str, str]
) -> None:
    body = new_jobseeker(
        gateway,
        adviser_headers,
        skills=["customer-service"],
        cv_text="Three years of personal care for my grandmother, and moving and handling.",
    )
    assert body["id"].startswith("js_") and body["office"] == "office-a"
    assert body["postcode_district"] == "B15" and "postcode" not in body and "cv_text" not in body
    assert body["region"] == "West Midlands"
    by_id = {s["id"]: s for s in body["skills"]}
    assert by_id["customer-service"]["source"] == "declared"
    assert by_id["personal-care"]["source"] == "cv"
    evidence = [e["text"].lower() for e in by_id["personal-care"]["evidence"]]
    assert evidence and all(
        e in "three years of personal care for my grandmother" for e in evidence
    )
    fetched = gateway.get(f"/v1/jobseekers/{body['id']}", headers=adviser_headers)
    assert fetched.status_code == 200 and fetched.json() == body


def test_priority_flags_follow_age_unemployment_and_deprivation(
    gateway: TestClient, adviser_headers: dict[str, str]
) -> None:
    long_ago = (date.today() - timedelta(days=400)).isoformat()
    recent = (date.today() - timedelta(days=30)).isoformat()
    deprived = new_jobseeker(gateway, adviser_headers, age=19, unemployed_since=long_ago)
    assert deprived["flags"] == {
        "young_person": True,
        "long_term_unemployed": True,
        "most_deprived_area": bool(deprivation_of("B15 2TT").in_most_deprived_area),  # type: ignore[union-attr]
    }
    # Wokingham: among the least deprived authorities in England
    other = new_jobseeker(
        gateway, adviser_headers, age=40, unemployed_since=recent, postcode="RG40 1AA"
    )
    assert other["flags"] == {
        "young_person": False,
        "long_term_unemployed": False,
        "most_deprived_area": bool(deprivation_of("RG40 1AA").in_most_deprived_area),  # type: ignore[union-attr]
    }
    assert deprived["flags"]["most_deprived_area"] != other["flags"]["most_deprived_area"]


def test_another_offices_jobseeker_is_a_404_for_every_verb(
    gateway: TestClient, adviser_headers: dict[str, str], other_office: dict[str, str]
) -> None:
    mine = new_jobseeker(gateway, adviser_headers)
    url = f"/v1/jobseekers/{mine['id']}"
    absent = "/v1/jobseekers/js_00000000000000000000000000000000"
    for method, path, json in (
        ("GET", url, None),
        ("PATCH", url, {"max_travel_km": 5}),
        ("DELETE", url, None),
        ("GET", f"{url}/matches", None),
    ):
        theirs = gateway.request(method, path, headers=other_office, json=json)
        nobody = gateway.request(method, path.replace(url, absent), headers=other_office, json=json)
        assert theirs.status_code == nobody.status_code == 404, theirs.text
        assert theirs.headers["content-type"].startswith(PROBLEM)
        assert theirs.json()["title"] == nobody.json()["title"]
    still = gateway.get(url, headers=adviser_headers)
    assert still.status_code == 200 and still.json()["max_travel_km"] == PROFILE["max_travel_km"]


def test_lists_are_office_scoped_counted_and_filtered(
    gateway: TestClient, adviser_headers: dict[str, str], other_office: dict[str, str]
) -> None:
    mine = [new_jobseeker(gateway, adviser_headers, age=20 + i) for i in range(5)]
    new_jobseeker(gateway, adviser_headers, consent_to_share=False, age=50)
    theirs = [new_jobseeker(gateway, other_office) for _ in range(3)]

    def ids(headers: dict[str, str], **params: object) -> list[str]:
        seen: list[str] = []
        cursor = None
        while True:
            query = {"limit": 2, **params, **({"cursor": cursor} if cursor else {})}
            page = gateway.get("/v1/jobseekers", params=query, headers=headers)
            assert page.status_code == 200, page.text
            seen += [item["id"] for item in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                return seen

    all_mine = ids(adviser_headers)
    assert len(all_mine) == 6 and len(set(all_mine)) == 6
    assert not set(all_mine) & {j["id"] for j in theirs}
    assert all_mine[1:] == [j["id"] for j in reversed(mine)], "newest first"
    assert len(ids(other_office)) == 3
    assert len(ids(adviser_headers, consent_to_share="true")) == 5
    assert len(ids(adviser_headers, consent_to_share="false")) == 1
    assert len(ids(adviser_headers, young_person="true")) == 5  # ages 20-24
    assert len(ids(adviser_headers, region="West Midlands")) == 6
    assert ids(adviser_headers, region="London") == []
    assert len(ids(adviser_headers, skill="personal-care")) == 6
    assert ids(adviser_headers, skill="portering") == []
    assert len(ids(other_office, consent_to_share="true")) == 3
    bad = gateway.get("/v1/jobseekers", params={"skill": "no-such-skill"}, headers=adviser_headers)
    assert bad.status_code == 422


def test_the_office_comes_from_the_key_never_the_request(
    gateway: TestClient, adviser_headers: dict[str, str], admin_headers: dict[str, str]
) -> None:
    sneaky = gateway.post(
        "/v1/jobseekers", headers=adviser_headers, json={**PROFILE, "office": "office-b"}
    )
    assert sneaky.status_code == 422
    assert "body.office" in [e["field"] for e in sneaky.json()["errors"]]
    assert gateway.post("/v1/jobseekers", headers=admin_headers, json=PROFILE).status_code == 422
    made = gateway.post(
        "/v1/jobseekers", headers=admin_headers, json={**PROFILE, "office": "office-b"}
    )
    assert made.status_code == 201 and made.json()["office"] == "office-b"
    assert (
        gateway.get(f"/v1/jobseekers/{made.json()['id']}", headers=adviser_headers).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"skills": ["no-such-skill"]}, "body.skills"),
        ({"postcode": "ZZ99 9ZZ"}, "body.postcode"),
        ({"postcode": "CF10 1AA"}, "body.postcode"),
        ({"max_travel_km": 0}, "body.max_travel_km"),
        (
            {"unemployed_since": (date.today() + timedelta(days=3)).isoformat()},
            "body.unemployed_since",
        ),
        ({"name": "Jane Doe"}, "body.name"),
    ],
)
def test_bad_profiles_are_422_naming_the_field(
    gateway: TestClient, adviser_headers: dict[str, str], change: dict[str, object], field: str
) -> None:
    response = gateway.post("/v1/jobseekers", headers=adviser_headers, json={**PROFILE, **change})
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_patch_changes_what_is_given_and_derived_fields_follow(
    gateway: TestClient, adviser_headers: dict[str, str]
) -> None:
    made = new_jobseeker(gateway, adviser_headers, cv_text="Customer service on a busy reception.")
    url = f"/v1/jobseekers/{made['id']}"
    moved = gateway.patch(
        url, headers=adviser_headers, json={"postcode": "NR1 3SR", "english_level": None}
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["postcode_district"] == "NR1" and body["region"] == "East of England"
    assert body["english_level"] is None and body["maths_level"] == "level2"
    assert body["version"] == made["version"] + 1
    assert body["consent_updated_at"] == made["consent_updated_at"]
    cv_ids = {s["id"] for s in made["skills"] if s["source"] == "cv"}
    assert cv_ids and cv_ids <= {s["id"] for s in body["skills"]}
    dropped = gateway.patch(
        url, headers=adviser_headers, json={"cv_text": None, "consent_to_share": False}
    )
    assert dropped.status_code == 200
    assert all(s["source"] == "declared" for s in dropped.json()["skills"])
    assert dropped.json()["consent_updated_at"] != made["consent_updated_at"]
    for bad in ({"postcode": None}, {"skills": None}, {"colour": "blue"}):
        assert gateway.patch(url, headers=adviser_headers, json=bad).status_code == 422


def test_matches_have_the_shape_of_match(
    gateway: TestClient, adviser_headers: dict[str, str], app_headers: dict[str, str]
) -> None:
    made = new_jobseeker(gateway, adviser_headers)
    mine = gateway.get(f"/v1/jobseekers/{made['id']}/matches", headers=adviser_headers)
    assert mine.status_code == 200, mine.text
    anonymous = gateway.post(
        "/v1/match",
        headers=app_headers,
        json={k: v for k, v in PROFILE.items() if k != "consent_to_share"},
    )
    assert set(mine.json()) == set(anonymous.json())


def test_other_roles_may_not_touch_jobseekers(
    gateway: TestClient, hub_headers: dict[str, str], app_headers: dict[str, str]
) -> None:
    for headers in (hub_headers, app_headers):
        assert gateway.get("/v1/jobseekers", headers=headers).status_code == 403
        assert gateway.post("/v1/jobseekers", headers=headers, json=PROFILE).status_code == 403
