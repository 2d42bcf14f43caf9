"""The taxonomy over HTTP: skills, roles and extraction, with clear errors for bad text."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ADVERT = (
    "&lt;p&gt;We are looking for a Healthcare Support Worker to join our ward team.&lt;/p&gt;"
    "&lt;ul&gt;&lt;li&gt;Personal care and moving and handling of patients&lt;/li&gt;"
    "&lt;li&gt;Infection prevention and control&lt;/li&gt;&lt;/ul&gt;"
    "&lt;p&gt;Essential: full UK driving licence, enhanced DBS check.&lt;/p&gt;"
)


def test_skills_search_and_paging(gateway: TestClient, app_headers: dict[str, str]) -> None:
    found = gateway.get("/v1/skills?q=moving%20and%20handling", headers=app_headers).json()["items"]
    assert found and "handling" in found[0]["label"].lower()
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "200", **({"cursor": cursor} if cursor else {})}
        page = gateway.get("/v1/skills", params=params, headers=app_headers).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) >= 300 and len(seen) == len(set(seen)) and seen == sorted(seen)


def test_roles_list_detail_and_404(gateway: TestClient, app_headers: dict[str, str]) -> None:
    roles = gateway.get("/v1/roles?limit=200", headers=app_headers).json()["items"]
    assert len(roles) >= 30
    entry = gateway.get("/v1/roles?entry_level=true&limit=200", headers=app_headers).json()["items"]
    assert entry and all(r["entry_level"] for r in entry)
    role = gateway.get(f"/v1/roles/{roles[0]['id']}", headers=app_headers).json()
    assert len(role["soc_code"]) == 4 and set(role) >= {
        "essential_skills",
        "requirements",
        "progression",
    }
    assert gateway.get("/v1/roles/no-such-role", headers=app_headers).status_code == 404


def test_extract_gives_evidence_spans_into_the_original_text(
    gateway: TestClient, app_headers: dict[str, str]
) -> None:
    body = gateway.post(
        "/v1/skills/extract",
        headers=app_headers,
        json={"text": ADVERT, "title": "Healthcare Support Worker"},
    ).json()
    assert body["skills"], body
    for skill in body["skills"]:
        for span in skill["evidence"]:
            original = "Healthcare Support Worker" if span["field"] == "title" else ADVERT
            assert original[span["start"] : span["end"]] == span["text"]
    assert body["requirements"]["driving_licence"] is True
    assert body["requirements"]["dbs"] == "enhanced"
    assert body["role"] is None or 0 <= body["role"]["confidence"] <= 1


def test_empty_text_is_422_and_huge_text_is_413(
    gateway: TestClient, app_headers: dict[str, str]
) -> None:
    for text in ("", "   \n\t "):
        response = gateway.post("/v1/skills/extract", headers=app_headers, json={"text": text})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.text"
    huge = gateway.post("/v1/skills/extract", headers=app_headers, json={"text": "care " * 20_001})
    assert huge.status_code == 413
    assert (
        gateway.post("/v1/skills/extract", headers=app_headers, json={"txt": "x"}).status_code
        == 422
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_gets_an_answer_or_a_problem(
    gateway: TestClient, app_headers: dict[str, str], text: str
) -> None:
    response = gateway.post("/v1/skills/extract", headers=app_headers, json={"text": text})
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response.headers["content-type"].startswith("application/problem+json")
