"""Jobseekers: the logic, as plain typed functions (no FastAPI here).

Office scoping is applied in every query, never after: a caller bound to an office reads and
writes only its own jobseekers (and their referrals, see ``referrals.py``), and a jobseeker
of another office is the same ``NotFound`` as one that does not exist, so existence does not
leak. Admin keys (``office=None`` here) see every office, and must name the office when they
create one. Priority flags: young person is 16-24 (``YOUNG_PERSON_MAX_AGE``), long-term
unemployed is out of work 12 months or more, most-deprived area is the home local authority
among the 10% most deprived in England (``services.common.deprivation``, IMD 2025).

Every change to a jobseeker is applied to this process's ``JobseekerIndex`` **after** the
transaction commits (a rolled-back request leaves the index alone), and announced with a
``jobseeker.created`` / ``.updated`` / ``.erased`` event through the outbox so that other
replicas re-read the row. The events carry the id and nothing else: the bus keeps up to a
million events and cannot forget one person's, so nothing about the person may be in them.

Erasure (``erase_jobseeker``) deletes the row and its referrals in one transaction and,
after commit, the index entry and cached matches. On SQLite, writes here run with
``PRAGMA secure_delete`` (freed space is zeroed, so an earlier version of a row or an erased
row does not linger in the file) and an erasure ends with a WAL checkpoint, so the deleted
data does not linger in the write-ahead log either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

import structlog
from sqlalchemy import delete, event, func, or_, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from services.common import geo
from services.common.auth import Caller
from services.common.deprivation import deprivation_of
from services.common.errors import Forbidden, NotFound, ValidationFailed
from services.common.events import Event
from services.common.models import new_id, utcnow
from services.common.outbox import add_event
from services.common.pagination import after_newest, next_cursor_for
from services.matching.engine import Profile
from services.matching.match_cache import MatchCache
from services.matching.models import JOBSEEKER_PREFIX, Jobseeker, Referral
from services.matching.people_schemas import (
    EvidenceOut,
    JobseekerCreate,
    JobseekerPublic,
    JobseekerSkillOut,
    JobseekerUpdate,
    PriorityFlags,
)
from services.matching.shortlist import JobseekerEntry, JobseekerIndex
from services.taxonomy import extract, load_taxonomy

log = structlog.get_logger("routeway.matching.people")

JOBSEEKER_STREAM: Final = "jobseekers"
YOUNG_PERSON_MAX_AGE: Final = 24
LONG_TERM_UNEMPLOYED_DAYS: Final = 365
MAX_EVIDENCE: Final = 3
MAX_EVIDENCE_CHARS: Final = 120


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"Invalid {field}: {message}.",
        [{"field": field, "message": message, "type": "value_error"}],
    )


# --- who may see what ---------------------------------------------------------------------


def office_scope(caller: Caller) -> str | None:
    """The office a caller's reads and writes are confined to (``None``: every office, admin)."""
    if caller.role == "admin":
        return None
    if caller.role != "adviser":
        raise Forbidden(f"The {caller.role} role may not see jobseekers.")
    if not caller.office:
        raise Forbidden("This adviser key is not bound to an office.")
    return caller.office


def office_for_new(caller: Caller, requested: str | None) -> str:
    """The office a new jobseeker belongs to: the adviser's own, or the one an admin names."""
    if caller.role == "admin":
        if not requested or not requested.strip():
            raise _invalid("body.office", "an admin key must name the office")
        return requested.strip()
    office = office_scope(caller)
    assert office is not None
    if requested is not None and requested != office:
        raise _invalid("body.office", "the office comes from your API key")
    return office


# --- after commit -------------------------------------------------------------------------


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run ``action`` once the session's transaction has committed (never on rollback)."""
    pending: list[Callable[[], object]] | None = session.info.get("after_commit")
    if pending is None:
        pending = []
        session.info["after_commit"] = pending

        def run(_session: Session) -> None:
            actions = list(pending)
            pending.clear()
            for act in actions:
                try:
                    act()
                except Exception:  # the data is committed; replicas converge from events
                    log.exception("after_commit_failed")

        def drop(_session: Session) -> None:
            pending.clear()

        event.listen(session, "after_commit", run)
        event.listen(session, "after_rollback", drop)
    pending.append(action)


def _secure(session: Session) -> None:
    """On SQLite, zero freed space from now on, so old versions of rows do not linger."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def _checkpoint(engine: Engine) -> None:
    """On SQLite, fold the write-ahead log into the file and empty it (best effort)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# --- the profile --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Where a postcode puts a jobseeker (the postcode itself is not kept)."""

    district: str
    lat: float
    lon: float
    region: str | None
    lad_code: str | None
    most_deprived_area: bool


