"""What a vacancies database holds, read back for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from services.common.outbox import outbox_table
from services.vacancies.models import Vacancy


def vacancy_rows(engine: Engine) -> list[dict[str, Any]]:
    """Every stored vacancy as its column values."""
    with engine.connect() as conn:
        rows = conn.execute(select(Vacancy.__table__)).mappings().all()  # type: ignore[attr-defined]
    return [dict(row) for row in rows]


def outbox_events(engine: Engine) -> list[dict[str, Any]]:
    """The outbox's events in the order they were written."""
    with engine.connect() as conn:
        rows = conn.execute(select(outbox_table.c.event).order_by(outbox_table.c.seq)).all()
    return [row[0] for row in rows]
