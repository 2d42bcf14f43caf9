"""Training routes: which courses, in what order and on which dates, close a person's gap.

``plan_route`` is a small best-first search (Dijkstra on a lexicographic cost) over candidate
courses:

1. **What to close.** The missing essential skills the person does not already hold, and the
   missing requirements (``english:level1``, ``licence:C1``, ``care_certificate`` ...). A
   registration is never trainable: it goes straight to ``uncovered``.
2. **What can help.** A course is relevant when it teaches a missing skill or grants a
   missing requirement, or grants an entry requirement of a relevant course the person does
   not meet (so ESOL Entry 3 comes in for Functional Skills English Level 1, and Functional
   Skills for a Level 2 diploma). Chaining relevant courses without dates tells what is
   coverable at all; the rest is ``uncovered``.
3. **Runs.** A run is usable when it is online or its venue is within the person's travel
   limit, its duration is known, and it starts on or after the later of ``today`` and the
   person's ``available_from`` (``start_date=None`` runs start when wanted). Steps follow one
   another: a step starts the day after the previous one ends at the earliest.
4. **Search.** Best-first over *sets* of courses, each priced by its best usable run; a set
   grows only by a course whose entry requirements the set already meets and which gives
   the first unmet target (requirements first) or leads to one that does. Sets are compared
   as (total weeks, cost to the person, travel km, steps): fewest weeks first, then cheapest
   (fully funded courses cost 0, see ``funding.py``), then least travel. Complete sets come
   out cheapest first, and the first one that can be *scheduled* wins: in an order that
   meets every entry requirement, each step on its earliest run starting after the previous
   step ends. If dates rule out every complete set, a dated search returns the route
   meeting most requirements, then covering most skills, and the rest are ``uncovered``.

Courses with the same effect (same needed skills, same useful grants, same entry
requirements) are interchangeable for the search, so only the best three of each are kept.
``check_route`` re-checks a route from scratch: dependency order, dates, travel, coverage.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from services.common.geo import haversine_km
from services.matching.engine.attainment import (
    Attainment,
    attainable,
    course_skills,
    expand_skills,
    is_trainable,
    normalise_token,
)
from services.matching.engine.course_table import is_online, presentation_weeks, satisfied_tokens
from services.matching.engine.funding import cost_to_person
from services.matching.engine.spatial import finite_point
from services.matching.engine.types import CourseDoc, PresentationDoc, Profile, Route, Step

MAX_EXPANSIONS: Final = 5_000
MAX_SCHEDULE_ATTEMPTS: Final = 50
MAX_SCHEDULE_NODES: Final = 500
MAX_FALLBACK_EXPANSIONS: Final = 1_500
KEEP_PER_EFFECT: Final = 3
_EPSILON: Final = 1e-6


@dataclass(frozen=True, slots=True)
class _Run:
    start: date | None
    end: date | None
    weeks: float
    distance_km: float
    mode: str | None


@dataclass(frozen=True, slots=True)
class _Option:
    """A course as the search sees it for one person: usable runs, effects, cost to them."""

    course: CourseDoc
    runs: tuple[_Run, ...]
    skills: frozenset[str]
    satisfies: frozenset[str]
    grants: tuple[str, ...]
    entry: tuple[str, ...]
    cost: float
    best: tuple[float, float, float, int]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An option in one plan, with the needed tokens its grants meet there."""

    option: _Option
    useful: frozenset[str]


@dataclass(slots=True)
class _State:
    held: Attainment
    covered: frozenset[str]
    end: date | None
    steps: tuple[Step, ...]
    taken: frozenset[str]


def start_floor(profile: Profile, today: date) -> date:
    """The first day a step may start: today, or later if the person is available later."""
    if profile.available_from is not None and profile.available_from > today:
        return profile.available_from
    return today


def _run_distance(profile: Profile, run: PresentationDoc) -> float | None:
    if is_online(run):
        return 0.0
    if not finite_point(run.lat, run.lon):
        return None
    return haversine_km(profile.lat, profile.lon, float(run.lat or 0.0), float(run.lon or 0.0))


