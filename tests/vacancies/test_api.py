"""The vacancies API through the gateway: ingest idempotently, search by place, page, reject clearly."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

FUTURE = (date.today() + timedelta(days=60)).isoformat()
PAST = (date.today() - timedelta(days=3)).isoformat()


def posting(external_id: str, title: str, postcode: str, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": "ref", "value": external_id},
        "title": title,
        "description": "<p>Support patients with personal care.</p>",
        "datePosted": "2026-11-01T09:00:00Z",
        "validThrough": FUTURE,
        "hiringOrganization": {
            "@type": "Organization",
            "name": "Sandwell and West Birmingham NHS Trust",
        },
        "jobLocation": {"@type": "Place", "address": {"postalCode": postcode}},
    }
    body.update(extra)
    return body


def jsonl(*items: dict[str, object]) -> bytes:
    return "\n".join(json.dumps(i) for i in items).encode()


def ingest(
    client: TestClient, headers: dict[str, str], body: bytes, **params: str
) -> dict[str, Any]:
    query = {"source": "test-feed", "format": "jobposting-jsonld", **params}
    response = client.post("/v1/ingest/vacancies", params=query, headers=headers, content=body)
    assert response.status_code == 200, response.text
    run: dict[str, Any] = response.json()
    return run


FEED = jsonl(
    posting("A1", "Healthcare Support Worker", "B15 2TT"),
    posting("A2", "Porter", "WR5 1DD"),
    {"@type": "JobPosting", "identifier": "A3"},  # no title: rejected
    posting("A4", "Ward Clerk", "NR1 3SR"),
)


def test_ingest_counts_and_rejects_with_position(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    run = ingest(gateway, admin_headers, FEED)
    assert run["counts"] == {
        "received": 4,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "closed": 0,
        "rejected": 1,
    }
    assert run["rejects"] == [
        {"position": 2, "external_id": "A3", "reason": run["rejects"][0]["reason"]}
    ]
    assert "title" in run["rejects"][0]["reason"]
    fetched = gateway.get(f"/v1/ingest/runs/{run['id']}", headers=admin_headers).json()
    assert fetched["counts"] == run["counts"] and fetched["status"] == "completed"


def test_reingest_is_unchanged_and_changes_are_updates(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    ingest(gateway, admin_headers, FEED)
    again = ingest(gateway, admin_headers, FEED)
    assert again["counts"]["unchanged"] == 3 and again["counts"]["created"] == 0
    changed = ingest(
        gateway, admin_headers, jsonl(posting("A1", "Senior Healthcare Support Worker", "B15 2TT"))
    )
    assert changed["counts"]["updated"] == 1
    items = gateway.get("/v1/vacancies?limit=200", headers=admin_headers).json()["items"]
    assert len(items) == 3
    assert "Senior Healthcare Support Worker" in [v["title"] for v in items]


def test_snapshot_closes_what_the_feed_no_longer_lists(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    ingest(gateway, admin_headers, FEED)
    run = ingest(
        gateway,
        admin_headers,
        jsonl(posting("A1", "Healthcare Support Worker", "B15 2TT")),
        mode="snapshot",
    )
    assert run["counts"]["closed"] == 2 and run["counts"]["unchanged"] == 1
    open_titles = [
        v["title"] for v in gateway.get("/v1/vacancies", headers=admin_headers).json()["items"]
    ]
    assert open_titles == ["Healthcare Support Worker"]
    closed = gateway.get("/v1/vacancies?status=closed", headers=admin_headers).json()["items"]
    assert sorted(v["title"] for v in closed) == ["Porter", "Ward Clerk"]


def test_past_closing_date_reads_as_closed(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    ingest(
        gateway,
        admin_headers,
        jsonl(posting("OLD", "Domestic Assistant", "B15 2TT", validThrough=PAST)),
    )
    assert gateway.get("/v1/vacancies", headers=admin_headers).json()["items"] == []
    (item,) = gateway.get("/v1/vacancies?status=closed", headers=admin_headers).json()["items"]
    assert item["status"] == "closed"


def test_near_search_sorts_by_distance_and_filters_by_radius(
    gateway: TestClient, admin_headers: dict[str, str], app_headers: dict[str, str]
) -> None:
    ingest(gateway, admin_headers, FEED)
    near_b = gateway.get("/v1/vacancies?near=B15&radius_km=60", headers=app_headers).json()["items"]
    assert [v["title"] for v in near_b] == ["Healthcare Support Worker", "Porter"]
    assert near_b[0]["distance_km"] < near_b[1]["distance_km"] <= 60
    near_nr = gateway.get("/v1/vacancies?near=NR1%203SR&radius_km=5", headers=app_headers).json()[
        "items"
    ]
    assert [v["title"] for v in near_nr] == ["Ward Clerk"]
    assert near_nr[0]["region"] == "East of England"


def test_unknown_postcode_keeps_the_vacancy_without_coordinates(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    run = ingest(gateway, admin_headers, jsonl(posting("Z1", "Receptionist", "ZZ99 9ZZ")))
    assert run["counts"]["created"] == 1
    (item,) = gateway.get("/v1/vacancies", headers=admin_headers).json()["items"]
    assert item["lat"] is None and item["lon"] is None


@pytest.mark.parametrize("near", ["not a postcode", "ZZ1"])
def test_unknown_place_is_422_naming_near(
    gateway: TestClient, admin_headers: dict[str, str], near: str
) -> None:
    response = gateway.get("/v1/vacancies", params={"near": near}, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.near"


def test_pages_cover_everything_once(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    ingest(
        gateway,
        admin_headers,
        jsonl(*[posting(f"P{i}", f"Porter {i}", "B15 2TT") for i in range(7)]),
    )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = gateway.get("/v1/vacancies", params=params, headers=admin_headers).json()
        seen += [v["id"] for v in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen))


def test_filters(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    ingest(gateway, admin_headers, FEED)
    by_q = gateway.get("/v1/vacancies?q=porter", headers=admin_headers).json()["items"]
    assert [v["title"] for v in by_q] == ["Porter"]
    by_region = gateway.get(
        "/v1/vacancies?region=east%20of%20england", headers=admin_headers
    ).json()["items"]
    assert [v["title"] for v in by_region] == ["Ward Clerk"]
    assert gateway.get("/v1/vacancies?sector=nhs", headers=admin_headers).json()["items"]
    assert gateway.get("/v1/vacancies?q=%25", headers=admin_headers).json()["items"] == []
    later = (date.today() + timedelta(days=365)).isoformat()
    assert (
        gateway.get(f"/v1/vacancies?closing_after={later}", headers=admin_headers).json()["items"]
        == []
    )


def test_vacancy_detail_and_404(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    ingest(gateway, admin_headers, FEED)
    first = gateway.get("/v1/vacancies", headers=admin_headers).json()["items"][0]
    detail = gateway.get(f"/v1/vacancies/{first['id']}", headers=admin_headers).json()
    assert detail["id"] == first["id"] and "personal care" in detail["description"].lower()
    missing = gateway.get("/v1/vacancies/vac_nope", headers=admin_headers)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )


def test_hostile_xml_is_refused_and_nothing_lands(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<vacancies><vacancyDetails><id>1</id><title>&lol2;</title></vacancyDetails></vacancies>"
    )
    response = gateway.post(
        "/v1/ingest/vacancies?source=x&format=nhs-jobs-xml", headers=admin_headers, content=bomb
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert gateway.get("/v1/vacancies?status=all", headers=admin_headers).json()["items"] == []


def test_bad_source_format_and_mode_are_422(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    for params in (
        "source=bad%20name&format=csv",
        "source=s&format=pdf",
        "source=s&format=csv&mode=full",
    ):
        response = gateway.post(
            f"/v1/ingest/vacancies?{params}", headers=admin_headers, content=b""
        )
        assert response.status_code == 422, params


def test_only_admin_may_ingest(gateway: TestClient, adviser_headers: dict[str, str]) -> None:
    response = gateway.post(
        "/v1/ingest/vacancies?source=s&format=csv", headers=adviser_headers, content=b""
    )
    assert response.status_code == 403


def test_csv_template_round_trips(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    template = gateway.get("/v1/ingest/templates/vacancies.csv", headers=admin_headers)
    assert template.status_code == 200 and template.headers["content-type"].startswith("text/csv")
    run = gateway.post(
        "/v1/ingest/vacancies?source=csv-upload&format=csv",
        headers=admin_headers,
        content=template.content,
    ).json()
    assert run["counts"]["created"] == 1 and run["counts"]["rejected"] == 0


def test_events_are_published_after_commit(settings, admin_headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from gateway.app import create_app

    with TestClient(create_app(settings)) as client:
        ingest(client, admin_headers, FEED)
        bus = client.app.state.bus  # type: ignore[attr-defined]

        async def read() -> list[str]:
            for _ in range(50):
                got = await bus.read_after("vacancies", "0", count=100)
                if len(got) >= 3:
                    return sorted(d.event.type + ":" + d.event.data["title"] for d in got)
                await asyncio.sleep(0.05)
            return []

        events = client.portal.call(read)  # type: ignore[union-attr]
    assert events == [
        "vacancy.created:Healthcare Support Worker",
        "vacancy.created:Porter",
        "vacancy.created:Ward Clerk",
    ]
