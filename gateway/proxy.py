"""Forwarding a public request to the service that answers it.

One :class:`ServiceClient` per service: an ``httpx.AsyncClient`` on ``ASGITransport`` in
embedded mode (no network) or on the service's base URL in distributed mode — one code path.
Connect and read timeouts, one retry for idempotent methods, and a circuit breaker per service
that fails fast with 503 after repeated failures. A down service gives 503 problem+json naming
it; a slow one 504. Hop-by-hop headers are not forwarded.

The retry is for requests that never reached the service (connection refused or reset, connect
timeout). A read timeout is not retried even for a GET: the service already had the whole
budget, and asking again would double the wait before the 504 and the load on a struggling
service.

A service may run as several replicas (``ROUTEWAY_SERVICES__MATCHING_URL="http://a,http://b"``).
Requests then go round-robin, each replica behind its own circuit breaker, and fail over to the
next replica when one refuses the connection or answers 503 (not ready, e.g. its match index is
still being built). A request that may have reached a replica that then died (reset, closed
connection) goes to the next replica only when resending it is harmless: an idempotent method,
or one of the POSTs that only compute (:data:`RETRY_SAFE_POSTS`). A replicated service's small
bodies are buffered so they can be resent; ingest feeds are streamed and never resent.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import httpx
import structlog
from fastapi import Request
from fastapi.responses import Response

from services.common.auth import Caller, identity_headers
from services.common.errors import UpstreamTimeout, UpstreamUnavailable

log = structlog.get_logger("routeway.proxy")

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "authorization",
    }
)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# POSTs that store nothing (a computation on the body), so sending one twice is harmless.
RETRY_SAFE_POSTS = frozenset({"/v1/match", "/v1/routes", "/v1/skills/extract"})
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "content-type",
        "accept",
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "x-request-id",
    }
)


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; lets one trial through per ``cooldown_s``.

    While open every request fails at once. When the cooldown has passed the next request is
    the trial and the cooldown starts again, so concurrent requests do not all pile onto a
    service that may still be down; the trial's success closes the breaker.
    """

    threshold: int = 5
    cooldown_s: float = 5.0
    failures: int = 0
    opened_at: float | None = None
    clock: Callable[[], float] = time.monotonic

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        now = self.clock()
        if now - self.opened_at < self.cooldown_s:
            return False
        self.opened_at = now  # this request is the trial; the next waits another cooldown
        return True

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock()

    @property
    def state(self) -> str:
        """``closed``, ``open``, or ``half-open`` (a trial may go through)."""
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.cooldown_s else "open"


def parse_urls(value: str) -> list[str]:
    """The base URLs in a ``ROUTEWAY_SERVICES__<NAME>_URL`` value (comma-separated replicas)."""
    return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]


def replicas_state(answers: Sequence[bool]) -> str:
    """A readiness word for a service from whether each replica's ``/readyz`` answered 200."""
    ready = sum(answers)
    if ready == len(answers) and ready:
        return "ok"
    if ready == 0:
        return "unavailable"
    return f"degraded: {ready} of {len(answers)} replicas ready"


@dataclass
class Replica:
    """One instance of a service: its client and its own circuit breaker."""

    client: httpx.AsyncClient
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)