def usable_runs(profile: Profile, course: CourseDoc, floor: date) -> list[_Run]:
    """The course's runs the person could follow: in range or online, in time, of known length."""
    runs: list[_Run] = []
    for run in course.presentations:
        if run.start_date is not None and run.start_date < floor:
            continue
        weeks = presentation_weeks(run)
        if math.isnan(weeks):
            continue
        distance = _run_distance(profile, run)
        if distance is None or distance > profile.max_travel_km:
            continue
        runs.append(_Run(run.start_date, run.end_date, weeks, distance, run.mode))
    runs.sort(key=lambda r: (r.start or floor, r.distance_km, r.weeks))
    return runs


class RoutePlanner:
    """Plans routes for one person on one day; remembers each course's usable runs.

    The index keeps one planner per match so that the routes of twenty results share the
    work of reading the same candidate courses.
    """

    def __init__(self, profile: Profile, today: date) -> None:
        self.profile = profile
        self.floor = start_floor(profile, today)
        self.held = Attainment.from_profile(profile)
        self.have = expand_skills(profile.skills, self.held)
        self._options: dict[str, _Option | None] = {}

    def option(self, course: CourseDoc) -> _Option | None:
        """The course as a search option, or None when no run of it is usable."""
        if course.id in self._options:
            return self._options[course.id]
        runs = usable_runs(self.profile, course, self.floor)
        option: _Option | None = None
        if runs:
            grants = tuple(sorted({normalise_token(g) for g in course.grants}))
            cost = cost_to_person(
                course.cost, course.funding, course.qualification_type, course.level,
                self.profile.age,
            )  # fmt: skip
            option = _Option(
                course=course,
                runs=tuple(runs),
                skills=frozenset(course_skills(course.skills_taught, course.grants)),
                satisfies=frozenset(t for g in grants for t in satisfied_tokens(g)),
                grants=grants,
                entry=tuple(sorted({normalise_token(r) for r in course.entry_requirements})),
                cost=cost,
                best=(
                    min(r.weeks for r in runs),
                    cost,
                    min(r.distance_km for r in runs),
                    (runs[0].start or self.floor).toordinal(),
                ),
            )
        self._options[course.id] = option
        return option

    def plan(
        self,
        missing_skills: Iterable[str],
        missing_requirements: Iterable[str],
        courses: Iterable[CourseDoc],
    ) -> Route:
        """The route closing this gap from these candidate courses (see ``plan_route``)."""
        held = self.held
        skills = [s for s in dict.fromkeys(missing_skills) if s not in self.have]
        requirements = [
            r for r in dict.fromkeys(normalise_token(x) for x in missing_requirements)
            if not held.satisfies(r)
        ]  # fmt: skip
        never = [r for r in requirements if not is_trainable(r)]
        trainable = [r for r in requirements if is_trainable(r)]
        options: list[_Option] = []
        seen: set[str] = set()
        for course in courses:
            if course.id not in seen:
                seen.add(course.id)
                option = self.option(course)
                if option is not None:
                    options.append(option)
        relevant = _relevant(options, set(skills), set(trainable), held)
        reachable = attainable(held, [(c.option.entry, c.option.grants) for c in relevant])
        teachable: set[str] = set()
        for candidate in relevant:
            if all(reachable.satisfies(r) for r in candidate.option.entry):
                teachable |= candidate.option.skills
        skill_targets = {s for s in skills if s in teachable}
        requirement_targets = {r for r in trainable if reachable.satisfies(r)}
        candidates = _prune(relevant)
        steps: tuple[Step, ...] | None = ()
        if skill_targets or requirement_targets:
            steps = _search_sets(candidates, held, skill_targets, requirement_targets, self.floor)
            if steps is None:
                steps = _search_sequences(
                    candidates, held, skill_targets, requirement_targets, self.floor
                )
        covered: set[str] = set()
        after = held.copy()
        for step in steps or ():
            covered.update(step.covers)
            for grant in step.grants:
                after.add(grant)
        steps = steps or ()
        uncovered = [s for s in skills if s not in covered]
        uncovered += [r for r in trainable if not after.satisfies(r)]
        uncovered += never
        return Route(
            steps=list(steps),
            total_weeks=round(sum(step.weeks for step in steps), 2),
            total_cost=round(sum(step.cost for step in steps), 2),
            earliest_start=steps[0].start_date if steps else None,
            uncovered=uncovered,
            finish_date=steps[-1].end_date if steps else None,
        )


