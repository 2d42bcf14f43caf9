"""The courses of the match index: presentations on the spatial grid, courses by signature,
and postings from skills and requirements to the effects that give them.

* Presentations (runs) are rows with a venue point, a start (date ordinal; 0 = start any
  time), a duration in weeks (NaN when neither a duration nor an end date is known: such a
  run cannot be scheduled and is never offered) and the course row they belong to. Online
  runs have no point and are reachable from anywhere. Rows ``[0, n_sorted)`` are in grid
  order; later rows are a scanned tail.
* A course's *signature* is its (entry requirements, grants) pair. Thousands of courses share
  a few dozen signatures, so working out what a person could reach by chaining courses runs
  over signatures, not courses. Its *effect* is its signature plus the skills it teaches:
  courses with one effect are interchangeable for route planning but for time, cost, place.
* ``effects_by_skill`` maps a skill id to the effects teaching it (grants count: a course
  granting ``english:level1`` teaches ``english-level1``); ``effects_by_grant`` maps a
  requirement (``english:entry3``, ``licence:B``, ``care_certificate``) to the effects whose
  grants satisfy it. Effects are far fewer than courses.
* ``cost_class`` pre-computes funding eligibility (0 free to all, 1 free to under-19s,
  2 the list price) so the cost to one person is a vectorised ``where``.

Removing a course tombstones it and its runs. ``needs_sorting`` asks for the runs to be put
back in grid order (``sort_runs``, cheap) once the unsorted tail passes its share;
``needs_rebuild`` asks for a fresh table (``CourseTable.rebuilt``) once tombstones pass
theirs.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from services.common.geo import EARTH_RADIUS_KM
from services.matching.engine import spatial
from services.matching.engine.attainment import (
    LEVEL_RANK,
    LEVELS,
    LICENCE_IMPLIES,
    SUBJECTS,
    course_skills,
    normalise_token,
)
from services.matching.engine.columns import Column
from services.matching.engine.funding import (
    ENTITLEMENT_TYPES,
    FREE_FUNDING,
    YOUNG_AGE,
    YOUNG_MAX_LEVEL,
)
from services.matching.engine.types import CourseDoc, PresentationDoc

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Signature = tuple[tuple[str, ...], tuple[str, ...]]

FLEXIBLE_START: Final = 0
_TAIL_SHARE: Final = 0.05
_DEAD_SHARE: Final = 0.30
_MIN_CHURN: Final = 1000


def satisfied_tokens(grant: str) -> list[str]:
    """Every requirement a grant satisfies (``english:level1`` also meets ``english:entry2``)."""
    token = normalise_token(grant)
    kind, _, rest = token.partition(":")
    if kind in SUBJECTS and rest in LEVEL_RANK:
        return [f"{kind}:{name}" for name in LEVELS[: LEVEL_RANK[rest]]]
    if kind == "licence":
        return [f"licence:{category}" for category in LICENCE_IMPLIES.get(rest, (rest,))]
    return [token]


def presentation_weeks(run: PresentationDoc) -> float:
    """The run's length in weeks, from its duration or its dates; NaN when unknown."""
    if run.duration_weeks is not None and math.isfinite(run.duration_weeks):
        return max(float(run.duration_weeks), 0.0)
    if run.start_date is not None and run.end_date is not None:
        return max((run.end_date - run.start_date).days / 7.0, 0.0)
    return math.nan


def is_online(run: PresentationDoc) -> bool:
    """True for runs followed from anywhere."""
    return (run.mode or "").lower() == "online"


@dataclass(frozen=True, slots=True)
class Reach:
    """What one person can reach: runs in range and starting in time, and their courses."""

    runs: IntArray
    run_distance: FloatArray
    courses: IntArray
    mask: npt.NDArray[np.bool_]


