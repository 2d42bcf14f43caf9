"""The in-memory match index: open vacancies and course runs, scored for one person at a time.

Each matching process holds one ``MatchIndex``, built in bulk from a snapshot (``build``) and
kept current from events (``upsert_vacancy``, ``remove_vacancy``, ``upsert_course``,
``remove_course``); no request reads a database. A match:

1. **prefilters by place**: the vacancy table's spatial grid returns the rows within the
   person's travel limit (a few contiguous slices), dropping closed and expired ones;
2. **counts skills** for just those rows from the skill CSR with one vectorised pass;
3. **gates** with vectorised comparisons of requirement codes (levels, licence, registration,
   hours). Whether a course can close a gap comes from chaining the *signatures* of the
   courses the person can reach (runs in range, starting in time);
4. **scores** every candidate with ``scoring.py`` and keeps the top ``limit`` by score (ties by
   vacancy id, so the order is deterministic);
5. **plans routes** only for the ``after_training`` items returned, from the best few
   reachable courses of each *effect* giving each target (worked out once per person),
   memoised per gap within the request and across requests (``route_cache.py``: keyed by
   the person's route facts and the gap, emptied when a course changes).

Writes append and tombstone; the index compacts itself (re-sorting rows into grid order)
when the unsorted tail or the tombstones pass a share of the table, so a single upsert never
rebuilds everything. The index is not safe for a write concurrent with other calls: apply
events and serve matches from one thread, or behind a lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt

from services.matching.engine import scoring, spatial
from services.matching.engine.attainment import (
    LEVELS,
    LICENCE_CATEGORIES,
    Attainment,
    attainable,
    expand_skills,
    normalise_token,
)
from services.matching.engine.columns import Vocab
from services.matching.engine.course_table import CourseTable, Reach
from services.matching.engine.route_cache import RouteCache, facts_key
from services.matching.engine.routes import RoutePlanner, start_floor
from services.matching.engine.types import (
    CourseDoc,
    MatchItem,
    MatchResult,
    MissingSkill,
    Parts,
    Profile,
    Ready,
    Route,
    VacancyDoc,
)
from services.matching.engine.vacancy_table import ESSENTIAL_PACK, VacancyTable

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_LIMIT: Final = 20
ROUTE_KEEP_PER_GROUP: Final = 3
PREREQUISITE_ROUNDS: Final = 4


@dataclass(slots=True)
class PreparedProfile:
    """One profile prepared for one query: attainment, skill mask, codes, and memos."""

    profile: Profile
    today: date
    radius_km: float
    held: Attainment
    skills: set[str]
    skill_mask: BoolArray
    licence_codes: IntArray
    registration_codes: IntArray
    pattern_bits: int
    pattern_any: bool
    level: int
    _reach: Reach | None = None
    _reachable: Attainment | None = None
    routes: dict[tuple[tuple[str, ...], tuple[str, ...]], Route] = field(default_factory=dict)
    target_closure: dict[tuple[str, str], frozenset[int]] = field(default_factory=dict)
    effect_best: dict[int, list[int]] = field(default_factory=dict)
    effects_done: set[int] = field(default_factory=set)
    planner: RoutePlanner | None = None
    facts: bytes | None = None


@dataclass(slots=True)
class Candidates:
    """Every open vacancy in range for one person, with its parts, gates and score."""

    rows: IntArray
    distance: FloatArray
    essential_have: IntArray
    desirable_have: IntArray
    english_ok: BoolArray
    maths_ok: BoolArray
    licence_ok: BoolArray
    registration_ok: BoolArray
    hours_ok: BoolArray
    english_can: BoolArray
    maths_can: BoolArray
    licence_can: BoolArray
    parts: dict[str, FloatArray]
    score: FloatArray
    now: BoolArray
    after: BoolArray
    gated: BoolArray


class MatchIndex:
    """Open vacancies and courses in memory, matched to a profile in milliseconds."""

    def __init__(self) -> None:
        self.skills = Vocab()
        self.patterns = Vocab()
        self.licences = Vocab(first_code=1, names=LICENCE_CATEGORIES)
        self.registrations = Vocab(first_code=1)
        self.vacancies = VacancyTable(self.skills, self.patterns, self.licences, self.registrations)
        self.courses = CourseTable()
        self.course_version = 0
        self.route_cache = RouteCache()

    # --- building and events --------------------------------------------------------------

    def build(self, vacancies: Iterable[VacancyDoc], courses: Iterable[CourseDoc]) -> None:
        """Replace everything with a snapshot, in bulk."""
        self.vacancies = VacancyTable(self.skills, self.patterns, self.licences, self.registrations)
        self.vacancies.extend(vacancies)
        self.vacancies.compact()
        self.courses = CourseTable.rebuilt(courses)
        self.course_version += 1

    def upsert_vacancy(self, doc: VacancyDoc) -> None:
        """Add or replace one vacancy; visible to the next match."""
        self.vacancies.append(doc)
        if self.vacancies.needs_compaction():
            self.vacancies.compact()

    def remove_vacancy(self, vacancy_id: str) -> bool:
        """Drop one vacancy (closed, filled, withdrawn); False when it was not indexed."""
        removed = self.vacancies.remove(vacancy_id)
        if removed and self.vacancies.needs_compaction():
            self.vacancies.compact()
        return removed

    def upsert_course(self, doc: CourseDoc) -> None:
        """Add or replace one course and its runs; visible to the next match."""
        self.courses.append(doc)
        self.course_version += 1
        self._tidy_courses()

    def remove_course(self, course_id: str) -> bool:
        """Drop one course and its runs; False when it was not indexed."""
        removed = self.courses.remove(course_id)
        if removed:
            self.course_version += 1
            self._tidy_courses()
        return removed

    def _tidy_courses(self) -> None:
        if self.courses.needs_rebuild():
            self.courses = CourseTable.rebuilt(self.courses.live_docs())
        elif self.courses.needs_sorting():
            self.courses.sort_runs()

    def compact(self) -> None:
        """Re-sort everything into grid order now (writes also do this when it pays)."""
        self.vacancies.compact()
        self.courses = CourseTable.rebuilt(self.courses.live_docs())
        self.course_version += 1

    @property
    def vacancy_count(self) -> int:
        """Open vacancies indexed."""
        return len(self.vacancies)

    @property
    def course_count(self) -> int:
        """Courses indexed."""
        return len(self.courses)

    def course(self, course_id: str) -> CourseDoc | None:
        """The indexed version of one course."""
        row = self.courses.row_of.get(course_id)
        return None if row is None else self.courses.docs[row]

    def memory_bytes(self) -> int:
        """Approximate bytes the index holds (arrays, strings, course records)."""
        return self.vacancies.memory_bytes() + self.courses.memory_bytes()

    # --- one person -----------------------------------------------------------------------

    def person(
        self, profile: Profile, today: date, radius_km: float | None = None
    ) -> PreparedProfile:
        """The profile prepared for this index (for ``score_rows``)."""
        return self._person(profile, today, radius_km)

    def _person(
        self, profile: Profile, today: date, radius_km: float | None = None
    ) -> PreparedProfile:
        held = Attainment.from_profile(profile)
        skills = expand_skills(profile.skills, held)
        mask = np.zeros(max(self.skills.size, 1), dtype=np.bool_)
        codes = [code for s in skills if (code := self.skills.get(s)) is not None]
        mask[codes] = True
        licence_codes = [c for name in held.licences if (c := self.licences.get(name)) is not None]
        registration_codes: list[int] = []
        for token in held.tokens:
            body = token.removeprefix("registration:").upper()
            code = self.registrations.get(body)
            if code is not None:
                registration_codes.append(code)
        bits = 0
        for pattern in profile.patterns:
            code = self.patterns.get(pattern)
            if code is not None and code < 62:
                bits |= 1 << code
        return PreparedProfile(
            profile=profile,
            today=today,
            radius_km=profile.max_travel_km if radius_km is None else radius_km,
            held=held,
            skills=skills,
            skill_mask=mask,
            licence_codes=np.asarray(licence_codes, dtype=np.int64),
            registration_codes=np.asarray(registration_codes, dtype=np.int64),
            pattern_bits=bits,
            pattern_any=not profile.patterns or scoring.FLEXIBLE_PATTERN in profile.patterns,
            level=held.level(),
        )

    def _reach(self, person: PreparedProfile) -> Reach:
        if person._reach is None:
            profile = person.profile
            person._reach = self.courses.reach(
                profile.lat, profile.lon, profile.max_travel_km, start_floor(profile, person.today)
            )
        return person._reach

    def _reachable(self, person: PreparedProfile) -> Attainment:
        """What the person could hold after any chain of courses within reach."""
        if person._reachable is None:
            reach = self._reach(person)
            present = np.bincount(
                self.courses.signature.view()[reach.courses],
                minlength=len(self.courses.signatures),
            )
            offers = [self.courses.signatures[int(code)] for code in np.flatnonzero(present)]
            person._reachable = attainable(person.held, offers)
        return person._reachable

    def candidates(
        self, profile: Profile, *, today: date | None = None, radius_km: float | None = None
    ) -> Candidates:
        """Every open vacancy within range, scored and gated (the vectorised core of ``match``)."""
        return self._candidates(self._person(profile, today or date.today(), radius_km))

    def _candidates(self, person: PreparedProfile) -> Candidates:
        profile = person.profile
        rows, distance = self.vacancies.in_range(
            profile.lat, profile.lon, person.radius_km, person.today
        )
        return self.score_rows(person, rows, distance)

    def score_rows(
        self, person: PreparedProfile, rows: IntArray, distance: FloatArray
    ) -> Candidates:
        """Score and gate the given vacancy rows at the given distances (no range check).

        ``match`` passes the rows its spatial prefilter found; the benchmark's baselines pass
        rows found another way (a full scan, scikit-learn) to compare like with like.
        """
        table = self.vacancies
        profile = person.profile
        distance = scoring.round_distance(distance)
        ess_have, des_have = table.coverage(rows, person.skill_mask)
        held = person.held
        english = table.english.view()[rows]
        maths = table.maths.view()[rows]
        licence = table.licence.view()[rows]
        registration = table.registration.view()[rows]
        english_ok = english <= held.english
        maths_ok = maths <= held.maths
        licence_ok = _lookup(person.licence_codes, self.licences.size)[licence]
        registration_ok = _lookup(person.registration_codes, self.registrations.size)[registration]
        if profile.hours_per_week is None:
            hours_ok = np.ones(rows.size, dtype=np.bool_)
        else:
            hours_ok = ~(table.hours.view()[rows] > profile.hours_per_week + 1e-9)
        met = (
            ((english > 0) & english_ok).astype(np.int64)
            + ((maths > 0) & maths_ok)
            + ((licence > 0) & licence_ok)
            + ((registration > 0) & registration_ok)
        )
        ess_total = table.essential_total.view()[rows]
        parts = {
            "skills": scoring.skills_part(
                ess_have, ess_total, des_have, table.desirable_total.view()[rows]
            ),
            "requirements": scoring.requirements_part(met, table.stated.view()[rows]),
            "distance": scoring.distance_part(distance),
            "pattern": scoring.pattern_part(
                np.bitwise_count(table.pattern_bits.view()[rows] & person.pattern_bits),
                table.pattern_count.view()[rows],
                person.pattern_any,
            ),
            "level": scoring.level_part(person.level, table.level.view()[rows]),
        }
        score = scoring.combine(**parts)
        requirements_now = english_ok & maths_ok & licence_ok & registration_ok
        now = requirements_now & hours_ok & (ess_have == ess_total)
        open_gap = ~requirements_now & registration_ok & hours_ok
        if open_gap.any():
            reachable = self._reachable(person)
            english_can = english <= reachable.english
            maths_can = maths <= reachable.maths
            reach_codes = [
                c for name in reachable.licences if (c := self.licences.get(name)) is not None
            ]
            licence_can = _lookup(np.asarray(reach_codes, np.int64), self.licences.size)[licence]
        else:
            english_can, maths_can, licence_can = english_ok, maths_ok, licence_ok
        trainable = (
            hours_ok
            & registration_ok
            & (english_ok | english_can)
            & (maths_ok | maths_can)
            & (licence_ok | licence_can)
        )
        return Candidates(
            rows=rows,
            distance=distance,
            essential_have=ess_have,
            desirable_have=des_have,
            english_ok=english_ok,
            maths_ok=maths_ok,
            licence_ok=licence_ok,
            registration_ok=registration_ok,
            hours_ok=hours_ok,
            english_can=english_can | english_ok,
            maths_can=maths_can | maths_ok,
            licence_can=licence_can | licence_ok,
            parts=parts,
            score=score,
            now=now,
            after=trainable & ~now,
            gated=~trainable,
        )

    # --- matching -------------------------------------------------------------------------

    def match(
        self,
        profile: Profile,
        *,
        limit: int | None = DEFAULT_LIMIT,
        include_training: bool = True,
        include_gated: bool = False,
        with_routes: bool = True,
        today: date | None = None,
    ) -> MatchResult:
        """The best vacancies for ``profile``, sorted by score (ties by vacancy id).

        ``ready="now"`` items need nothing; ``after_training`` items (only with
        ``include_training``) carry the route that closes the gap, unless ``with_routes`` is
        false (then ``route`` is None and readiness comes from the gates alone). An item whose
        route cannot fit a needed requirement in time becomes ``not_eligible``. With
        ``include_gated``, vacancies the person cannot reach by training follow, ranked last,
        with the reasons. Vacancies beyond the travel limit are never returned.
        """
        person = self._person(profile, today or date.today())
        found = self._candidates(person)
        wanted = found.now | found.after if include_training else found.now
        ids = self.vacancies.ids
        items: list[MatchItem] = []
        dropped: list[MatchItem] = []
        for position in _ranked(found.score, np.flatnonzero(wanted), found.rows, ids, limit):
            item = self._item(person, found, position, with_routes)
            if item.ready == "not_eligible":
                dropped.append(item)
                continue
            items.append(item)
            if limit is not None and len(items) >= limit:
                break
        if include_gated and (limit is None or len(items) < limit):
            room = None if limit is None else limit - len(items)
            gated = list(dropped)
            for position in _ranked(
                found.score, np.flatnonzero(found.gated), found.rows, ids, room
            ):
                gated.append(self._item(person, found, position, with_routes))
                if room is not None and len(gated) >= room + len(dropped):
                    break
            gated.sort(key=lambda item: (-item.score, item.vacancy_id))
            items.extend(gated if room is None else gated[:room])
        return MatchResult(
            items=items,
            in_range=int(found.rows.size),
            ready_now=int(found.now.sum()),
            after_training=int(found.after.sum()) - len(dropped),
            not_eligible=int(found.gated.sum()) + len(dropped),
        )

    def _item(
        self, person: PreparedProfile, found: Candidates, position: int, with_routes: bool = True
    ) -> MatchItem:
        table = self.vacancies
        row = int(found.rows[position])
        skills = table.skills_of(row)
        missing = [MissingSkill(s, essential) for s, essential in skills if s not in person.skills]
        missing_requirements = [
            r for r in table.requirement_strings(row) if not person.held.satisfies(r)
        ]
        reasons = self._reasons(person, found, position, missing_requirements)
        ready: Ready
        route: Route | None = None
        if found.now[position]:
            ready = "now"
        elif found.after[position] and not with_routes:
            ready = "after_training"
        elif found.after[position]:
            ready = "after_training"
            essential = [m.id for m in missing if m.essential]
            route = self._route(person, essential, missing_requirements)
            unmet = [r for r in route.uncovered if r in missing_requirements]
            if unmet:
                ready = "not_eligible"
                reasons = [
                    *reasons,
                    *(f"no course within reach can be scheduled for {r}" for r in unmet),
                ]
            elif route.uncovered:
                reasons = [
                    *reasons,
                    *(f"no course within reach and in time teaches {s}" for s in route.uncovered),
                ]
        else:
            ready = "not_eligible"
        parts = found.parts
        return MatchItem(
            vacancy_id=table.ids[row],
            title=table.titles[row],
            employer=table.employers[row],
            role=table.roles[row],
            score=float(found.score[position]),
            parts=Parts(
                skills=float(parts["skills"][position]),
                requirements=float(parts["requirements"][position]),
                distance=float(parts["distance"][position]),
                pattern=float(parts["pattern"][position]),
                level=float(parts["level"][position]),
            ),
            distance_km=float(found.distance[position]),
            missing_skills=missing,
            ready=ready,
            route=route,
            reasons=reasons,
        )

    def _reasons(
        self,
        person: PreparedProfile,
        found: Candidates,
        position: int,
        missing_requirements: list[str],
    ) -> list[str]:
        reasons: list[str] = []
        row = int(found.rows[position])
        if not found.hours_ok[position]:
            hours = float(self.vacancies.hours.view()[row])
            reasons.append(
                f"{hours:g} hours a week is more than the {person.profile.hours_per_week:g} "
                "you can work"
            )
        can = {
            "english": bool(found.english_can[position]),
            "maths": bool(found.maths_can[position]),
            "licence": bool(found.licence_can[position]),
        }
        for requirement in missing_requirements:
            kind = requirement.partition(":")[0]
            if kind == "registration":
                reasons.append(f"needs {requirement}, which no course can give")
            elif can.get(kind, False):
                reasons.append(f"needs {requirement}: a course within reach leads to it")
            else:
                reasons.append(
                    f"needs {requirement}; no course within {person.profile.max_travel_km:g} km "
                    "leads to it"
                )
        return reasons

    # --- routes ---------------------------------------------------------------------------

    def route(
        self,
        profile: Profile,
        missing_skills: Sequence[str],
        missing_requirements: Sequence[str],
        *,
        today: date | None = None,
    ) -> Route:
        """The training route for a gap (e.g. to a role profile), from courses within reach."""
        person = self._person(profile, today or date.today())
        return self._route(person, list(missing_skills), list(missing_requirements))

    def _route(self, person: PreparedProfile, skills: list[str], requirements: list[str]) -> Route:
        """The route for one gap: from ``route_cache`` when these facts and this gap were
        planned before on these courses (no reach, no plan), else planned and remembered.

        Within one request plans are also memoised on the part of the gap courses can teach:
        skills no reachable course teaches cannot change the route, so gaps that differ only
        in those share one plan; they are added to ``uncovered`` afterwards.
        """
        if person.facts is None:
            floor = start_floor(person.profile, person.today)
            person.facts = facts_key(person.profile, person.held, floor)
        needs = tuple(sorted(normalise_token(r) for r in requirements))
        gap = (tuple(skills), tuple(s for s in skills if s in person.skills), needs)
        shared = self.route_cache.get((person.facts, gap), self.course_version)
        if shared is not None:
            return shared
        by_skill = self.courses.effects_by_skill
        self._effect_best(person, [e for s in skills for e in by_skill.get(s, ())])  # at once
        untaught = [s for s in skills if not self._teachable(person, s)]
        taught = tuple(sorted(s for s in skills if s not in set(untaught)))
        route = person.routes.get((taught, needs))
        if route is None:
            route = self._plan(person, taught, needs)
            person.routes[(taught, needs)] = route
        if untaught:
            route = replace(route, uncovered=[*route.uncovered, *untaught])
        self.route_cache.put((person.facts, gap), self.course_version, route)
        return route

    def _plan(
        self, person: PreparedProfile, skills: Sequence[str], requirements: Sequence[str]
    ) -> Route:
        """A fresh plan for one gap (no cache), from the candidate courses within reach."""
        courses = self.route_candidates(person, list(skills), list(requirements))
        if person.planner is None:
            person.planner = RoutePlanner(person.profile, person.today)
        return person.planner.plan(skills, requirements, courses)

    def _facts(self, profile: Profile, today: date | None) -> bytes:
        held = Attainment.from_profile(profile)
        return facts_key(profile, held, start_floor(profile, today or date.today()))

    def forget_routes(self, profile: Profile, today: date | None = None) -> int:
        """Drop the remembered routes planned for this profile's facts (erasure)."""
        return self.route_cache.forget(self._facts(profile, today))

    def routes_remembered(self, profile: Profile, today: date | None = None) -> int:
        """How many routes are remembered for this profile's facts."""
        return self.route_cache.remembered(self._facts(profile, today))

    def route_candidates(
        self, person: PreparedProfile, skills: list[str], requirements: list[str]
    ) -> list[CourseDoc]:
        """A few courses within reach per needed skill or requirement, prerequisites included.

        For each target, the courses giving it are grouped by effect (signature and skills
        taught) and the best ``ROUTE_KEEP_PER_GROUP`` of each group by (shortest run, cost to
        the person, distance to the venue) are kept; entry requirements the person lacks become
        targets in turn (``PREREQUISITE_ROUNDS`` deep). Memoised per person and target.
        """
        chosen: set[int] = set()
        for target in [*(("skill", s) for s in skills), *(("grant", r) for r in requirements)]:
            chosen.update(self._target_closure(person, target))
        docs = self.courses.docs
        return [doc for row in sorted(chosen) if (doc := docs[row]) is not None]

    def _target_closure(self, person: PreparedProfile, target: tuple[str, str]) -> frozenset[int]:
        """Courses for one target plus, recursively, those for their unmet entry needs."""
        cached = person.target_closure.get(target)
        if cached is not None:
            return cached
        rows: set[int] = set()
        seen = {target}
        frontier = [target]
        for _ in range(PREREQUISITE_ROUNDS):
            following: list[tuple[str, str]] = []
            for wanted in frontier:
                for row in self._target_courses(person, wanted):
                    if row in rows:
                        continue
                    rows.add(row)
                    for requirement in self.courses.entry_of_row[row]:
                        prerequisite = ("grant", requirement)
                        if prerequisite not in seen and not person.held.satisfies(requirement):
                            seen.add(prerequisite)
                            following.append(prerequisite)
            if not following:
                break
            frontier = following
        cached = frozenset(rows)
        person.target_closure[target] = cached
        return cached

    def _teachable(self, person: PreparedProfile, skill: str) -> bool:
        """True when some course within reach teaches ``skill``."""
        effects = self.courses.effects_by_skill.get(skill, ())
        best = self._effect_best(person, effects)
        return any(effect in best for effect in effects)

    def _effect_best(self, person: PreparedProfile, effects: Iterable[int]) -> dict[int, list[int]]:
        """Per effect, the best ``ROUTE_KEEP_PER_GROUP`` reachable courses, worked out once
        per person and effect: for the effects asked while the first route is planned (one
        route needs only a few), then for every effect in one pass (a match plans many).

        Best by (shortest run, cost to the person, distance to the venue, row).
        """
        missing = [e for e in effects if e not in person.effects_done]
        if missing and person.routes:  # a second gap of this person: every effect at once
            done = person.effects_done
            missing = [e for e in range(self.courses.effect_count) if e not in done]
        if missing:
            profile = person.profile
            found = self.courses.effect_best(
                self._reach(person), profile.lat, profile.lon, profile.age,
                ROUTE_KEEP_PER_GROUP, missing,
            )  # fmt: skip
            person.effect_best.update(found)
            person.effects_done.update(missing)
        return person.effect_best

    def _target_courses(self, person: PreparedProfile, target: tuple[str, str]) -> list[int]:
        """The best few reachable courses of each effect giving one target."""
        kind, key = target
        source = self.courses.effects_by_skill if kind == "skill" else self.courses.effects_by_grant
        effects = source.get(key, ())
        best = self._effect_best(person, effects)
        return [row for effect in effects for row in best.get(effect, ())]

    # --- what would change -----------------------------------------------------------------

    def blockers(
        self,
        profile: Profile,
        *,
        radius_km: float,
        today: date | None = None,
        max_blockers: int = 3,
    ) -> Counter[frozenset[str]]:
        """For vacancies in range not ready now, how many share each small set of blockers.

        A blocker is a missing essential skill (its id) or an unmet trainable requirement
        (``english:level1``). Vacancies gated by hours or registration, or needing more than
        ``max_blockers`` (at most 3) things, are left out: no single step can make them ready.
        Vectorised: each vacancy's blockers are packed into one integer (20 bits a code),
        and equal integers are counted with ``np.unique``.
        """
        max_blockers = min(max_blockers, 3)
        person = self._person(profile, today or date.today(), radius_km)
        found = self._candidates(person)
        table = self.vacancies
        missing_count = table.essential_total.view()[found.rows] - found.essential_have
        unmet = (~found.english_ok).astype(np.int64) + ~found.maths_ok + ~found.licence_ok
        near = np.flatnonzero(
            ~found.now
            & found.hours_ok
            & found.registration_ok
            & (missing_count + unmet <= max_blockers)
        )
        if near.size == 0:
            return Counter()
        rows = found.rows[near]
        indptr = table.indptr.view()
        starts = indptr[rows].astype(np.int64)
        stops = indptr[rows + 1].astype(np.int64)
        entries = spatial.ranges_to_rows(starts, stops)
        owner = np.repeat(np.arange(rows.size), stops - starts)
        skill = table.skill.view()[entries]
        held = np.zeros(max(self.skills.size, 1), dtype=np.bool_)
        held[: person.skill_mask.size] = person.skill_mask[: held.size]
        blocking = (table.weight.view()[entries] == ESSENTIAL_PACK) & ~held[skill]
        base = self.skills.size + 1  # requirement codes follow the skill codes (+1: 0 pads)
        english = table.english.view()[rows].astype(np.int64)
        maths = table.maths.view()[rows].astype(np.int64)
        licence = table.licence.view()[rows].astype(np.int64)
        req_owner = [np.flatnonzero(~found.english_ok[near]), np.flatnonzero(~found.maths_ok[near])]
        req_code = [base + english[req_owner[0]], base + 10 + maths[req_owner[1]]]
        req_owner.append(np.flatnonzero(~found.licence_ok[near]))
        req_code.append(base + 20 + licence[req_owner[2]])
        owners = np.concatenate((owner[blocking], *req_owner))
        codes = np.concatenate((skill[blocking].astype(np.int64) + 1, *req_code))
        order = np.lexsort((codes, owners))
        owners, codes = owners[order], codes[order]
        first = np.ones(owners.size, dtype=np.bool_)
        first[1:] = owners[1:] != owners[:-1]
        slot = np.arange(owners.size) - np.maximum.accumulate(
            np.where(first, np.arange(owners.size), 0)
        )
        packed = np.zeros(rows.size, dtype=np.int64)
        np.add.at(packed, owners, codes << (20 * slot))
        keys, counts = np.unique(packed[packed != 0], return_counts=True)

        def name(code: int) -> str:
            if code < base:
                return self.skills.name(code - 1)
            kind, value = divmod(code - base, 10)
            if kind == 0:
                return f"english:{LEVELS[value - 1]}"
            if kind == 1:
                return f"maths:{LEVELS[value - 1]}"
            return f"licence:{self.licences.name(code - base - 20)}"

        found_sets: Counter[frozenset[str]] = Counter()
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
            items = frozenset(name(part) for k in range(3) if (part := (key >> (20 * k)) & 0xFFFFF))
            found_sets[items] += count
        return found_sets

    def single_step_courses(
        self, profile: Profile, *, today: date | None = None
    ) -> list[CourseDoc]:
        """One course per effect the person could start now (entry needs met, a usable run).

        The course kept for each effect is its best: shortest run, then cheapest for the
        person, then nearest venue.
        """
        person = self._person(profile, today or date.today())
        found: list[CourseDoc] = []
        docs = self.courses.docs
        every = self._effect_best(person, range(self.courses.effect_count))
        for _, rows in sorted(every.items()):
            doc = docs[rows[0]]
            entry = self.courses.entry_of_row[rows[0]]
            if doc is not None and all(person.held.satisfies(r) for r in entry):
                found.append(doc)
        return found


