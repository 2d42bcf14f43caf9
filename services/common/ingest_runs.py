"""Ingest runs and the one pipeline every feed goes through, whichever service owns the records.

``run_feed`` reads an adapter's items in batches. Each batch is one transaction holding the
upserts, their outbox events and the run's updated counts, so a crash leaves whole batches or
nothing, the counts always describe what is committed, and running the same feed again finishes
the job: records already written are "unchanged" (same content hash) and cost one indexed read.
A bad record is a reject with its position and reason; the rest of the feed still lands.
``mode="snapshot"`` closes the source's open records that the feed no longer lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.db import unit_of_work
from services.common.errors import NotFound
from services.common.events import Event
from services.common.ingest import FeedError, Reject
from services.common.models import NAMING_CONVENTION, UTCDateTime, utcnow
from services.common.outbox import add_event

REJECTS_KEPT = 1000
"""How many rejects a run stores (the count is always exact)."""

ingest_run_metadata = MetaData(naming_convention=NAMING_CONVENTION)
ingest_run_table = Table(
    "ingest_run",
    ingest_run_metadata,
    Column("id", String(40), primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("format", String(32), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("received", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("rejects", JSON, nullable=False),
    Column("error", String(1024)),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
)


def create_ingest_run_table() -> None:
    """Create ``ingest_run`` in a service's migration."""
    from alembic import op

    ingest_run_metadata.create_all(op.get_bind(), tables=[ingest_run_table])


@dataclass
class Counts:
    """What a run did so far."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0


@dataclass
class RunView:
    """An ingest run as the API shows it."""

    id: str
    source: str
    format: str
    mode: str
    status: str
    counts: Counts
    rejects: list[dict[str, Any]]
    error: str | None
    started_at: datetime
    finished_at: datetime | None

    def public(self) -> dict[str, Any]:
        """The run in the API's shape."""
        body = asdict(self)
        body["counts"] = asdict(self.counts)
        return body


class Record(Protocol):
    """What an upsert target needs of a record."""

    @property
    def external_id(self) -> str: ...

    def content_hash(self) -> str: ...


R = TypeVar("R", bound=Record)
R_contra = TypeVar("R_contra", bound=Record, contravariant=True)


class UpsertTarget(Protocol[R_contra]):
    """The service-specific half of ingestion: how its records are stored."""

    stream: str

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        """Content hashes of the source's records among ``external_ids``."""
        ...

    def upsert(self, session: Session, source: str, record: R_contra, exists: bool) -> Event:
        """Create or replace one record; the event describing the change."""
        ...

    def close_missing(
        self, session: Session, source: str, seen: set[str], limit: int
    ) -> list[Event]:
        """Close up to ``limit`` open records of ``source`` not in ``seen``; their events."""
        ...


def create_run(engine: Engine, run_id: str, *, source: str, format: str, mode: str) -> None:
    """Record a new run as running."""
    with unit_of_work(engine) as session:
        session.execute(
            insert(ingest_run_table).values(
                id=run_id,
                source=source,
                format=format,
                mode=mode,
                status="running",
                rejects=[],
                started_at=utcnow(),
                **asdict(Counts()),
            )
        )


def get_run(engine: Engine, run_id: str) -> RunView:
    """A run by id; ``NotFound`` when there is none."""
    with engine.connect() as conn:
        row = (
            conn.execute(select(ingest_run_table).where(ingest_run_table.c.id == run_id))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"No ingest run {run_id!r}.")
    return RunView(
        id=row["id"],
        source=row["source"],
        format=row["format"],
        mode=row["mode"],
        status=row["status"],
        counts=Counts(**{k: int(row[k]) for k in asdict(Counts())}),
        rejects=list(row["rejects"] or []),
        error=row["error"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _save_progress(
    session: Session, run_id: str, counts: Counts, rejects: list[dict[str, Any]], **extra: Any
) -> None:
    session.execute(
        update(ingest_run_table)
        .where(ingest_run_table.c.id == run_id)
        .values(rejects=rejects[:REJECTS_KEPT], **asdict(counts), **extra)
    )


@dataclass
class _Batch(Generic[R]):
    records: list[tuple[int, R]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _batches(items: Iterable[R | Reject], size: int) -> Iterator[_Batch[R]]:
    batch: _Batch[R] = _Batch()
    for position, item in enumerate(items):
        if isinstance(item, Reject):
            batch.rejects.append(item)
        else:
            batch.records.append((position, item))
        if len(batch.records) + len(batch.rejects) >= size:
            yield batch
            batch = _Batch()
    if batch.records or batch.rejects:
        yield batch


def _write_batch(
    session: Session,
    target: UpsertTarget[R],
    source: str,
    batch: _Batch[R],
    counts: Counts,
    seen: set[str],
) -> None:
    latest: dict[str, R] = {}
    for _position, record in batch.records:
        latest[record.external_id] = record  # a feed listing one id twice: the later entry wins
    known = target.existing_hashes(session, source, list(latest))
    counts.received += len(batch.records)
    counts.unchanged += len(batch.records) - len(latest)
    for external_id, record in latest.items():
        seen.add(external_id)
        old = known.get(external_id)
        if old is not None and old == record.content_hash():
            counts.unchanged += 1
            continue
        add_event(
            session, target.stream, target.upsert(session, source, record, exists=old is not None)
        )
        if old is None:
            counts.created += 1
        else:
            counts.updated += 1


def run_feed(
    engine: Engine,
    run_id: str,
    items: Iterable[R | Reject],
    target: UpsertTarget[R],
    *,
    source: str,
    mode: str,
    batch_size: int = 500,
    on_batch: Callable[[Counts], None] | None = None,
) -> RunView:
    """Ingest ``items`` into ``target`` as run ``run_id`` (created by :func:`create_run`)."""
    counts = Counts()
    rejects: list[dict[str, Any]] = []
    seen: set[str] = set()
    try:
        for batch in _batches(items, batch_size):
            for reject in batch.rejects:
                counts.received += 1
                counts.rejected += 1
                if len(rejects) < REJECTS_KEPT:
                    rejects.append(asdict(reject))
            with unit_of_work(engine) as session:
                _write_batch(session, target, source, batch, counts, seen)
                _save_progress(session, run_id, counts, rejects)
            if on_batch:
                on_batch(counts)
        if mode == "snapshot":
            while True:
                with unit_of_work(engine) as session:
                    events = target.close_missing(session, source, seen, limit=batch_size)
                    for event in events:
                        add_event(session, target.stream, event)
                    counts.closed += len(events)
                    _save_progress(session, run_id, counts, rejects)
                if len(events) < batch_size:
                    break
    except FeedError as exc:
        with unit_of_work(engine) as session:
            _save_progress(
                session,
                run_id,
                counts,
                rejects,
                status="failed",
                error=str(exc)[:1024],
                finished_at=utcnow(),
            )
        raise
    with unit_of_work(engine) as session:
        _save_progress(session, run_id, counts, rejects, status="completed", finished_at=utcnow())
    return get_run(engine, run_id)


def mark_interrupted(engine: Engine) -> int:
    """Runs left ``running`` by a process that died are ``interrupted`` (call on start-up)."""
    with unit_of_work(engine) as session:
        result = session.execute(
            update(ingest_run_table)
            .where(ingest_run_table.c.status == "running")
            .values(status="interrupted", finished_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)
