"""Matching a profile against the index, and routes to a role. No FastAPI here."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from services.common import geo
from services.common.errors import ValidationFailed
from services.matching.engine import MatchIndex, MatchItem, Profile, Route, what_would_change
from services.matching.engine.attainment import Attainment, expand_skills, vacancy_requirements
from services.matching.engine.types import Requirements
from services.matching.schemas import (
    MatchOut,
    MatchRequest,
    MatchResponse,
    MissingSkillOut,
    PartsOut,
    ProfileIn,
    RouteOut,
    RouteResponse,
    StepOut,
    UnlockOut,
)
from services.taxonomy import Role, extract, load_taxonomy


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"Invalid {field}: {message}.",
        [{"field": field, "message": message, "type": "value_error"}],
    )


def to_profile(body: ProfileIn, field_prefix: str = "body") -> Profile:
    """The engine's profile: skills checked against the taxonomy (plus any from the CV), home as a point."""
    taxonomy = load_taxonomy()
    unknown = [s for s in body.skills if s not in taxonomy.skills_by_id]
    if unknown:
        raise _invalid(
            f"{field_prefix}.skills", f"unknown skill ids {', '.join(sorted(unknown)[:10])}"
        )
    skills = list(dict.fromkeys(body.skills))
    if body.cv_text and body.cv_text.strip():
        skills += [hit.id for hit in extract(body.cv_text).skills if hit.id not in skills]
    if not skills and not body.english_level and not body.maths_level and not body.driving_licence:
        raise _invalid(
            f"{field_prefix}.skills", "the profile is empty: give skills, cv_text or levels"
        )
    point = geo.lookup(body.postcode)
    if point is None:
        raise _invalid(f"{field_prefix}.postcode", "not a known UK postcode or outward code")
    return Profile(
        skills=skills,
        english_level=body.english_level,
        maths_level=body.maths_level,
        driving_licence=body.driving_licence,
        lat=point.lat,
        lon=point.lon,
        max_travel_km=body.max_travel_km,
        hours_per_week=body.hours_per_week,
        patterns=list(body.patterns),
        available_from=body.available_from,
        age=body.age,
        qualifications=list(body.qualifications),
    )


def route_out(route: Route) -> RouteOut:
    """A route in the API's shape."""
    return RouteOut(
        steps=[StepOut.model_validate(asdict(s), from_attributes=False) for s in route.steps],
        total_weeks=route.total_weeks,
        total_cost=route.total_cost,
        earliest_start=route.earliest_start,
        finish_date=route.finish_date,
        uncovered=list(route.uncovered),
    )


def match_out(item: MatchItem) -> MatchOut:
    """A match in the API's shape."""
    return MatchOut(
        vacancy_id=item.vacancy_id,
        title=item.title,
        employer=item.employer,
        role=item.role,
        score=round(float(item.score), 4),
        parts=PartsOut(**asdict(item.parts)),
        distance_km=round(float(item.distance_km), 2),
        missing_skills=[
            MissingSkillOut(id=m.id, label=load_taxonomy().skill_label(m.id), essential=m.essential)
            for m in item.missing_skills
        ],
        ready="now" if item.ready == "now" else "after_training",
        route=route_out(item.route) if item.route else None,
    )


def match(
    index: MatchIndex, body: MatchRequest, profile: Profile, today: date | None = None
) -> MatchResponse:
    """The ranked matches of ``profile``, with counts and, when asked, what would unlock more."""
    result = index.match(
        profile, limit=body.limit, include_training=body.include_training, today=today
    )
    reason = None
    if not result.items:
        if index.vacancy_count == 0:
            reason = "There are no open vacancies in the catalogue yet."
        elif result.in_range == 0:
            reason = f"No open vacancy lies within {body.max_travel_km:g} km of {body.postcode}."
        else:
            reason = "Open vacancies are in range, but none can be reached now or by a course within reach."
    unlock = None
    if body.include_unlock:
        labels = {s.id: s.label for s in load_taxonomy().skills}
        steps = what_would_change(
            profile, index, profile.max_travel_km, top=5, today=today, labels=labels
        )
        unlock = [UnlockOut(**{**asdict(s), "text": s.text}) for s in steps]
    return MatchResponse(
        matches=[match_out(i) for i in result.items],
        in_range=result.in_range,
        ready_now=result.ready_now,
        after_training=result.after_training,
        not_eligible=result.not_eligible,
        reason=reason,
        what_would_change=unlock,
    )


def role_gap(role: Role, profile: Profile) -> tuple[list[str], list[str]]:
    """The role's essential skills the person lacks, and its requirements they do not meet."""
    held = Attainment.from_profile(profile)
    have = expand_skills(profile.skills, held)
    missing = [s for s in role.essential_skills if s not in have]
    req = role.requirements
    wanted = vacancy_requirements(
        Requirements(
            dbs=req.dbs,
            driving_licence=req.driving_licence,
            english_level=req.english_level,
            maths_level=req.maths_level,
            registration=req.registration,
        )
    )
    return missing, [r for r in wanted if not held.satisfies(r)]


def route_to_role(
    index: MatchIndex, role: Role, profile: Profile, today: date | None = None
) -> RouteResponse:
    """The training route from ``profile`` to ``role``."""
    missing, requirements = role_gap(role, profile)
    route = index.route(profile, missing, requirements, today=today)
    out = route_out(route)
    return RouteResponse(
        **out.model_dump(),
        role=role.id,
        missing_skills=[MissingSkillOut(id=s, label=load_taxonomy().skill_label(s), essential=True) for s in missing],
        missing_requirements=requirements,
    )