def _lookup(codes: IntArray, size: int) -> BoolArray:
    """A table saying, per vocabulary code, whether it is met: code 0 ("not asked") always is."""
    table = np.zeros(max(size, 1), dtype=np.bool_)
    table[0] = True
    table[codes] = True
    return table


def _ranked(
    score: FloatArray,
    positions: IntArray,
    rows: IntArray,
    ids: Sequence[str],
    limit: int | None,
) -> Iterable[int]:
    """Positions in order of score (highest first), ties by vacancy id; lazily widened.

    Only the top slice is sorted (``np.partition`` then a sort of the few kept, all ties at
    the cut included); if the caller wants more than that, the whole rest is sorted.
    """
    if positions.size == 0:
        return
    first = positions.size if limit is None else min(positions.size, limit + 16)
    scores = score[positions]
    if first < positions.size:
        cut = np.partition(-scores, first - 1)[first - 1]
        head = positions[-scores <= cut]
    else:
        head = positions
    ordered = sorted(head.tolist(), key=lambda p: (-float(score[p]), ids[int(rows[p])]))
    yield from ordered
    if head.size < positions.size:
        done = set(ordered)
        rest = [p for p in positions.tolist() if p not in done]
        yield from sorted(rest, key=lambda p: (-float(score[p]), ids[int(rows[p])]))
