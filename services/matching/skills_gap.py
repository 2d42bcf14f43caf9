"""The skills-gap report: per role, in a region, supply against demand.

For each role profile of the taxonomy:

* **open vacancies**: open, unexpired vacancies of the match index classified to the role,
  placed in the region by their point (``regions.py``);
* **course starts in the next 90 days**: runs of courses that lead to the role (the
  course's ``leads_to``) starting between today and today + 90 days at a venue in the region,
  or online (followed from anywhere, so counted in every region); and their **places** when
  providers state them (``None`` until any does);
* **jobseekers ready now**: jobseekers living in the region (every office; only counts leave
  this module) who hold every essential skill of the role and meet its English, maths,
  licence and registration requirements;
* **jobseekers ready after training**: the others with no registration gap whose missing
  essential skills are all taught, and missing levels and licences all reachable, by courses
  with a run in the region (or online) that starts in the window or any time. Reachability
  chains entry requirements (ESOL Entry 3 opens Functional Skills Level 1) with the engine's
  ``attainable``; it is a regional view of supply, not each person's own travel-limited
  route (that is what ``/v1/jobseekers/{id}/matches`` is for), and it ignores entry
  requirements that are plain certificates rather than levels or licences;
* **referrals**: vacancy referrals in the region for the role and how far they got (every
  stage reached counts), from the referral histories.

Everything is counted with vectorised passes: one sparse product of the region's jobseeker
skills with the roles' essential skills, and per distinct (English, maths, licence) triple
one fixed point of what courses can add.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import sparse

from services.matching.engine import CourseDoc, MatchIndex
from services.matching.engine.attainment import (
    LICENCE_CATEGORIES,
    Attainment,
    attainable,
    course_skills,
    level_rank,
    licence_requirement,
)
from services.matching.people_schemas import ReferralOutcomes, RoleGapOut, SkillsGapReport
from services.matching.regions import in_region
from services.matching.shortlist import JobseekerIndex, PeopleSnapshot, licence_bit
from services.taxonomy import Role, load_taxonomy

WINDOW_DAYS: Final = 90
REFERRAL_STAGES: Final = ("referred", "applied", "interviewed", "offered", "started", "withdrawn")
_PAST_INTERVIEW: Final = frozenset({"interviewed", "offered", "started"})
_PAST_OFFER: Final = frozenset({"offered", "started"})

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class CourseSupply:
    """Courses available to a region in the window: starts per role, and what they can add."""

    starts: Counter[str] = field(default_factory=Counter)
    places: dict[str, int] = field(default_factory=dict)
    teachable: set[str] = field(default_factory=set)
    offers: set[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the report needs of the match index, copied out so the lock is held briefly."""

    vacancy_lat: npt.NDArray[np.float64]
    vacancy_lon: npt.NDArray[np.float64]
    vacancy_roles: list[str | None]
    courses: list[CourseDoc]


def catalogue_of(index: MatchIndex, today: date) -> Catalogue:
    """The open, unexpired vacancies' points and roles, and the live courses (under the lock)."""
    table = index.vacancies
    live = np.flatnonzero(table.alive.view() & (table.closing.view() >= today.toordinal()))
    roles = table.roles
    return Catalogue(
        vacancy_lat=table.lat.view()[live].copy(),
        vacancy_lon=table.lon.view()[live].copy(),
        vacancy_roles=[roles[row] for row in live.tolist()],
        courses=index.courses.live_docs(),
    )


def open_vacancies_by_role(catalogue: Catalogue, region: str | None) -> Counter[str]:
    """Open, unexpired vacancies per role, in ``region`` (everywhere when ``None``)."""
    roles = catalogue.vacancy_roles
    if region is None:
        return Counter(role for role in roles if role is not None)
    here = in_region(catalogue.vacancy_lat, catalogue.vacancy_lon, region)
    return Counter(
        role for position in np.flatnonzero(here).tolist() if (role := roles[position]) is not None
    )


