"""The gateway's own routes: API keys and the audit log (admin only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Session

from gateway import audit, keys
from gateway.auth import AccessDep
from gateway.schemas import AuditEventPublic, KeyCreate, KeyIssued, KeyPublic
from services.common.db import unit_of_work
from services.common.errors import InvalidInput, ValidationFailed
from services.common.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params

router = APIRouter(prefix="/v1", tags=["admin"])


def _session(request: Request) -> Iterator[Session]:
    with unit_of_work(request.app.state.engine) as session:
        yield session


GatewaySession = Annotated[Session, Depends(_session)]
PageDep = Annotated[PageParams, Depends(page_params)]


def _position(cursor: str | None, secret: str) -> int | None:
    """The whole number inside one of this module's cursors (a cursor signed for another
    list holds something else: 400)."""
    if cursor is None:
        return None
    value = decode_cursor(cursor, secret, 1)[0]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
    return value


def _as_utc(value: datetime) -> datetime:
    """``value`` in UTC; 422 when that falls outside the years a datetime can hold."""
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise ValidationFailed(
            "since is out of range.",
            [{"field": "query.since", "message": "out of range", "type": "value_error"}],
        ) from None


@router.get("/keys", response_model=Page[KeyPublic])
def list_keys(
    request: Request, _access: AccessDep, session: GatewaySession, page: PageDep
) -> Page[KeyPublic]:
    """List API keys, newest first (never their secrets)."""
    secret = request.app.state.settings.secret_key
    rows = keys.list_keys(session)
    start = _position(page.cursor, secret) or 0
    chunk = rows[start : start + page.limit]
    more = start + page.limit < len(rows)
    return Page(
        items=[KeyPublic.model_validate(r, from_attributes=True) for r in chunk],
        next_cursor=encode_cursor([start + page.limit], secret) if more else None,
    )


@router.post("/keys", response_model=KeyIssued, status_code=201)
def create_key(body: KeyCreate, _access: AccessDep, session: GatewaySession) -> KeyIssued:
    """Issue a key; the response is the only time the key is shown."""
    issued = keys.create_key(
        session,
        role=body.role,
        office=body.office,
        org=body.org,
        label=body.label,
        expires_in=timedelta(days=body.expires_in_days) if body.expires_in_days else None,
    )
    public = KeyPublic.model_validate(issued.record, from_attributes=True)
    return KeyIssued(**public.model_dump(), key=issued.key)


@router.delete("/keys/{key_id}", response_model=KeyPublic)
def revoke_key(
    request: Request, key_id: str, _access: AccessDep, session: GatewaySession
) -> KeyPublic:
    """Revoke a key from now on (other gateway processes notice within 30 s)."""
    revoked = KeyPublic.model_validate(keys.revoke_key(session, key_id), from_attributes=True)
    session.commit()  # committed before the cache forgets, so no request re-caches the old state
    request.app.state.key_cache.forget(key_id)
    return revoked


@router.get("/audit", response_model=Page[AuditEventPublic])
def list_audit(
    request: Request,
    _access: AccessDep,
    session: GatewaySession,
    page: PageDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    key_id: Annotated[str | None, Query(max_length=32)] = None,
    since: datetime | None = None,
) -> Page[AuditEventPublic]:
    """The audit log, oldest first, filtered by action, key or time."""
    secret = request.app.state.settings.secret_key
    after_id = _position(page.cursor, secret)
    if since is not None:
        since = _as_utc(since)
    rows = audit.list_events(
        session, limit=page.limit, after_id=after_id, action=action, key_id=key_id, since=since
    )
    items = [AuditEventPublic.model_validate(r, from_attributes=True) for r in rows[: page.limit]]
    nxt = encode_cursor([items[-1].id], secret) if len(rows) > page.limit and items else None
    return Page(items=items, next_cursor=nxt)
