"""Referrals: a jobseeker sent to a vacancy or a course, and what happened next.

The status flow (DESIGN.md): ``referred -> applied -> shortlisted -> interviewed -> offered
-> started``, with ``withdrawn`` possible from any open status; ``started`` and ``withdrawn``
are final. A request for any other move is a 409 problem naming the allowed next states.
Referrals are confined to an office like their jobseekers (another office's referral is a
404) and are deleted when their jobseeker is erased. Outcomes of vacancy referrals feed the
skills-gap report (``referral_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlmodel import Session, col, select

from services.common.errors import Conflict, NotFound
from services.common.models import new_id, utcnow
from services.common.pagination import after_newest, next_cursor_for
from services.matching.engine import MatchIndex
from services.matching.models import REFERRAL_PREFIX, Jobseeker, Referral
from services.matching.people_schemas import (
    ReferralCreate,
    ReferralEventOut,
    ReferralPublic,
    ReferralStatus,
)
from services.matching.people_service import get_jobseeker
from services.matching.regions import region_at

TRANSITIONS: Final[dict[str, tuple[ReferralStatus, ...]]] = {
    "referred": ("applied", "withdrawn"),
    "applied": ("shortlisted", "interviewed", "offered", "withdrawn"),
    "shortlisted": ("interviewed", "offered", "withdrawn"),
    "interviewed": ("offered", "withdrawn"),
    "offered": ("started", "withdrawn"),
    "started": (),
    "withdrawn": (),
}
"""Where a referral may go from each status. ``started`` and ``withdrawn`` are final;
a course may offer a place straight after an application, so shortlisting and interviews
may be skipped, but never going back."""

OPEN_STATUSES: Final = frozenset(s for s, nxt in TRANSITIONS.items() if nxt)


# --- referrals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferralTarget:
    """The vacancy or course a referral points at, as the match index knows it."""

    title: str
    organisation: str
    role: str | None
    region: str | None


def vacancy_target(index: MatchIndex, vacancy_id: str, today: date) -> ReferralTarget | None:
    """The open vacancy as a referral target, or ``None`` when it is not open."""
    table = index.vacancies
    row = table.row_of.get(vacancy_id)
    if row is None or int(table.closing.view()[row]) < today.toordinal():
        return None
    region = region_at(float(table.lat.view()[row]), float(table.lon.view()[row]))
    return ReferralTarget(table.titles[row], table.employers[row], table.roles[row], region)


def course_target(index: MatchIndex, course_id: str) -> ReferralTarget | None:
    """The course as a referral target, or ``None`` when it is not in the catalogue."""
    course = index.course(course_id)
    if course is None:
        return None
    role = course.leads_to[0] if course.leads_to else None
    return ReferralTarget(course.title, course.provider_name, role, None)


def _history_event(status: str, at: datetime) -> dict[str, str]:
    return {"status": status, "at": at.isoformat()}


def create_referral(
    session: Session, *, jobseeker: Jobseeker, body: ReferralCreate, target: ReferralTarget
) -> Referral:
    """Refer ``jobseeker`` to the target; ``Conflict`` while an open referral to it exists."""
    same_target = (
        col(Referral.vacancy_id) == body.vacancy_id
        if body.vacancy_id is not None
        else col(Referral.course_id) == body.course_id
    )
    existing = session.exec(
        select(Referral).where(
            col(Referral.jobseeker_id) == jobseeker.id,
            same_target,
            col(Referral.status).in_(sorted(OPEN_STATUSES)),
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"Jobseeker {jobseeker.id!r} already has an open referral to it: {existing.id!r}.",
            extra={"referral_id": existing.id},
        )
    now = utcnow()
    referral = Referral(
        id=new_id(REFERRAL_PREFIX),
        jobseeker_id=jobseeker.id,
        office=jobseeker.office,
        vacancy_id=body.vacancy_id,
        course_id=body.course_id,
        title=target.title[:512],
        organisation=target.organisation[:512],
        role=target.role,
        region=target.region or jobseeker.region,
        status="referred",
        history=[_history_event("referred", now)],
        created_at=now,
        updated_at=now,
    )
    session.add(referral)
    session.flush()
    return referral


def get_referral(session: Session, referral_id: str, office: str | None) -> Referral:
    """One referral of ``office`` (any office when ``None``); ``NotFound`` otherwise."""
    referral = session.get(Referral, referral_id)
    if referral is None or (office is not None and referral.office != office):
        raise NotFound(f"No referral {referral_id!r}.")
    return referral


def allowed_next(status: str) -> tuple[ReferralStatus, ...]:
    """The statuses a referral may move to from ``status``."""
    return TRANSITIONS.get(status, ())


def update_referral(session: Session, referral: Referral, status: ReferralStatus) -> Referral:
    """Move a referral on; the same status again changes nothing; anything else not allowed is a 409."""
    if status == referral.status:
        return referral
    allowed = allowed_next(referral.status)
    if status not in allowed:
        listed = ", ".join(allowed) if allowed else "none (it is final)"
        raise Conflict(
            f"A referral cannot go from {referral.status!r} to {status!r}; allowed next: {listed}.",
            extra={"current": referral.status, "requested": status, "allowed": list(allowed)},
        )
    now = utcnow()
    referral.status = status
    referral.history = [*referral.history, _history_event(status, now)]
    referral.updated_at = now
    session.add(referral)
    session.flush()
    return referral


def list_referrals(
    session: Session,
    *,
    office: str | None,
    jobseeker_id: str | None,
    vacancy_id: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
    secret: str,
) -> tuple[list[Referral], str | None]:
    """Referrals of ``office`` (every office when ``None``), newest first, filtered."""
    conditions: list[Any] = []
    if office is not None:
        conditions.append(col(Referral.office) == office)
    if jobseeker_id is not None:
        get_jobseeker(session, jobseeker_id, office)
        conditions.append(col(Referral.jobseeker_id) == jobseeker_id)
    if vacancy_id is not None:
        conditions.append(col(Referral.vacancy_id) == vacancy_id)
    if status is not None:
        conditions.append(col(Referral.status) == status)
    order = (col(Referral.created_at), col(Referral.id))
    if cursor is not None:
        conditions.append(after_newest(order, cursor, secret))
    rows = list(
        session.exec(
            select(Referral)
            .where(*conditions)
            .order_by(order[0].desc(), order[1].desc())
            .limit(limit + 1)
        ).all()
    )
    return next_cursor_for(rows, limit, lambda r: [r.created_at, r.id], secret)


def referral_public(referral: Referral) -> ReferralPublic:
    """A referral in the API's shape."""
    return ReferralPublic(
        id=referral.id,
        jobseeker_id=referral.jobseeker_id,
        vacancy_id=referral.vacancy_id,
        course_id=referral.course_id,
        title=referral.title,
        organisation=referral.organisation,
        role=referral.role,
        region=referral.region,
        status=referral.status,
        history=[
            ReferralEventOut(status=e["status"], at=datetime.fromisoformat(e["at"]))
            for e in referral.history
        ],
        allowed_next=list(allowed_next(referral.status)),
        created_at=referral.created_at,
        updated_at=referral.updated_at,
    )


def referral_rows(session: Session, region: str | None) -> list[tuple[str | None, list[str]]]:
    """``(role, statuses reached)`` of every vacancy referral in ``region`` (all when ``None``)."""
    query = select(Referral.role, Referral.history).where(col(Referral.vacancy_id).is_not(None))
    if region is not None:
        query = query.where(col(Referral.region) == region)
    return [
        (role, [str(e.get("status")) for e in history or []])
        for role, history in session.exec(query).all()
    ]
