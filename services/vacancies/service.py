"""The vacancies service's logic: ingesting feeds and searching vacancies. No FastAPI here.

Ingestion (``INGESTION``: ``ingest_feed``, ``ingest_items``) goes through
``services.common.ingest_runs.run_feed`` with ``VacancyTarget``: ``prepare_vacancy`` (pure:
parse and enrichment, the costly part, run on worker processes for big feeds) turns a record
into the vacancy's column values, and ``VacancyTarget.write`` stores a batch of them with one
multi-row INSERT and one multi-row UPDATE. JobPosting JSON-LD is read with the adapter's
deferred variant, so an unchanged advert is never parsed or enriched. Stored vacancies take a
changed taxonomy through ``services.vacancies.reenrich``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.common.errors import InvalidInput, NotFound
from services.common.events import Event
from services.common.ingest_runs import Change, Ingestion
from services.common.models import stable_id, utcnow
from services.common.nearby import around, page_by_distance
from services.common.pagination import after, decode_cursor, encode_cursor
from services.vacancies.adapters import ADAPTERS, VacancyRecord
from services.vacancies.adapters.jobposting import defer_jobposting
from services.vacancies.enrich import Enrichment, enrich
from services.vacancies.models import Vacancy

__all__ = ["Vacancy"]

STREAM = "vacancies"
RUN_PREFIX = "vrun_"
MAX_RADIUS_KM = 300.0
DEFAULT_RADIUS_KM = 10.0

_EVENT_COLUMNS: Final = (
    "id",
    "source",
    "external_id",
    "title",
    "employer",
    "sector",
    "role",
    "soc_code",
    "band",
    "hours_per_week",
    "working_pattern",
    "contract",
    "lat",
    "lon",
    "region",
    "closing_date",
    "status",
    "entry_level",
    "skills",
    "requirements",
)


def vacancy_event_data(v: Vacancy | Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
    """What the matching index needs of a vacancy (a row, or its column values), carried in its events."""
    row = v if isinstance(v, Mapping) else {name: getattr(v, name) for name in _EVENT_COLUMNS}
    closing: date | None = row["closing_date"]
    return {
        "id": row["id"],
        "source": row["source"],
        "external_id": row["external_id"],
        "title": row["title"],
        "employer": row["employer"],
        "sector": row["sector"],
        "role": row["role"],
        "soc_code": row["soc_code"],
        "band": row["band"],
        "hours_per_week": row["hours_per_week"],
        "working_pattern": list(row["working_pattern"]),
        "contract": row["contract"],
        "lat": row["lat"],
        "lon": row["lon"],
        "region": row["region"],
        "closing_date": closing.isoformat() if closing else None,
        "status": _status(row["status"], closing, today),
        "entry_level": row["entry_level"],
        "skills": list(row["skills"]),
        "requirements": dict(row["requirements"]),
    }


def effective_status(v: Vacancy, today: date | None = None) -> str:
    """``closed`` when closed by a feed or past its closing date, else ``open``."""
    return _status(v.status, v.closing_date, today)


def _status(status: str, closing_date: date | None, today: date | None) -> str:
    today = today or utcnow().date()
    if status == "closed" or (closing_date is not None and closing_date < today):
        return "closed"
    return "open"


def enrichment_columns(extra: Enrichment) -> dict[str, Any]:
    """The vacancy's column values that enrichment decides."""
    return {
        "employer_type": extra.employer_type,
        "sector": extra.sector,
        "role": extra.role,
        "role_confidence": extra.role_confidence,
        "soc_code": extra.soc_code,
        "band": extra.band,
        "lat": extra.lat,
        "lon": extra.lon,
        "region": extra.region,
        "lad_code": extra.lad_code,
        "entry_level": extra.entry_level,
        "skills": extra.skills,
        "requirements": extra.requirements,
        "enriched_with": extra.enriched_with,
    }


def prepare_vacancy(record: VacancyRecord) -> dict[str, Any]:
    """A record's column values, with everything enrichment derives from it.

    Pure (no database, no clock), so ingestion runs it in worker processes for big feeds;
    ``VacancyTarget.write`` adds the id, source, hash and timestamps.
    """
    return {
        "external_id": record.external_id,
        "title": record.title[:512],
        "employer": record.employer[:512] if record.employer else None,
        "salary_text": record.salary_text[:512] if record.salary_text else None,
        "salary_min": record.salary_min,
        "salary_max": record.salary_max,
        "salary_period": record.salary_period,
        "hours_per_week": record.hours_per_week,
        "working_pattern": list(record.working_pattern),
        "contract": record.contract,
        "postcode": record.postcode[:16] if record.postcode else None,
        "locality": record.locality[:256] if record.locality else None,
        "posted_at": record.posted_at,
        "closing_date": record.closing_date,
        "url": record.url[:1024] if record.url else None,
        "category": record.category[:128] if record.category else None,
        "description": record.description,
        **enrichment_columns(enrich(record)),
    }


