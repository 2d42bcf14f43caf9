"""The gateway: the one public door, and in embedded mode the process that hosts every service.

Embedded (no service URL configured): the gateway builds the three service apps in this
process, runs their lifespans inside its own, shares one event bus between them, and reaches
each through ``httpx.ASGITransport``. Distributed: the same ``ServiceClient`` gets the
service's base URL, or several comma-separated ones for a replicated service (round-robin with
failover, a circuit breaker per replica; ``gateway.proxy``). Nothing else differs.

``/readyz`` answers whether *this gateway process* can serve: ``503`` (``"status":
"unavailable"``) when its own database is down (every request checks a key there) or, in
embedded mode, when an in-process service or the Redis it publishes events through is down.
Everything shared by every gateway replica is reported but keeps it ready (``200``,
``"status": "degraded"``): a service with no replica answering (clients get a 503 problem
naming it), one replica of several down, a service whose events are paused because Redis is
away, and the rate limiter on its local fallback. As a Kubernetes readiness probe it
therefore takes a gateway pod out only for a fault of that pod, never every pod at once for
a downstream outage.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.api import router as admin_router
from gateway.audit import AuditMiddleware
from gateway.auth import AccessDep, KeyCache
from gateway.openapi import merge_openapi
from gateway.policy import service_for
from gateway.proxy import Replica, ServiceClient, forward, parse_urls, replicas_state
from gateway.ratelimit import RateLimitHeadersMiddleware, create_rate_limiter
from services.common.app import add_common_middleware, readiness
from services.common.db import create_service_engine
from services.common.errors import NotFound, install_error_handlers
from services.common.events import EventBus, create_bus
from services.common.migrations import upgrade
from services.common.settings import Settings
from services.matching.app import create_app as create_matching_app
from services.training.app import create_app as create_training_app
from services.vacancies.app import create_app as create_vacancies_app

ServiceFactory = Callable[..., FastAPI]
SERVICE_FACTORIES: dict[str, ServiceFactory] = {
    "vacancies": create_vacancies_app,
    "training": create_training_app,
    "matching": create_matching_app,
}


def _timeout(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(settings.service_timeout_s, connect=2.0)


@asynccontextmanager
async def _service_clients(
    app: FastAPI, settings: Settings, bus: EventBus
) -> AsyncIterator[dict[str, ServiceClient]]:
    """A client per service: in-process apps (with their lifespans) or remote base URLs."""
    clients: dict[str, ServiceClient] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, factory in SERVICE_FACTORIES.items():
            url = settings.services.url_for(name)  # type: ignore[arg-type]
            others: list[Replica] = []
            if url:
                first, *more = parse_urls(url)
                client = httpx.AsyncClient(base_url=first, timeout=_timeout(settings))
                for replica_url in more:
                    replica = httpx.AsyncClient(base_url=replica_url, timeout=_timeout(settings))
                    others.append(Replica(await stack.enter_async_context(replica)))
            else:
                peers = {n: c.client for n, c in clients.items()} if name == "matching" else None
                service_app = factory(
                    settings, bus=bus, **({"peers": peers} if peers is not None else {})
                )
                await stack.enter_async_context(service_app.router.lifespan_context(service_app))
                app.state.embedded_apps[name] = service_app
                client = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=service_app),
                    base_url=f"http://{name}.internal",
                    timeout=_timeout(settings),
                )
            await stack.enter_async_context(client)
            clients[name] = ServiceClient(name, client, others=others)
        yield clients


async def _service_state(service: ServiceClient) -> str:
    """``ok``, ``degraded: ...`` or ``unavailable``, from each replica's own ``/readyz``.

    A replica is ready when it answers 200; one of several down is ``degraded: 1 of 2
    replicas ready``; all ready but reporting a dependency down (Redis: events paused) is
    ``degraded: redis``.
    """
    answers: list[bool] = []
    impaired: set[str] = set()
    for replica in service.replicas:
        try:
            response = await replica.client.get("/readyz", timeout=3.0)
        except httpx.HTTPError:
            answers.append(False)
            continue
        answers.append(response.status_code == 200)
        with contextlib.suppress(ValueError, AttributeError):
            checks = response.json().get("checks") or {}
            impaired.update(k for k, v in checks.items() if v != "ok")
    state = replicas_state(answers)
    if state == "ok" and impaired:
        return "degraded: " + ", ".join(sorted(impaired))
    return state


async def _service_openapi(app: FastAPI) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name, client in app.state.services.items():
        embedded = app.state.embedded_apps.get(name)
        if embedded is not None:
            docs.append(embedded.openapi())
            continue
        try:
            response = await client.client.get("/openapi.json")
            docs.append(response.json())
        except (httpx.HTTPError, ValueError):
            continue
    return docs


def create_app(settings: Settings) -> FastAPI:
    """The gateway on ``settings`` (embedded when no service URL is configured)."""
    settings.check_secrets()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_service_engine(settings, "gateway")
        await asyncio.to_thread(upgrade, "gateway", engine)
        app.state.engine = engine
        bus = create_bus(settings.redis_url)
        app.state.bus = bus
        app.state.rate_limiter = create_rate_limiter(settings)
        try:
            async with _service_clients(app, settings, bus) as clients:
                app.state.services = clients
                yield
        finally:
            await app.state.rate_limiter.close()
            await bus.close()
            engine.dispose()

    app = FastAPI(
        title="Routeway API",
        description=(
            "Routes into NHS and social-care work: vacancies, training courses, matching, "
            "training routes, shortlists and referrals. Authenticate with `Authorization: "
            "Bearer <key>`; errors are RFC 9457 problem+json."
        ),
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.embedded_apps = {}
    app.state.key_cache = KeyCache()
    app.state.openapi_doc = None
    install_error_handlers(app)
    app.add_middleware(AuditMiddleware)
    app.add_middleware(RateLimitHeadersMiddleware)
    add_common_middleware(app, settings, "gateway")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=[
                "X-Request-ID",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ],
        )

    @app.get("/healthz", tags=["health"], summary="Liveness: the gateway answers.")
    async def healthz() -> dict[str, str]:
        """The gateway process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="Readiness: this gateway can serve.")
    async def readyz(request: Request) -> JSONResponse:
        """503 when this process cannot serve; 200 ``degraded`` naming what is impaired."""
        _, checks = await readiness(request.app)
        embedded = request.app.state.embedded_apps
        ok = checks["database"] == "ok"
        if embedded and "redis" in checks:
            ok = ok and checks["redis"] == "ok"  # embedded services publish events through it
        checks["rate_limiter"] = await request.app.state.rate_limiter.health()
        for name, service in request.app.state.services.items():
            checks[name] = await _service_state(service)
            if name in embedded:  # in this process: its failure is this process's
                ok = ok and checks[name] != "unavailable"
        impaired = any(value != "ok" for value in checks.values())
        status = "unavailable" if not ok else "degraded" if impaired else "ok"
        return JSONResponse({"status": status, "checks": checks}, status_code=200 if ok else 503)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        """One OpenAPI document for every public path."""
        if request.app.state.openapi_doc is None:
            service_docs = await _service_openapi(request.app)
            request.app.state.openapi_doc = merge_openapi(request.app.openapi(), service_docs)
        return JSONResponse(request.app.state.openapi_doc)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Interactive documentation."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Routeway API")

    app.include_router(admin_router)

    @app.api_route(
        "/v1/{path:path}",
        methods=["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"],
        include_in_schema=False,
    )
    async def proxy(request: Request, access: AccessDep) -> Response:
        """Forward an authorised request to the service that answers it."""
        name = service_for(access.rule, access.params)
        if name is None or name not in request.app.state.services:
            raise NotFound(f"No resource at {request.url.path}.")
        return await forward(
            request.app.state.services[name], request, access.caller, settings.secret_key
        )

    return app
