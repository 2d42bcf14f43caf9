"""The ingestion routes every catalogue service exposes, built once from what differs between them.

No ``from __future__ import annotations`` here: the ``format`` parameter's type is the calling
service's own ``Literal`` of formats, which FastAPI must see as an object, not a string.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import IO, Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.engine import Engine

from services.common.ingest_api import FEED_BODY, IngestMode, IngestRunPublic, ingest_upload
from services.common.ingest_runs import RunView, check_source, get_run, mark_interrupted
from services.common.roles import AdminDep, AnyCallerDep


@asynccontextmanager
async def _recover_runs(app: FastAPI) -> AsyncIterator[None]:
    """On start, runs a killed process left ``running`` become ``interrupted``."""
    await asyncio.to_thread(mark_interrupted, app.state.engine)
    yield


def ingest_router(
    *,
    noun: str,
    formats: Any,
    ingest_feed: Callable[[Engine, IO[bytes], str, str, str], RunView],
    template: Callable[[], str],
    source_example: str,
) -> APIRouter:
    """``POST /v1/ingest/{noun}``, ``GET /v1/ingest/runs/{run_id}``, ``GET /v1/ingest/templates/{noun}.csv``."""
    router = APIRouter(prefix="/v1", tags=["ingestion"], lifespan=_recover_runs)

    @router.post(
        f"/ingest/{noun}",
        response_model=IngestRunPublic,
        openapi_extra=FEED_BODY,
        responses={400: {"description": "The feed as a whole cannot be read."}},
        summary=f"Ingest a {noun} feed",
    )
    async def ingest(
        request: Request,
        _caller: AdminDep,
        source: Annotated[str, Query(min_length=1, max_length=64, examples=[source_example])],
        format: Annotated[formats, Query(description="How to read the body.")],
        mode: Annotated[
            IngestMode, Query(description=f"`snapshot` closes open {noun} missing from the feed.")
        ] = "delta",
    ) -> IngestRunPublic:
        """Upsert by (source, external id), skip unchanged records, reject bad ones with their position."""
        check_source(source)
        engine = request.app.state.engine
        return await ingest_upload(
            request, format, lambda body: ingest_feed(engine, body, source, format, mode)
        )

    @router.get("/ingest/runs/{run_id}", response_model=IngestRunPublic, summary="An ingest run")
    def get_ingest_run(run_id: str, request: Request, _caller: AdminDep) -> IngestRunPublic:
        """An ingest run: its status, counts so far and rejects."""
        return IngestRunPublic.model_validate(get_run(request.app.state.engine, run_id).public())

    @router.get(
        f"/ingest/templates/{noun}.csv",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/csv": {}}}},
        summary=f"The {noun} CSV upload template",
    )
    def csv_template(_caller: AnyCallerDep) -> PlainTextResponse:
        """The CSV upload template: the documented header and one example row."""
        return PlainTextResponse(
            template(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{noun}.csv"'},
        )

    return router
