"""The training API through the gateway: XCRI-CAP ingest with presentations, rejects, search filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

START_1 = date.today() + timedelta(days=30)
START_2 = date.today() + timedelta(days=120)
START_3 = date.today() + timedelta(days=400)

XCRI = f"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:mlo="http://purl.org/net/mlo" xmlns:dcterms="http://purl.org/dc/terms/">
  <provider>
    <dc:identifier>10007455</dc:identifier>
    <dc:title>Worcester College of Technology</dc:title>
    <mlo:location><mlo:postcode>WR1 2JF</mlo:postcode></mlo:location>
    <course>
      <dc:identifier>FS-ENG-L1</dc:identifier>
      <dc:title>Functional Skills English Level 1</dc:title>
      <dc:description>Reading, writing, speaking and listening for work.</dc:description>
      <mlo:prerequisite>English at Entry Level 3</mlo:prerequisite>
      <mlo:qualification><dc:identifier>603/5074/2</dc:identifier><dc:title>Functional Skills Qualification in English at Level 1</dc:title><mlo:level>1</mlo:level></mlo:qualification>
      <presentation>
        <dc:identifier>FS-ENG-L1-A</dc:identifier>
        <mlo:start dtf="{START_1.isoformat()}">{START_1:%d %B %Y}</mlo:start>
        <mlo:duration>12 weeks</mlo:duration>
        <attendancePattern identifier="EV">Evening</attendancePattern>
        <mlo:cost>Free</mlo:cost>
        <venue><provider><dc:title>Worcester campus</dc:title><mlo:location><mlo:postcode>WR1 2JF</mlo:postcode></mlo:location></provider></venue>
      </presentation>
      <presentation>
        <dc:identifier>FS-ENG-L1-B</dc:identifier>
        <mlo:start dtf="{START_2.isoformat()}">{START_2:%d %B %Y}</mlo:start>
        <mlo:duration>12 weeks</mlo:duration>
        <attendancePattern identifier="DT">Daytime</attendancePattern>
        <mlo:cost>Free</mlo:cost>
      </presentation>
    </course>
    <course>
      <dc:identifier>BAD-1</dc:identifier>
      <dc:description>A course with no title.</dc:description>
    </course>
    <course>
      <dc:identifier>CARE-CERT</dc:identifier>
      <dc:title>Care Certificate</dc:title>
      <dc:description>The 15 standards: safeguarding, infection prevention, moving and handling.</dc:description>
      <mlo:qualification><dc:title>Care Certificate</dc:title><mlo:level>2</mlo:level></mlo:qualification>
      <presentation>
        <dc:identifier>CC-A</dc:identifier>
        <mlo:start dtf="{START_3.isoformat()}">{START_3:%d %B %Y}</mlo:start>
        <mlo:duration>6 weeks</mlo:duration>
        <attendancePattern identifier="DT">Daytime</attendancePattern>
        <mlo:cost>£150</mlo:cost>
      </presentation>
    </course>
  </provider>
</catalog>""".encode()


def ingest(
    client: TestClient, headers: dict[str, str], body: bytes, fmt: str = "xcri-cap"
) -> dict[str, Any]:
    response = client.post(f"/v1/ingest/courses?source=worcs&format={fmt}", headers=headers, content=body)
    assert response.status_code == 200, response.text
    run: dict[str, Any] = response.json()
    return run