VACANCY_TABLE = cast(Table, Vacancy.__table__)  # type: ignore[attr-defined]


class VacancyTarget:
    """How ingestion stores vacancies."""

    stream = STREAM

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        if not external_ids:
            return {}
        table = VACANCY_TABLE
        query = sa_select(table.c.external_id, table.c.content_hash).where(
            table.c.source == source, table.c.external_id.in_(external_ids)
        )
        # on the session's connection: the ORM layer adds nothing to two plain columns
        return {str(r[0]): str(r[1]) for r in session.connection().execute(query)}

    prepare = staticmethod(prepare_vacancy)
    parallel_prepare = True  # parse and taxonomy extraction: milliseconds per advert
    worker_preload: tuple[str, ...] = ("services.vacancies.worker_preload",)

    def write(
        self, session: Session, source: str, changes: Sequence[Change[dict[str, Any]]]
    ) -> list[Event]:
        """Insert the new vacancies and replace the changed ones: two bulk statements."""
        table = VACANCY_TABLE
        now = utcnow()
        rows: list[dict[str, Any]] = []
        for change in changes:
            row = dict(change.prepared)
            row.update(
                id=stable_id("vac_", source, change.external_id),
                source=source,
                status="open",
                closed_at=None,
                content_hash=change.content_hash,
                updated_at=now,
            )
            rows.append(row)
        replaced = [row["id"] for row, change in zip(rows, changes, strict=True) if change.exists]
        first_posted: dict[str, datetime | None] = {}
        if replaced:
            found = session.execute(
                sa_select(table.c.id, table.c.posted_at).where(table.c.id.in_(replaced))
            ).all()
            first_posted = {str(r[0]): r[1] for r in found}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        events: list[Event] = []
        for row, change in zip(rows, changes, strict=True):
            row["posted_at"] = row["posted_at"] or first_posted.get(row["id"]) or now
            if change.exists and row["id"] in first_posted:
                updates.append({**{k: v for k, v in row.items() if k != "id"}, "b_id": row["id"]})
                kind = "vacancy.updated"
            else:
                inserts.append({**row, "created_at": now})
                kind = "vacancy.created"
            events.append(Event(kind, row["id"], vacancy_event_data(row)))
        if inserts:
            session.execute(insert(table), inserts)
        if updates:
            session.execute(update(table).where(table.c.id == bindparam("b_id")), updates)
        return events

    def __init__(self) -> None:
        self._missing: list[str] | None = None

    def close_missing(
        self, session: Session, source: str, seen: set[str], limit: int
    ) -> list[Event]:
        if self._missing is None:
            rows = session.execute(
                sa_select(col(Vacancy.id), col(Vacancy.external_id))
                .where(col(Vacancy.source) == source, col(Vacancy.status) == "open")
                .order_by(col(Vacancy.id))
            ).all()
            self._missing = [str(r[0]) for r in rows if r[1] not in seen]
        chunk, self._missing = self._missing[:limit], self._missing[limit:]
        now = utcnow()
        events: list[Event] = []
        for vacancy in session.exec(select(Vacancy).where(col(Vacancy.id).in_(chunk))).all():
            vacancy.status, vacancy.closed_at, vacancy.updated_at = "closed", now, now
            session.add(vacancy)
            events.append(Event("vacancy.closed", vacancy.id, vacancy_event_data(vacancy)))
        session.flush()
        return events


INGESTION: Final = Ingestion(
    RUN_PREFIX,
    # JobPosting adverts are read deferred: an unchanged advert is never parsed or enriched
    {**ADAPTERS, "jobposting-jsonld": defer_jobposting},
    VacancyTarget,
    batch_size=500,
)
ingest_feed = INGESTION.feed
"""Read a whole vacancy feed through its adapter into the vacancy table, as one ingest run."""
ingest_items = INGESTION.items
"""Ingest vacancy records already read (a remote pull's pages, say) as one run."""


