"""The vacancies service's logic: ingesting feeds and searching vacancies. No FastAPI here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any, BinaryIO, cast

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from services.common import geo
from services.common.errors import InvalidInput, NotFound, ValidationFailed
from services.common.events import Event
from services.common.ingest import Reject
from services.common.ingest_runs import Counts, RunView, create_run, run_feed
from services.common.models import new_id, stable_id, utcnow
from services.common.pagination import after, decode_cursor, encode_cursor
from services.vacancies.adapters import ADAPTERS, VacancyRecord
from services.vacancies.enrich import enrich
from services.vacancies.models import Vacancy

__all__ = ["Vacancy"]

STREAM = "vacancies"
RUN_PREFIX = "vrun_"
_SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
MAX_RADIUS_KM = 300.0
DEFAULT_RADIUS_KM = 10.0


def check_source(source: str) -> str:
    """A source name: letters, digits, ``_ . -``, at most 64 characters."""
    if not _SOURCE.match(source):
        raise ValidationFailed(
            "Invalid source name.",
            [
                {
                    "field": "query.source",
                    "message": "1-64 letters, digits, '_', '.' or '-'",
                    "type": "value_error",
                }
            ],
        )
    return source


def vacancy_event_data(v: Vacancy, today: date | None = None) -> dict[str, Any]:
    """What the matching index needs of a vacancy, carried in its events."""
    return {
        "id": v.id,
        "source": v.source,
        "external_id": v.external_id,
        "title": v.title,
        "employer": v.employer,
        "sector": v.sector,
        "role": v.role,
        "soc_code": v.soc_code,
        "band": v.band,
        "hours_per_week": v.hours_per_week,
        "working_pattern": list(v.working_pattern),
        "contract": v.contract,
        "lat": v.lat,
        "lon": v.lon,
        "region": v.region,
        "closing_date": v.closing_date.isoformat() if v.closing_date else None,
        "status": effective_status(v, today),
        "entry_level": v.entry_level,
        "skills": list(v.skills),
        "requirements": dict(v.requirements),
    }


def effective_status(v: Vacancy, today: date | None = None) -> str:
    """``closed`` when closed by a feed or past its closing date, else ``open``."""
    today = today or utcnow().date()
    if v.status == "closed" or (v.closing_date is not None and v.closing_date < today):
        return "closed"
    return "open"


class VacancyTarget:
    """How ingestion stores vacancies."""

    stream = STREAM

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        if not external_ids:
            return {}
        rows = session.execute(
            sa_select(col(Vacancy.external_id), col(Vacancy.content_hash)).where(
                col(Vacancy.source) == source, col(Vacancy.external_id).in_(external_ids)
            )
        ).all()
        return {str(r[0]): str(r[1]) for r in rows}

    def upsert(self, session: Session, source: str, record: VacancyRecord, exists: bool) -> Event:
        vacancy_id = stable_id("vac_", source, record.external_id)
        found = session.get(Vacancy, vacancy_id) if exists else None
        v = found or Vacancy(
            id=vacancy_id,
            source=source,
            external_id=record.external_id,
            title=record.title,
            content_hash="",
        )
        extra = enrich(record)
        now = utcnow()
        v.title = record.title[:512]
        v.employer = record.employer[:512] if record.employer else None
        v.employer_type = extra.employer_type
        v.sector = extra.sector
        v.role, v.role_confidence, v.soc_code = extra.role, extra.role_confidence, extra.soc_code
        v.band = extra.band
        v.salary_text = record.salary_text[:512] if record.salary_text else None
        v.salary_min, v.salary_max, v.salary_period = (
            record.salary_min,
            record.salary_max,
            record.salary_period,
        )
        v.hours_per_week = record.hours_per_week
        v.working_pattern = list(record.working_pattern)
        v.contract = record.contract
        v.postcode = record.postcode[:16] if record.postcode else None
        v.locality = record.locality[:256] if record.locality else None
        v.lat, v.lon, v.region, v.lad_code = extra.lat, extra.lon, extra.region, extra.lad_code
        v.posted_at = record.posted_at or (found.posted_at if found else None) or now
        v.closing_date = record.closing_date
        v.status, v.closed_at = "open", None
        v.entry_level = extra.entry_level
        v.url = record.url[:1024] if record.url else None
        v.category = record.category[:128] if record.category else None
        v.description = record.description
        v.skills, v.requirements = extra.skills, extra.requirements
        v.enriched_with = extra.enriched_with
        v.content_hash = record.content_hash()
        v.updated_at = now
        session.add(v)
        session.flush()
        kind = "vacancy.updated" if found else "vacancy.created"
        return Event(kind, v.id, vacancy_event_data(v))

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


def ingest_feed(
    engine: Engine,
    stream: IO[bytes],
    *,
    source: str,
    format: str,
    mode: str = "delta",
    on_batch: Callable[[Counts], None] | None = None,
    batch_size: int = 500,
) -> RunView:
    """Read a whole feed through its adapter into the vacancy table, as one ingest run."""
    adapter = ADAPTERS.get(format)
    if adapter is None:
        raise InvalidInput(f"Unknown format {format!r}; use one of {', '.join(ADAPTERS)}.")
    return ingest_items(
        engine,
        adapter(cast(BinaryIO, stream)),
        source=source,
        format=format,
        mode=mode,
        on_batch=on_batch,
        batch_size=batch_size,
    )


def ingest_items(
    engine: Engine,
    items: Iterable[VacancyRecord | Reject],
    *,
    source: str,
    format: str,
    mode: str = "delta",
    on_batch: Callable[[Counts], None] | None = None,
    batch_size: int = 500,
) -> RunView:
    """Ingest records already read (a remote pull's pages, say) as one run."""
    check_source(source)
    if mode not in ("delta", "snapshot"):
        raise InvalidInput("mode must be 'delta' or 'snapshot'.")
    run_id = new_id(RUN_PREFIX)
    create_run(engine, run_id, source=source, format=format, mode=mode)
    return run_feed(
        engine,
        run_id,
        items,
        VacancyTarget(),
        source=source,
        mode=mode,
        batch_size=batch_size,
        on_batch=on_batch,
    )


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
        return _search_near(session, f, conds, limit=limit, cursor=cursor, secret=secret)
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


def _search_near(
    session: Session,
    f: VacancyFilters,
    conds: list[Any],
    *,
    limit: int,
    cursor: str | None,
    secret: str,
) -> tuple[list[tuple[Vacancy, float | None]], str | None]:
    assert f.near is not None
    point = geo.lookup(f.near)
    if point is None:
        raise ValidationFailed(
            f"Unknown place {f.near!r}.",
            [
                {
                    "field": "query.near",
                    "message": "not a known UK postcode or outward code",
                    "type": "value_error",
                }
            ],
        )
    radius = f.radius_km if f.radius_km is not None else DEFAULT_RADIUS_KM
    lat_min, lat_max, lon_min, lon_max = geo.bounding_box(point.lat, point.lon, radius)
    query = select(Vacancy).where(
        *conds,
        col(Vacancy.lat).between(lat_min, lat_max),
        col(Vacancy.lon).between(lon_min, lon_max),
    )
    found: list[tuple[float, str, Vacancy]] = []
    for v in session.exec(query).all():
        assert v.lat is not None and v.lon is not None
        d = geo.haversine_km(point.lat, point.lon, v.lat, v.lon)
        if d <= radius:
            found.append((round(d, 3), v.id, v))
    found.sort(key=lambda t: (t[0], t[1]))
    if cursor:
        last_d, last_id = decode_cursor(cursor, secret, 2)
        if not isinstance(last_d, (int, float)) or not isinstance(last_id, str):
            raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
        found = [t for t in found if (t[0], t[1]) > (float(last_d), last_id)]
    page = found[:limit]
    nxt = encode_cursor([page[-1][0], page[-1][1]], secret) if len(found) > limit else None
    return [(v, d) for d, _, v in page], nxt


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