def _relevant(
    options: Sequence[_Option], skills: set[str], requirements: set[str], held: Attainment
) -> list[_Candidate]:
    """Options that teach a needed skill, grant a needed requirement, or feed one that does."""
    useful = set(requirements)
    chosen: set[int] = set()
    changed = True
    while changed:
        changed = False
        for position, option in enumerate(options):
            if position in chosen or not (option.skills & skills or option.satisfies & useful):
                continue
            chosen.add(position)
            changed = True
            for requirement in option.entry:
                if not held.satisfies(requirement):
                    useful.add(requirement)
    frozen = frozenset(useful)
    return [
        _Candidate(options[position], options[position].satisfies & frozen)
        for position in sorted(chosen)
    ]


def _prune(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Keep the best few options per effect (same skills, useful grants and entry needs)."""
    groups: dict[tuple[frozenset[str], frozenset[str], tuple[str, ...]], list[_Candidate]] = {}
    for candidate in candidates:
        option = candidate.option
        groups.setdefault((option.skills, candidate.useful, option.entry), []).append(candidate)
    kept: list[_Candidate] = []
    for members in groups.values():
        members.sort(key=lambda c: (*c.option.best, c.option.course.id))
        kept.extend(members[:KEEP_PER_EFFECT])
    kept.sort(key=lambda c: (*c.option.best, c.option.course.id))
    return kept


def _choose_run(option: _Option, after: date | None, floor: date) -> tuple[_Run, date, date] | None:
    """The earliest usable run starting after ``after`` (or from ``floor`` for a first step)."""
    earliest = floor if after is None else max(floor, after + timedelta(days=1))
    best: tuple[_Run, date, date] | None = None
    for run in option.runs:
        start = run.start if run.start is not None else earliest
        if start < earliest:
            continue
        end = run.end if run.end is not None and run.start is not None else None
        if end is None or end < start:
            end = start + timedelta(days=max(round(run.weeks * 7) - 1, 0))
        if best is None or (start, run.distance_km) < (best[1], best[0].distance_km):
            best = (run, start, end)
    return best


def _progress(state: _State, skills: set[str], requirements: set[str]) -> tuple[int, int]:
    """(requirements met, skills covered): requirements first, as only they gate a vacancy."""
    met = sum(1 for requirement in requirements if state.held.satisfies(requirement))
    return met, len(skills & state.covered)


def plan_route(
    profile: Profile,
    missing_skills: Iterable[str],
    missing_requirements: Iterable[str],
    courses: Iterable[CourseDoc],
    today: date,
) -> Route:
    """The route closing the gap: fewest weeks, then lowest cost to the person, then travel.

    ``courses`` are the candidates (the index passes those within reach); runs out of range,
    in the past or of unknown length are ignored here as well. What no usable course can
    give is listed in ``uncovered`` (skill ids and requirement strings).
    """
    return RoutePlanner(profile, today).plan(missing_skills, missing_requirements, courses)


def _supports(
    candidates: Sequence[_Candidate], targets: Sequence[str], skills: set[str], held: Attainment
) -> dict[str, tuple[list[int], frozenset[str]]]:
    """Per target: the candidates giving it, and the prerequisite tokens on the way to them."""
    givers_of_token: dict[str, list[int]] = {}
    for position, candidate in enumerate(candidates):
        for token in candidate.useful:
            givers_of_token.setdefault(token, []).append(position)
    found: dict[str, tuple[list[int], frozenset[str]]] = {}
    for target in targets:
        if target in skills:
            givers = [i for i, c in enumerate(candidates) if target in c.option.skills]
        else:
            givers = givers_of_token.get(target, [])
        tokens: set[str] = set()
        frontier = [e for i in givers for e in candidates[i].option.entry if not held.satisfies(e)]
        while frontier:
            token = frontier.pop()
            if token in tokens:
                continue
            tokens.add(token)
            for i in givers_of_token.get(token, []):
                frontier.extend(e for e in candidates[i].option.entry if not held.satisfies(e))
        found[target] = (givers, frozenset(tokens))
    return found


def _step(option: _Option, run: _Run, begin: date, end: date, covers: Iterable[str]) -> Step:
    course = option.course
    return Step(
        course_id=course.id,
        title=course.title,
        provider=course.provider_name,
        weeks=round(run.weeks, 2),
        cost=round(option.cost, 2),
        start_date=begin,
        end_date=end,
        covers=sorted(covers),
        grants=list(option.grants),
        distance_km=round(run.distance_km, 3),
        mode=run.mode,
        funding=course.funding,
    )


@dataclass(frozen=True, slots=True)
class _Effect:
    """Interchangeable courses (same skills, useful grants, entry needs), best first."""

    members: tuple[_Candidate, ...]

    @property
    def lead(self) -> _Candidate:
        return self.members[0]


def _effects(candidates: Sequence[_Candidate]) -> list[_Effect]:
    groups: dict[tuple[frozenset[str], frozenset[str], tuple[str, ...]], list[_Candidate]] = {}
    for candidate in candidates:
        option = candidate.option
        groups.setdefault((option.skills, candidate.useful, option.entry), []).append(candidate)
    return [_Effect(tuple(members)) for members in groups.values()]


def _schedule(
    chosen: Sequence[_Effect], held: Attainment, skills: set[str], floor: date
) -> tuple[Step, ...] | None:
    """Put a set of effects in an order and on runs that work: entry needs first, no overlap.

    Each effect is taken on its most preferred member course that has a run starting after
    the previous step ends. Depth-first over the effects whose entry requirements are met,
    earliest start first (so the first order found also tends to finish earliest); None when
    no order fits.
    """
    budget = [MAX_SCHEDULE_NODES]

    def first_run(effect: _Effect, end: date | None) -> tuple[_Option, _Run, date, date] | None:
        for member in effect.members:
            found = _choose_run(member.option, end, floor)
            if found is not None:
                return (member.option, *found)
        return None

    def place(
        remaining: tuple[_Effect, ...],
        state: Attainment,
        end: date | None,
        covered: frozenset[str],
    ) -> tuple[Step, ...] | None:
        if not remaining:
            return ()
        budget[0] -= 1
        if budget[0] < 0:
            return None
        ready: list[tuple[date, date, int, _Option, _Run]] = []
        for position, effect in enumerate(remaining):
            if all(state.satisfies(r) for r in effect.lead.option.entry):
                found = first_run(effect, end)
                if found is not None:
                    option, run, begin, finish = found
                    ready.append((begin, finish, position, option, run))
        ready.sort(key=lambda r: (r[0], r[1], r[2]))
        for begin, finish, position, option, run in ready:
            after = state.copy()
            for grant in option.grants:
                after.add(grant)
            new_skills = (option.skills & skills) - covered
            rest = place(
                remaining[:position] + remaining[position + 1 :], after, finish, covered | new_skills
            )
            if rest is not None:
                return (_step(option, run, begin, finish, new_skills), *rest)
        return None

    return place(tuple(chosen), held, None, frozenset())


def _search_sets(
    candidates: Sequence[_Candidate],
    held: Attainment,
    skills: set[str],
    requirements: set[str],
    floor: date,
) -> tuple[Step, ...] | None:
    """Cheapest set of courses meeting every target that can also be scheduled.

    Interchangeable courses are merged into effects. Best-first over sets of effects, priced
    by (weeks, cost to the person, travel, steps) from each effect's best course and run;
    sets reaching the same skills and attainment are merged, keeping the cheapest. From a
    set, branch only on effects that give the first unmet target (requirements first) or
    lead to one that does: every set can be built in that order at the same price, so
    nothing cheaper is missed. Complete sets come out cheapest first; the first that
    ``_schedule`` can place in time wins. None when none can within the limits.
    """
    effects = _effects(candidates)
    leads = [effect.lead for effect in effects]
    order = [*sorted(requirements), *sorted(skills)]
    supports = _supports(leads, order, skills, held)
    counter = itertools.count()
    Cost = tuple[float, float, float, int]
    Node = tuple[Cost, int, frozenset[int], Attainment, frozenset[str]]
    heap: list[Node] = [((0.0, 0.0, 0.0, 0), next(counter), frozenset(), held, frozenset())]
    settled: set[tuple[object, ...]] = set()
    expansions = attempts = 0
    while heap and expansions < MAX_EXPANSIONS:
        cost, _, taken, state, covered = heapq.heappop(heap)
        key = (covered, state.key())
        if key in settled:
            continue
        settled.add(key)
        target = next(
            (t for t in order if (t not in covered if t in skills else not state.satisfies(t))),
            None,
        )
        if target is None:
            steps = _schedule([effects[i] for i in sorted(taken)], held, skills, floor)
            if steps is not None:
                return steps
            attempts += 1
            if attempts >= MAX_SCHEDULE_ATTEMPTS:
                return None
            settled.discard(key)
            continue
        expansions += 1
        givers, support = supports[target]
        wanted = frozenset(u for u in support if not state.satisfies(u))
        for position, lead in enumerate(leads):
            option = lead.option
            if position in taken or (position not in givers and not lead.useful & wanted):
                continue
            if not all(state.satisfies(r) for r in option.entry):
                continue
            new_skills = (option.skills & skills) - covered
            if not new_skills and all(state.satisfies(u) for u in lead.useful):
                continue
            after = state.copy()
            for grant in option.grants:
                after.add(grant)
            weeks, money, travel, _ = option.best
            next_cost: Cost = (
                round(cost[0] + weeks, 6),
                round(cost[1] + money, 6),
                round(cost[2] + travel, 6),
                cost[3] + 1,
            )
            heapq.heappush(
                heap, (next_cost, next(counter), taken | {position}, after, covered | new_skills)
            )
    return None


def _search_sequences(
    candidates: Sequence[_Candidate],
    held: Attainment,
    skills: set[str],
    requirements: set[str],
    floor: date,
) -> tuple[Step, ...]:
    """The fallback when dates rule out every complete set: the route doing the most.

    Best-first over dated sequences (each step on its earliest run after the previous one
    ends), keeping the sequence that meets most requirements, then covers most skills.
    """
    start = _State(held, frozenset(), None, (), frozenset())
    counter = itertools.count()
    Cost = tuple[float, float, float, int, int]
    heap: list[tuple[Cost, int, _State]] = [((0.0, 0.0, 0.0, 0, 0), next(counter), start)]
    settled: dict[tuple[object, ...], Cost] = {}
    best: tuple[tuple[int, int], _State] = ((0, 0), start)
    expansions = 0
    while heap and expansions < MAX_FALLBACK_EXPANSIONS:
        cost, _, state = heapq.heappop(heap)
        key = (state.covered, state.held.key())
        if key in settled and settled[key] <= cost:
            continue
        settled[key] = cost
        progress = _progress(state, skills, requirements)
        if progress > best[0]:
            best = (progress, state)
        expansions += 1
        for candidate in candidates:
            option = candidate.option
            if option.course.id in state.taken:
                continue
            if not all(state.held.satisfies(r) for r in option.entry):
                continue
            new_skills = (option.skills & skills) - state.covered
            if not new_skills and all(state.held.satisfies(u) for u in candidate.useful):
                continue
            chosen = _choose_run(option, state.end, floor)
            if chosen is None:
                continue
            run, begin, end = chosen
            next_held = state.held.copy()
            for grant in option.grants:
                next_held.add(grant)
            next_cost: Cost = (
                round(cost[0] + run.weeks, 6),
                round(cost[1] + option.cost, 6),
                round(cost[2] + run.distance_km, 6),
                end.toordinal(),
                cost[4] + 1,
            )
            next_state = _State(
                next_held,
                state.covered | new_skills,
                end,
                (*state.steps, _step(option, run, begin, end, new_skills)),
                state.taken | {option.course.id},
            )
            heapq.heappush(heap, (next_cost, next(counter), next_state))
    return best[1].steps


def check_route(
    route: Route,
    profile: Profile,
    missing_skills: Iterable[str],
    missing_requirements: Iterable[str],
    courses: Iterable[CourseDoc],
    today: date,
) -> list[str]:
    """Every way ``route`` breaks the rules (empty when it is sound).

    Checks: each step's course exists and runs on that date within the travel limit (or
    online); no step starts before today or the person's availability; each step starts
    after the previous one ends; each step's entry requirements are met by the person plus
    earlier steps; ``covers`` are taught by the course; every missing skill and requirement
    is covered or listed in ``uncovered``; the totals add up.
    """
    problems: list[str] = []
    by_id = {course.id: course for course in courses}
    floor = start_floor(profile, today)
    held = Attainment.from_profile(profile)
    covered: set[str] = set()
    previous_end: date | None = None
    for number, step in enumerate(route.steps, start=1):
        course = by_id.get(step.course_id)
        if course is None:
            problems.append(f"step {number}: unknown course {step.course_id}")
            continue
        if step.start_date < floor:
            problems.append(f"step {number}: starts {step.start_date} before {floor}")
        if step.end_date < step.start_date:
            problems.append(f"step {number}: ends before it starts")
        if previous_end is not None and step.start_date <= previous_end:
            problems.append(f"step {number}: starts before step {number - 1} ends")
        for requirement in course.entry_requirements:
            if not held.satisfies(requirement):
                problems.append(f"step {number}: entry requirement {requirement} not yet met")
        if not _runs_on(profile, course, step.start_date):
            problems.append(f"step {number}: no run of {course.id} on {step.start_date} in range")
        taught = course_skills(course.skills_taught, course.grants)
        if not set(step.covers) <= taught:
            problems.append(f"step {number}: covers skills the course does not teach")
        for grant in course.grants:
            held.add(grant)
        covered.update(step.covers)
        previous_end = step.end_date
    have = expand_skills(profile.skills, held) | covered
    uncovered = set(route.uncovered)
    for skill in missing_skills:
        if skill not in have and skill not in uncovered:
            problems.append(f"missing skill {skill} neither covered nor listed as uncovered")
    for requirement in missing_requirements:
        if not held.satisfies(requirement) and normalise_token(requirement) not in uncovered:
            problems.append(f"requirement {requirement} neither met nor listed as uncovered")
    if abs(route.total_weeks - sum(step.weeks for step in route.steps)) > 0.01 + _EPSILON:
        problems.append("total_weeks is not the sum of the steps' weeks")
    if abs(route.total_cost - sum(step.cost for step in route.steps)) > 0.01 + _EPSILON:
        problems.append("total_cost is not the sum of the steps' costs")
    first = route.steps[0].start_date if route.steps else None
    if route.earliest_start != first:
        problems.append("earliest_start is not the first step's start")
    return problems


def _runs_on(profile: Profile, course: CourseDoc, start: date) -> bool:
    for run in course.presentations:
        distance = _run_distance(profile, run)
        if distance is None or distance > profile.max_travel_km + _EPSILON:
            continue
        if run.start_date is None or run.start_date == start:
            return True
    return False
