"""Every kind of bad request gets RFC 9457 problem+json with the right status, never HTML."""

from __future__ import annotations

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def _assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"] and body["detail"]
    assert body["request_id"]
    return body


def test_unknown_path_is_404_problem(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    _assert_problem(gateway.get("/v1/no-such-thing", headers=admin_headers), 404)
    _assert_problem(gateway.get("/not-under-v1"), 404)


def test_wrong_method_is_405_problem_with_allow(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    response = gateway.delete("/v1/keys", headers=admin_headers)
    _assert_problem(response, 405)
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


def test_malformed_json_is_400_problem(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    response = gateway.post(
        "/v1/keys", headers={**admin_headers, "content-type": "application/json"}, content=b"{nope"
    )
    _assert_problem(response, 400)


def test_invalid_field_is_422_with_errors_list(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    body = _assert_problem(gateway.post("/v1/keys", headers=admin_headers, json={"role": "king"}), 422)
    assert [e["field"] for e in body["errors"]] == ["body.role"]


def test_oversized_body_is_413_problem(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    response = gateway.post(
        "/v1/keys",
        headers={**admin_headers, "content-type": "application/json"},
        content=b" " * 2_000_000,
    )
    _assert_problem(response, 413)


def test_streamed_oversized_body_is_413_problem(
    gateway: TestClient, admin_headers: dict[str, str]
) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b" " * 65536

    response = gateway.post(
        "/v1/keys", headers={**admin_headers, "content-type": "application/json"}, content=chunks()
    )
    _assert_problem(response, 413)


def test_no_key_is_401_with_www_authenticate(gateway: TestClient) -> None:
    response = gateway.get("/v1/keys")
    _assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_role_is_403(gateway: TestClient, app_headers: dict[str, str]) -> None:
    _assert_problem(gateway.get("/v1/keys", headers=app_headers), 403)


def test_tampered_cursor_is_400(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    _assert_problem(gateway.get("/v1/keys?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAA", headers=admin_headers), 400)


def test_bad_limit_is_422(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    _assert_problem(gateway.get("/v1/keys?limit=100000", headers=admin_headers), 422)
    _assert_problem(gateway.get("/v1/keys?limit=abc", headers=admin_headers), 422)


def test_unexpected_error_hides_internals(settings) -> None:  # type: ignore[no-untyped-def]
    from fastapi import APIRouter

    from services.common.app import ServiceSpec, create_service_app

    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail at postgres://db.internal")

    app = create_service_app(settings, ServiceSpec("vacancies", "t", "t", (router,)))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-123"})
    body = _assert_problem(response, 500)
    assert "secret" not in response.text and "postgres" not in response.text
    assert body["request_id"] == "req-123"
    assert response.headers["x-request-id"] == "req-123"
