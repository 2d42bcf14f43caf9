"""Opaque keyset cursor pagination: ``{"items": [...], "next_cursor": str | null}``.

A cursor holds the sort key of the last item served, JSON-encoded, signed with HMAC-SHA256 under
the deployment secret and base64url-encoded. A forged or tampered cursor is a 400 problem, not a
crash and not a silent restart from page one. Keyset conditions are written out column by column
(``a > x OR (a = x AND b > y)``) so each value binds with its column's type on every database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from services.common.errors import InvalidInput, ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
_SIG_BYTES = 12


class Page(BaseModel, Generic[T]):
    """One page of a list and the cursor of the next (``null`` on the last page)."""

    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    """The ``limit`` and ``cursor`` query parameters every list takes."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = None


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-200).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=1024, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    """FastAPI dependency reading ``limit`` and ``cursor``."""
    return PageParams(limit=limit, cursor=cursor)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(str(value["dt"]))
        if "d" in value:
            return date.fromisoformat(str(value["d"]))
    return value


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:_SIG_BYTES]


def encode_cursor(values: Sequence[Any], secret: str) -> str:
    """An opaque, signed cursor for the sort key ``values``."""
    payload = orjson.dumps([_to_json(v) for v in values])
    token = _sign(secret, payload) + payload
    return base64.urlsafe_b64encode(token).decode().rstrip("=")


def decode_cursor(cursor: str, secret: str, arity: int) -> list[Any]:
    """The sort key inside ``cursor``; ``InvalidInput`` when it was not made here."""
    invalid = InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError):
        raise invalid from None
    signature, payload = token[:_SIG_BYTES], token[_SIG_BYTES:]
    if len(signature) != _SIG_BYTES or not hmac.compare_digest(signature, _sign(secret, payload)):
        raise invalid
    try:
        raw = orjson.loads(payload)
        values = [_from_json(v) for v in raw]
    except (orjson.JSONDecodeError, ValueError, TypeError):
        raise invalid from None
    if not isinstance(raw, list) or len(values) != arity:
        raise invalid
    return values


def after(
    columns: Sequence[Any], values: Sequence[Any], *, descending: bool = False
) -> ColumnElement[bool]:
    """The keyset condition "strictly after ``values``" for an ordering on ``columns``."""
    clauses = []
    for i, column in enumerate(columns):
        equal_prefix = [columns[j] == values[j] for j in range(i)]
        step = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal_prefix, step))
    return or_(*clauses)


def after_newest(columns: Sequence[Any], cursor: str, secret: str) -> ColumnElement[bool]:
    """Rows after a ``(created_at, id)`` cursor of a newest-first list; 422 for any other cursor
    (a genuine cursor of another list, whose values are of other types, included)."""
    created, last_id = decode_cursor(cursor, secret, 2)
    if not isinstance(created, datetime) or not isinstance(last_id, str):
        raise ValidationFailed(
            "The cursor is not valid.",
            [{"field": "query.cursor", "message": "not a list cursor", "type": "value_error"}],
        )
    return after(columns, [created, last_id], descending=True)


def next_cursor_for(
    rows: Sequence[T], limit: int, key: Any, secret: str
) -> tuple[list[T], str | None]:
    """Trim a ``limit + 1`` fetch to ``limit`` and make the cursor of the next page."""
    if len(rows) <= limit:
        return list(rows), None
    page = list(rows[:limit])
    return page, encode_cursor(key(page[-1]), secret)