def test_xcri_ingest_counts_rejects_and_presentations(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    run = ingest(gateway, admin_headers, XCRI)
    assert run["counts"] == {"received": 3, "created": 2, "updated": 0, "unchanged": 0, "closed": 0, "rejected": 1}
    (reject,) = run["rejects"]
    assert reject["position"] == 1 and reject["external_id"] == "BAD-1" and "title" in reject["reason"]
    assert ingest(gateway, admin_headers, XCRI)["counts"]["unchanged"] == 2
    assert gateway.get(f"/v1/ingest/runs/{run['id']}", headers=admin_headers).json()["status"] == "completed"
    courses = gateway.get("/v1/courses?q=functional", headers=admin_headers).json()["items"]
    (english,) = courses
    assert english["start_dates"] == [START_1.isoformat(), START_2.isoformat()]
    assert english["level"] == 1 and english["qualification_type"] == "functional_skills"
    assert "english:level1" in english["grants"]
    assert english["provider"]["name"] == "Worcester College of Technology"
    detail = gateway.get(f"/v1/courses/{english['id']}", headers=admin_headers).json()
    assert [p["attendance"] for p in detail["presentations"]] == ["evening", "daytime"]


def test_hostile_entity_is_refused(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><catalog>&x;</catalog>'
    response = gateway.post("/v1/ingest/courses?source=evil&format=xcri-cap", headers=admin_headers, content=evil)
    assert response.status_code == 400
    assert "passwd" not in response.text or "root:" not in response.text
    assert gateway.get("/v1/courses", headers=admin_headers).json()["items"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("qualification_type=care_certificate", ["Care Certificate"]),
        ("max_level=1", ["Functional Skills English Level 1"]),
        ("min_level=2", ["Care Certificate"]),
        ("funded_only=true", ["Functional Skills English Level 1"]),
        (f"starts_before={(START_1 + timedelta(days=1)).isoformat()}", ["Functional Skills English Level 1"]),
        ("near=WR1&radius_km=5", ["Functional Skills English Level 1", "Care Certificate"]),
        ("near=NR1&radius_km=5", []),
        ("q=%25", []),
    ],
)
def test_course_filters(gateway: TestClient, admin_headers: dict[str, str], query: str, expected: list[str]) -> None:
    ingest(gateway, admin_headers, XCRI)
    items = gateway.get(f"/v1/courses?{query}", headers=admin_headers).json()["items"]
    assert sorted(i["title"] for i in items) == sorted(expected)


def test_skill_filter_uses_what_courses_teach(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    ingest(gateway, admin_headers, XCRI)
    everything = gateway.get("/v1/courses", headers=admin_headers).json()["items"]
    taught = {s for c in everything for s in c["skills"]}
    for skill in taught:
        items = gateway.get(f"/v1/courses?skill={skill}", headers=admin_headers).json()["items"]
        assert items and all(skill in i["skills"] for i in items)
    assert gateway.get("/v1/courses?skill=no-such-skill", headers=admin_headers).json()["items"] == []


def test_invalid_filters_are_422(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    for query in ("min_level=9", "mode=telepathy", "near=XX99&radius_km=5", "radius_km=-1", "limit=0"):
        assert gateway.get(f"/v1/courses?{query}", headers=admin_headers).status_code == 422, query


def test_providers_and_404s(gateway: TestClient, admin_headers: dict[str, str], app_headers: dict[str, str]) -> None:
    ingest(gateway, admin_headers, XCRI)
    (provider,) = gateway.get("/v1/providers", headers=app_headers).json()["items"]
    assert provider["ukprn"] == "10007455" and provider["region"] == "West Midlands"
    assert gateway.get(f"/v1/providers/{provider['id']}", headers=app_headers).json()["name"] == provider["name"]
    assert gateway.get("/v1/providers/nope", headers=app_headers).status_code == 404
    assert gateway.get("/v1/courses/nope", headers=app_headers).status_code == 404


def test_snapshot_closes_missing_courses(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    ingest(gateway, admin_headers, XCRI)
    only_english = XCRI.split(b"<course>\n      <dc:identifier>BAD-1")[0] + b"</provider></catalog>"
    response = gateway.post(
        "/v1/ingest/courses?source=worcs&format=xcri-cap&mode=snapshot", headers=admin_headers, content=only_english
    )
    assert response.json()["counts"]["closed"] == 1
    titles = [c["title"] for c in gateway.get("/v1/courses", headers=admin_headers).json()["items"]]
    assert titles == ["Functional Skills English Level 1"]


def test_course_csv_template_round_trips(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    template = gateway.get("/v1/ingest/templates/courses.csv", headers=admin_headers)
    assert template.status_code == 200
    run = ingest(gateway, admin_headers, template.content, fmt="csv")
    assert run["counts"]["created"] == 1 and run["counts"]["rejected"] == 0
