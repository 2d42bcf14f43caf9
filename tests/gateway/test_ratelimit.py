"""Rate limits: one contract suite run against every limiter, the fallback when Redis goes away,
and the gateway's 429 / ``Retry-After`` / ``RateLimit-*`` answers from Redis and from the
local fallback."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from gateway.ratelimit import (
    DEGRADED,
    FallbackRateLimiter,
    LocalRateLimiter,
    RateDecision,
    RateLimiter,
    RatePolicy,
    RedisRateLimiter,
    create_rate_limiter,
)
from services.common.settings import ServiceUrls, Settings
from tests.conftest import make_key
from tests.gateway.conftest import EchoApp, Upstream, serve

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
TOLERANCE_S = 0.05  # Redis's clock against ours, and microsecond rounding
PROBLEM = "application/problem+json"

MakeLimiter = Callable[[RatePolicy], RateLimiter]


# --- the contract: every implementation ----------------------------------------------------


@pytest.fixture(
    params=[
        "local",
        pytest.param("redis", marks=pytest.mark.integration),
        pytest.param("fallback-on-live-redis", marks=pytest.mark.integration),
        "fallback-on-dead-redis",
    ]
)
async def make_limiter(request: pytest.FixtureRequest) -> AsyncIterator[MakeLimiter]:
    made: list[RateLimiter] = []
    prefix = f"routeway-test:{uuid.uuid4().hex}:"

    def make(policy: RatePolicy) -> RateLimiter:
        limiter: RateLimiter
        if request.param == "local":
            limiter = LocalRateLimiter(policy)
        elif request.param == "fallback-on-dead-redis":
            limiter = FallbackRateLimiter(RedisRateLimiter(DEAD_REDIS, policy))
        else:
            redis_url = request.getfixturevalue("redis_url")
            redis = RedisRateLimiter(redis_url, policy, prefix=prefix)
            limiter = redis if request.param == "redis" else FallbackRateLimiter(redis)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.close()


async def test_a_burst_passes_then_the_next_is_refused_with_the_right_wait(
    make_limiter: MakeLimiter,
) -> None:
    limiter = make_limiter(RatePolicy(per_minute=6, burst=3))  # a token back every 10 s
    started = time.monotonic()
    decisions = [await limiter.hit("key-a") for _ in range(4)]
    elapsed = time.monotonic() - started
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert {d.limit for d in decisions} == {3}
    refused = decisions[-1]
    assert 10 - elapsed - TOLERANCE_S <= refused.retry_after_s <= 10 + TOLERANCE_S
    assert math.ceil(10 - elapsed - TOLERANCE_S) <= refused.retry_after_header <= 10
    assert 30 - elapsed - TOLERANCE_S <= refused.reset_s <= 30 + TOLERANCE_S


async def test_reset_counts_the_time_until_the_bucket_is_full(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(RatePolicy(per_minute=60, burst=5))
    first = await limiter.hit("key-a")
    assert first.remaining == 4 and 1 - TOLERANCE_S <= first.reset_s <= 1 + TOLERANCE_S
    await limiter.hit("key-a")
    third = await limiter.hit("key-a")
    assert third.remaining == 2 and 3 - 2 * TOLERANCE_S <= third.reset_s <= 3 + TOLERANCE_S


async def test_refused_requests_do_not_push_the_wait_further(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(RatePolicy(per_minute=6, burst=1))
    assert (await limiter.hit("key-a")).allowed
    first_refusal = await limiter.hit("key-a")
    second_refusal = await limiter.hit("key-a")
    assert not first_refusal.allowed and not second_refusal.allowed
    assert second_refusal.retry_after_s <= first_refusal.retry_after_s


async def test_keys_are_counted_apart(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(RatePolicy(per_minute=6, burst=2))
    for _ in range(2):
        assert (await limiter.hit("key-a")).allowed
    assert not (await limiter.hit("key-a")).allowed
    other = await limiter.hit("key-b")
    assert other.allowed and other.remaining == 1


async def test_a_request_after_retry_after_passes(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(RatePolicy(per_minute=1200, burst=2))  # a token back every 50 ms
    for _ in range(2):
        assert (await limiter.hit("key-a")).allowed
    refused = await limiter.hit("key-a")
    assert not refused.allowed and 0 < refused.retry_after_s <= 0.05 + TOLERANCE_S
    await asyncio.sleep(refused.retry_after_s + TOLERANCE_S)
    assert (await limiter.hit("key-a")).allowed


async def test_concurrent_requests_get_exactly_the_burst(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(RatePolicy(per_minute=1, burst=10))
    decisions = await asyncio.gather(*(limiter.hit("key-a") for _ in range(40)))
    allowed = [d for d in decisions if d.allowed]
    assert len(allowed) == 10
    assert sorted(d.remaining for d in allowed) == list(range(10))


# --- the algorithm on a clock we hold ------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_the_local_bucket_refills_one_token_per_interval() -> None:
    clock = _Clock()
    limiter = LocalRateLimiter(RatePolicy(per_minute=60, burst=3), clock=clock)
    assert [limiter.hit_now("k").remaining for _ in range(3)] == [2, 1, 0]
    refused = limiter.hit_now("k")
    assert not refused.allowed and refused.retry_after_s == pytest.approx(1.0)
    assert refused.reset_s == pytest.approx(3.0)
    clock.now += 0.999
    assert not limiter.hit_now("k").allowed
    clock.now += 0.001
    assert limiter.hit_now("k").allowed
    clock.now += 3600
    after_rest = limiter.hit_now("k")
    assert after_rest.remaining == 2, "an idle key gets its full burst back, no more"


def test_the_local_limiter_keeps_a_bounded_number_of_keys() -> None:
    clock = _Clock()
    limiter = LocalRateLimiter(RatePolicy(per_minute=60, burst=5), clock=clock, max_keys=10)
    for i in range(100):
        limiter.hit_now(f"key-{i}")
        clock.now += 0.5
        assert len(limiter._tats) <= 10


def test_headers_round_up_to_whole_seconds() -> None:
    decision = RateDecision(allowed=False, limit=5, remaining=0, reset_s=12.2, retry_after_s=0.2)
    assert decision.headers() == {
        "RateLimit-Limit": "5",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "13",
    }
    assert decision.retry_after_header == 1


def test_policy_burst_defaults_to_a_minute_of_requests(settings: Settings) -> None:
    assert RatePolicy.from_settings(settings) == RatePolicy(per_minute=600, burst=600)
    settings.rate_limit_burst = 20
    assert RatePolicy.from_settings(settings).burst == 20
    with pytest.raises(ValueError):
        RatePolicy(per_minute=0, burst=1)


def test_the_right_limiter_for_the_settings(settings: Settings) -> None:
    assert isinstance(create_rate_limiter(settings), LocalRateLimiter)
    settings.redis_url = DEAD_REDIS
    assert isinstance(create_rate_limiter(settings), FallbackRateLimiter)


# --- the fallback ---------------------------------------------------------------------------


class _FlakyRedis:
    """Stands in for RedisRateLimiter: fails while ``up`` is False, counts the attempts."""

    def __init__(self, policy: RatePolicy) -> None:
        self.policy = policy
        self.up = False
        self.attempts = 0
        self.inner = LocalRateLimiter(policy)

    async def hit(self, key: str) -> RateDecision:
        self.attempts += 1
        if not self.up:
            raise ConnectionRefusedError("redis is down")
        return await self.inner.hit(key)

    async def ping(self) -> None:
        if not self.up:
            raise ConnectionRefusedError("redis is down")

    async def close(self) -> None:
        return None


async def test_the_fallback_warns_once_retries_later_and_recovers() -> None:
    clock = _Clock()
    policy = RatePolicy(per_minute=60, burst=2)
    primary = _FlakyRedis(policy)
    limiter = FallbackRateLimiter(primary, retry_s=5.0, clock=clock)  # type: ignore[arg-type]
    with capture_logs() as logs:
        decisions = [await limiter.hit("k") for _ in range(3)]
        assert [d.allowed for d in decisions] == [True, True, False]  # the local bucket decides
        assert limiter.degraded and await limiter.health() == DEGRADED
        assert primary.attempts == 1, "Redis is not asked again before retry_s"
        clock.now += 5.0
        await limiter.hit("k")
        assert primary.attempts == 2
        primary.up = True
        clock.now += 5.0
        assert (await limiter.hit("k")).allowed
        assert not limiter.degraded and await limiter.health() == "ok"
    events = [entry["event"] for entry in logs]
    assert events.count("rate_limiter_degraded") == 1
    assert events.count("rate_limiter_recovered") == 1


async def test_the_fallback_lets_other_errors_through() -> None:
    class Broken(_FlakyRedis):
        async def hit(self, key: str) -> RateDecision:
            raise KeyError(key)

    limiter = FallbackRateLimiter(Broken(RatePolicy(60, 1)))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        await limiter.hit("k")


class _TcpRelay:
    """A loopback TCP relay to Redis that can be cut, as a network partition would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        await self.server.wait_closed()


