"""The training service: providers, courses and their presentations."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import ServiceSpec, create_service_app
from services.common.events import EventBus
from services.common.ingest_routes import ingest_router
from services.common.settings import Settings
from services.common.snapshot_api import snapshot_router
from services.training import service
from services.training.adapters import csv_template
from services.training.api import router
from services.training.schemas import IngestFormat

SPEC = ServiceSpec(
    name="training",
    title="Routeway training",
    description="Catalogues college, university and apprenticeship courses that lead to care jobs.",
    routers=(
        ingest_router(
            noun="courses",
            formats=IngestFormat,
            ingest_feed=lambda engine, body, source, format, mode: service.ingest_feed(
                engine, body, source=source, format=format, mode=mode
            ),
            template=csv_template,
            source_example="worcester-college",
        ),
        router,
        snapshot_router(
            "/internal/snapshot/courses",
            service.STREAM,
            lambda s, after, n: service.snapshot_page(s, after_id=after, limit=n),
        ),
    ),
)


def create_app(settings: Settings, *, bus: EventBus | None = None) -> FastAPI:
    """The training service app on ``settings``."""
    return create_service_app(settings, SPEC, bus=bus)
