"""Erasure leaves no trace: no row, no referral, no index entry, no cached match, no event
payload, and not one byte of the person's data in any database file."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from services.common.events import EventBus
from services.common.settings import Settings
from services.matching.models import Jobseeker
from services.matching.people_service import profile_of
from tests.matching.people_support import advert, ingest_vacancies, new_jobseeker, wait_indexed


def _events(bus: EventBus) -> list[bytes]:
    deliveries = asyncio.run(bus.read_after("jobseekers", "0-0", count=10_000))
    return [d.event.to_bytes() for d in deliveries]


def _wait(condition, timeout_s: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_erasure_leaves_no_trace(
    gateway: TestClient,
    settings: Settings,
    admin_headers: dict[str, str],
    adviser_headers: dict[str, str],
) -> None:
    matching: FastAPI = gateway.app.state.embedded_apps["matching"]  # type: ignore[attr-defined]
    people = matching.state.people
    first, second = f"marker-{uuid.uuid4().hex}", f"marker-{uuid.uuid4().hex}"
    ids = ingest_vacancies(
        gateway, admin_headers, [advert("E1", "Healthcare Support Worker", "B15 2TT")], "erase"
    )
    vacancy_id = ids["E1"]
    wait_indexed(gateway, adviser_headers, [vacancy_id])
    # neighbours share the person's database pages, so erasure cannot just drop a whole page
    neighbours = [
        new_jobseeker(gateway, adviser_headers, qualifications=["neighbour"]) for _ in range(3)
    ]
    person = new_jobseeker(gateway, adviser_headers, qualifications=[first])
    neighbours += [
        new_jobseeker(gateway, adviser_headers, qualifications=["neighbour"]) for _ in range(3)
    ]
    url = f"/v1/jobseekers/{person['id']}"
    # derived data everywhere: a referral, a cached match, a shortlist place, an older version
    referral = gateway.post(
        "/v1/referrals",
        headers=adviser_headers,
        json={"jobseeker_id": person["id"], "vacancy_id": vacancy_id},
    )
    assert referral.status_code == 201, referral.text
    assert (
        gateway.patch(url, headers=adviser_headers, json={"qualifications": [second]}).status_code
        == 200
    )
    assert gateway.get(f"{url}/matches", headers=adviser_headers).status_code == 200
    shortlist = gateway.get(f"/v1/vacancies/{vacancy_id}/shortlist", headers=adviser_headers).json()
    assert person["id"] in [item["jobseeker_id"] for item in shortlist["items"]]
    assert people.index.traces(person["id"]) and people.cache.count(person["id"]) == 1

    keeper = matching.state.index_keeper
    with Session(matching.state.engine) as session:
        row = session.get(Jobseeker, person["id"])
        assert row is not None
        profile = profile_of(row)
    assert keeper.read(lambda index: index.routes_remembered(profile)) > 0

    erased = gateway.delete(url, headers=adviser_headers)
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] == {
        "jobseeker": 1,
        "referrals": 1,
        "index_entries": 1,
        "cached_matches": 1,
    }

    assert gateway.get(url, headers=adviser_headers).status_code == 404
    assert gateway.delete(url, headers=adviser_headers).status_code == 404
    listed = gateway.get("/v1/referrals", headers=adviser_headers).json()["items"]
    assert person["id"] not in [r["jobseeker_id"] for r in listed]
    after = gateway.get(f"/v1/vacancies/{vacancy_id}/shortlist", headers=adviser_headers).json()
    assert person["id"] not in [item["jobseeker_id"] for item in after["items"]]
    assert people.index.traces(person["id"]) == [] and people.cache.count(person["id"]) == 0
    assert keeper.read(lambda index: index.routes_remembered(profile)) == 0

    # events: published, carrying the id only, never the person's data
    _wait(lambda: any(b'"jobseeker.erased"' in e for e in _events(matching.state.bus)))
    for body in _events(matching.state.bus):
        assert first.encode() not in body and second.encode() not in body
        assert b'"data":{}' in body
    with matching.state.engine.connect() as conn:
        for table in ("jobseeker", "referral"):
            column = "id" if table == "jobseeker" else "jobseeker_id"
            found = conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": person["id"]}
            ).scalar_one()
            assert found == 0, table
        outbox = conn.execute(text("SELECT event FROM outbox")).all()
        assert all(first not in str(row) and second not in str(row) for row in outbox)

    for neighbour in neighbours:
        kept = gateway.get(f"/v1/jobseekers/{neighbour['id']}", headers=adviser_headers)
        assert kept.status_code == 200 and kept.json()["qualifications"] == ["neighbour"]

    # and not one byte of either version left in any file of the data folder
    files = [p for p in Path(settings.data_dir).rglob("*") if p.is_file()]
    assert any(p.name == "matching.db" for p in files)
    for path in files:
        content = path.read_bytes()
        assert first.encode() not in content, path.name
        assert second.encode() not in content, path.name