@pytest.mark.integration
async def test_redis_going_away_mid_traffic_falls_back_and_says_so(redis_url: str) -> None:
    from redis.asyncio.connection import parse_url

    target = parse_url(redis_url)
    relay = _TcpRelay(str(target.get("host", "127.0.0.1")), int(target.get("port", 6379)))
    port = await relay.start()
    db = target.get("db", 0)
    policy = RatePolicy(per_minute=6, burst=3)
    limiter = FallbackRateLimiter(
        RedisRateLimiter(f"redis://127.0.0.1:{port}/{db}", policy, prefix=f"t:{uuid.uuid4().hex}:")
    )
    try:
        assert (await limiter.hit("k")).remaining == 2
        assert await limiter.health() == "ok"
        await relay.cut()
        with capture_logs() as logs:
            after = [await limiter.hit("k") for _ in range(4)]
            assert await limiter.health() == DEGRADED
        # the local bucket starts full: lenient while degraded, but still a limit
        assert [d.allowed for d in after] == [True, True, True, False]
        assert after[-1].retry_after_header == 10
        assert [e["event"] for e in logs].count("rate_limiter_degraded") == 1
    finally:
        await limiter.close()


# --- through the gateway -----------------------------------------------------------------------


def _limited_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp_path / "var",
        "demo_data": False,
        "outbox_poll_s": 0.05,
        "rate_limit_per_minute": 6,  # a token back every 10 s
        "rate_limit_burst": 3,
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[call-arg, arg-type]


