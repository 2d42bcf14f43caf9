"""Enrichment run again over stored vacancies, after the taxonomy (or the postcode data) changed.

Ingestion skips an advert whose content did not change, so a stored vacancy keeps the
enrichment of the taxonomy it was ingested with. :func:`reenrich_vacancies` (the command
``routeway reenrich vacancies``) walks the table in id order, one transaction per batch:
it rebuilds each vacancy's record from its stored columns (title, employer, description,
band, postcode and coordinates: all that enrichment reads), enriches it again, and updates
the rows whose enrichment changed, each with a ``vacancy.updated`` event in the outbox. A
row whose enrichment is the same is left alone, so running it twice changes nothing the
second time, and stopping part-way leaves whole batches done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Engine

from services.common.db import unit_of_work
from services.common.events import Event
from services.common.models import utcnow
from services.common.outbox import add_events
from services.vacancies.adapters.records import VacancyRecord
from services.vacancies.enrich import enrich
from services.vacancies.service import (
    STREAM,
    VACANCY_TABLE,
    enrichment_columns,
    vacancy_event_data,
)


@dataclass
class ReenrichCounts:
    """How many vacancies were enriched again so far, and how many of them changed."""

    seen: int = 0
    changed: int = 0


def stored_record(row: Mapping[Any, Any]) -> VacancyRecord:
    """The part of a vacancy's record that enrichment reads, from its stored columns."""
    return VacancyRecord(
        external_id=row["external_id"],
        title=row["title"],
        employer=row["employer"],
        description=row["description"],
        band=row["band"],
        postcode=row["postcode"],
        lat=row["lat"],
        lon=row["lon"],
    )


def count_vacancies(engine: Engine, source: str | None = None) -> int:
    """How many vacancies :func:`reenrich_vacancies` would walk."""
    table = VACANCY_TABLE
    query = select(func.count()).select_from(table)
    if source is not None:
        query = query.where(table.c.source == source)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def reenrich_vacancies(
    engine: Engine,
    *,
    source: str | None = None,
    batch_size: int = 500,
    on_batch: Callable[[ReenrichCounts], None] | None = None,
) -> ReenrichCounts:
    """Enrich every stored vacancy (of ``source``, if given) again; update those that changed."""
    table = VACANCY_TABLE
    counts = ReenrichCounts()
    last_id = ""
    while True:
        query = select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)
        if source is not None:
            query = query.where(table.c.source == source)
        with unit_of_work(engine) as session:
            rows = session.execute(query).mappings().all()
            if not rows:
                break
            now = utcnow()
            updates: list[dict[str, Any]] = []
            events: list[Event] = []
            for row in rows:
                fresh = enrichment_columns(enrich(stored_record(row)))
                if all(row[name] == value for name, value in fresh.items()):
                    continue
                updates.append({**fresh, "updated_at": now, "b_id": row["id"]})
                new = {**row, **fresh}
                events.append(Event("vacancy.updated", row["id"], vacancy_event_data(new)))
            if updates:
                session.execute(update(table).where(table.c.id == bindparam("b_id")), updates)
                add_events(session, STREAM, events)
        counts.seen += len(rows)
        counts.changed += len(updates)
        last_id = rows[-1]["id"]
        if on_batch is not None:
            on_batch(counts)
    return counts
