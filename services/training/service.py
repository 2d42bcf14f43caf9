"""The training service's logic: ingesting course feeds and searching the catalogue. No FastAPI here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import delete, exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.common import geo
from services.common.errors import InvalidInput, NotFound
from services.common.events import Event
from services.common.ingest_runs import Change, Ingestion
from services.common.models import stable_id, utcnow
from services.common.nearby import around, page_by_distance
from services.common.pagination import after, decode_cursor, encode_cursor
from services.training.adapters import ADAPTERS, CourseRecord
from services.training.enrich import enrich_course
from services.training.models import Course, CourseRole, CourseSkill, Presentation, Provider

__all__ = ["Course", "Presentation", "Provider"]

STREAM = "courses"
RUN_PREFIX = "crun_"
FUNDED = ("fully_funded", "adult_skills_fund", "apprenticeship_levy")
MAX_RADIUS_KM = 300.0
DEFAULT_RADIUS_KM = 15.0


def course_event_data(
    course: Course, provider: Provider, presentations: Sequence[Presentation]
) -> dict[str, Any]:
    """What the matching index needs of a course, carried in its events."""
    return {
        "id": course.id,
        "title": course.title,
        "provider": {"id": provider.id, "name": provider.name, "type": provider.type},
        "qualification_type": course.qualification_type,
        "level": course.level,
        "standard_ref": course.standard_ref,
        "skills": list(course.skills),
        "grants": list(course.grants),
        "leads_to": list(course.leads_to),
        "entry_requirements": list(course.entry_requirements),
        "mode": course.mode,
        "attendance": course.attendance,
        "duration_weeks": course.duration_weeks,
        "hours_per_week": course.hours_per_week,
        "cost": course.cost,
        "funding": course.funding,
        "lat": course.lat,
        "lon": course.lon,
        "status": course.status,
        "presentations": [
            {
                "id": p.id,
                "start_date": p.start_date.isoformat() if p.start_date else None,
                "end_date": p.end_date.isoformat() if p.end_date else None,
                "duration_weeks": p.duration_weeks,
                "attendance": p.attendance,
                "mode": p.mode,
                "cost": p.cost,
                "lat": p.lat,
                "lon": p.lon,
            }
            for p in presentations
        ],
    }


def _upsert_provider(session: Session, source: str, record: CourseRecord) -> Provider:
    p = record.provider
    provider_id = (
        stable_id("prov_", "ukprn", p.ukprn)
        if p.ukprn
        else stable_id("prov_", source, p.external_id)
    )
    provider = session.get(Provider, provider_id) or Provider(id=provider_id, name=p.name)
    provider.ukprn, provider.name, provider.type = p.ukprn, p.name[:512], p.type
    provider.postcode, provider.url = p.postcode, p.url
    point = geo.lookup(p.postcode) if p.postcode else None
    if point is not None:
        provider.lat, provider.lon, provider.region = point.lat, point.lon, point.region
    provider.updated_at = utcnow()
    session.add(provider)
    session.flush()
    return provider


class CourseTarget:
    """How ingestion stores courses, their provider and presentations."""

    stream = STREAM

    def __init__(self) -> None:
        self._missing: list[str] | None = None

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        if not external_ids:
            return {}
        rows = session.execute(
            sa_select(col(Course.external_id), col(Course.content_hash)).where(
                col(Course.source) == source, col(Course.external_id).in_(external_ids)
            )
        ).all()
        return {str(r[0]): str(r[1]) for r in rows}

    parallel_prepare = False
    worker_preload: tuple[str, ...] = ()

    @staticmethod
    def prepare(record: CourseRecord) -> CourseRecord:
        """Nothing to derive ahead of the write: enrichment happens with the provider row."""
        return record

    def write(
        self, session: Session, source: str, changes: Sequence[Change[CourseRecord]]
    ) -> list[Event]:
        """Create or replace each course with its provider and presentations."""
        return [
            self.upsert(session, source, c.prepared, exists=c.exists, content_hash=c.content_hash)
            for c in changes
        ]

    def upsert(
        self,
        session: Session,
        source: str,
        record: CourseRecord,
        *,
        exists: bool,
        content_hash: str,
    ) -> Event:
        course_id = stable_id("crs_", source, record.external_id)
        provider = _upsert_provider(session, source, record)
        found = session.get(Course, course_id) if exists else None
        if found is not None:
            for table in (Presentation, CourseSkill, CourseRole):
                session.execute(delete(table).where(col(table.course_id) == course_id))
        extra = enrich_course(record)
        c = found or Course(
            id=course_id,
            source=source,
            external_id=record.external_id,
            provider_id=provider.id,
            title=record.title,
            qualification_type=record.qualification_type,
            level=record.level,
            content_hash="",
        )
        c.provider_id = provider.id
        c.title, c.description = record.title[:512], record.description
        c.qualification_type, c.level, c.entry_sublevel = (
            record.qualification_type,
            record.level,
            record.entry_sublevel,
        )
        c.ofqual_ref, c.standard_ref, c.subject = (
            record.ofqual_ref,
            record.standard_ref,
            record.subject,
        )
        c.skills, c.leads_to, c.grants = extra.skills, extra.leads_to, extra.grants
        c.entry_requirements = [
            {**r.model_dump(mode="json"), "code": code}
            for r, code in zip(record.entry_requirements, _codes_for(record), strict=True)
        ]
        c.mode, c.attendance = record.mode, record.attendance
        c.duration_weeks, c.hours_per_week = record.duration_weeks, record.hours_per_week
        c.guided_learning_hours, c.cost = record.guided_learning_hours, record.cost
        c.funding, c.funding_eligibility, c.max_funding = (
            record.funding,
            record.funding_eligibility,
            record.max_funding,
        )
        c.postcode, c.url = record.postcode or record.provider.postcode, record.url
        c.lat, c.lon, c.region = extra.lat, extra.lon, extra.region
        c.status = "open"
        c.content_hash = content_hash
        c.updated_at = utcnow()
        starts = [p.start_date for p in record.presentations if p.start_date is not None]
        today = utcnow().date()
        c.next_start = min((d for d in starts if d >= today), default=None)
        session.add(c)
        session.flush()
        presentations = []
        for i, p in enumerate(record.presentations):
            point = geo.lookup(p.venue_postcode) if p.venue_postcode else None
            row = Presentation(
                id=stable_id("pres_", course_id, p.external_id, str(i)),
                course_id=course_id,
                external_id=p.external_id,
                start_date=p.start_date,
                end_date=p.end_date,
                duration_weeks=p.duration_weeks
                if p.duration_weeks is not None
                else record.duration_weeks,
                hours_per_week=p.hours_per_week
                if p.hours_per_week is not None
                else record.hours_per_week,
                attendance=p.attendance or record.attendance,
                mode=p.mode or record.mode,
                cost=p.cost if p.cost is not None else record.cost,
                places=p.places,
                venue_name=p.venue_name,
                venue_postcode=p.venue_postcode,
                lat=point.lat if point else c.lat,
                lon=point.lon if point else c.lon,
            )
            session.add(row)
            presentations.append(row)
        session.add_all([CourseSkill(course_id=course_id, skill_id=s) for s in set(c.skills)])
        session.add_all([CourseRole(course_id=course_id, role_id=r) for r in set(c.leads_to)])
        session.flush()
        kind = "course.updated" if found else "course.created"
        return Event(kind, c.id, course_event_data(c, provider, presentations))

    def close_missing(
        self, session: Session, source: str, seen: set[str], limit: int
    ) -> list[Event]:
        if self._missing is None:
            rows = session.execute(
                sa_select(col(Course.id), col(Course.external_id))
                .where(col(Course.source) == source, col(Course.status) == "open")
                .order_by(col(Course.id))
            ).all()
            self._missing = [str(r[0]) for r in rows if r[1] not in seen]
        chunk, self._missing = self._missing[:limit], self._missing[limit:]
        events = []
        for c in session.exec(select(Course).where(col(Course.id).in_(chunk))).all():
            c.status, c.updated_at = "closed", utcnow()
            session.add(c)
            events.append(Event("course.closed", c.id, {"id": c.id, "status": "closed"}))
        session.flush()
        return events


def _codes_for(record: CourseRecord) -> list[str | None]:
    out: list[str | None] = []
    for req in record.entry_requirements:
        if req.kind in ("english", "maths") and req.level:
            out.append(f"{req.kind}:{req.level}")
        elif req.kind == "age" and req.min_age is not None:
            out.append(f"age:{req.min_age}")
        elif req.kind in ("employment", "dbs"):
            out.append(req.kind)
        else:
            out.append(None)
    return out


INGESTION: Final = Ingestion(RUN_PREFIX, ADAPTERS, CourseTarget, batch_size=200)
ingest_feed = INGESTION.feed
"""Read a whole course feed through its adapter into the catalogue, as one ingest run."""
ingest_items = INGESTION.items
"""Ingest course records already read, as one run."""


def get_course(session: Session, course_id: str) -> tuple[Course, Provider, list[Presentation]]:
    """A course with its provider and presentations; ``NotFound`` when there is none."""
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound(f"No course {course_id!r}.")
    provider = session.get(Provider, course.provider_id)
    assert provider is not None
    presentations = list(
        session.exec(
            select(Presentation)
            .where(Presentation.course_id == course_id)
            .order_by(col(Presentation.start_date), col(Presentation.id))
        ).all()
    )
    return course, provider, presentations


@dataclass(frozen=True)
class CourseFilters:
    """The filters of ``GET /v1/courses``."""

    q: str | None = None
    skills: tuple[str, ...] = ()
    role: str | None = None
    qualification_type: str | None = None
    min_level: int | None = None
    max_level: int | None = None
    mode: str | None = None
    attendance: str | None = None
    funded_only: bool = False
    near: str | None = None
    radius_km: float | None = None
    starts_before: date | None = None
    provider_id: str | None = None


def _conditions(f: CourseFilters, today: date) -> list[Any]:
    conds: list[Any] = [col(Course.status) == "open"]
    if f.q:
        needle = f.q.strip().lower()
        conds.append(
            or_(
                func.lower(Course.title).contains(needle, autoescape=True),
                func.lower(func.coalesce(Course.subject, "")).contains(needle, autoescape=True),
            )
        )
    for skill in f.skills:
        conds.append(
            exists().where(
                col(CourseSkill.course_id) == col(Course.id), col(CourseSkill.skill_id) == skill
            )
        )
    if f.role:
        conds.append(
            exists().where(
                col(CourseRole.course_id) == col(Course.id), col(CourseRole.role_id) == f.role
            )
        )
    if f.qualification_type:
        conds.append(col(Course.qualification_type) == f.qualification_type)
    if f.min_level is not None:
        conds.append(col(Course.level) >= f.min_level)
    if f.max_level is not None:
        conds.append(col(Course.level) <= f.max_level)
    if f.mode:
        conds.append(col(Course.mode) == f.mode)
    if f.attendance:
        conds.append(col(Course.attendance) == f.attendance)
    if f.funded_only:
        conds.append(or_(col(Course.funding).in_(FUNDED), col(Course.cost) == 0))
    if f.provider_id:
        conds.append(col(Course.provider_id) == f.provider_id)
    if f.starts_before:
        conds.append(
            exists().where(
                col(Presentation.course_id) == col(Course.id),
                col(Presentation.start_date) >= today,
                col(Presentation.start_date) <= f.starts_before,
            )
        )
    return conds


def search(
    session: Session,
    f: CourseFilters,
    *,
    limit: int,
    cursor: str | None,
    secret: str,
    today: date | None = None,
) -> tuple[list[tuple[Course, Provider, float | None]], str | None]:
    """One page of courses: nearest first with ``near``, else soonest start, then title."""
    today = today or utcnow().date()
    conds = _conditions(f, today)
    if f.near:
        area = around(f.near, f.radius_km if f.radius_km is not None else DEFAULT_RADIUS_KM)
        box = area.within_box(col(Course.lat), col(Course.lon))
        rows = session.exec(
            select(Course, Provider)
            .join(Provider, col(Provider.id) == col(Course.provider_id))
            .where(*conds, *box)
        ).all()
        nearest, nxt = page_by_distance(
            rows,
            area,
            position=lambda row: (row[0].lat, row[0].lon),
            key=lambda row: row[0].id,
            limit=limit,
            cursor=cursor,
            secret=secret,
        )
        return [(c, p, distance) for (c, p), distance in nearest], nxt
    sort_key = func.coalesce(Course.next_start, date(9999, 12, 31))
    query = (
        select(Course, Provider)
        .join(Provider, col(Provider.id) == col(Course.provider_id))
        .where(*conds)
        .order_by(sort_key, col(Course.id))
    )
    if cursor:
        start, last_id = decode_cursor(cursor, secret, 2)
        if not isinstance(start, date) or not isinstance(last_id, str):
            raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
        query = query.where(after([sort_key, col(Course.id)], [start, last_id]))
    rows = list(session.exec(query.limit(limit + 1)).all())
    page = rows[:limit]
    nxt = None
    if len(rows) > limit:
        last = page[-1][0]
        nxt = encode_cursor([last.next_start or date(9999, 12, 31), last.id], secret)
    return [(c, p, None) for c, p in page], nxt


def list_providers(
    session: Session,
    *,
    q: str | None,
    type: str | None,
    limit: int,
    cursor: str | None,
    secret: str,
) -> tuple[list[Provider], str | None]:
    """Providers by name."""
    query = select(Provider).order_by(col(Provider.name), col(Provider.id))
    if q:
        query = query.where(func.lower(Provider.name).contains(q.strip().lower(), autoescape=True))
    if type:
        query = query.where(col(Provider.type) == type)
    if cursor:
        name, last_id = decode_cursor(cursor, secret, 2)
        if not isinstance(name, str) or not isinstance(last_id, str):
            raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
        query = query.where(after([col(Provider.name), col(Provider.id)], [name, last_id]))
    rows = list(session.exec(query.limit(limit + 1)).all())
    page = rows[:limit]
    nxt = encode_cursor([page[-1].name, page[-1].id], secret) if len(rows) > limit else None
    return page, nxt


def get_provider(session: Session, provider_id: str) -> Provider:
    """A provider by id; ``NotFound`` when there is none."""
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"No provider {provider_id!r}.")
    return provider


def start_dates(session: Session, course_ids: Sequence[str]) -> dict[str, list[date]]:
    """The presentation start dates of each course, in order."""
    if not course_ids:
        return {}
    rows = session.execute(
        sa_select(col(Presentation.course_id), col(Presentation.start_date))
        .where(
            col(Presentation.course_id).in_(course_ids), col(Presentation.start_date).is_not(None)
        )
        .order_by(col(Presentation.start_date))
    ).all()
    out: dict[str, list[date]] = {}
    for course_id, start in rows:
        if start not in out.setdefault(course_id, []):
            out[course_id].append(start)
    return out


def snapshot_page(
    session: Session, *, after_id: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Open courses in id order, as the event data matching indexes; the last id if more follow."""
    query = select(Course, Provider).join(Provider, col(Provider.id) == col(Course.provider_id))
    query = query.where(col(Course.status) == "open")
    if after_id:
        query = query.where(col(Course.id) > after_id)
    rows = list(session.exec(query.order_by(col(Course.id)).limit(limit + 1)).all())
    page = rows[:limit]
    ids = [c.id for c, _ in page]
    runs: dict[str, list[Presentation]] = {}
    if ids:
        for p in session.exec(
            select(Presentation)
            .where(col(Presentation.course_id).in_(ids))
            .order_by(col(Presentation.start_date))
        ).all():
            runs.setdefault(p.course_id, []).append(p)
    items = [course_event_data(c, p, runs.get(c.id, [])) for c, p in page]
    return items, (page[-1][0].id if len(rows) > limit else None)
