"""``Annotated`` dependencies every service's routes use, so signatures read like sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from services.common.auth import Caller, caller_from_headers
from services.common.db import unit_of_work
from services.common.events import EventBus
from services.common.pagination import PageParams, page_params
from services.common.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on error."""
    with unit_of_work(request.app.state.engine) as session:
        yield session
    outbox = getattr(request.app.state, "outbox", None)
    if outbox is not None:
        outbox.wake()


def get_caller(request: Request) -> Caller:
    """The caller the gateway vouched for (anonymous when unsigned)."""
    settings: Settings = request.app.state.settings
    headers = {k.lower(): v for k, v in request.headers.items()}
    return caller_from_headers(headers, settings.secret_key)


def get_bus(request: Request) -> EventBus:
    """The event bus of this process."""
    bus: EventBus = request.app.state.bus
    return bus


SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit (and wake the relay) before the response is sent, so a client that
# got a 2xx can read its write on any replica; FastAPI's default ends it after the response.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
CallerDep = Annotated[Caller, Depends(get_caller)]
BusDep = Annotated[EventBus, Depends(get_bus)]
PageDep = Annotated[PageParams, Depends(page_params)]
