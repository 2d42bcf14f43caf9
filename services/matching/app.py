"""The matching service: taxonomy, jobseekers, matches, routes, shortlists and referrals."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import ServiceSpec, create_service_app
from services.common.events import EventBus
from services.common.settings import Settings
from services.matching.api import router

SPEC = ServiceSpec(
    name="matching",
    title="Routeway matching",
    description="Scores jobseekers against vacancies and plans the training route that closes the gap.",
    routers=(router,),
)


def create_app(settings: Settings, *, bus: EventBus | None = None) -> FastAPI:
    """The matching service app on ``settings``."""
    return create_service_app(settings, SPEC, bus=bus)
