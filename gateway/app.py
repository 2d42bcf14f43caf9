"""The gateway: the one public door, and in embedded mode the process that hosts every service.

Embedded (no service URL configured): the gateway builds the three service apps in this
process, runs their lifespans inside its own, shares one event bus between them, and reaches
each through ``httpx.ASGITransport``. Distributed: the same ``ServiceClient`` gets the
service's base URL, or several comma-separated ones for a replicated service (round-robin with
failover, a circuit breaker per replica; ``gateway.proxy``). Nothing else differs.

``/readyz`` is 503 when the gateway cannot serve: its database, a service, or Redis while an
embedded service needs it for events. The rate limiter alone never makes it 503: with Redis
gone it keeps serving on a local limiter and reports ``"rate_limiter": "degraded: local
fallback"`` (and in fully distributed mode, where the gateway uses Redis only for rate limits,
an unreachable Redis is reported but keeps the gateway ready).
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

    @app.get("/readyz", tags=["health"], summary="Readiness: the gateway and every service answer.")
    async def readyz(request: Request) -> JSONResponse:
        """Every dependency and every service answers (503 naming what does not)."""
        _, checks = await readiness(request.app)
        required = ["database"]
        if request.app.state.embedded_apps and "redis" in checks:
            required.append("redis")  # embedded services publish their events through it
        ok = all(checks[name] == "ok" for name in required)
        checks["rate_limiter"] = await request.app.state.rate_limiter.health()
        for name, service in request.app.state.services.items():
            answers = []
            for replica in service.replicas:
                try:
                    response = await replica.client.get("/readyz", timeout=3.0)
                    answers.append(response.status_code == 200)
                except httpx.HTTPError:
                    answers.append(False)
            checks[name] = replicas_state(answers)  # one replica of several down: degraded
            ok = ok and checks[name] != "unavailable"
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

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