def _burst_until_refused(client: TestClient, headers: dict[str, str]) -> None:
    """Three requests pass with counting headers; the fourth is a 429 with the right wait."""
    started = time.monotonic()
    for remaining in (2, 1, 0):
        response = client.get("/v1/keys?limit=1", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["ratelimit-limit"] == "3"
        assert response.headers["ratelimit-remaining"] == str(remaining)
    refused = client.get("/v1/keys?limit=1", headers=headers)
    elapsed = time.monotonic() - started
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["type"].endswith("/rate-limited")
    retry_after = int(refused.headers["retry-after"])
    assert math.ceil(10 - elapsed - TOLERANCE_S) <= retry_after <= 10
    assert refused.headers["ratelimit-remaining"] == "0"
    assert 30 - elapsed - 1 <= int(refused.headers["ratelimit-reset"]) <= 30


@contextlib.contextmanager
def _gateway(settings: Settings) -> Iterator[TestClient]:
    from gateway.app import create_app

    with TestClient(create_app(settings)) as client:
        yield client


def test_embedded_gateway_limits_each_key_in_process(tmp_path: Path) -> None:
    settings = _limited_settings(tmp_path)
    admin = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    other = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    with _gateway(settings) as client:
        _burst_until_refused(client, admin)
        assert client.get("/v1/keys", headers=other).status_code == 200, "keys are counted apart"
        assert client.get("/readyz").json()["checks"]["rate_limiter"] == "ok"


def test_every_authenticated_v1_answer_carries_the_headers(tmp_path: Path) -> None:
    settings = _limited_settings(tmp_path, rate_limit_per_minute=600, rate_limit_burst=None)
    headers = {"Authorization": f"Bearer {make_key(settings, 'jobseeker_app')}"}
    with _gateway(settings) as client:
        answers = [
            client.get("/v1/vacancies", headers=headers),  # proxied
            client.get("/v1/keys", headers=headers),  # 403
            client.get("/v1/nothing-here", headers=headers),  # 404
            client.delete("/v1/vacancies", headers=headers),  # 405
        ]
        remaining = [int(a.headers["ratelimit-remaining"]) for a in answers]
        assert remaining == sorted(remaining, reverse=True) and remaining[0] == 599
        assert all(a.headers["ratelimit-limit"] == "600" for a in answers)
        no_key = client.get("/v1/vacancies")
        assert no_key.status_code == 401 and "ratelimit-limit" not in no_key.headers
        assert "ratelimit-limit" not in client.get("/healthz").headers


@pytest.mark.integration
def test_gateway_limits_on_redis(tmp_path: Path, redis_url: str) -> None:
    settings = _limited_settings(tmp_path, redis_url=redis_url)
    admin = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    with _gateway(settings) as client:
        assert isinstance(client.app.state.rate_limiter, FallbackRateLimiter)  # type: ignore[attr-defined]
        _burst_until_refused(client, admin)
        assert not client.app.state.rate_limiter.degraded  # type: ignore[attr-defined]
        assert client.get("/readyz").json()["checks"]["rate_limiter"] == "ok"


@pytest.mark.integration
def test_two_gateways_share_one_limit_on_redis(tmp_path: Path, redis_url: str) -> None:
    settings = _limited_settings(tmp_path, redis_url=redis_url)
    admin = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    with _gateway(settings) as first, _gateway(settings) as second:
        statuses = [c.get("/v1/keys", headers=admin).status_code for c in (first, second) * 2]
    assert statuses == [200, 200, 200, 429]


def test_gateway_falls_back_when_redis_is_unreachable_and_stays_ready(
    tmp_path: Path, upstreams: list[Upstream]
) -> None:
    # Fully distributed (every service remote), so the gateway uses Redis only for rate limits.
    service = serve(EchoApp())
    upstreams.append(service)
    urls = ServiceUrls(vacancies_url=service.url, training_url=service.url, matching_url=service.url)
    settings = _limited_settings(tmp_path, redis_url=DEAD_REDIS, services=urls)
    admin = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    with _gateway(settings) as client, capture_logs() as logs:
        _burst_until_refused(client, admin)
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["rate_limiter"] == DEGRADED
        assert ready.json()["checks"]["redis"].startswith("unavailable")
    assert [e["event"] for e in logs].count("rate_limiter_degraded") == 1


def test_embedded_gateway_with_redis_down_is_not_ready_but_still_limits(tmp_path: Path) -> None:
    settings = _limited_settings(tmp_path, redis_url=DEAD_REDIS)
    admin = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    with _gateway(settings) as client:
        _burst_until_refused(client, admin)
        ready = client.get("/readyz")
        assert ready.status_code == 503  # embedded services need Redis for their events
        assert ready.json()["checks"]["rate_limiter"] == DEGRADED

