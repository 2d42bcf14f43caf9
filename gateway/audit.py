"""The append-only audit log: every access to personal data and every admin action."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from asgi_correlation_id import correlation_id
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.models import AuditEvent
from gateway.policy import Rule
from services.common.auth import Caller

ERASURE_ACTION = "jobseeker.erase"
ERASED = "[erased]"


def record(engine: Engine, event: AuditEvent, *, erased_id: str | None = None) -> None:
    """Append one audit row in its own transaction.

    For a successful erasure (``erased_id``), the same transaction puts ``[erased]`` in place of
    the id in every earlier row's path: the rows stay (who read a jobseeker's record, when),
    the person's id stays only in the erasure's own row.
    """
    with Session(engine) as session:
        session.add(event)
        session.flush()
        if erased_id:
            session.execute(
                update(AuditEvent)
                .where(
                    col(AuditEvent.id) != event.id,
                    col(AuditEvent.path).contains(erased_id, autoescape=True),
                )
                .values(path=func.replace(col(AuditEvent.path), erased_id, ERASED))
            )
        session.commit()


def list_events(
    session: Session,
    *,
    limit: int,
    after_id: int | None = None,
    action: str | None = None,
    key_id: str | None = None,
    since: datetime | None = None,
) -> list[AuditEvent]:
    """Audit rows oldest first, filtered; ``limit + 1`` rows so the caller can page."""
    query = select(AuditEvent).order_by(col(AuditEvent.id))
    if after_id is not None:
        query = query.where(col(AuditEvent.id) > after_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if key_id:
        query = query.where(AuditEvent.key_id == key_id)
    if since:
        query = query.where(col(AuditEvent.at) >= since)
    return list(session.exec(query.limit(limit + 1)).all())


class AuditMiddleware:
    """After each response, record it when its rule is audited or the caller is an admin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, send_wrapper)
        state: dict[str, Any] = scope.get("state") or {}
        rule: Rule | None = state.get("rule")
        caller: Caller | None = state.get("caller")
        if rule is None or caller is None:
            return
        if rule.audit is None and caller.role != "admin":
            return
        request_id = correlation_id.get()
        event = AuditEvent(
            key_id=caller.key_id,
            role=caller.role,
            office=caller.office,
            org=caller.org,
            method=str(scope.get("method", "")),
            path=str(scope.get("path", ""))[:512],
            action=rule.audit or f"admin.{rule.method.lower()}",
            status=status,
            request_id=request_id,
        )
        erased_id = None
        if event.action == ERASURE_ACTION and status == 200:
            match = rule.regex.match(str(scope.get("path", "")))
            erased_id = match.group("jobseeker_id") if match else None
        await asyncio.to_thread(record, scope["app"].state.engine, event, erased_id=erased_id)
