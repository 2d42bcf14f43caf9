"""Authentication and authorisation at the door: the key says who, ``policy.RULES`` says what.

Order of the checks in :func:`authorize`: a valid key (401), then the key's rate limit (429,
so a key is counted for every request it makes, refused ones included), then the path and
method (404/405), then the role (403).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gateway.keys import verify_key
from gateway.policy import Rule, resolve
from gateway.ratelimit import STATE_KEY, RateLimiter
from services.common.auth import Caller
from services.common.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    RoutewayError,
    Unauthenticated,
)

log = structlog.get_logger("routeway.auth")

_CACHE_TTL_S = 30.0


class MethodNotAllowed(RoutewayError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


@dataclass
class KeyCache:
    """Verified keys for a short while, so a request costs no database read.

    Entries are keyed by a SHA-256 of the presented key (the cache never holds a key itself)
    and live ``ttl_s`` seconds, unknown keys included. A revocation through this process
    drops its entries at once (:meth:`forget`); other gateway processes notice within the TTL.
    """

    ttl_s: float = _CACHE_TTL_S

    def __post_init__(self) -> None:
        self._entries: dict[bytes, tuple[float, Caller | None]] = {}

    @staticmethod
    def _digest(key: str) -> bytes:
        return hashlib.sha256(key.encode()).digest()

    def get(self, key: str) -> tuple[bool, Caller | None]:
        hit = self._entries.get(self._digest(key))
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, key: str, caller: Caller | None) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[self._digest(key)] = (time.monotonic() + self.ttl_s, caller)

    def forget(self, key_id: str) -> None:
        """Drop every cached entry of ``key_id`` (after it was revoked)."""
        self._entries = {
            d: entry
            for d, entry in self._entries.items()
            if entry[1] is None or entry[1].key_id != key_id
        }

    def clear(self) -> None:
        self._entries.clear()


def _verify(engine: Engine, key: str) -> Caller | None:
    with Session(engine) as session:
        return verify_key(session, key)


async def caller_for(request: Request) -> Caller | None:
    """The caller whose key came with ``request``, or ``None`` when there is none or it is invalid."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    key = key.strip()
    cache: KeyCache = request.app.state.key_cache
    found, caller = cache.get(key)
    if not found:
        caller = await asyncio.to_thread(_verify, request.app.state.engine, key)
        cache.put(key, caller)
    return caller


async def count_request(request: Request, caller: Caller) -> None:
    """Count the request against the caller's key; 429 with ``Retry-After`` over the limit."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None or caller.key_id is None:
        return
    decision = await limiter.hit(caller.key_id)
    setattr(request.state, STATE_KEY, decision)
    if not decision.allowed:
        log.info("rate_limited", key_id=caller.key_id, retry_after_s=decision.retry_after_header)
        raise RateLimited(decision.retry_after_header, headers=decision.headers())


@dataclass(frozen=True)
class Access:
    """An authorised request: who calls, and the rule that let them."""

    caller: Caller
    rule: Rule
    params: dict[str, str]


async def authorize(request: Request) -> Access:
    """401 without a valid key, 429 over its limit, 404/405 for what does not exist, 403 for a
    role the rule excludes."""
    resolution = resolve(request.method, request.url.path)
    caller = await caller_for(request)
    if caller is None:
        raise Unauthenticated()
    request.state.caller = caller
    await count_request(request, caller)
    if resolution.rule is None:
        if resolution.allowed_methods:
            raise MethodNotAllowed(
                f"Method {request.method} is not allowed on {request.url.path}.",
                headers={"Allow": ", ".join(sorted(set(resolution.allowed_methods)))},
            )
        raise NotFound(f"No resource at {request.url.path}.")
    if caller.role not in resolution.rule.roles:
        raise Forbidden(f"The {caller.role} role may not {request.method} {resolution.rule.path}.")
    request.state.rule = resolution.rule
    return Access(caller, resolution.rule, resolution.params)


AccessDep = Annotated[Access, Depends(authorize)]