class CourseTable:
    """Courses and their runs, with the indexes route planning and gating need."""

    def __init__(self) -> None:
        self.docs: list[CourseDoc | None] = []
        self.row_of: dict[str, int] = {}
        self.alive: Column[np.bool_] = Column(np.bool_)
        self.signature: Column[np.int32] = Column(np.int32)
        self.cost: Column[np.float64] = Column(np.float64)
        self.min_weeks: Column[np.float64] = Column(np.float64)
        self.venue_x: Column[np.float64] = Column(np.float64)
        self.venue_y: Column[np.float64] = Column(np.float64)
        self.venue_z: Column[np.float64] = Column(np.float64)
        self.cost_class: Column[np.int8] = Column(np.int8)
        self.signatures: list[Signature] = []
        self._signature_of: dict[Signature, int] = {}
        self.effect: Column[np.int32] = Column(np.int32)
        self._effect_of: dict[tuple[int, frozenset[str]], int] = {}
        self.effects_by_skill: dict[str, list[int]] = {}
        self.effects_by_grant: dict[str, list[int]] = {}
        self.run_lat: Column[np.float64] = Column(np.float64)
        self.run_lon: Column[np.float64] = Column(np.float64)
        self.run_x: Column[np.float64] = Column(np.float64)
        self.run_y: Column[np.float64] = Column(np.float64)
        self.run_z: Column[np.float64] = Column(np.float64)
        self.run_start: Column[np.int32] = Column(np.int32)
        self.run_weeks: Column[np.float32] = Column(np.float32)
        self.run_course: Column[np.int32] = Column(np.int32)
        self.run_alive: Column[np.bool_] = Column(np.bool_)
        self.online_runs: Column[np.int64] = Column(np.int64)
        self.runs_of: list[list[int]] = []
        self.entry_of_row: list[tuple[str, ...]] = []
        self.n_sorted = 0
        self.keys: FloatArray = np.empty(0, dtype=np.float64)
        self.dead_runs = 0
        self.dead_courses = 0
        self._effect_orders: dict[bool, EffectOrder] = {}
        self._online: dict[int, tuple[IntArray, npt.NDArray[np.bool_]]] = {}

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def effect_count(self) -> int:
        """Distinct effects seen (codes ``0 .. effect_count - 1``)."""
        return len(self._effect_of)

    @classmethod
    def rebuilt(cls, docs: Iterable[CourseDoc]) -> CourseTable:
        """A fresh table holding ``docs`` with every run in grid order."""
        table = cls()
        for doc in docs:
            table.append(doc)
        table.sort_runs()
        return table

    def live_docs(self) -> list[CourseDoc]:
        """The current version of every course."""
        return [doc for doc in self.docs if doc is not None]

    # --- writing --------------------------------------------------------------------------

    def append(self, doc: CourseDoc) -> None:
        """Add (or replace) one course and its runs."""
        self.remove(doc.id)
        self._effect_orders.clear()
        self._online.clear()
        row = len(self.docs)
        self.docs.append(doc)
        self.row_of[doc.id] = row
        self.alive.append(True)
        entry = tuple(sorted({normalise_token(r) for r in doc.entry_requirements}))
        grants = tuple(sorted({normalise_token(g) for g in doc.grants}))
        key = (entry, grants)
        code = self._signature_of.get(key)
        if code is None:
            code = len(self.signatures)
            self.signatures.append(key)
            self._signature_of[key] = code
        self.signature.append(code)
        self.entry_of_row.append(entry)
        taught = frozenset(course_skills(doc.skills_taught, doc.grants))
        effect = self._effect_of.get((code, taught))
        if effect is None:
            effect = len(self._effect_of)
            self._effect_of[(code, taught)] = effect
            for skill in taught:
                self.effects_by_skill.setdefault(skill, []).append(effect)
            for token in dict.fromkeys(t for g in grants for t in satisfied_tokens(g)):
                self.effects_by_grant.setdefault(token, []).append(effect)
        self.effect.append(effect)
        self.cost.append(max(float(doc.cost or 0.0), 0.0))
        self.cost_class.append(_cost_class(doc))
        runs: list[int] = []
        for run in doc.presentations:
            weeks = presentation_weeks(run)
            online = is_online(run)
            if online or not spatial.finite_point(run.lat, run.lon):
                lat = lon = math.nan
            else:
                lat, lon = float(run.lat or 0.0), float(run.lon or 0.0)
            position = len(self.run_course)
            self.run_lat.append(lat)
            self.run_lon.append(lon)
            phi, lam = math.radians(lat), math.radians(lon)
            self.run_x.append(math.cos(phi) * math.cos(lam))
            self.run_y.append(math.cos(phi) * math.sin(lam))
            self.run_z.append(math.sin(phi))
            self.run_start.append(run.start_date.toordinal() if run.start_date else FLEXIBLE_START)
            self.run_weeks.append(weeks)
            self.run_course.append(row)
            self.run_alive.append(online or not math.isnan(lat))
            if online:
                self.online_runs.append(position)
            runs.append(position)
        self.runs_of.append(runs)
        weeks_known = [w for w in (presentation_weeks(r) for r in doc.presentations) if w == w]
        self.min_weeks.append(min(weeks_known) if weeks_known else math.inf)
        venue = next(
            (
                r
                for r in doc.presentations
                if not is_online(r) and spatial.finite_point(r.lat, r.lon)
            ),
            None,
        )
        if venue is None:  # online only: as near as can be
            vx = vy = vz = math.nan
        else:
            phi, lam = math.radians(float(venue.lat or 0.0)), math.radians(float(venue.lon or 0.0))
            vx, vy, vz = math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)
        self.venue_x.append(vx)
        self.venue_y.append(vy)
        self.venue_z.append(vz)

    def remove(self, course_id: str) -> bool:
        """Tombstone a course and its runs; False when it was not there."""
        row = self.row_of.pop(course_id, None)
        if row is None:
            return False
        self._effect_orders.clear()
        self._online.clear()
        self.alive.view()[row] = False
        self.docs[row] = None
        runs = self.runs_of[row]
        self.run_alive.view()[runs] = False
        self.dead_runs += len(runs)
        self.dead_courses += 1
        return True

    def sort_runs(self) -> None:
        """Put every run in grid order (online runs, which have no point, sort last)."""
        lats, lons = self.run_lat.view(), self.run_lon.view()
        placed = np.flatnonzero(~np.isnan(lats))
        order = np.concatenate(
            (placed[spatial.grid_order(lats[placed], lons[placed])], np.flatnonzero(np.isnan(lats)))
        )
        for column in (
            self.run_lat, self.run_lon, self.run_x, self.run_y, self.run_z, self.run_start,
            self.run_weeks, self.run_course, self.run_alive,
        ):  # fmt: skip
            column.replace(column.view()[order])
        new_position = np.empty_like(order)
        new_position[order] = np.arange(order.size)
        self.online_runs.replace(new_position[self.online_runs.view()])
        self.runs_of = [new_position[runs].tolist() for runs in self.runs_of]
        self.n_sorted = int(placed.size)
        self._online.clear()
        self.keys = spatial.grid_key(
            self.run_lat.view()[: self.n_sorted], self.run_lon.view()[: self.n_sorted]
        )

    def needs_sorting(self) -> bool:
        """True when the unsorted tail of runs has grown past its share (``sort_runs``)."""
        total = len(self.run_course)
        tail = total - self.n_sorted - len(self.online_runs)
        return tail > max(_MIN_CHURN, _TAIL_SHARE * total)

    def needs_rebuild(self) -> bool:
        """True when tombstoned runs or courses have grown past their share (``rebuilt``)."""
        return self.dead_runs > max(_MIN_CHURN, _DEAD_SHARE * len(self.run_course)) or (
            self.dead_courses > max(_MIN_CHURN, _DEAD_SHARE * len(self.docs))
        )

    # --- reading --------------------------------------------------------------------------

    def reach(self, lat: float, lon: float, radius_km: float, start_floor: date) -> Reach:
        """Runs within ``radius_km`` (or online) that start on or after ``start_floor``."""
        margin = radius_km + 0.001
        lats, lons = self.run_lat.view(), self.run_lon.view()
        sorted_rows = spatial.box_rows_sorted(self.keys, lat, lon, margin)
        tail_rows = self.n_sorted + spatial.box_rows_scan(
            lats[self.n_sorted :], lons[self.n_sorted :], lat, lon, margin
        )
        near = np.concatenate((sorted_rows, tail_rows))
        inside, distance = spatial.within(
            lat, lon, radius_km, self.run_x.view()[near], self.run_y.view()[near],
            self.run_z.view()[near],
        )  # fmt: skip
        runs, run_distance = near[inside], distance[inside]
        usable = self._usable(runs, start_floor)
        runs, run_distance = runs[usable], run_distance[usable]
        online, online_mask = self._online_reach(start_floor)
        mask = online_mask.copy()
        mask[self.run_course.view()[runs]] = True
        return Reach(
            np.concatenate((runs, online)),
            np.concatenate((run_distance, np.zeros(online.size))),
            np.flatnonzero(mask),
            mask,
        )

    def _usable(self, runs: IntArray, start_floor: date) -> npt.NDArray[np.bool_]:
        """Which runs are alive, of known length, and start on or after ``start_floor``."""
        starts = self.run_start.view()[runs]
        usable: npt.NDArray[np.bool_] = (
            self.run_alive.view()[runs]
            & ((starts == FLEXIBLE_START) | (starts >= start_floor.toordinal()))
            & ~np.isnan(self.run_weeks.view()[runs])
        )
        return usable

    def _online_reach(self, start_floor: date) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """The usable online runs from ``start_floor`` and their courses (the same for
        everyone: kept per day until the table changes)."""
        found = self._online.get(start_floor.toordinal())
        if found is None:
            online = self.online_runs.view()
            runs = online[self._usable(online, start_floor)]
            mask = np.zeros(len(self.docs), dtype=np.bool_)
            mask[self.run_course.view()[runs]] = True
            if len(self._online) >= 64:
                self._online.clear()
            found = self._online[start_floor.toordinal()] = (runs, mask)
        return found

    def effect_order(self, young: bool) -> EffectOrder:
        """Every course row by (effect, shortest run, cost to a person, row), for people under
        ``YOUNG_AGE`` or not; built on first use after a change (a few ms), then shared."""
        order = self._effect_orders.get(young)
        if order is None:
            rows = np.arange(len(self.docs), dtype=np.int64)
            effect = self.effect.view()
            weeks = self.min_weeks.view()
            cost = self.person_cost(rows, YOUNG_AGE - 1 if young else None)
            sorted_rows = np.lexsort((rows, cost, weeks, effect))
            e, w, c = effect[sorted_rows], weeks[sorted_rows], cost[sorted_rows]
            new_tie = np.ones(sorted_rows.size, dtype=np.bool_)
            new_tie[1:] = (e[1:] != e[:-1]) | (w[1:] != w[:-1]) | (c[1:] != c[:-1])
            codes = np.arange(len(self._effect_of))
            order = EffectOrder(
                sorted_rows,
                np.cumsum(new_tie),
                np.searchsorted(e, codes, side="left"),
                np.searchsorted(e, codes, side="right"),
            )
            self._effect_orders[young] = order
        return order

    def effect_best(
        self,
        reach: Reach,
        lat: float,
        lon: float,
        age: int | None,
        keep: int,
        effects: Iterable[int] | None = None,
    ) -> dict[int, list[int]]:
        """Per effect (every one, or those in ``effects``), the best ``keep`` courses within
        reach, best first; effects with no course within reach are left out.

        Best by (shortest run, cost to the person, distance to the venue, row). Exactly the
        first ``keep`` of each effect in a sort of every reachable course by those keys, but
        only the courses that can be among them are sorted by distance: in the shared
        ``effect_order`` (no distance) those ranked before the ``keep``-th of their effect,
        plus every course tied with it.
        """
        young = age is not None and age < YOUNG_AGE
        shared = self.effect_order(young)
        if effects is None:
            reachable = np.flatnonzero(reach.mask[shared.rows])
        else:  # each effect is one slice of the shared order
            codes = np.unique(np.fromiter(effects, dtype=np.int64))
            span = spatial.ranges_to_rows(shared.starts[codes], shared.stops[codes])
            reachable = span[reach.mask[shared.rows[span]]]
        if reachable.size == 0:
            return {}
        rows = shared.rows[reachable]
        tie = shared.tie[reachable]
        effect = self.effect.view()[rows]
        start, rank = _group_ranks(effect)
        sizes = np.diff(np.append(start, effect.size))
        cutoff = tie[start + np.minimum(sizes, keep) - 1]
        candidates = tie <= np.repeat(cutoff, sizes)
        rows, effect, tie = rows[candidates], effect[candidates], tie[candidates]
        # tie groups are numbered in (effect, weeks, cost) order and rows ascend within each,
        # so a stable sort by (tie group, distance) is the sort by every key
        order = np.lexsort((self.venue_distance(rows, lat, lon), tie))
        rows, effect = rows[order], effect[order]
        _, rank = _group_ranks(effect)
        kept = rank < keep
        best: dict[int, list[int]] = {}
        for code, row in zip(effect[kept].tolist(), rows[kept].tolist(), strict=True):
            best.setdefault(code, []).append(row)
        return best

    def venue_distance(self, rows: IntArray, lat: float, lon: float) -> FloatArray:
        """Km from the point to each course's first venue (0 for online-only courses)."""
        x0, y0, z0 = (float(v) for v in spatial.unit_vectors(lat, lon))
        dx = self.venue_x.view()[rows] - x0
        dy = self.venue_y.view()[rows] - y0
        dz = self.venue_z.view()[rows] - z0
        chord = np.sqrt(dx * dx + dy * dy + dz * dz)
        distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.nan_to_num(chord) / 2.0, 1.0))
        return np.asarray(distance, dtype=np.float64)

    def person_cost(self, rows: IntArray, age: int | None) -> FloatArray:
        """What each course costs the person (see ``funding.py``), vectorised."""
        classes = self.cost_class.view()[rows]
        young = age is not None and age < YOUNG_AGE
        free = (classes == 0) | ((classes == 1) & young)
        return np.where(free, 0.0, self.cost.view()[rows])

    def memory_bytes(self) -> int:
        """Bytes held by the columns, postings and course records (approximate for records)."""
        total = sum(
            column.nbytes
            for column in (
                self.alive, self.signature, self.effect, self.cost, self.min_weeks,
                self.venue_x, self.venue_y, self.venue_z, self.cost_class, self.run_lat,
                self.run_lon, self.run_x, self.run_y, self.run_z, self.run_start, self.run_weeks,
                self.run_course, self.run_alive,
                self.online_runs,
            )
        )  # fmt: skip
        total += int(self.keys.nbytes)
        for postings in (self.effects_by_skill, self.effects_by_grant):
            total += sys.getsizeof(postings)
            total += sum(sys.getsizeof(rows) + 8 * len(rows) for rows in postings.values())
        total += sum(sys.getsizeof(runs) + 32 * len(runs) for runs in self.runs_of)
        total += sum(_doc_bytes(doc) for doc in self.docs if doc is not None)
        return total


