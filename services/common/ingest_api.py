"""The HTTP side of ingestion every service shares: the run's public shape and the upload handler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any, Literal

import anyio
from fastapi import Request
from pydantic import BaseModel, ConfigDict

from services.common.errors import InvalidInput
from services.common.ingest import FeedError
from services.common.ingest_runs import RunView
from services.common.uploads import spool_body

IngestMode = Literal["delta", "snapshot"]

FEED_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The raw feed; `format` decides how it is read, whatever the Content-Type.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in (
                "application/ld+json",
                "application/x-ndjson",
                "application/json",
                "application/xml",
                "text/xml",
                "text/csv",
                "application/octet-stream",
            )
        },
    }
}


class IngestCounts(BaseModel):
    """What an ingest run did."""

    received: int
    created: int
    updated: int
    unchanged: int
    closed: int
    rejected: int


class IngestReject(BaseModel):
    """One record the feed could not give: where it was and why."""

    position: int
    external_id: str | None
    reason: str


class IngestRunPublic(BaseModel):
    """An ingest run: counts so far, and the first 1,000 rejects."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "vrun_6d1e0c2b7a9f4e3d8c5b1a0f9e8d7c6b",
                "source": "nhs-jobs",
                "format": "jobposting-jsonld",
                "mode": "delta",
                "status": "completed",
                "counts": {
                    "received": 3,
                    "created": 2,
                    "updated": 0,
                    "unchanged": 0,
                    "closed": 0,
                    "rejected": 1,
                },
                "rejects": [{"position": 1, "external_id": None, "reason": "no title"}],
            }
        }
    )

    id: str
    source: str
    format: str
    mode: str
    status: Literal["running", "completed", "failed", "interrupted"] | str
    counts: IngestCounts
    rejects: list[IngestReject]
    error: str | None = None
    started_at: datetime
    finished_at: datetime | None


async def ingest_upload(
    request: Request, format: str, ingest: Callable[[IO[bytes]], RunView]
) -> IngestRunPublic:
    """Spool the request body to disk, ingest it off the event loop, and answer the run."""
    body = await spool_body(request)
    try:
        run = await anyio.to_thread.run_sync(lambda: ingest(body))
    except FeedError as exc:
        raise InvalidInput(f"The feed cannot be read as {format}: {exc}") from None
    finally:
        body.close()
        request.app.state.outbox.wake()
    return IngestRunPublic.model_validate(run.public())
