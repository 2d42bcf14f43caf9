"""Hardening at the door: security headers, CORS for configured origins only, pagination bounds,
the key cache (no keys held, revocation at once), and no internals in any answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.common.settings import Settings
from tests.conftest import make_key

ORIGIN = "https://adviser-portal.example"


@pytest.fixture
def cors_gateway(tmp_path: Path) -> Iterator[TestClient]:
    from gateway.app import create_app

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path / "var",
        demo_data=False,
        cors_origins=[ORIGIN],
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("path", ["/healthz", "/v1/keys", "/v1/no-such-thing", "/openapi.json"])
def test_every_answer_has_the_security_headers(
    gateway: TestClient, admin_headers: dict[str, str], path: str
) -> None:
    for headers in (admin_headers, {}):
        response = gateway.get(path, headers=headers)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_configured_origin_gets_cors_headers(cors_gateway: TestClient) -> None:
    preflight = cors_gateway.options(
        "/v1/vacancies",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    simple = cors_gateway.get("/healthz", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    exposed = simple.headers["access-control-expose-headers"].lower()
    for name in ("x-request-id", "retry-after", "ratelimit-remaining", "ratelimit-reset"):
        assert name in exposed


def test_another_origin_gets_no_cors_headers(cors_gateway: TestClient) -> None:
    other = "https://evil.example"
    preflight = cors_gateway.options(
        "/v1/vacancies",
        headers={"Origin": other, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = cors_gateway.get("/healthz", headers={"Origin": other})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


def test_no_origin_is_allowed_unless_configured(gateway: TestClient) -> None:
    response = gateway.get("/healthz", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (200, 200), (201, 422)])
def test_page_size_is_bounded(
    gateway: TestClient, admin_headers: dict[str, str], limit: int, status: int
) -> None:
    assert gateway.get(f"/v1/keys?limit={limit}", headers=admin_headers).status_code == status
    assert gateway.get(f"/v1/audit?limit={limit}", headers=admin_headers).status_code == status


def test_the_key_cache_never_holds_a_key(
    gateway: TestClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    key = admin_headers["Authorization"].split(" ", 1)[1]
    assert gateway.get("/v1/keys", headers=admin_headers).status_code == 200
    cache = gateway.app.state.key_cache  # type: ignore[attr-defined]
    assert cache._entries, "the key was cached"
    held = repr(cache._entries)
    assert key not in held and key.rsplit("_", 1)[1] not in held


def test_a_revoked_key_stops_at_once_on_this_gateway(
    gateway: TestClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    victim = make_key(settings, "jobseeker_app")
    victim_headers = {"Authorization": f"Bearer {victim}"}
    assert gateway.get("/v1/vacancies", headers=victim_headers).status_code != 401  # now cached
    key_id = victim.removeprefix("rw_").split("_", 1)[0]
    assert gateway.delete(f"/v1/keys/{key_id}", headers=admin_headers).status_code == 200
    assert gateway.get("/v1/vacancies", headers=victim_headers).status_code == 401
    assert gateway.get("/v1/keys", headers=admin_headers).status_code == 200, "others unaffected"


def test_audit_times_are_utc(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    gateway.get("/v1/keys", headers=admin_headers)
    items = gateway.get("/v1/audit", headers=admin_headers).json()["items"]
    assert items and all(item["at"].endswith(("Z", "+00:00")) for item in items)
    since = items[0]["at"].replace("Z", "+00:00")
    later = gateway.get("/v1/audit", params={"since": since}, headers=admin_headers).json()
    assert items[0]["id"] in [item["id"] for item in later["items"]]
