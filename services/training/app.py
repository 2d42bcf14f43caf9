"""The training service: providers, courses and their presentations."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import ServiceSpec, create_service_app
from services.common.events import EventBus
from services.common.settings import Settings
from services.common.snapshot_api import snapshot_router
from services.training import service
from services.training.api import router

SPEC = ServiceSpec(
    name="training",
    title="Routeway training",
    description="Catalogues college, university and apprenticeship courses that lead to care jobs.",
    routers=(
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