def course_supply(
    courses: Sequence[CourseDoc], region: str | None, today: date, window_days: int = WINDOW_DAYS
) -> CourseSupply:
    """Runs starting in the window per role led to, and what available courses teach and grant."""
    docs = list(courses)
    lats: list[float] = []
    lons: list[float] = []
    for doc in docs:
        for run in doc.presentations:
            online = (run.mode or "").lower() == "online"
            lats.append(float("nan") if online or run.lat is None else float(run.lat))
            lons.append(float("nan") if online or run.lon is None else float(run.lon))
    lat_array = np.asarray(lats, dtype=np.float64)
    here = np.ones(lat_array.size, dtype=np.bool_)
    if region is not None and lat_array.size:
        here = in_region(lat_array, np.asarray(lons, dtype=np.float64), region)
    supply = CourseSupply()
    last_day = today + timedelta(days=window_days)
    flat = 0
    for doc in docs:
        available = False
        for run in doc.presentations:
            online = (run.mode or "").lower() == "online"
            placed = bool(here[flat]) or online
            flat += 1
            if not placed:
                continue
            start = run.start_date
            if start is None or (today <= start <= last_day):
                available = True
            if start is not None and today <= start <= last_day:
                for role in dict.fromkeys(doc.leads_to):
                    supply.starts[role] += 1
                    if run.places is not None:
                        supply.places[role] = supply.places.get(role, 0) + run.places
        if available:
            supply.teachable |= course_skills(doc.skills_taught, doc.grants)
            supply.offers.add((tuple(doc.entry_requirements), tuple(doc.grants)))
    return supply


@dataclass(frozen=True, slots=True)
class _RoleNeeds:
    english: int
    maths: int
    licence: int
    registration: str | None


def _needs(role: Role) -> _RoleNeeds:
    req = role.requirements
    category = licence_requirement(req.driving_licence)
    return _RoleNeeds(
        english=level_rank(req.english_level),
        maths=level_rank(req.maths_level),
        licence=licence_bit(category) if category else 0,
        registration=req.registration.strip().upper() if req.registration else None,
    )


def _reachable_levels(
    people: PeopleSnapshot, offers: Iterable[tuple[Sequence[str], Sequence[str]]]
) -> tuple[IntArray, IntArray, IntArray]:
    """Per person: English rank, maths rank and licence bits reachable through the offers.

    People share a handful of (English, maths, licence) triples, so the fixed point is worked
    out once per distinct triple (packed into one integer to find them).
    """
    offer_list = list(offers)
    packed = (people.english << 24) | (people.maths << 16) | people.licence
    unique, inverse = np.unique(packed, return_inverse=True)
    reached = np.empty((unique.size, 3), dtype=np.int64)
    for i, key in enumerate(unique.tolist()):
        bits = key & 0xFFFF
        held = Attainment(
            english=key >> 24,
            maths=(key >> 16) & 0xFF,
            licences={c for c in LICENCE_CATEGORIES if bits & licence_bit(c)},
        )
        after = attainable(held, offer_list)
        reached[i] = (after.english, after.maths, sum(licence_bit(c) for c in after.licences))
    mapped = reached[np.asarray(inverse).reshape(-1)]
    return mapped[:, 0], mapped[:, 1], mapped[:, 2]


def _role_matrix(
    people: PeopleSnapshot, roles: Sequence[Role], keep: Callable[[str], bool]
) -> tuple[Any, IntArray]:
    """Skills x roles (1 where the role needs the skill and ``keep`` says so), and row totals."""
    rows: list[int] = []
    cols: list[int] = []
    totals = np.zeros(len(roles), dtype=np.int64)
    for r, role in enumerate(roles):
        for skill in dict.fromkeys(role.essential_skills):
            if not keep(skill):
                continue
            totals[r] += 1
            code = people.skill_codes.get(skill)
            if code is not None:
                rows.append(code)
                cols.append(r)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), np.int32), (rows, cols)), shape=(people.skills.shape[1], len(roles))
    )
    return matrix, totals


