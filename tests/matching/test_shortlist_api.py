"""Shortlists over the embedded gateway: consenting people only, pseudonyms stable per vacancy
and unrelated across vacancies, nothing identifying, live updates, pages, roles."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.settings import Settings
from tests.conftest import make_key
from tests.matching.people_support import advert, ingest_vacancies, new_jobseeker, wait_indexed

IDENTIFYING = {"id", "name", "postcode", "postcode_district", "office", "lat", "lon", "age"}


@pytest.fixture
def world(
    gateway: TestClient,
    settings: Settings,
    admin_headers: dict[str, str],
    adviser_headers: dict[str, str],
) -> dict[str, Any]:
    ids = ingest_vacancies(
        gateway,
        admin_headers,
        [
            advert("S1", "Healthcare Support Worker", "B15 2TT"),
            advert("S2", "Healthcare Assistant", "B1 1BB"),
        ],
        "shortlists",
    )
    wait_indexed(gateway, adviser_headers, list(ids.values()))
    office_b = {"Authorization": f"Bearer {make_key(settings, 'adviser', office='office-b')}"}
    people = {
        "mine": new_jobseeker(gateway, adviser_headers),
        "shy": new_jobseeker(gateway, adviser_headers, consent_to_share=False),
        "theirs": new_jobseeker(gateway, office_b, skills=["personal-care"]),
        "far": new_jobseeker(gateway, adviser_headers, postcode="NR1 3SR", max_travel_km=10),
    }
    return {"vacancies": ids, "people": people, "office_b": office_b}


def _shortlist(
    client: TestClient, headers: dict[str, str], vacancy_id: str, **params: Any
) -> dict[str, Any]:
    response = client.get(f"/v1/vacancies/{vacancy_id}/shortlist", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_only_consenting_people_in_range_and_nothing_identifying(
    gateway: TestClient, hub_headers: dict[str, str], world: dict[str, Any]
) -> None:
    body = _shortlist(gateway, hub_headers, world["vacancies"]["S1"])
    assert body["vacancy_id"] == world["vacancies"]["S1"] and body["next_cursor"] is None
    items = body["items"]
    assert len(items) == 2, "mine and theirs: shy did not consent, far is out of range"
    for item in items:
        assert not IDENTIFYING & set(item)
        assert item["jobseeker_id"] is None
        assert item["candidate_ref"].startswith("cand_")
        assert 0 <= item["score"] <= 1 and all(0 <= v <= 1 for v in item["parts"].values())
        assert item["ready"] in ("now", "after_training")
        assert (item["route"] is None) == (item["ready"] == "now")
    text = str(body)
    for person in world["people"].values():
        assert person["id"] not in text
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_refs_are_stable_per_vacancy_and_differ_across_vacancies(
    gateway: TestClient,
    hub_headers: dict[str, str],
    adviser_headers: dict[str, str],
    world: dict[str, Any],
) -> None:
    s1, s2 = world["vacancies"]["S1"], world["vacancies"]["S2"]
    first = {i["candidate_ref"] for i in _shortlist(gateway, hub_headers, s1)["items"]}
    again = {i["candidate_ref"] for i in _shortlist(gateway, hub_headers, s1)["items"]}
    other = {i["candidate_ref"] for i in _shortlist(gateway, hub_headers, s2)["items"]}
    assert first == again and len(first) == 2
    assert len(other) == 2 and not first & other
    # the adviser sees the same refs (one pseudonym per vacancy, whoever asks)
    by_adviser = {i["candidate_ref"] for i in _shortlist(gateway, adviser_headers, s1)["items"]}
    assert by_adviser == first


def test_an_adviser_sees_the_ids_of_their_own_office_only(
    gateway: TestClient, adviser_headers: dict[str, str], world: dict[str, Any]
) -> None:
    items = _shortlist(gateway, adviser_headers, world["vacancies"]["S1"])["items"]
    shown = [i["jobseeker_id"] for i in items]
    assert sorted(shown, key=str) == sorted([world["people"]["mine"]["id"], None], key=str)


def test_consent_and_moves_show_at_once(
    gateway: TestClient,
    hub_headers: dict[str, str],
    adviser_headers: dict[str, str],
    world: dict[str, Any],
) -> None:
    s1 = world["vacancies"]["S1"]
    shy, far = world["people"]["shy"], world["people"]["far"]
    gateway.patch(
        f"/v1/jobseekers/{shy['id']}", headers=adviser_headers, json={"consent_to_share": True}
    )
    gateway.patch(
        f"/v1/jobseekers/{far['id']}", headers=adviser_headers, json={"postcode": "B15 2TT"}
    )
    assert len(_shortlist(gateway, hub_headers, s1)["items"]) == 4
    gateway.patch(
        f"/v1/jobseekers/{shy['id']}", headers=adviser_headers, json={"consent_to_share": False}
    )
    gateway.delete(f"/v1/jobseekers/{far['id']}", headers=adviser_headers)
    assert len(_shortlist(gateway, hub_headers, s1)["items"]) == 2


def test_pages_join_up_and_cursors_are_checked(
    gateway: TestClient, hub_headers: dict[str, str], world: dict[str, Any]
) -> None:
    s1 = world["vacancies"]["S1"]
    whole = [i["candidate_ref"] for i in _shortlist(gateway, hub_headers, s1)["items"]]
    first = _shortlist(gateway, hub_headers, s1, limit=1)
    assert first["next_cursor"]
    second = _shortlist(gateway, hub_headers, s1, limit=1, cursor=first["next_cursor"])
    assert [i["candidate_ref"] for i in first["items"] + second["items"]] == whole
    assert second["next_cursor"] is None
    forged = gateway.get(
        f"/v1/vacancies/{s1}/shortlist",
        params={"cursor": first["next_cursor"][:-2] + "xx"},
        headers=hub_headers,
    )
    assert forged.status_code == 400


def test_ready_now_only(
    gateway: TestClient, hub_headers: dict[str, str], world: dict[str, Any]
) -> None:
    items = _shortlist(gateway, hub_headers, world["vacancies"]["S1"], ready="now")["items"]
    assert all(i["ready"] == "now" and i["route"] is None for i in items)
    every = _shortlist(gateway, hub_headers, world["vacancies"]["S1"])["items"]
    assert {i["candidate_ref"] for i in items} == {
        i["candidate_ref"] for i in every if i["ready"] == "now"
    }


def test_who_may_ask(
    gateway: TestClient,
    app_headers: dict[str, str],
    hub_headers: dict[str, str],
    world: dict[str, Any],
) -> None:
    url = f"/v1/vacancies/{world['vacancies']['S1']}/shortlist"
    assert gateway.get(url, headers=app_headers).status_code == 403
    assert gateway.get("/v1/vacancies/vac_nope/shortlist", headers=hub_headers).status_code == 404