@dataclass
class ServiceClient:
    """How the gateway reaches one service: ``client`` first, then any ``others`` (replicas)."""

    name: str
    client: httpx.AsyncClient
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    others: list[Replica] = field(default_factory=list)
    _turn: int = field(default=0, repr=False)

    @property
    def replicas(self) -> list[Replica]:
        """Every replica, the first one (``client``/``breaker``) included."""
        return [Replica(self.client, self.breaker), *self.others]

    @property
    def replicated(self) -> bool:
        """True when the service runs as more than one replica."""
        return bool(self.others)

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | AsyncIterator[bytes] | None = None,
        retry_safe: bool = False,
    ) -> httpx.Response:
        """Send one request, retrying once if it is idempotent and the transport failed.

        ``retry_safe`` marks a non-idempotent method whose resending is harmless anyway. With
        several replicas the request goes to them in turn instead (see the module docstring).
        """
        if self.others:
            return await self._send_replicated(
                method, path, params=params, headers=headers, content=content, safe=retry_safe
            )
        if not self.breaker.allow():
            raise UpstreamUnavailable(
                self.name, f"The {self.name} service is unavailable (circuit open)."
            )
        replayable = not isinstance(content, AsyncIterator)
        attempts = 2 if (method in IDEMPOTENT or retry_safe) and replayable else 1
        for attempt in range(attempts):
            try:
                response = await self.client.request(
                    method, path, params=params, headers=headers, content=content
                )
            except httpx.TimeoutException as exc:
                self.breaker.record_failure()
                if isinstance(exc, httpx.ConnectTimeout) and attempt + 1 < attempts:
                    continue
                log.warning("upstream_timeout", service=self.name, error=type(exc).__name__)
                raise UpstreamTimeout(
                    self.name, f"The {self.name} service did not answer in time."
                ) from None
            except httpx.TransportError as exc:
                self.breaker.record_failure()
                log.warning("upstream_transport_error", service=self.name, error=type(exc).__name__)
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.05)
                    continue
                raise UpstreamUnavailable(self.name) from None
            if response.status_code >= 500 and response.status_code not in (503, 504):
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            return response
        raise UpstreamUnavailable(self.name)  # pragma: no cover - loop always returns or raises

    async def _send_replicated(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str | int | float | bool | None]] | None,
        headers: dict[str, str] | None,
        content: bytes | AsyncIterator[bytes] | None,
        safe: bool,
    ) -> httpx.Response:
        """Round-robin over the replicas, failing over to the next one where that is safe."""
        replicas = self.replicas
        start = self._turn % len(replicas)
        self._turn += 1
        replayable = not isinstance(content, AsyncIterator)
        resendable = replayable and (method in IDEMPOTENT or safe)
        refused: httpx.Response | None = None
        tried = 0
        for replica in replicas[start:] + replicas[:start]:
            if not replica.breaker.allow():
                continue
            tried += 1
            try:
                response = await replica.client.request(
                    method, path, params=params, headers=headers, content=content
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # never reached this replica: any method may go to the next one
                replica.breaker.record_failure()
                log.warning("replica_unreachable", service=self.name, error=type(exc).__name__)
                if replayable:
                    continue
                raise UpstreamUnavailable(self.name) from None
            except httpx.TimeoutException as exc:
                replica.breaker.record_failure()
                log.warning("upstream_timeout", service=self.name, error=type(exc).__name__)
                raise UpstreamTimeout(
                    self.name, f"The {self.name} service did not answer in time."
                ) from None
            except httpx.TransportError as exc:
                # the replica may have had the request when it failed: resend only if harmless
                replica.breaker.record_failure()
                log.warning("replica_failed", service=self.name, error=type(exc).__name__)
                if resendable:
                    continue
                raise UpstreamUnavailable(self.name) from None
            if response.status_code >= 500 and response.status_code not in (503, 504):
                replica.breaker.record_failure()
            else:
                replica.breaker.record_success()
            if response.status_code == 503 and replayable:
                refused = response  # this replica cannot serve yet; another may
                continue
            return response
        if refused is not None:
            return refused
        if tried == 0:
            raise UpstreamUnavailable(
                self.name, f"The {self.name} service is unavailable (circuit open)."
            )
        raise UpstreamUnavailable(self.name)


async def forward(
    service: ServiceClient, request: Request, caller: Caller, secret: str
) -> Response:
    """Forward ``request`` to ``service`` as ``caller`` and relay the answer."""
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_REQUEST_HEADERS}
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        headers["x-request-id"] = request_id
    headers.update(identity_headers(caller, secret))
    content: bytes | AsyncIterator[bytes] | None = None
    if request.method in ("POST", "PUT", "PATCH"):
        # a replicated service may need the body twice (failover); ingest feeds stay streamed
        buffer = service.replicated and not request.url.path.startswith("/v1/ingest/")
        content = await request.body() if buffer else request.stream()
    upstream = await service.send(
        request.method,
        # re-encoded: a decoded path may hold characters (controls, spaces) no URL may carry
        urllib.parse.quote(request.url.path, safe="/:@!$&'()*+,;=~"),
        params=[(k, v) for k, v in request.query_params.multi_items()],
        headers=headers,
        content=content,
        retry_safe=request.method == "POST" and request.url.path in RETRY_SAFE_POSTS,
    )
    out_headers = {
        k: v
        for k, v in upstream.headers.items()
        if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"
    }
    return Response(content=upstream.content, status_code=upstream.status_code, headers=out_headers)
