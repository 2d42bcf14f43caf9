"""Training routes: which courses, in what order and on which dates, close a person's gap.

``plan_route`` works in four stages:

1. **What to close.** The missing essential skills the person does not already hold, and the
   missing requirements (``english:level1``, ``licence:C1``, ``care_certificate`` ...). A
   registration is never trainable: it goes straight to ``uncovered``.
2. **What can help.** A course is relevant when it teaches a missing skill or grants a
   missing requirement, or grants an entry requirement of a relevant course the person does
   not meet (so ESOL Entry 3 comes in for Functional Skills English Level 1, and Functional
   Skills for a Level 2 diploma). A run is usable when it is online or its venue is within
   the person's travel limit, its duration is known, and it starts on or after the later of
   ``today`` and the person's ``available_from`` (``start_date=None``: start when wanted).
   Chaining the usable courses without dates tells what is coverable at all; the rest is
   ``uncovered``. Courses with the same *effect* (same needed skills, same useful grants,
   same entry requirements) are interchangeable: they are merged, best first, keeping three.
3. **Which courses.** Costs compare as (total weeks, cost to the person, travel km, steps):
   fewest weeks first, then cheapest (fully funded courses cost 0, see ``funding.py``), then
   least travel, each course priced at its best usable run.

   * With at most ``EXACT_SKILL_LIMIT`` skills to cover, an exact best-first search over
     sets of effects: a set grows only by an effect whose entry requirements it already
     meets and which gives the first unmet target (requirements first) or leads to one that
     does. Every set can be built in that order at the same price, so nothing cheaper is
     missed; sets reaching the same skills and attainment are merged.
   * Otherwise (or if the search runs past ``MAX_EXPANSIONS``), greedy: the requirements by
     the exact search (their state space is tiny), then the skills by weighted set cover:
     repeatedly the effect with the fewest weeks per newly covered skill (then cost, then
     travel), its missing prerequisites priced in.
4. **When.** The chosen courses are put in an order that meets every entry requirement,
   each on its earliest run starting the day after the previous step ends (depth first,
   earliest start first). If no order fits the dates, as many steps as fit are placed,
   earliest first, and what they leave is ``uncovered``.

``check_route`` re-checks a route from scratch: dependency order, dates, travel, coverage.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
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

EXACT_SKILL_LIMIT: Final = 4
MAX_EXPANSIONS: Final = 2_000
MAX_SCHEDULE_NODES: Final = 80
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
    """A course as the planner sees it for one person: usable runs, effects, cost to them."""

    course: CourseDoc
    runs: tuple[_Run, ...]
    skills: frozenset[str]
    satisfies: frozenset[str]
    grants: tuple[str, ...]
    entry: tuple[str, ...]
    cost: float
    best: tuple[float, float, float, int]


@dataclass(frozen=True, slots=True)
class _Effect:
    """Interchangeable courses, best first, and the needed tokens their grants meet."""

    members: tuple[_Option, ...]
    useful: frozenset[str]

    @property
    def lead(self) -> _Option:
        return self.members[0]


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
    venues: dict[tuple[float | None, float | None], float | None] = {}
    for run in course.presentations:
        if run.start_date is not None and run.start_date < floor:
            continue
        weeks = presentation_weeks(run)
        if math.isnan(weeks):
            continue
        if is_online(run):
            distance: float | None = 0.0
        else:
            venue = (run.lat, run.lon)
            if venue not in venues:  # runs of a course mostly share one venue
                venues[venue] = _run_distance(profile, run)
            distance = venues[venue]
        if distance is None or distance > profile.max_travel_km:
            continue
        runs.append(_Run(run.start_date, run.end_date, weeks, distance, run.mode))
    runs.sort(key=lambda r: (r.start or floor, r.distance_km, r.weeks))
    return runs


@lru_cache(maxsize=4096)
def _course_facts(
    skills_taught: tuple[str, ...], grants: tuple[str, ...], entry: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """What a course teaches, which requirements it meets, its grants and entry needs (cached:
    thousands of courses share a few dozen of these)."""
    normal_grants = tuple(sorted({normalise_token(g) for g in grants}))
    return (
        frozenset(course_skills(skills_taught, grants)),
        frozenset(t for g in normal_grants for t in satisfied_tokens(g)),
        normal_grants,
        tuple(sorted({normalise_token(r) for r in entry})),
    )


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
        self._sets: SetMemo = {}

    def option(self, course: CourseDoc) -> _Option | None:
        """The course as a planning option, or None when no run of it is usable."""
        if course.id in self._options:
            return self._options[course.id]
        runs = usable_runs(self.profile, course, self.floor)
        option: _Option | None = None
        if runs:
            skills, satisfies, grants, entry = _course_facts(
                tuple(course.skills_taught), tuple(course.grants), tuple(course.entry_requirements)
            )
            cost = cost_to_person(
                course.cost, course.funding, course.qualification_type, course.level,
                self.profile.age,
            )  # fmt: skip
            option = _Option(
                course=course,
                runs=tuple(runs),
                skills=skills,
                satisfies=satisfies,
                grants=grants,
                entry=entry,
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
        effects = _effects(options, set(skills), set(trainable), held)
        reachable = attainable(held, [(e.lead.entry, e.lead.grants) for e in effects])
        teachable: set[str] = set()
        for effect in effects:
            if all(reachable.satisfies(r) for r in effect.lead.entry):
                teachable |= effect.lead.skills
        skill_targets = {s for s in skills if s in teachable}
        requirement_targets = {r for r in trainable if reachable.satisfies(r)}
        steps: tuple[Step, ...] = ()
        if skill_targets or requirement_targets:
            chosen: list[int] | None = None
            if len(skill_targets) <= EXACT_SKILL_LIMIT:
                chosen = _cheapest_set(
                    effects, held, skill_targets, requirement_targets, self._sets
                )
            if chosen is None:
                chosen = _greedy_set(effects, held, skill_targets, requirement_targets, self._sets)
            picked = [effects[position] for position in chosen]
            scheduled = _schedule(picked, held, skill_targets, self.floor)
            if scheduled is None:
                scheduled = _schedule_greedy(picked, held, skill_targets, self.floor)
            steps = scheduled
        covered: set[str] = set()
        after = held.copy()
        for step in steps:
            covered.update(step.covers)
            for grant in step.grants:
                after.add(grant)
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


def _effects(
    options: Sequence[_Option], skills: set[str], requirements: set[str], held: Attainment
) -> list[_Effect]:
    """Relevant options merged by effect, best first, at most ``KEEP_PER_EFFECT`` each.

    Relevant: teaches a needed skill, grants a needed requirement, or grants an entry
    requirement (not yet met) of a relevant option, found by a fixed point.
    """
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
    groups: dict[tuple[frozenset[str], frozenset[str], tuple[str, ...]], list[_Option]] = {}
    for position in sorted(chosen):
        option = options[position]
        key = (option.skills & skills, option.satisfies & frozen, option.entry)
        groups.setdefault(key, []).append(option)
    effects: list[_Effect] = []
    for (_, gives, _), members in groups.items():
        members.sort(key=lambda o: (*o.best, o.course.id))
        effects.append(_Effect(tuple(members[:KEEP_PER_EFFECT]), gives))
    effects.sort(key=lambda e: (*e.lead.best, e.lead.course.id))
    return effects


def _supports(
    effects: Sequence[_Effect], targets: Sequence[str], skills: set[str], held: Attainment
) -> dict[str, tuple[frozenset[int], frozenset[str]]]:
    """Per target: the effects giving it, and the prerequisite tokens on the way to them."""
    givers_of_token: dict[str, list[int]] = {}
    for position, effect in enumerate(effects):
        for token in effect.useful:
            givers_of_token.setdefault(token, []).append(position)
    found: dict[str, tuple[frozenset[int], frozenset[str]]] = {}
    for target in targets:
        if target in skills:
            givers = [i for i, e in enumerate(effects) if target in e.lead.skills]
        else:
            givers = givers_of_token.get(target, [])
        tokens: set[str] = set()
        frontier = [e for i in givers for e in effects[i].lead.entry if not held.satisfies(e)]
        while frontier:
            token = frontier.pop()
            if token in tokens:
                continue
            tokens.add(token)
            for i in givers_of_token.get(token, []):
                frontier.extend(e for e in effects[i].lead.entry if not held.satisfies(e))
        found[target] = (frozenset(givers), frozenset(tokens))
    return found


SetMemo = dict[tuple[object, ...], tuple[int, ...] | None]


def _cheapest_set(
    effects: Sequence[_Effect],
    held: Attainment,
    skills: set[str],
    requirements: set[str],
    memo: SetMemo | None = None,
) -> list[int] | None:
    """The cheapest set of effects meeting every target (no dates), or None past the budget.

    A* over sets; from a set, branch only on effects that give the first unmet target
    (requirements first) or lead to one that does. The estimate of the weeks still needed is
    the largest, over unmet targets, of the shortest effect giving it: never more than the
    truth, and never dropping by more than the weeks of the effect added, so the first
    complete set taken off the queue is the cheapest.

    Only the effects that can branch (``relevant``) are ever looked at, so the answer depends
    on nothing else: ``memo`` (one per planner, whose options are never rebuilt) keeps it by
    the targets, the attainment and those effects' lead options, and the plans of one
    person's many gaps share the searches for the same prerequisite chains.
    """
    order = [*sorted(requirements), *sorted(skills)]
    supports = _supports(effects, order, skills, held)
    branching = {
        target: sorted(givers | {i for i, e in enumerate(effects) if e.useful & support})
        for target, (givers, support) in supports.items()
    }
    if memo is None:
        return _search(effects, held, skills, requirements, order, supports, branching)
    relevant = sorted({i for positions in branching.values() for i in positions})
    key = (
        frozenset(skills), frozenset(requirements), held.key(), held.age,
        tuple((id(effects[i].lead), effects[i].useful) for i in relevant),
    )  # fmt: skip
    if key in memo:
        found = memo[key]
        return None if found is None else [relevant[i] for i in found]
    chosen = _search(effects, held, skills, requirements, order, supports, branching)
    where = {position: i for i, position in enumerate(relevant)}
    memo[key] = None if chosen is None else tuple(where[p] for p in chosen)
    return chosen


def _search(
    effects: Sequence[_Effect],
    held: Attainment,
    skills: set[str],
    requirements: set[str],
    order: Sequence[str],
    supports: dict[str, tuple[frozenset[int], frozenset[str]]],
    branching: dict[str, list[int]],
) -> list[int] | None:
    """The A* of ``_cheapest_set``: positions of the cheapest set, or None past the budget."""
    shortest = {
        target: min((effects[i].lead.best[0] for i in givers), default=0.0)
        for target, (givers, _) in supports.items()
    }

    def estimate(covered: frozenset[str], met: frozenset[str]) -> float:
        return max((shortest[t] for t in order if t not in covered and t not in met), default=0.0)

    counter = itertools.count()
    Cost = tuple[float, float, float, int]
    # A node holds its parent's attainment and the effect added: the copy is made on pop.
    Node = tuple[Cost, int, Cost, tuple[int, ...], Attainment, int, frozenset[str]]
    start: Cost = (0.0, 0.0, 0.0, 0)
    heap: list[Node] = [(start, next(counter), start, (), held, -1, frozenset())]
    settled: set[tuple[object, ...]] = set()
    expansions = 0
    while heap and expansions < MAX_EXPANSIONS:
        _, _, cost, taken, state, added, covered = heapq.heappop(heap)
        if added >= 0:
            state = state.copy()
            for grant in effects[added].lead.grants:
                state.add(grant)
        key = (covered, state.key())
        if key in settled:
            continue
        settled.add(key)
        met = frozenset(r for r in requirements if state.satisfies(r))
        target = next((t for t in order if t not in covered and t not in met), None)
        if target is None:
            return list(taken)
        expansions += 1
        givers, support = supports[target]
        wanted = frozenset(u for u in support if not state.satisfies(u))
        for position in branching[target]:
            effect = effects[position]
            option = effect.lead
            if position in taken or (position not in givers and not effect.useful & wanted):
                continue
            if not all(state.satisfies(r) for r in option.entry):
                continue
            new_skills = (option.skills & skills) - covered
            if not new_skills and all(state.satisfies(u) for u in effect.useful):
                continue
            weeks, money, travel, _ = option.best
            next_cost: Cost = (
                round(cost[0] + weeks, 6),
                round(cost[1] + money, 6),
                round(cost[2] + travel, 6),
                cost[3] + 1,
            )
            next_covered = covered | new_skills
            next_met = met | (option.satisfies & requirements)
            priority: Cost = (
                round(next_cost[0] + estimate(next_covered, next_met), 6),
                next_cost[1],
                next_cost[2],
                next_cost[3],
            )
            heapq.heappush(
                heap,
                (
                    priority,
                    next(counter),
                    next_cost,
                    (*taken, position),
                    state,
                    position,
                    next_covered,
                ),
            )
    return None


def _greedy_set(
    effects: Sequence[_Effect],
    held: Attainment,
    skills: set[str],
    requirements: set[str],
    memo: SetMemo | None = None,
) -> list[int]:
    """Requirements by the exact search, then skills by weighted greedy set cover.

    Each round takes the effect with the fewest weeks per newly covered skill (then cost per
    skill, then travel), adding first the cheapest chain meeting its unmet entry
    requirements; an effect whose prerequisites cannot be met is skipped.
    """
    chosen: list[int] = []
    state = held.copy()
    covered: set[str] = set()

    def take(positions: Iterable[int]) -> None:
        for position in positions:
            if position not in chosen:
                chosen.append(position)
                for grant in effects[position].lead.grants:
                    state.add(grant)
                covered.update(effects[position].lead.skills & skills)

    if requirements:
        take(_cheapest_set(effects, held, set(), requirements, memo) or ())
    chains: dict[tuple[object, ...], list[int] | None] = {}
    while skills - covered:
        remaining = skills - covered
        best: tuple[tuple[float, float, float, int], list[int]] | None = None
        for position, effect in enumerate(effects):
            option = effect.lead
            gain = option.skills & remaining
            if position in chosen or not gain:
                continue
            unmet = frozenset(r for r in option.entry if not state.satisfies(r))
            extra: list[int] = []
            if unmet:
                key = (unmet, state.key())
                if key not in chains:
                    chains[key] = _cheapest_set(effects, state, set(), set(unmet), memo)
                chain = chains[key]
                if chain is None:
                    continue
                extra = [p for p in chain if p not in chosen]
            parts = [effects[p].lead.best for p in (*extra, position)]
            rank = (
                sum(b[0] for b in parts) / len(gain),
                sum(b[1] for b in parts) / len(gain),
                sum(b[2] for b in parts),
                position,
            )
            if best is None or rank < best[0]:
                best = (rank, [*extra, position])
        if best is None:
            break
        take(best[1])
    return chosen


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


def _choose_run(option: _Option, after: date | None, floor: date) -> tuple[_Run, date, date] | None:
    """The earliest usable run starting after ``after`` (or from ``floor`` for a first step)."""
    earliest = floor if after is None else max(floor, after + timedelta(days=1))
    best: tuple[_Run, date, date] | None = None
    for run in option.runs:  # sorted by start: once a start is later than the best, stop
        start = run.start if run.start is not None else earliest
        if start < earliest:
            continue
        if best is not None and start > best[1]:
            break
        end = run.end if run.end is not None and run.start is not None else None
        if end is None or end < start:
            end = start + timedelta(days=max(round(run.weeks * 7) - 1, 0))
        if best is None or (start, run.distance_km) < (best[1], best[0].distance_km):
            best = (run, start, end)
    return best


def _first_run(
    effect: _Effect, end: date | None, floor: date
) -> tuple[_Option, _Run, date, date] | None:
    """The most preferred member of an effect with a run after ``end``, on that run."""
    for member in effect.members:
        found = _choose_run(member, end, floor)
        if found is not None:
            return (member, *found)
    return None


def _ready(
    remaining: Sequence[_Effect], state: Attainment, end: date | None, floor: date
) -> list[tuple[date, date, int, _Option, _Run]]:
    """Effects whose entry needs are met and which have a run after ``end``, earliest first."""
    ready: list[tuple[date, date, int, _Option, _Run]] = []
    for position, effect in enumerate(remaining):
        if all(state.satisfies(r) for r in effect.lead.entry):
            found = _first_run(effect, end, floor)
            if found is not None:
                option, run, begin, finish = found
                ready.append((begin, finish, position, option, run))
    ready.sort(key=lambda r: (r[0], r[1], r[2]))
    return ready


def _schedule(
    chosen: Sequence[_Effect], held: Attainment, skills: set[str], floor: date
) -> tuple[Step, ...] | None:
    """Every chosen effect in an order and on runs that work, or None when none fits.

    Depth first over the effects whose entry requirements are met, earliest start first,
    so the first order found also tends to finish earliest.
    """
    budget = [MAX_SCHEDULE_NODES]

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
        for begin, finish, position, option, run in _ready(remaining, state, end, floor):
            after = state.copy()
            for grant in option.grants:
                after.add(grant)
            new_skills = (option.skills & skills) - covered
            rest = place(
                remaining[:position] + remaining[position + 1 :],
                after,
                finish,
                covered | new_skills,
            )
            if rest is not None:
                return (_step(option, run, begin, finish, new_skills), *rest)
        return None

    return place(tuple(chosen), held, None, frozenset())


def _schedule_greedy(
    chosen: Sequence[_Effect], held: Attainment, skills: set[str], floor: date
) -> tuple[Step, ...]:
    """As many chosen effects as fit the dates: requirement-giving ones first (only they gate
    a vacancy), otherwise the one that can start earliest."""
    remaining = list(chosen)
    state = held.copy()
    end: date | None = None
    covered: set[str] = set()
    steps: list[Step] = []
    while remaining:
        ready = _ready(remaining, state, end, floor)
        if not ready:
            break
        begin, finish, position, option, run = min(
            ready, key=lambda r: (not remaining[r[2]].useful, r[0], r[1], r[2])
        )
        new_skills = (option.skills & skills) - covered
        steps.append(_step(option, run, begin, finish, new_skills))
        covered |= new_skills
        for grant in option.grants:
            state.add(grant)
        end = finish
        remaining.pop(position)
    return tuple(steps)


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
