"""A service with several replicas behind the gateway: round-robin, failover where it is safe,
a circuit breaker per replica, and ``/readyz`` saying ``degraded`` while one replica is down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.proxy import Replica, ServiceClient, parse_urls, replicas_state
from services.common.errors import UpstreamUnavailable
from services.common.settings import ServiceUrls, Settings
from tests.conftest import make_key
from tests.gateway.conftest import EchoApp, Upstream, free_port, serve

Behaviour = Callable[[httpx.Request], httpx.Response]


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def reset(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)


def not_ready(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"detail": "index still being built"})


def _replicated(*behaviours: Behaviour) -> tuple[ServiceClient, list[list[str]]]:
    """A ``matching`` client over replicas that behave as given; records the paths each saw."""
    seen: list[list[str]] = [[] for _ in behaviours]
    clients = []
    for i, behaviour in enumerate(behaviours):

        def handler(request: httpx.Request, i: int = i, behaviour: Behaviour = behaviour) -> httpx.Response:
            seen[i].append(request.url.path)
            return behaviour(request)

        clients.append(httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url=f"http://m{i}"))
    first, *others = clients
    return ServiceClient("matching", first, others=[Replica(c) for c in others]), seen


def test_parse_urls_splits_replicas() -> None:
    assert parse_urls("http://a:1") == ["http://a:1"]
    assert parse_urls(" http://a:1/ ,http://b:2,, ") == ["http://a:1", "http://b:2"]


@pytest.mark.parametrize(
    ("answers", "state"),
    [([True], "ok"), ([True, True], "ok"), ([False, True], "degraded: 1 of 2 replicas ready"), ([False, False], "unavailable"), ([False], "unavailable")],
)
def test_replicas_state(answers: list[bool], state: str) -> None:
    assert replicas_state(answers) == state


async def test_requests_go_round_robin() -> None:
    service, seen = _replicated(ok, ok, ok)
    for _ in range(6):
        assert (await service.send("GET", "/v1/skills")).status_code == 200
    assert [len(s) for s in seen] == [2, 2, 2]


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
async def test_a_refused_connection_moves_any_method_to_the_next_replica(method: str) -> None:
    service, seen = _replicated(refused, ok)
    response = await service.send(method, "/v1/referrals", content=b"{}")
    assert response.status_code == 200 and seen == [["/v1/referrals"], ["/v1/referrals"]]
    assert service.breaker.failures == 1 and service.others[0].breaker.failures == 0


async def test_a_broken_connection_is_resent_only_when_that_is_harmless() -> None:
    service, seen = _replicated(reset, ok)
    with pytest.raises(UpstreamUnavailable):
        await service.send("POST", "/v1/referrals", content=b"{}")
    assert seen[1] == [], "a referral that may have been stored must not be sent again"
    service, seen = _replicated(reset, ok)
    assert (await service.send("POST", "/v1/match", content=b"{}", retry_safe=True)).status_code == 200
    service, seen = _replicated(reset, ok)
    assert (await service.send("GET", "/v1/skills")).status_code == 200
    assert seen == [["/v1/skills"], ["/v1/skills"]]


async def test_a_streamed_body_is_never_resent() -> None:
    service, seen = _replicated(refused, ok)

    async def body() -> AsyncIterator[bytes]:
        yield b"{}"

    with pytest.raises(UpstreamUnavailable):
        await service.send("POST", "/v1/match", content=body(), retry_safe=True)
    assert seen[1] == []


async def test_a_replica_that_is_not_ready_hands_over_and_the_last_503_is_returned() -> None:
    service, seen = _replicated(not_ready, ok)
    assert (await service.send("POST", "/v1/match", content=b"{}")).status_code == 200
    service, seen = _replicated(not_ready, not_ready)
    response = await service.send("POST", "/v1/match", content=b"{}")
    assert response.status_code == 503 and [len(s) for s in seen] == [1, 1]


async def test_each_replica_has_its_own_breaker() -> None:
    service, seen = _replicated(refused, ok)
    for _ in range(12):
        assert (await service.send("GET", "/v1/skills")).status_code == 200
    assert service.breaker.state == "open"
    assert service.others[0].breaker.state == "closed"
    assert len(seen[0]) == service.breaker.threshold, "an open breaker skips its replica"
    assert len(seen[1]) == 12


async def test_every_replica_down_is_a_503_naming_the_service() -> None:
    service, _ = _replicated(refused, refused)
    with pytest.raises(UpstreamUnavailable) as raised:
        await service.send("GET", "/v1/skills")
    assert raised.value.extra["service"] == "matching"
    for _ in range(10):
        with pytest.raises(UpstreamUnavailable):
            await service.send("GET", "/v1/skills")
    with pytest.raises(UpstreamUnavailable) as raised:
        await service.send("GET", "/v1/skills")
    assert "circuit open" in raised.value.detail


def test_the_gateway_spreads_over_two_replicas_and_survives_one(tmp_path: Path, upstreams: list[Upstream]) -> None:
    from gateway.app import create_app

    apps = [EchoApp(), EchoApp()]
    servers = [serve(app) for app in apps]
    upstreams.extend(servers)
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp_path / "var",
        demo_data=False,
        outbox_poll_s=0.05,
        services=ServiceUrls(matching_url=",".join(s.url for s in servers)),
    )
    headers = {"Authorization": f"Bearer {make_key(settings, 'jobseeker_app')}"}
    with TestClient(create_app(settings)) as client:
        for _ in range(4):
            assert client.get("/v1/skills", headers=headers).status_code == 200
        posted = client.post("/v1/match", headers=headers, json={"skills": ["x"]})
        assert posted.status_code == 200 and posted.json()["method"] == "POST"
        assert [app.hits for app in apps] == [3, 2]
        assert client.get("/readyz").json()["checks"]["matching"] == "ok"

        servers[0].stop()
        for _ in range(6):
            assert client.get("/v1/skills", headers=headers).status_code == 200
            assert client.post("/v1/match", headers=headers, json={"skills": ["x"]}).status_code == 200
        assert apps[1].hits == 2 + 12
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["matching"] == "degraded: 1 of 2 replicas ready"


def test_nothing_listening_on_any_replica_is_a_503(tmp_path: Path) -> None:
    from gateway.app import create_app

    urls = ",".join(f"http://127.0.0.1:{free_port()}" for _ in range(2))
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp_path / "var",
        demo_data=False,
        services=ServiceUrls(matching_url=urls),
    )
    headers = {"Authorization": f"Bearer {make_key(settings, 'jobseeker_app')}"}
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/match", headers=headers, json={"skills": ["x"]})
        assert response.status_code == 503
        assert response.json()["service"] == "matching"
        assert "127.0.0.1" not in response.text
        assert client.get("/readyz").json()["checks"]["matching"] == "unavailable"