def place_of(postcode: str, field: str = "body.postcode") -> Place:
    """The district, point, region, local authority and deprivation flag of a postcode."""
    normal = geo.normalise_postcode(postcode)
    point = geo.lookup(postcode) if normal else None
    if normal is None or point is None:
        raise _invalid(field, "not a known English postcode or outward code")
    deprivation = deprivation_of(postcode)
    return Place(
        district=normal.partition(" ")[0],
        lat=point.lat,
        lon=point.lon,
        region=point.region,
        lad_code=point.lad_code,
        most_deprived_area=bool(deprivation and deprivation.in_most_deprived_area),
    )


def declared_skills(skill_ids: Sequence[str], field: str = "body.skills") -> list[dict[str, Any]]:
    """Skill ids an adviser declared, checked against the taxonomy."""
    known = load_taxonomy().skills_by_id
    unknown = sorted({s for s in skill_ids if s not in known})
    if unknown:
        raise _invalid(field, f"unknown skill ids {', '.join(unknown[:10])}")
    return [{"id": s, "source": "declared", "evidence": []} for s in dict.fromkeys(skill_ids)]


def cv_skills(cv_text: str | None) -> list[dict[str, Any]]:
    """Skills found in CV text with a few short evidence snippets (the text is not kept)."""
    if not cv_text or not cv_text.strip():
        return []
    found = []
    for hit in extract(cv_text).skills:
        evidence = [span.text[:MAX_EVIDENCE_CHARS] for span in hit.evidence[:MAX_EVIDENCE]]
        found.append({"id": hit.id, "source": "cv", "evidence": evidence})
    return found


