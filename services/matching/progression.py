"""Career progression for people already in work: the next roles up, what they add, the route.

Given a current role of the taxonomy, each role on its ``progression`` edges comes back with:

* **what it adds**: its essential skills the current role does not give (``essential``) and
  its desirable skills not held (not essential), and the requirements (English or maths
  level, licence, registration) the current role does not already meet;
* **the route there**, when a place is given: someone in work is taken to hold the current
  role's essential skills and meet its requirements, and the route is planned by the
  engine's planner **from in-work courses first** — apprenticeships, part-time courses
  (``PART_TIME_HOURS`` a week or fewer), and runs in the evening, at weekends, flexible,
  online, blended or work-based. When no in-work route covers as much of the gap as a route
  over every course within reach (the match index's ``route``), that route is given instead
  and ``route_basis`` says ``any``.

No FastAPI here; call with the match index's lock held.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final, Literal

from services.matching.engine import CourseDoc, MatchIndex, Profile, Route
from services.matching.engine.attainment import Attainment, expand_skills, licence_requirement
from services.matching.engine.routes import RoutePlanner, start_floor
from services.matching.match_service import role_gap, route_out
from services.matching.people_schemas import (
    ProgressionAdds,
    ProgressionResponse,
    ProgressionStepOut,
)
from services.matching.schemas import MissingSkillOut
from services.taxonomy import Role, load_taxonomy

PART_TIME_HOURS: Final = 16.0
IN_WORK_QUALIFICATIONS: Final = frozenset({"apprenticeship"})
IN_WORK_ATTENDANCE: Final = frozenset({"evening", "weekend", "flexible"})
IN_WORK_MODES: Final = frozenset({"online", "blended", "work_based"})


def is_in_work(course: CourseDoc) -> bool:
    """True when someone with a job can follow the course alongside it."""
    if course.qualification_type in IN_WORK_QUALIFICATIONS:
        return True
    if course.hours_per_week is not None and course.hours_per_week <= PART_TIME_HOURS:
        return True
    return any(
        (run.attendance or "").lower() in IN_WORK_ATTENDANCE
        or (run.mode or "").lower() in IN_WORK_MODES
        for run in course.presentations
    )


def in_work_profile(role: Role, *, lat: float, lon: float, max_travel_km: float) -> Profile:
    """Someone doing ``role`` now: its essential skills, its levels, licence and registration."""
    req = role.requirements
    category = licence_requirement(req.driving_licence)
    return Profile(
        skills=list(role.essential_skills),
        english_level=req.english_level,
        maths_level=req.maths_level,
        driving_licence=category or False,
        lat=lat,
        lon=lon,
        max_travel_km=max_travel_km,
        qualifications=[f"registration:{req.registration}"] if req.registration else [],
    )


def reachable_courses(index: MatchIndex, profile: Profile, today: date) -> list[CourseDoc]:
    """Courses with a run within the profile's travel limit (or online) starting in time."""
    reach = index.courses.reach(
        profile.lat, profile.lon, profile.max_travel_km, start_floor(profile, today)
    )
    docs = index.courses.docs
    return [doc for row in reach.courses.tolist() if (doc := docs[row]) is not None]


def _adds(target: Role, profile: Profile) -> tuple[list[str], list[str], ProgressionAdds]:
    missing, requirements = role_gap(target, profile)
    held = expand_skills(profile.skills, Attainment.from_profile(profile))
    desirable = [s for s in dict.fromkeys(target.desirable_skills) if s not in held]
    label = load_taxonomy().skill_label
    adds = ProgressionAdds(
        skills=[MissingSkillOut(id=s, label=label(s), essential=True) for s in missing]
        + [MissingSkillOut(id=s, label=label(s), essential=False) for s in desirable],
        requirements=requirements,
    )
    return missing, requirements, adds


def _best_route(
    index: MatchIndex,
    planner: RoutePlanner,
    profile: Profile,
    in_work: Sequence[CourseDoc],
    missing: list[str],
    requirements: list[str],
    today: date,
) -> tuple[Route, Literal["in_work", "any"]]:
    """The in-work route unless a route over any course covers more of the gap."""
    in_work_route = planner.plan(missing, requirements, in_work)
    if not in_work_route.uncovered:
        return in_work_route, "in_work"
    any_route = index.route(profile, missing, requirements, today=today)
    if len(any_route.uncovered) < len(in_work_route.uncovered):
        return any_route, "any"
    return in_work_route, "in_work"


def progression(
    index: MatchIndex,
    role: Role,
    *,
    point: tuple[float, float] | None,
    max_travel_km: float,
    today: date,
) -> ProgressionResponse:
    """The roles one step up from ``role``, what each adds and, with a point, the route there."""
    roles = load_taxonomy().roles_by_id
    lat, lon = point if point is not None else (0.0, 0.0)
    profile = in_work_profile(role, lat=lat, lon=lon, max_travel_km=max_travel_km)
    planner: RoutePlanner | None = None
    in_work: list[CourseDoc] = []
    if point is not None:
        planner = RoutePlanner(profile, today)
        in_work = [
            course for course in reachable_courses(index, profile, today) if is_in_work(course)
        ]
    steps: list[ProgressionStepOut] = []
    for next_id in dict.fromkeys(role.progression):
        target = roles.get(next_id)
        if target is None:
            continue
        missing, requirements, adds = _adds(target, profile)
        route_body = None
        basis: Literal["in_work", "any"] | None = None
        if planner is not None:
            route, basis = _best_route(
                index, planner, profile, in_work, missing, requirements, today
            )
            route_body = route_out(route)
        steps.append(
            ProgressionStepOut(
                role=target.id,
                title=target.title,
                band=target.band,
                adds=adds,
                route=route_body,
                route_basis=basis,
            )
        )
    return ProgressionResponse(role=role.id, title=role.title, band=role.band, next=steps)
