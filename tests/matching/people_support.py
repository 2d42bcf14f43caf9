"""Helpers the people-side API tests share: adverts to ingest, jobseekers to create, waiting
for the live index (no fixtures here: ``tests/conftest.py`` has those)."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

FUTURE = (date.today() + timedelta(days=60)).isoformat()
CARE_TEXT = (
    "<p>Support patients with personal care and moving and handling.</p>"
    "<p>Infection prevention and control; teamwork.</p>"
)
PROFILE: dict[str, Any] = {
    "skills": ["personal-care", "moving-and-handling", "teamwork"],
    "english_level": "level2",
    "maths_level": "level2",
    "postcode": "B15 2TT",
    "max_travel_km": 15,
    "consent_to_share": True,
}


def advert(external_id: str, title: str, postcode: str, text: str = CARE_TEXT) -> dict[str, Any]:
    """One schema.org JobPosting."""
    return {
        "@type": "JobPosting",
        "identifier": external_id,
        "title": title,
        "description": text,
        "validThrough": FUTURE,
        "hiringOrganization": {"name": "Sandwell and West Birmingham NHS Trust"},
        "jobLocation": {"address": {"postalCode": postcode}},
    }


def ingest_vacancies(
    client: TestClient, admin_headers: dict[str, str], adverts: list[dict[str, Any]], source: str
) -> dict[str, str]:
    """Ingest adverts; their vacancy ids by external id."""
    feed = "\n".join(json.dumps(a) for a in adverts).encode()
    response = client.post(
        f"/v1/ingest/vacancies?source={source}&format=jobposting-jsonld",
        headers=admin_headers,
        content=feed,
    )
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["rejected"] == 0, response.text
    listing = client.get(
        "/v1/vacancies", params={"source": source, "limit": 200}, headers=admin_headers
    )
    assert listing.status_code == 200, listing.text
    return {v["external_id"]: v["id"] for v in listing.json()["items"]}


def wait_indexed(
    client: TestClient, headers: dict[str, str], vacancy_ids: list[str], timeout_s: float = 5.0
) -> None:
    """Wait until every vacancy is in the match index (its shortlist stops being a 404)."""
    deadline = time.monotonic() + timeout_s
    pending = list(vacancy_ids)
    while pending and time.monotonic() < deadline:
        pending = [
            v
            for v in pending
            if client.get(f"/v1/vacancies/{v}/shortlist", headers=headers).status_code == 404
        ]
        if pending:
            time.sleep(0.05)
    assert not pending, f"not indexed within {timeout_s} s: {pending}"


def new_jobseeker(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Create a jobseeker from ``PROFILE`` with ``changes``; the created body."""
    response = client.post("/v1/jobseekers", headers=headers, json={**PROFILE, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