@dataclass(frozen=True, slots=True)
class EffectOrder:
    """Course rows sorted by (effect, shortest run, cost, row), each one's tie group (the
    same number for rows equal in all but the row), and each effect's slice."""

    rows: IntArray
    tie: IntArray
    starts: IntArray  # per effect code, where its slice of ``rows`` starts
    stops: IntArray


def _group_ranks(codes: npt.NDArray[np.integer[Any]]) -> tuple[IntArray, IntArray]:
    """For sorted ``codes``: where each run of equal codes starts, and each entry's rank in
    its run (0 for the first)."""
    first = np.ones(codes.size, dtype=np.bool_)
    first[1:] = codes[1:] != codes[:-1]
    start = np.flatnonzero(first)
    rank = np.arange(codes.size) - np.repeat(start, np.diff(np.append(start, codes.size)))
    return start, rank


def _cost_class(doc: CourseDoc) -> int:
    if doc.cost <= 0 or (doc.funding is not None and doc.funding in FREE_FUNDING):
        return 0
    if doc.qualification_type in ENTITLEMENT_TYPES and (doc.level is None or doc.level <= 2):
        return 0
    if doc.level is None or doc.level <= YOUNG_MAX_LEVEL:
        return 1
    return 2


def _doc_bytes(doc: CourseDoc) -> int:
    size = sys.getsizeof(doc) + sys.getsizeof(doc.title) + sys.getsizeof(doc.id)
    for strings in (doc.skills_taught, doc.grants, doc.entry_requirements, doc.leads_to):
        size += sys.getsizeof(strings)
    size += sys.getsizeof(doc.presentations) + sum(
        sys.getsizeof(run) + 64 for run in doc.presentations
    )
    return size