def _merge_skills(
    declared: list[dict[str, Any]], from_cv: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    ids = {s["id"] for s in declared}
    return declared + [s for s in from_cv if s["id"] not in ids]


def _skill_ids_text(skills: Sequence[dict[str, Any]]) -> str:
    return "|" + "|".join(s["id"] for s in skills) + "|" if skills else ""


def _check_dates(unemployed_since: date | None, today: date) -> None:
    if unemployed_since is not None and unemployed_since > today:
        raise _invalid("body.unemployed_since", "must not be in the future")


def priority_flags(row: Jobseeker, today: date) -> PriorityFlags:
    """The jobseeker's priority groups as of ``today``."""
    return PriorityFlags(
        young_person=row.age is not None and row.age <= YOUNG_PERSON_MAX_AGE,
        long_term_unemployed=row.unemployed_since is not None
        and (today - row.unemployed_since).days >= LONG_TERM_UNEMPLOYED_DAYS,
        most_deprived_area=row.most_deprived_area,
    )


def profile_of(row: Jobseeker) -> Profile:
    """The engine's view of a jobseeker: skills, levels, licence, home point, limits."""
    return Profile(
        skills=[s["id"] for s in row.skills],
        english_level=row.english_level,
        maths_level=row.maths_level,
        driving_licence=row.driving_licence,
        lat=row.lat,
        lon=row.lon,
        max_travel_km=row.max_travel_km,
        hours_per_week=row.hours_per_week,
        patterns=list(row.patterns),
        available_from=row.available_from,
        age=row.age,
        qualifications=list(row.qualifications),
    )


def entry_of(row: Jobseeker) -> JobseekerEntry:
    """What the jobseeker index holds of a row."""
    return JobseekerEntry(
        id=row.id,
        office=row.office,
        consent=row.consent_to_share,
        region=row.region,
        profile=profile_of(row),
        version=row.version,
    )


def jobseeker_public(row: Jobseeker, today: date | None = None) -> JobseekerPublic:
    """A jobseeker in the API's shape."""
    return JobseekerPublic(
        id=row.id,
        office=row.office,
        skills=[
            JobseekerSkillOut(
                id=s["id"],
                label=load_taxonomy().skill_label(s["id"]),
                source=s.get("source", "declared"),
                evidence=[EvidenceOut(text=e) for e in s.get("evidence", [])],
            )
            for s in row.skills
        ],
        english_level=row.english_level,
        maths_level=row.maths_level,
        qualifications=list(row.qualifications),
        driving_licence=row.driving_licence,
        postcode_district=row.postcode_district,
        region=row.region,
        lad_code=row.lad_code,
        max_travel_km=row.max_travel_km,
        hours_per_week=row.hours_per_week,
        patterns=list(row.patterns),
        available_from=row.available_from,
        age=row.age,
        unemployed_since=row.unemployed_since,
        consent_to_share=row.consent_to_share,
        consent_updated_at=row.consent_updated_at,
        flags=priority_flags(row, today or date.today()),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# --- jobseekers ---------------------------------------------------------------------------


def _announce(session: Session, kind: str, jobseeker_id: str) -> None:
    add_event(session, JOBSEEKER_STREAM, Event(f"jobseeker.{kind}", jobseeker_id))


def create_jobseeker(
    session: Session,
    *,
    office: str,
    body: JobseekerCreate,
    index: JobseekerIndex,
    today: date | None = None,
) -> Jobseeker:
    """Add a jobseeker to ``office``'s caseload."""
    today = today or date.today()
    skills = _merge_skills(declared_skills(body.skills), cv_skills(body.cv_text))
    place = place_of(body.postcode)
    _check_dates(body.unemployed_since, today)
    now = utcnow()
    row = Jobseeker(
        id=new_id(JOBSEEKER_PREFIX),
        office=office,
        skills=skills,
        skill_ids=_skill_ids_text(skills),
        english_level=body.english_level,
        maths_level=body.maths_level,
        qualifications=list(dict.fromkeys(body.qualifications)),
        driving_licence=body.driving_licence,
        postcode_district=place.district,
        lat=place.lat,
        lon=place.lon,
        region=place.region,
        lad_code=place.lad_code,
        max_travel_km=body.max_travel_km,
        hours_per_week=body.hours_per_week,
        patterns=list(dict.fromkeys(body.patterns)),
        available_from=body.available_from,
        age=body.age,
        unemployed_since=body.unemployed_since,
        consent_to_share=body.consent_to_share,
        consent_updated_at=now,
        most_deprived_area=place.most_deprived_area,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _secure(session)
    session.add(row)
    _announce(session, "created", row.id)
    session.flush()
    entry = entry_of(row)
    after_commit(session, lambda: index.upsert(entry))
    return row


def get_jobseeker(session: Session, jobseeker_id: str, office: str | None) -> Jobseeker:
    """One jobseeker of ``office`` (any office when ``None``); ``NotFound`` otherwise."""
    row = session.get(Jobseeker, jobseeker_id)
    if row is None or (office is not None and row.office != office):
        raise NotFound(f"No jobseeker {jobseeker_id!r}.")
    return row


@dataclass(frozen=True, slots=True)
class JobseekerFilters:
    """Filters of the caseload list."""

    consent_to_share: bool | None = None
    young_person: bool | None = None
    long_term_unemployed: bool | None = None
    most_deprived_area: bool | None = None
    region: str | None = None
    skill: str | None = None


def _filter_conditions(filters: JobseekerFilters, today: date) -> list[Any]:
    conditions: list[Any] = []
    if filters.consent_to_share is not None:
        conditions.append(col(Jobseeker.consent_to_share) == filters.consent_to_share)
    if filters.most_deprived_area is not None:
        conditions.append(col(Jobseeker.most_deprived_area) == filters.most_deprived_area)
    if filters.region is not None:
        conditions.append(col(Jobseeker.region) == filters.region)
    if filters.young_person is not None:
        young = col(Jobseeker.age) <= YOUNG_PERSON_MAX_AGE
        conditions.append(
            young if filters.young_person else or_(col(Jobseeker.age).is_(None), ~young)
        )
    if filters.long_term_unemployed is not None:
        cutoff = today - timedelta(days=LONG_TERM_UNEMPLOYED_DAYS)
        long_term = col(Jobseeker.unemployed_since) <= cutoff
        conditions.append(
            long_term
            if filters.long_term_unemployed
            else or_(col(Jobseeker.unemployed_since).is_(None), ~long_term)
        )
    if filters.skill is not None:
        if filters.skill not in load_taxonomy().skills_by_id:
            raise _invalid("query.skill", f"unknown skill id {filters.skill}")
        conditions.append(col(Jobseeker.skill_ids).contains(f"|{filters.skill}|", autoescape=True))
    return conditions


def list_jobseekers(
    session: Session,
    *,
    office: str | None,
    filters: JobseekerFilters,
    limit: int,
    cursor: str | None,
    secret: str,
    today: date | None = None,
) -> tuple[list[Jobseeker], str | None]:
    """The caseload of ``office`` (every office when ``None``), newest first, filtered."""
    conditions = _filter_conditions(filters, today or date.today())
    if office is not None:
        conditions.append(col(Jobseeker.office) == office)
    order = (col(Jobseeker.created_at), col(Jobseeker.id))
    if cursor is not None:
        conditions.append(after_newest(order, cursor, secret))
    query = (
        select(Jobseeker)
        .where(*conditions)
        .order_by(order[0].desc(), order[1].desc())
        .limit(limit + 1)
    )
    rows = list(session.exec(query).all())
    return next_cursor_for(rows, limit, lambda r: [r.created_at, r.id], secret)


def count_jobseekers(session: Session, *, office: str | None) -> int:
    """How many jobseekers ``office`` has (every office when ``None``)."""
    query = select(func.count()).select_from(Jobseeker)
    if office is not None:
        query = query.where(col(Jobseeker.office) == office)
    return int(session.exec(query).one())


def update_jobseeker(
    session: Session,
    row: Jobseeker,
    body: JobseekerUpdate,
    *,
    index: JobseekerIndex,
    cache: MatchCache,
    today: date | None = None,
) -> Jobseeker:
    """Change the fields given; derived ones (place, flags, CV skills) follow."""
    today = today or date.today()
    given = body.model_fields_set
    for required in ("postcode", "max_travel_km", "driving_licence", "consent_to_share"):
        if required in given and getattr(body, required) is None:
            raise _invalid(f"body.{required}", "may not be null")
    for listed in ("skills", "qualifications", "patterns"):
        if listed in given and getattr(body, listed) is None:
            raise _invalid(f"body.{listed}", "may not be null; send [] to clear")
    skills = list(row.skills)
    if "skills" in given:
        declared = declared_skills(body.skills or [])
        skills = _merge_skills(declared, [s for s in skills if s.get("source") == "cv"])
    if "cv_text" in given:
        declared = [s for s in skills if s.get("source") != "cv"]
        skills = _merge_skills(declared, cv_skills(body.cv_text))
    row.skills, row.skill_ids = skills, _skill_ids_text(skills)
    if "postcode" in given and body.postcode is not None:
        place = place_of(body.postcode)
        row.postcode_district, row.lat, row.lon = place.district, place.lat, place.lon
        row.region, row.lad_code = place.region, place.lad_code
        row.most_deprived_area = place.most_deprived_area
    if "unemployed_since" in given:
        _check_dates(body.unemployed_since, today)
    now = utcnow()
    if "consent_to_share" in given and body.consent_to_share != row.consent_to_share:
        row.consent_updated_at = now
    for name in (
        "english_level", "maths_level", "qualifications", "driving_licence", "max_travel_km",
        "hours_per_week", "patterns", "available_from", "age", "unemployed_since",
        "consent_to_share",
    ):  # fmt: skip
        if name in given:
            value = getattr(body, name)
            setattr(row, name, list(dict.fromkeys(value)) if isinstance(value, list) else value)
    row.version += 1
    row.updated_at = now
    _secure(session)
    session.add(row)
    _announce(session, "updated", row.id)
    session.flush()
    entry = entry_of(row)

    def apply() -> None:
        index.upsert(entry)
        cache.forget(entry.id)

    after_commit(session, apply)
    return row


@dataclass(frozen=True, slots=True)
class Erasure:
    """What erasing one jobseeker removed (the index and cache counts after commit)."""

    jobseeker_id: str
    referrals: int
    erased_at: datetime


def erase_jobseeker(
    session: Session,
    row: Jobseeker,
    *,
    index: JobseekerIndex,
    cache: MatchCache,
    on_erased: Callable[[int, int], None] | None = None,
) -> Erasure:
    """Delete the jobseeker, their referrals, their index entry and their cached matches.

    ``on_erased(index_entries, cached_matches)`` is called after commit with what was
    removed from memory.
    """
    jobseeker_id = row.id
    _secure(session)
    referrals = session.execute(delete(Referral).where(col(Referral.jobseeker_id) == jobseeker_id))
    session.delete(row)
    _announce(session, "erased", jobseeker_id)
    session.flush()
    engine = session.get_bind()

    def forget() -> None:
        removed = int(index.remove(jobseeker_id))
        cached = cache.forget(jobseeker_id)
        if isinstance(engine, Engine):
            _checkpoint(engine)
        if on_erased is not None:
            on_erased(removed, cached)

    after_commit(session, forget)
    return Erasure(jobseeker_id, int(getattr(referrals, "rowcount", 0) or 0), utcnow())
