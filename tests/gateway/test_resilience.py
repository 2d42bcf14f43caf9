"""A service behind the gateway that is down, slow or failing: 503/504 problem+json naming it,
the circuit breaker, and what the proxy forwards (request id, identity) and drops (hop-by-hop,
the API key)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.proxy import CircuitBreaker, ServiceClient
from services.common.auth import caller_from_headers
from services.common.errors import UpstreamUnavailable
from services.common.settings import ServiceUrls, Settings
from tests.conftest import make_key
from tests.gateway.conftest import EchoApp, FailingApp, SlowApp, Upstream, free_port, serve

PROBLEM = "application/problem+json"


def _settings(tmp_path: Path, vacancies_url: str, timeout_s: float = 5.0) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path / "var",
        demo_data=False,
        outbox_poll_s=0.05,
        service_timeout_s=timeout_s,
        services=ServiceUrls(vacancies_url=vacancies_url),
    )


@contextmanager
def _gateway(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The gateway on ``settings`` and a jobseeker_app key's headers."""
    from gateway.app import create_app

    headers = {"Authorization": f"Bearer {make_key(settings, 'jobseeker_app')}"}
    with TestClient(create_app(settings)) as client:
        yield client, headers


def _assert_names_the_service(response, status: int, upstream_url: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["service"] == "vacancies"
    assert "vacancies" in body["detail"]
    port = upstream_url.rsplit(":", 1)[1]
    assert upstream_url not in response.text and f":{port}" not in response.text
    assert "Traceback" not in response.text
    return body


def test_a_stopped_service_gives_503_naming_it(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    upstream = serve(EchoApp())
    upstreams.append(upstream)
    settings = _settings(tmp_path, upstream.url)
    with _gateway(settings) as (client, headers):
        assert client.get("/v1/vacancies", headers=headers).status_code == 200
        upstream.stop()
        started = time.monotonic()
        response = client.get("/v1/vacancies", headers=headers)
        elapsed = time.monotonic() - started
        _assert_names_the_service(response, 503, upstream.url)
        assert elapsed < settings.service_timeout_s


def test_nothing_listening_gives_503(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with _gateway(_settings(tmp_path, url)) as (client, headers):
        _assert_names_the_service(client.get("/v1/vacancies/v1", headers=headers), 503, url)


def test_a_slow_service_gives_504_without_waiting_for_it(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    app = SlowApp()  # would answer after 30 s
    upstream = serve(app)
    upstreams.append(upstream)
    with _gateway(_settings(tmp_path, upstream.url, timeout_s=0.5)) as (client, headers):
        started = time.monotonic()
        response = client.get("/v1/vacancies", headers=headers)
        elapsed = time.monotonic() - started
        _assert_names_the_service(response, 504, upstream.url)
        assert elapsed < 15, "the gateway waited for the slow service"
        assert app.hits == 1, "a read timeout must not be retried"
        app.release.set()


def test_the_circuit_opens_after_repeated_failures_and_fails_fast(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    app = FailingApp()
    upstream = serve(app)
    upstreams.append(upstream)
    with _gateway(_settings(tmp_path, upstream.url)) as (client, headers):
        breaker = client.app.state.services["vacancies"].breaker  # type: ignore[attr-defined]
        for _ in range(breaker.threshold):
            assert client.get("/v1/vacancies", headers=headers).status_code == 500
        assert breaker.state == "open"
        body = _assert_names_the_service(
            client.get("/v1/vacancies", headers=headers), 503, upstream.url
        )
        assert "circuit open" in body["detail"]
        assert app.hits == breaker.threshold, "an open circuit must not call the service"


def test_hop_by_hop_headers_and_the_key_stay_at_the_gateway(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    app = EchoApp()
    upstream = serve(app)
    upstreams.append(upstream)
    settings = _settings(tmp_path, upstream.url)
    with _gateway(settings) as (client, headers):
        key = headers["Authorization"]
        response = client.get(
            "/v1/vacancies?q=care",
            headers={
                **headers,
                "X-Request-ID": "trace-abc-123",
                "Connection": "keep-alive, X-Secret-Hop",
                "Keep-Alive": "timeout=5",
                "TE": "trailers",
                "Upgrade": "h2c",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "Cookie": "session=1",
                "Accept": "application/json",
            },
        )
        assert response.status_code == 200, response.text
        echoed = response.json()
        seen = echoed["headers"]
        for name in ("authorization", "proxy-authorization", "te", "upgrade", "cookie",
                     "keep-alive", "x-secret-hop"):
            assert name not in seen, name
        assert key.split(" ", 1)[1] not in str(seen)
        assert seen["x-request-id"] == "trace-abc-123"
        assert seen["accept"] == "application/json"
        assert echoed["query"] == "q=care"
        caller = caller_from_headers(seen, settings.secret_key)
        assert caller.role == "jobseeker_app" and caller.key_id
        # and on the way back: hop-by-hop headers of the service are dropped, others relayed
        assert response.headers.get("keep-alive") != "timeout=99"
        assert response.headers["x-upstream"] == "echo"
        assert response.headers["x-request-id"] == "trace-abc-123"


def test_identity_headers_cannot_be_forged_by_the_client(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    app = EchoApp()
    upstream = serve(app)
    upstreams.append(upstream)
    settings = _settings(tmp_path, upstream.url)
    with _gateway(settings) as (client, headers):
        response = client.get(
            "/v1/vacancies",
            headers={**headers, "X-Routeway-Role": "admin", "X-Routeway-Office": "elsewhere"},
        )
        seen = response.json()["headers"]
        assert seen["x-routeway-role"] == "jobseeker_app"
        assert seen["x-routeway-office"] == ""


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_at_the_threshold_and_lets_one_trial_per_cooldown() -> None:
    clock = _Clock()
    breaker = CircuitBreaker(threshold=3, cooldown_s=10, clock=clock)
    for _ in range(2):
        breaker.record_failure()
        assert breaker.allow() and breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 9.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.state == "half-open"
    assert breaker.allow()  # the trial
    assert not breaker.allow()  # others wait while the trial is out
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 10
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow() and breaker.failures == 0


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown_s=10, clock=_Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"


def _flaky_service(fail_times: int) -> tuple[ServiceClient, list[str]]:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) <= fail_times:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"ok": True})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://svc")
    return ServiceClient("vacancies", client), calls


async def test_an_idempotent_request_is_retried_once_after_a_transport_error() -> None:
    service, calls = _flaky_service(fail_times=1)
    response = await service.send("GET", "/v1/vacancies")
    assert response.status_code == 200 and calls == ["GET", "GET"]
    service, calls = _flaky_service(fail_times=2)
    with pytest.raises(UpstreamUnavailable) as raised:
        await service.send("GET", "/v1/vacancies")
    assert raised.value.extra["service"] == "vacancies" and calls == ["GET", "GET"]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_an_unsafe_request_is_never_retried(method: str) -> None:
    service, calls = _flaky_service(fail_times=1)
    with pytest.raises(UpstreamUnavailable):
        await service.send(method, "/v1/referrals", content=b"{}")
    assert calls == [method]
