"""The one app factory every service uses, so the three services are built the same way.

``create_service_app(settings, spec)`` gives a FastAPI app with: its own engine (migrated on
start), the event bus (shared in embedded mode, Redis in distributed mode), the outbox relay,
problem+json errors, request ids, access logs, body limits, security headers, ``/healthz`` and
``/readyz``. A service adds only its routers and, if it needs one, a lifespan hook.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from services.common.db import create_service_engine, ping
from services.common.errors import install_error_handlers
from services.common.events import EventBus, create_bus
from services.common.logging import AccessLogMiddleware, valid_request_id
from services.common.middleware import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from services.common.migrations import upgrade
from services.common.outbox import OutboxRelay
from services.common.settings import ServiceName, Settings

Hook = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class ServiceSpec:
    """What makes one service different from another."""

    name: ServiceName
    title: str
    description: str
    routers: Sequence[APIRouter]
    hooks: Sequence[Hook] = field(default_factory=tuple)
    uses_outbox: bool = True
    openapi_tags: Sequence[dict[str, Any]] = field(default_factory=tuple)


def body_limit_for(settings: Settings) -> Callable[[str], int]:
    """Ingest endpoints take feeds; everything else takes small JSON bodies."""

    def limit(path: str) -> int:
        return (
            settings.max_ingest_bytes if path.startswith("/v1/ingest/") else settings.max_body_bytes
        )

    return limit


def add_common_middleware(app: FastAPI, settings: Settings, service: str) -> None:
    """Request ids, access log, body limit and security headers, outermost last."""
    app.add_middleware(BodySizeLimitMiddleware, limit_for=body_limit_for(settings))
    app.add_middleware(AccessLogMiddleware, service=service)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        CorrelationIdMiddleware, header_name="X-Request-ID", validator=valid_request_id
    )


async def readiness(app: FastAPI) -> tuple[bool, dict[str, str]]:
    """Whether the app's database and bus answer, with a word per dependency."""
    checks: dict[str, str] = {}
    ok = True
    try:
        await asyncio.to_thread(ping, app.state.engine)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
        ok = False
    gate: Callable[[], bool] | None = getattr(app.state, "ready_gate", None)
    if gate is not None:  # e.g. a matching replica's index, built from snapshots at start-up
        checks["index"] = "ok" if gate() else "building"
        ok = ok and checks["index"] == "ok"
    if app.state.settings.redis_url:
        try:
            await asyncio.wait_for(app.state.bus.ping(), 2)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
            ok = False
    return ok, checks


def health_router() -> APIRouter:
    """``/healthz`` (alive) and ``/readyz`` (dependencies answer)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers.")
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: the database answers (Redis: degraded when away).")
    async def readyz(request: Request) -> JSONResponse:
        """503 without the database or while an in-memory index is still being built; 200
        ``degraded`` while Redis is away (events wait in the outbox)."""
        ok, checks = await readiness(request.app)
        serving = checks["database"] == "ok" and checks.get("index", "ok") == "ok"
        building = checks["database"] == "ok" and not serving
        status = (
            "ok" if ok else "degraded" if serving else "starting" if building else "unavailable"
        )
        return JSONResponse(
            {"status": status, "checks": checks}, status_code=200 if serving else 503
        )

    return router


def create_service_app(
    settings: Settings, spec: ServiceSpec, *, bus: EventBus | None = None
) -> FastAPI:
    """Build ``spec``'s app on ``settings``; ``bus`` is shared when the gateway embeds it."""
    owns_bus = bus is None
    event_bus = bus if bus is not None else create_bus(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_service_engine(settings, spec.name)
        await asyncio.to_thread(upgrade, spec.name, engine)
        app.state.engine = engine
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        if spec.uses_outbox:
            relay = OutboxRelay(engine, event_bus, poll_s=settings.outbox_poll_s)
            app.state.outbox = relay
            tasks.append(asyncio.create_task(relay.run(stop)))
        try:
            async with contextlib.AsyncExitStack() as stack:
                for hook in spec.hooks:
                    await stack.enter_async_context(hook(app))
                yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if owns_bus:
                await event_bus.close()
            engine.dispose()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="0.1.0",
        lifespan=lifespan,
        openapi_tags=list(spec.openapi_tags) or None,
    )
    app.state.settings = settings
    app.state.bus = event_bus
    app.state.service = spec.name
    install_error_handlers(app)
    add_common_middleware(app, settings, spec.name)
    app.include_router(health_router())
    for router in spec.routers:
        app.include_router(router)
    return app
