"""The vacancies service: NHS and social-care vacancies, their ingest runs and search."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import ServiceSpec, create_service_app
from services.common.events import EventBus
from services.common.ingest_routes import ingest_router
from services.common.settings import Settings
from services.common.snapshot_api import snapshot_router
from services.vacancies import service
from services.vacancies.adapters import csv_template
from services.vacancies.api import router
from services.vacancies.schemas import IngestFormat

SPEC = ServiceSpec(
    name="vacancies",
    title="Routeway vacancies",
    description="Ingests NHS and social-care vacancy feeds and searches open vacancies by place.",
    routers=(
        ingest_router(
            noun="vacancies",
            formats=IngestFormat,
            ingest_feed=lambda engine, body, source, format, mode: service.ingest_feed(
                engine, body, source=source, format=format, mode=mode
            ),
            template=csv_template,
            source_example="nhs-jobs",
        ),
        router,
        snapshot_router(
            "/internal/snapshot/vacancies",
            service.STREAM,
            lambda s, after, n: service.snapshot_page(s, after_id=after, limit=n),
        ),
    ),
)


def create_app(settings: Settings, *, bus: EventBus | None = None) -> FastAPI:
    """The vacancies service app on ``settings``."""
    return create_service_app(settings, SPEC, bus=bus)
