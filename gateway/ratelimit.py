"""Per-key rate limits: one protocol, a Redis and an in-process implementation, and a fallback.

The algorithm is a token bucket written in its GCRA form (generic cell rate algorithm): a key
holds one number, its *theoretical arrival time* (TAT). Tokens come back one every
``interval = 60 / per_minute`` seconds and the bucket holds ``burst`` of them. A request at
``now`` is allowed when ``max(TAT, now) + interval - burst * interval <= now``; an allowed
request moves the TAT on by one interval, a refused one changes nothing (so hammering a full
bucket does not push the wait further out). From the TAT after the request:

* ``remaining = floor((burst * interval - (TAT - now)) / interval)`` requests can be made now;
* ``reset = TAT - now`` seconds until the bucket is full again (``RateLimit-Reset``);
* a refused request may retry after ``TAT - now - (burst - 1) * interval`` seconds
  (``Retry-After``).

``RedisRateLimiter`` runs the step as one Lua script (atomic; Redis's own clock, so every
gateway replica agrees), keyed per API key id, the key expiring when its bucket would be full.
``LocalRateLimiter`` runs the same step in this process for embedded mode.
``FallbackRateLimiter`` asks Redis and, when Redis errors, logs a warning once, decides with a
local limiter and reports ``degraded: local fallback`` until Redis answers again (it tries
Redis again every ``retry_s`` seconds). A local fallback counts per gateway process and starts
from full buckets, so while degraded the effective limit is per replica: lenient, never down.

``RateLimitHeadersMiddleware`` puts ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` on every response of a request whose key was counted (errors included).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.settings import Settings

log = structlog.get_logger("routeway.ratelimit")

DEGRADED = "degraded: local fallback"
STATE_KEY = "rate_limit"  # where a request's decision lives in ``scope["state"]``


@dataclass(frozen=True, slots=True)
class RatePolicy:
    """How many requests a key may make: ``per_minute`` sustained, ``burst`` at once."""

    per_minute: int
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.burst < 1:
            raise ValueError("per_minute and burst must be at least 1")

    @property
    def interval_s(self) -> float:
        """Seconds for one token to come back."""
        return 60.0 / self.per_minute

    @classmethod
    def from_settings(cls, settings: Settings) -> RatePolicy:
        """The policy ``settings`` describe (burst defaults to a minute's worth)."""
        per_minute = settings.rate_limit_per_minute
        return cls(per_minute=per_minute, burst=settings.rate_limit_burst or per_minute)


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The answer for one request, with what the ``RateLimit-*`` headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: float
    retry_after_s: float

    def headers(self) -> dict[str, str]:
        """``RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (whole seconds, rounded up)."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(math.ceil(self.reset_s)),
        }

    @property
    def retry_after_header(self) -> int:
        """``Retry-After`` in whole seconds, never less than 1 (waiting that long is enough)."""
        return max(1, math.ceil(self.retry_after_s))


def gcra_step(tat: float | None, now: float, policy: RatePolicy) -> tuple[bool, float]:
    """One request at ``now`` against a key whose TAT is ``tat``: (allowed, TAT afterwards)."""
    interval = policy.interval_s
    base = now if tat is None or tat < now else tat
    new_tat = base + interval
    if new_tat - policy.burst * interval > now:
        return False, base
    return True, new_tat


def decide(allowed: bool, until_full_s: float, policy: RatePolicy) -> RateDecision:
    """The decision, given whether the request passed and ``TAT - now`` after it."""
    interval = policy.interval_s
    until_full_s = max(0.0, until_full_s)
    capacity_s = policy.burst * interval
    # A hair of tolerance so float noise never costs a token in the report.
    remaining = max(0, math.floor((capacity_s - until_full_s) / interval + 1e-9))
    retry_after = 0.0 if allowed else max(0.0, until_full_s - (policy.burst - 1) * interval)
    return RateDecision(
        allowed=allowed,
        limit=policy.burst,
        remaining=remaining if allowed else 0,
        reset_s=until_full_s,
        retry_after_s=retry_after,
    )


class RateLimiter(Protocol):
    """Counts requests per key; every implementation passes tests/gateway/test_ratelimit.py."""

    policy: RatePolicy

    async def hit(self, key: str) -> RateDecision:
        """Count one request for ``key`` (when allowed) and say whether it may go ahead."""
        ...

    async def health(self) -> str:
        """``"ok"``, or a word on what is wrong (for ``/readyz``); never raises."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class LocalRateLimiter:
    """The GCRA bucket per key in this process (embedded mode, and the Redis fallback)."""

    def __init__(
        self,
        policy: RatePolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._max_keys = max_keys
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit_now(self, key: str) -> RateDecision:
        """The synchronous step (the limiter never waits, so the async wrapper is trivial)."""
        with self._lock:
            now = self._clock()
            if len(self._tats) >= self._max_keys:
                self._forget_full_buckets(now)
            allowed, tat = gcra_step(self._tats.get(key), now, self.policy)
            if allowed:
                self._tats[key] = tat
            return decide(allowed, tat - now, self.policy)

    def _forget_full_buckets(self, now: float) -> None:
        # A TAT in the past is a full bucket, the same as no entry at all.
        self._tats = {k: t for k, t in self._tats.items() if t > now}
        if len(self._tats) >= self._max_keys:  # every bucket busy: forget the oldest half
            keep = sorted(self._tats.items(), key=lambda item: item[1])[self._max_keys // 2 :]
            self._tats = dict(keep)

    async def hit(self, key: str) -> RateDecision:
        return self.hit_now(key)

    async def health(self) -> str:
        return "ok"

    async def close(self) -> None:
        return None


# KEYS[1]: the key's TAT; ARGV[1]: interval (µs), ARGV[2]: burst. Times are integer
# microseconds from Redis's own clock, exact in Lua's doubles until the year 2255.
GCRA_LUA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - burst * interval > now then
  return {0, tat - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, new_tat - now}
"""


class RedisRateLimiter:
    """The GCRA bucket per key in Redis, one atomic script per request."""

    def __init__(
        self,
        url: str,
        policy: RatePolicy,
        *,
        prefix: str = "routeway:ratelimit:",
        timeout_s: float = 0.5,
    ) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self.policy = policy
        self._prefix = prefix
        # A limit decision must not wait: short timeouts, one immediate retry for a stale socket.
        self._redis: Any = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1),
        )
        self._script: Any = self._redis.register_script(GCRA_LUA)
        self._interval_us = max(1, round(policy.interval_s * 1_000_000))

    async def hit(self, key: str) -> RateDecision:
        allowed, until_full_us = await self._script(
            keys=[self._prefix + key], args=[self._interval_us, self.policy.burst]
        )
        return decide(bool(allowed), int(until_full_us) / 1_000_000, self.policy)

    async def ping(self) -> None:
        """Raise when Redis does not answer."""
        await self._redis.ping()

    async def health(self) -> str:
        try:
            await self.ping()
        except Exception as exc:
            return f"unavailable: {type(exc).__name__}"
        return "ok"

    async def close(self) -> None:
        await self._redis.aclose()


def _redis_failure(exc: BaseException) -> bool:
    from redis.exceptions import RedisError

    return isinstance(exc, RedisError | OSError | asyncio.TimeoutError)


class FallbackRateLimiter:
    """Redis first; while Redis fails, a local limiter, a ``degraded`` health and one warning."""

    def __init__(
        self,
        primary: RedisRateLimiter,
        fallback: LocalRateLimiter | None = None,
        *,
        retry_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = primary.policy
        self.primary = primary
        self.fallback = fallback or LocalRateLimiter(primary.policy)
        self.retry_s = retry_s
        self._clock = clock
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def degraded(self) -> bool:
        """True while decisions come from the local fallback."""
        return self._down_since is not None

    def _failed(self, exc: BaseException) -> None:
        now = self._clock()
        self._next_try = now + self.retry_s
        if self._down_since is None:
            self._down_since = now
            log.warning(
                "rate_limiter_degraded",
                reason=type(exc).__name__,
                detail="Redis is unreachable; rate limits are counted per gateway process",
            )

    def _recovered(self) -> None:
        if self._down_since is not None:
            log.info("rate_limiter_recovered", down_s=round(self._clock() - self._down_since, 1))
        self._down_since = None

    async def hit(self, key: str) -> RateDecision:
        probe = self._down_since is not None and self._clock() >= self._next_try
        if probe:  # this request tries Redis; the others keep to the fallback meanwhile
            self._next_try = self._clock() + self.retry_s
        if self._down_since is None or probe:
            try:
                decision = await self.primary.hit(key)
            except Exception as exc:
                if not _redis_failure(exc):
                    raise
                self._failed(exc)
            else:
                self._recovered()
                return decision
        return await self.fallback.hit(key)

    async def health(self) -> str:
        try:
            await self.primary.ping()
        except Exception as exc:  # whatever stops Redis answering, requests use the fallback
            self._failed(exc)
            return DEGRADED
        self._recovered()
        return "ok"

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()


def create_rate_limiter(settings: Settings) -> RateLimiter:
    """Redis with a local fallback when ``redis_url`` is set, else the in-process limiter."""
    policy = RatePolicy.from_settings(settings)
    if settings.redis_url:
        return FallbackRateLimiter(RedisRateLimiter(settings.redis_url, policy))
    return LocalRateLimiter(policy)


class RateLimitHeadersMiddleware:
    """Add the ``RateLimit-*`` headers of the request's decision to its response, whatever it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = (scope.get("state") or {}).get(STATE_KEY)
                if isinstance(decision, RateDecision):
                    headers = list(message.get("headers") or [])
                    present = {name.lower() for name, _ in headers}
                    headers.extend(
                        (name.lower().encode(), value.encode())
                        for name, value in decision.headers().items()
                        if name.lower().encode() not in present
                    )
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