def jobseeker_readiness(
    people: PeopleSnapshot, roles: Sequence[Role], supply: CourseSupply
) -> tuple[IntArray, IntArray]:
    """Per role: how many people are ready now, and how many after training (see module doc).

    People are rows and roles columns throughout: one sparse product counts each person's
    essential skills per role (and those no available course teaches), then the level,
    licence and registration tests broadcast over the same grid.
    """
    n_roles = len(roles)
    if people.count == 0 or n_roles == 0:
        return np.zeros(n_roles, np.int64), np.zeros(n_roles, np.int64)
    essential, totals = _role_matrix(people, roles, lambda _skill: True)
    untaught, hard_totals = _role_matrix(people, roles, lambda s: s not in supply.teachable)
    has_all = np.asarray((people.skills @ essential).todense()) == totals
    has_untaught = np.asarray((people.skills @ untaught).todense()) == hard_totals
    needs = [_needs(role) for role in roles]
    english = np.asarray([n.english for n in needs], dtype=np.int64)
    maths = np.asarray([n.maths for n in needs], dtype=np.int64)
    licence = np.asarray([n.licence for n in needs], dtype=np.int64)
    registered = np.ones((people.count, n_roles), dtype=np.bool_)
    for r, n in enumerate(needs):
        if n.registration:
            registered[:, r] = people.registered.get(
                n.registration, np.zeros(people.count, np.bool_)
            )

    def levels_met(
        have_english: IntArray, have_maths: IntArray, have_licence: IntArray
    ) -> BoolArray:
        return np.asarray(
            (have_english[:, None] >= english)
            & (have_maths[:, None] >= maths)
            & ((licence == 0) | ((have_licence[:, None] & licence) != 0)),
            dtype=np.bool_,
        )

    ready = has_all & registered & levels_met(people.english, people.maths, people.licence)
    later = (
        ~ready & registered & has_untaught & levels_met(*_reachable_levels(people, supply.offers))
    )
    return ready.sum(axis=0).astype(np.int64), later.sum(axis=0).astype(np.int64)


def referral_outcomes(
    rows: Iterable[tuple[str | None, Sequence[str]]],
) -> dict[str, ReferralOutcomes]:
    """Per role: referrals and every stage they reached (from each referral's history)."""
    counts: dict[str, Counter[str]] = {}
    for role, statuses in rows:
        if role is None:
            continue
        reached = set(statuses)
        tally = counts.setdefault(role, Counter())
        tally["referred"] += 1
        if reached - {"referred", "withdrawn"}:
            tally["applied"] += 1
        if reached & _PAST_INTERVIEW:
            tally["interviewed"] += 1
        if reached & _PAST_OFFER:
            tally["offered"] += 1
        if "started" in reached:
            tally["started"] += 1
        if "withdrawn" in reached:
            tally["withdrawn"] += 1
    return {
        role: ReferralOutcomes(**{stage: tally[stage] for stage in REFERRAL_STAGES})
        for role, tally in counts.items()
    }


def skills_gap_report(
    *,
    catalogue: Catalogue,
    people: JobseekerIndex,
    referrals: Iterable[tuple[str | None, Sequence[str]]],
    region: str | None,
    today: date,
    window_days: int = WINDOW_DAYS,
) -> SkillsGapReport:
    """The report for ``region`` (all England when ``None``); roles with nothing to say are left out."""
    roles = sorted(load_taxonomy().roles, key=lambda r: r.id)
    vacancies = open_vacancies_by_role(catalogue, region)
    supply = course_supply(catalogue.courses, region, today, window_days)
    registrations = {n.registration for n in map(_needs, roles) if n.registration}
    snapshot = people.snapshot(region, registrations)
    ready_now, ready_later = jobseeker_readiness(snapshot, roles, supply)
    outcomes = referral_outcomes(referrals)
    items: list[RoleGapOut] = []
    for r, role in enumerate(roles):
        item = RoleGapOut(
            role=role.id,
            title=role.title,
            open_vacancies=vacancies.get(role.id, 0),
            course_starts_next_90_days=supply.starts.get(role.id, 0),
            course_places_next_90_days=supply.places.get(role.id),
            jobseekers_ready_now=int(ready_now[r]),
            jobseekers_ready_after_training=int(ready_later[r]),
            shortfall=vacancies.get(role.id, 0) - int(ready_now[r]),
            referrals=outcomes.get(role.id, ReferralOutcomes()),
        )
        if (
            item.open_vacancies
            or item.course_starts_next_90_days
            or item.jobseekers_ready_now
            or item.jobseekers_ready_after_training
            or item.referrals.referred
        ):
            items.append(item)
    items.sort(key=lambda i: (-i.shortfall, i.role))
    return SkillsGapReport(
        region=region,
        as_of=today,
        window_days=window_days,
        jobseekers=snapshot.count,
        items=items,
    )
