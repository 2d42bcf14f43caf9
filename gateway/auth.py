"""Authentication and authorisation at the door: the key says who, ``policy.RULES`` says what."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gateway.keys import verify_key
from gateway.policy import Rule, resolve
from services.common.auth import Caller
from services.common.errors import Forbidden, NotFound, RoutewayError, Unauthenticated

_CACHE_TTL_S = 30.0


class MethodNotAllowed(RoutewayError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


@dataclass
class KeyCache:
    """Verified keys for a short while, so a request costs no database read (revocation lags by the TTL)."""

    ttl_s: float = _CACHE_TTL_S

    def __post_init__(self) -> None:
        self._entries: dict[str, tuple[float, Caller | None]] = {}

    def get(self, key: str) -> tuple[bool, Caller | None]:
        hit = self._entries.get(key)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, key: str, caller: Caller | None) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl_s, caller)

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


@dataclass(frozen=True)
class Access:
    """An authorised request: who calls, and the rule that let them."""

    caller: Caller
    rule: Rule
    params: dict[str, str]


async def authorize(request: Request) -> Access:
    """401 without a valid key, 404/405 for what does not exist, 403 for a role the rule excludes."""
    resolution = resolve(request.method, request.url.path)
    caller = await caller_for(request)
    if caller is None:
        raise Unauthenticated()
    request.state.caller = caller
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
