"""The matching service: taxonomy, jobseekers, matches, routes, shortlists and referrals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

import httpx
from fastapi import FastAPI

from services.common.app import ServiceSpec, create_service_app
from services.common.events import EventBus
from services.common.settings import Settings
from services.matching.api import router
from services.matching.indexer import IndexKeeper, replica_id
from services.matching.people_api import router as people_router
from services.matching.people_keeper import people_hook


def _index_hook(settings: Settings, peers: Mapping[str, httpx.AsyncClient] | None):  # type: ignore[no-untyped-def]
    @contextlib.asynccontextmanager
    async def hook(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            clients = dict(peers or {})
            for name in ("vacancies", "training"):
                url = settings.services.url_for(name)
                if name not in clients and url:
                    clients[name] = await stack.enter_async_context(
                        httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(30.0, connect=2.0))
                    )
            keeper = IndexKeeper(
                clients.get("vacancies"),
                clients.get("training"),
                settings.secret_key,
                replica=replica_id(settings),
            )
            app.state.index_keeper = keeper
            stop = asyncio.Event()
            task = asyncio.create_task(keeper.run(app.state.bus, stop))
            try:
                yield
            finally:
                stop.set()
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    return hook


def create_app(
    settings: Settings,
    *,
    bus: EventBus | None = None,
    peers: Mapping[str, httpx.AsyncClient] | None = None,
) -> FastAPI:
    """The matching service app on ``settings``; ``peers`` reach vacancies and training in-process."""
    spec = ServiceSpec(
        name="matching",
        title="Routeway matching",
        description="Scores jobseekers against vacancies and plans the training route that closes the gap.",
        routers=(router, people_router),
        hooks=(_index_hook(settings, peers), people_hook(settings)),
    )
    app = create_service_app(settings, spec, bus=bus)
    if peers is None:
        # a replica of its own (distributed mode, Kubernetes): not ready, so sent no traffic,
        # until its indexes are built; embedded, the gateway waits on first use instead
        app.state.ready_gate = lambda: indexes_built(app)
    return app


def indexes_built(app: FastAPI) -> bool:
    """Whether this process's match index and jobseeker index have finished their first build."""
    keeper = getattr(app.state, "index_keeper", None)
    people = getattr(app.state, "people", None)
    return bool(keeper and keeper.ready.is_set() and people and people.ready.is_set())
