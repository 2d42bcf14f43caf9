"""The internal snapshot route a service exposes to matching replicas (never through the gateway)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from services.common.deps import SessionDep
from services.common.errors import InvalidInput
from services.common.pagination import decode_cursor, encode_cursor
from services.common.roles import AdminDep
from services.common.snapshots import SnapshotPage

PageFn = Callable[[Session, str | None, int], tuple[list[dict[str, Any]], str | None]]


def snapshot_router(path: str, stream: str, page_fn: PageFn) -> APIRouter:
    """``GET path``: pages of open records and the stream position taken before the first page."""
    router = APIRouter(include_in_schema=False)

    @router.get(path, response_model=SnapshotPage)
    async def snapshot(
        request: Request,
        session: SessionDep,
        _caller: AdminDep,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
        cursor: Annotated[str | None, Query(max_length=1024)] = None,
    ) -> SnapshotPage:
        secret = request.app.state.settings.secret_key
        after_id = None
        if cursor:
            (after_id,) = decode_cursor(cursor, secret, 1)
            if not isinstance(after_id, str):
                raise InvalidInput("The cursor is not valid.")
        position = await request.app.state.bus.last_position(stream)
        items, last = page_fn(session, after_id, limit)
        return SnapshotPage(
            items=items,
            next_cursor=encode_cursor([last], secret) if last else None,
            position=position,
        )

    return router