def get_vacancy(session: Session, vacancy_id: str) -> Vacancy:
    """A vacancy by id; ``NotFound`` when there is none."""
    v = session.get(Vacancy, vacancy_id)
    if v is None:
        raise NotFound(f"No vacancy {vacancy_id!r}.")
    return v


@dataclass(frozen=True)
class VacancyFilters:
    """The filters of ``GET /v1/vacancies``."""

    q: str | None = None
    role: str | None = None
    sector: str | None = None
    region: str | None = None
    band: str | None = None
    entry_level: bool | None = None
    status: str = "open"
    near: str | None = None
    radius_km: float | None = None
    closing_after: date | None = None
    source: str | None = None


def _conditions(f: VacancyFilters, today: date) -> list[Any]:
    conds: list[Any] = []
    if f.q:
        needle = f.q.strip().lower()
        conds.append(
            or_(
                func.lower(Vacancy.title).contains(needle, autoescape=True),
                func.lower(func.coalesce(Vacancy.employer, "")).contains(needle, autoescape=True),
            )
        )
    if f.role:
        conds.append(Vacancy.role == f.role)
    if f.sector:
        conds.append(Vacancy.sector == f.sector)
    if f.region:
        conds.append(func.lower(Vacancy.region) == f.region.strip().lower())
    if f.band:
        conds.append(Vacancy.band == f.band.strip().lower().removeprefix("band").strip())
    if f.entry_level is not None:
        conds.append(Vacancy.entry_level == f.entry_level)
    if f.source:
        conds.append(Vacancy.source == f.source)
    if f.closing_after:
        conds.append(col(Vacancy.closing_date) >= f.closing_after)
    is_open = and_(
        col(Vacancy.status) == "open",
        or_(col(Vacancy.closing_date).is_(None), col(Vacancy.closing_date) >= today),
    )
    if f.status == "open":
        conds.append(is_open)
    elif f.status == "closed":
        conds.append(~is_open)
    return conds


def search(
    session: Session,
    f: VacancyFilters,
    *,
    limit: int,
    cursor: str | None,
    secret: str,
    today: date | None = None,
) -> tuple[list[tuple[Vacancy, float | None]], str | None]:
    """One page of vacancies matching ``f``: nearest first with ``near``, else newest first."""
    today = today or utcnow().date()
    conds = _conditions(f, today)
    if f.near:
        area = around(f.near, f.radius_km if f.radius_km is not None else DEFAULT_RADIUS_KM)
        box = area.within_box(col(Vacancy.lat), col(Vacancy.lon))
        rows = session.exec(select(Vacancy).where(*conds, *box)).all()
        nearest, nxt = page_by_distance(
            rows,
            area,
            position=lambda v: (v.lat, v.lon),
            key=lambda v: v.id,
            limit=limit,
            cursor=cursor,
            secret=secret,
        )
        return [(v, distance) for v, distance in nearest], nxt
    columns: list[Any] = [col(Vacancy.posted_at), col(Vacancy.id)]
    query = (
        select(Vacancy)
        .where(*conds)
        .order_by(col(Vacancy.posted_at).desc(), col(Vacancy.id).desc())
    )
    if cursor:
        posted, last_id = decode_cursor(cursor, secret, 2)
        if not isinstance(posted, datetime) or not isinstance(last_id, str):
            raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
        query = query.where(after(columns, [posted, last_id], descending=True))
    rows = list(session.exec(query.limit(limit + 1)).all())
    page = rows[:limit]
    nxt = None
    if len(rows) > limit and page[-1].posted_at is not None:
        nxt = encode_cursor([page[-1].posted_at, page[-1].id], secret)
    return [(v, None) for v in page], nxt


def snapshot_page(
    session: Session, *, after_id: str | None, limit: int, today: date | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Open vacancies in id order, as the event data matching indexes; the last id if more follow."""
    today = today or utcnow().date()
    query = select(Vacancy).where(
        col(Vacancy.status) == "open",
        or_(col(Vacancy.closing_date).is_(None), col(Vacancy.closing_date) >= today),
    )
    if after_id:
        query = query.where(col(Vacancy.id) > after_id)
    rows = list(session.exec(query.order_by(col(Vacancy.id)).limit(limit + 1)).all())
    page = rows[:limit]
    return [vacancy_event_data(v, today) for v in page], (
        page[-1].id if len(rows) > limit else None
    )
