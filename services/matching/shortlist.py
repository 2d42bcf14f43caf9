"""The in-memory jobseeker index behind shortlists, and ranking jobseekers for one vacancy.

One ``JobseekerIndex`` per matching process, built on start from the ``jobseeker`` table and
kept current by every create, update and erasure (in this process right after commit; in
other replicas from ``jobseeker.*`` events, which carry only the id: a replica re-reads the
row). A shortlist never reads the database and never scans every jobseeker:

* **Where**: rows are grouped by travel limit (``TRAVEL_BUCKETS``: everyone willing to travel
  up to 10 km in one bucket, up to 15 km in the next ...) and, within a bucket, kept in the
  engine's spatial grid order (``engine/spatial.py``: latitude bands, longitude-sorted). A
  vacancy asks each bucket only for the box of that bucket's radius, so people who travel
  5 km are looked for within 5 km, not within the 200 km someone else might travel. Cheap
  column tests (alive, consent, hours, registration) run next, and the exact distance last,
  the engine's way (``spatial.within``: unit vectors stored per row, the squared chord
  against each person's own precomputed travel limit, then the great-circle distance).
* **What**: each row's skills (expanded the way the engine expands them: levels, licences
  and the Care Certificate stand for skill ids) are one CSR row of skill codes; levels,
  licence categories (a bitset), hours, working patterns (a bitset) and the attainment
  level are columns, so gates and parts are vectorised comparisons.
* **Score**: the parts and the weighted sum come from ``engine/scoring.py``, the same
  functions and arithmetic the vacancy side of matching uses, so a person's score for a
  vacancy is the same whichever side asked.

Readiness follows the engine: ``now`` when every essential skill and requirement is met and
the hours fit; otherwise the training route to the gap is planned with the match index's
``route`` (only for the candidates actually returned; the index remembers plans across
requests, so the same person on the shortlists of neighbouring vacancies is planned once)
and a requirement no course within reach can give makes the person not eligible (left
out). Registration and hours are hard gates, checked vectorised before ranking. A page asks
for at most ``MAX_ROUTES_PER_ITEM`` routes per requested item (see ``shortlist``): only a
page whose candidates are mostly not eligible ends early, with a cursor that continues
exactly where it stopped.

Ranking is by score, ties broken by ``candidate_ref``: an HMAC of the vacancy id and the
jobseeker id under a key derived from the deployment secret, truncated to 64 bits. It is
stable for one vacancy and unrelated across vacancies, so refs cannot be joined to follow a
person from one shortlist to another.

Erasure scrubs: a removed row's coordinates, levels, skills, id and grid key are overwritten
(not just tombstoned) so nothing of the person stays in memory until the next compaction.
Writes append to an unsorted tail that queries scan; the index compacts (re-sorts into
grid order) when the tail or the tombstones pass a share of the table.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from services.common.geo import EARTH_RADIUS_KM
from services.matching.engine import MatchIndex, Profile, Route, scoring, spatial
from services.matching.engine.attainment import (
    LEVELS,
    LICENCE_CATEGORIES,
    Attainment,
    expand_skills,
)
from services.matching.engine.columns import Column, Vocab

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Ready = Literal["now", "after_training"]

TRAVEL_BUCKETS: Final[tuple[float, ...]] = (2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0, 200.0)
MAX_PATTERNS: Final = 62
ESSENTIAL_SHIFT: Final = 16
SCRUBBED: Final = "\x00erased"  # skill code 0: what a scrubbed row's CSR entries point at
REF_BYTES: Final = 8
MAX_ROUTES_PER_ITEM: Final = 4
BUILD_CHUNK: Final = 20_000
_TAIL_SHARE: Final = 0.05
_DEAD_SHARE: Final = 0.20
_MIN_CHURN: Final = 2000
_LICENCE_BIT: Final[dict[str, int]] = {name: 1 << i for i, name in enumerate(LICENCE_CATEGORIES)}
_PATTERN_FLEXIBLE: Final = scoring.FLEXIBLE_PATTERN
_UNMET: Final[dict[str, int]] = {"english": 1, "maths": 2, "licence": 4}


@dataclass(frozen=True, slots=True)
class JobseekerEntry:
    """What the index holds of one jobseeker: the id, office, consent, region and profile."""

    id: str
    office: str
    consent: bool
    region: str | None
    profile: Profile
    version: int = 0


@dataclass(frozen=True, slots=True)
class VacancyView:
    """One open vacancy as the shortlist needs it, read from the match index's columns."""

    id: str
    title: str
    employer: str
    role: str | None
    lat: float
    lon: float
    skills: tuple[tuple[str, bool], ...]
    requirements: tuple[str, ...]
    english: int
    maths: int
    licence: str | None
    registration: str | None
    hours: float
    patterns: tuple[str, ...]
    level: int


def vacancy_view(index: MatchIndex, vacancy_id: str, today: date) -> VacancyView | None:
    """The vacancy as indexed, or ``None`` when it is not open (unknown, closed or expired)."""
    table = index.vacancies
    row = table.row_of.get(vacancy_id)
    if row is None or int(table.closing.view()[row]) < today.toordinal():
        return None
    bits = int(table.pattern_bits.view()[row])
    licence = int(table.licence.view()[row])
    registration = int(table.registration.view()[row])
    return VacancyView(
        id=vacancy_id,
        title=table.titles[row],
        employer=table.employers[row],
        role=table.roles[row],
        lat=float(table.lat.view()[row]),
        lon=float(table.lon.view()[row]),
        skills=tuple(table.skills_of(row)),
        requirements=tuple(table.requirement_strings(row)),
        english=int(table.english.view()[row]),
        maths=int(table.maths.view()[row]),
        licence=index.licences.name(licence) if licence else None,
        registration=index.registrations.name(registration) if registration else None,
        hours=float(table.hours.view()[row]),
        patterns=tuple(
            index.patterns.name(code)
            for code in range(min(index.patterns.size, MAX_PATTERNS))
            if bits >> code & 1
        ),
        level=int(table.level.view()[row]),
    )


def ref_key(secret: str) -> bytes:
    """The pseudonym key: derived from the deployment secret, used for nothing else."""
    return hmac.new(secret.encode(), b"routeway:candidate-ref", hashlib.sha256).digest()


def candidate_ref(key: bytes, vacancy_id: str, jobseeker_id: str) -> str:
    """The jobseeker's pseudonym on this vacancy's shortlist (stable here, unrelated elsewhere)."""
    message = f"{vacancy_id}\x1f{jobseeker_id}".encode()
    return "cand_" + hmac.new(key, message, hashlib.sha256).hexdigest()[: 2 * REF_BYTES]


def reach_chord2(travel_km: npt.ArrayLike) -> FloatArray:
    """The squared unit-sphere chord of each travel limit (the engine's inclusive test)."""
    angle = np.minimum(
        np.maximum(np.asarray(travel_km, dtype=np.float64), 0.0) / EARTH_RADIUS_KM, math.pi
    )
    return np.asarray((2.0 * np.sin(angle / 2.0)) ** 2 * (1.0 + 1e-12), dtype=np.float64)


def travel_bucket(max_travel_km: float) -> int:
    """The bucket of a travel limit: the first whose radius covers it."""
    position = int(np.searchsorted(TRAVEL_BUCKETS, max_travel_km, side="left"))
    return min(position, len(TRAVEL_BUCKETS) - 1)


@dataclass(slots=True)
class Scored:
    """Every consenting, in-range jobseeker who passes the hard gates, with parts and score."""

    rows: IntArray
    distance: FloatArray
    essential_have: IntArray
    parts: dict[str, FloatArray]
    score: FloatArray
    now: BoolArray
    unmet: npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked jobseeker for one vacancy, ready to be classified and shown."""

    jobseeker_id: str
    office: str
    ref: str
    score: float
    parts: dict[str, float]
    distance_km: float
    missing_skills: tuple[tuple[str, bool], ...]
    missing_requirements: tuple[str, ...]
    now: bool
    profile: Profile | None


@dataclass(frozen=True, slots=True)
class ShortlistItem:
    """A candidate who made the shortlist, with readiness and the route over the gap."""

    candidate: Candidate
    ready: Ready
    route: Route | None


@dataclass(frozen=True, slots=True)
class ShortlistResult:
    """One page of a shortlist and whether more candidates follow."""

    items: list[ShortlistItem]
    more: bool
    considered: int = 0
    routes: int = 0


@dataclass(frozen=True, slots=True)
class PeopleSnapshot:
    """The live jobseekers of one region as arrays: a skills matrix, levels, licences."""

    count: int
    skills: Any  # scipy.sparse.csr_matrix, rows x skill codes
    skill_codes: dict[str, int]
    english: IntArray
    maths: IntArray
    licence: IntArray
    registered: dict[str, BoolArray]


def licence_bit(category: str) -> int:
    """The bit of a licence category in the index's licence bitsets (0 when unknown)."""
    return _LICENCE_BIT.get(category, 0)


@dataclass(slots=True)
class _Columns:
    lat: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    lon: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    x: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    y: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    z: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    reach: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    travel: Column[np.float64] = field(default_factory=lambda: Column(np.float64))
    bucket: Column[np.int8] = field(default_factory=lambda: Column(np.int8))
    english: Column[np.int8] = field(default_factory=lambda: Column(np.int8))
    maths: Column[np.int8] = field(default_factory=lambda: Column(np.int8))
    licence: Column[np.int32] = field(default_factory=lambda: Column(np.int32))
    hours: Column[np.float32] = field(default_factory=lambda: Column(np.float32))
    pattern_bits: Column[np.int64] = field(default_factory=lambda: Column(np.int64))
    pattern_any: Column[np.bool_] = field(default_factory=lambda: Column(np.bool_))
    level: Column[np.int8] = field(default_factory=lambda: Column(np.int8))
    consent: Column[np.bool_] = field(default_factory=lambda: Column(np.bool_))
    office: Column[np.int32] = field(default_factory=lambda: Column(np.int32))
    region: Column[np.int16] = field(default_factory=lambda: Column(np.int16))
    available: Column[np.int32] = field(default_factory=lambda: Column(np.int32))
    age: Column[np.int16] = field(default_factory=lambda: Column(np.int16))
    version: Column[np.int64] = field(default_factory=lambda: Column(np.int64))
    alive: Column[np.bool_] = field(default_factory=lambda: Column(np.bool_))

    def all(self) -> tuple[Column[np.generic], ...]:
        return tuple(getattr(self, name) for name in self.__slots__)


class JobseekerIndex:
    """Jobseekers in memory, grouped by travel limit and grid-sorted, skills as a CSR.

    Every public method takes ``lock``; callers holding the match index's lock may take this
    one inside it, never the other way round.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.skills = Vocab(names=(SCRUBBED,))
        self.patterns = Vocab()
        self.offices = Vocab()
        self.regions = Vocab(first_code=1)
        self.cols = _Columns()
        self.indptr: Column[np.int64] = Column(np.int64, [0])
        self.entry: Column[np.int32] = Column(np.int32)
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.qualifications: dict[str, tuple[str, ...]] = {}
        self.token_holders: dict[str, set[str]] = {}
        self.n_sorted = 0
        self.grid_keys: FloatArray = np.empty(0, dtype=np.float64)
        self.bounds: IntArray = np.zeros(len(TRAVEL_BUCKETS) + 1, dtype=np.int64)
        self.dead = 0
        self.generation = 0

    # --- writing --------------------------------------------------------------------------

    def __len__(self) -> int:
        with self.lock:
            return len(self.row_of)

    def __contains__(self, jobseeker_id: object) -> bool:
        with self.lock:
            return jobseeker_id in self.row_of

    def build(self, entries: Iterable[JobseekerEntry]) -> None:
        """Replace everything with ``entries`` (a later entry with the same id wins).

        ``entries`` is consumed in chunks of ``BUILD_CHUNK``, so a generator reading a table
        never has to hold every profile at once (which would also make each full garbage
        collection scan millions of objects while loading).
        """
        fresh = JobseekerIndex()
        chunk: dict[str, JobseekerEntry] = {}

        def flush() -> None:
            for jobseeker_id in chunk:
                fresh._remove_row(jobseeker_id)
            fresh._append(list(chunk.values()))
            chunk.clear()

        for entry in entries:
            chunk[entry.id] = entry
            if len(chunk) >= BUILD_CHUNK:
                flush()
        flush()
        fresh.compact()
        with self.lock:
            for name in (
                "skills", "patterns", "offices", "regions", "cols", "indptr", "entry", "ids",
                "row_of", "qualifications", "token_holders", "n_sorted", "grid_keys", "bounds",
                "dead",
            ):  # fmt: skip
                setattr(self, name, getattr(fresh, name))
            self.generation += 1

    def upsert(self, entry: JobseekerEntry) -> bool:
        """Add or replace one jobseeker; False (nothing changed) when this version or a newer one
        is already held (version 0: unversioned, always replaces)."""
        with self.lock:
            row = self.row_of.get(entry.id)
            if row is not None and int(self.cols.version.view()[row]) >= entry.version > 0:
                return False
            if row is not None:
                self._remove_row(entry.id)
            self._append([entry])
            if self.needs_compaction():
                self.compact()
            self.generation += 1
            return True

    def remove(self, jobseeker_id: str) -> bool:
        """Erase one jobseeker (scrubbed, not only tombstoned); False when absent."""
        with self.lock:
            removed = self._remove_row(jobseeker_id)
            if removed:
                self.generation += 1
                if self.needs_compaction():
                    self.compact()
            return removed

    def _remove_row(self, jobseeker_id: str) -> bool:
        row = self.row_of.pop(jobseeker_id, None)
        if row is None:
            return False
        cols = self.cols
        if row < self.n_sorted:
            bucket = int(cols.bucket.view()[row])
            start, stop = int(self.bounds[bucket]), int(self.bounds[bucket + 1])
            keys = self.grid_keys
            # keep the segment sorted without keeping the person's place in it
            keys[row] = keys[row - 1] if row > start else keys[row + 1] if row + 1 < stop else 0.0
        for column, blank in (
            (cols.lat, np.nan), (cols.lon, np.nan), (cols.x, np.nan), (cols.y, np.nan),
            (cols.z, np.nan), (cols.reach, -1.0), (cols.travel, np.nan), (cols.english, 0),
            (cols.maths, 0), (cols.licence, 0), (cols.hours, np.nan), (cols.pattern_bits, 0),
            (cols.pattern_any, False), (cols.level, 0), (cols.consent, False), (cols.office, -1),
            (cols.region, 0), (cols.available, 0), (cols.age, 0), (cols.version, 0),
            (cols.alive, False),
        ):  # fmt: skip
            column.view()[row] = blank
        indptr = self.indptr.view()
        self.entry.view()[indptr[row] : indptr[row + 1]] = 0
        self.ids[row] = ""
        self.qualifications.pop(jobseeker_id, None)
        for token in [t for t, holders in self.token_holders.items() if jobseeker_id in holders]:
            holders = self.token_holders[token]
            holders.discard(jobseeker_id)
            if not holders:
                del self.token_holders[token]
        self.dead += 1
        return True

    def _append(self, entries: Sequence[JobseekerEntry]) -> None:
        if not entries:
            return
        n = len(entries)
        lat = np.empty(n, np.float64)
        lon = np.empty(n, np.float64)
        travel = np.empty(n, np.float64)
        bucket = np.empty(n, np.int8)
        english = np.zeros(n, np.int8)
        maths = np.zeros(n, np.int8)
        licence = np.zeros(n, np.int32)
        hours = np.full(n, np.nan, np.float32)
        bits = np.zeros(n, np.int64)
        any_pattern = np.zeros(n, np.bool_)
        level = np.zeros(n, np.int8)
        consent = np.zeros(n, np.bool_)
        office = np.zeros(n, np.int32)
        region = np.zeros(n, np.int16)
        available = np.zeros(n, np.int32)
        age = np.zeros(n, np.int16)
        version = np.zeros(n, np.int64)
        lengths = np.zeros(n, np.int64)
        entries_out: list[int] = []
        skill_code = self.skills.code
        pattern_code = self.patterns.code
        first = len(self.ids)
        for i, item in enumerate(entries):
            profile = item.profile
            if not (math.isfinite(profile.lat) and math.isfinite(profile.lon)):
                raise ValueError(f"jobseeker {item.id} has no usable home point")
            held = Attainment.from_profile(profile)
            codes = sorted({skill_code(s) for s in expand_skills(profile.skills, held)})
            entries_out.extend(codes)
            lengths[i] = len(codes)
            lat[i], lon[i] = profile.lat, profile.lon
            travel[i] = profile.max_travel_km
            bucket[i] = travel_bucket(profile.max_travel_km)
            english[i], maths[i] = held.english, held.maths
            licence[i] = sum(_LICENCE_BIT.get(category, 0) for category in held.licences)
            if profile.hours_per_week is not None:
                hours[i] = profile.hours_per_week
            row_bits = 0
            for pattern in profile.patterns:
                code = pattern_code(pattern)
                if code < MAX_PATTERNS:
                    row_bits |= 1 << code
            bits[i] = row_bits
            any_pattern[i] = not profile.patterns or _PATTERN_FLEXIBLE in profile.patterns
            level[i] = held.level()
            consent[i] = item.consent
            office[i] = self.offices.code(item.office)
            region[i] = self.regions.code(item.region) if item.region else 0
            available[i] = profile.available_from.toordinal() if profile.available_from else 0
            age[i] = profile.age or 0
            version[i] = item.version
            self.ids.append(item.id)
            self.row_of[item.id] = first + i
            if profile.qualifications:
                self.qualifications[item.id] = tuple(profile.qualifications)
            for token in held.tokens:
                self.token_holders.setdefault(token, set()).add(item.id)
        cols = self.cols
        x, y, z = spatial.unit_vectors(lat, lon)
        for column, values in (
            (cols.lat, lat), (cols.lon, lon), (cols.x, x), (cols.y, y), (cols.z, z),
            (cols.reach, reach_chord2(travel)), (cols.travel, travel), (cols.bucket, bucket),
            (cols.english, english), (cols.maths, maths), (cols.licence, licence),
            (cols.hours, hours), (cols.pattern_bits, bits), (cols.pattern_any, any_pattern),
            (cols.level, level), (cols.consent, consent), (cols.office, office),
            (cols.region, region), (cols.available, available), (cols.age, age),
            (cols.version, version), (cols.alive, np.ones(n, np.bool_)),
        ):  # fmt: skip
            column.extend(values)
        base = int(self.indptr.view()[-1])
        self.indptr.extend(base + np.cumsum(lengths))
        self.entry.extend(np.asarray(entries_out, dtype=np.int32))

    def needs_compaction(self) -> bool:
        """True when the unsorted tail or the erased rows have grown past their share."""
        total = len(self.ids)
        tail = total - self.n_sorted
        return tail > max(_MIN_CHURN, _TAIL_SHARE * self.n_sorted) or self.dead > max(
            _MIN_CHURN, _DEAD_SHARE * total
        )

    def compact(self) -> None:
        """Rewrite the live rows grouped by travel bucket, in grid order: no tail, no gaps."""
        with self.lock:
            cols = self.cols
            live = np.flatnonzero(cols.alive.view())
            keys = spatial.grid_key(cols.lat.view()[live], cols.lon.view()[live])
            order = live[np.lexsort((keys, cols.bucket.view()[live]))]
            for column in cols.all():
                column.replace(column.view()[order])
            indptr = self.indptr.view()
            starts, stops = indptr[order], indptr[order + 1]
            self.entry.replace(self.entry.view()[spatial.ranges_to_rows(starts, stops)])
            self.indptr.replace(np.concatenate(([0], np.cumsum(stops - starts))))
            self.ids = [self.ids[i] for i in order.tolist()]
            self.row_of = {jobseeker_id: row for row, jobseeker_id in enumerate(self.ids)}
            self.n_sorted = len(self.ids)
            self.grid_keys = spatial.grid_key(cols.lat.view(), cols.lon.view())
            self.bounds = np.searchsorted(
                cols.bucket.view(), np.arange(len(TRAVEL_BUCKETS) + 1), side="left"
            ).astype(np.int64)
            self.dead = 0

    # --- reading --------------------------------------------------------------------------

    def _box_rows(self, lat: float, lon: float) -> IntArray:
        """Rows whose travel bucket's box around the point holds them (a superset of in range)."""
        pieces: list[IntArray] = []
        for bucket, radius in enumerate(TRAVEL_BUCKETS):
            start, stop = int(self.bounds[bucket]), int(self.bounds[bucket + 1])
            if stop > start:
                found = spatial.box_rows_sorted(
                    self.grid_keys[start:stop], lat, lon, radius + 0.001
                )
                pieces.append(found + start)
        if self.n_sorted < len(self.ids):
            cols = self.cols
            tail = cols.travel.view()[self.n_sorted :]
            reach = float(np.nanmax(tail)) if np.isfinite(tail).any() else 0.0
            pieces.append(
                self.n_sorted
                + spatial.box_rows_scan(
                    cols.lat.view()[self.n_sorted :],
                    cols.lon.view()[self.n_sorted :],
                    lat,
                    lon,
                    reach + 0.001,
                )
            )
        return np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)

    def _within_reach(self, rows: IntArray, lat: float, lon: float) -> tuple[IntArray, FloatArray]:
        """Those of ``rows`` whose own travel limit reaches the point, with their distances.

        The engine's test (``spatial.within``), one radius per row: the squared chord between
        unit vectors against the row's precomputed squared chord of its travel limit, then the
        great-circle distance for the rows kept.
        """
        cols = self.cols
        x0, y0, z0 = (float(v) for v in spatial.unit_vectors(lat, lon))
        dx = cols.x.view()[rows] - x0
        dy = cols.y.view()[rows] - y0
        dz = cols.z.view()[rows] - z0
        chord2 = dx * dx + dy * dy + dz * dz
        inside = chord2 <= cols.reach.view()[rows]
        distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(chord2[inside]) / 2.0, 1.0))
        return rows[inside], distance

    def _holders(self, requirement_body: str) -> IntArray:
        """Rows holding a registration (``registration:NMC`` or the plain token ``nmc``)."""
        holders = self.token_holders.get(f"registration:{requirement_body.upper()}", set())
        holders = holders | self.token_holders.get(requirement_body.lower(), set())
        return np.asarray(sorted(self.row_of[i] for i in holders), dtype=np.int64)

    def score(
        self, view: VacancyView, *, consenting_only: bool = True, now_only: bool = False
    ) -> Scored:
        """Every in-range jobseeker passing the hard gates for ``view``, scored by the formula."""
        with self.lock:
            return self._score(view, consenting_only=consenting_only, now_only=now_only)

    def _score(self, view: VacancyView, *, consenting_only: bool, now_only: bool) -> Scored:
        cols = self.cols
        # cheap column tests first, so the exact distance is computed for fewer rows
        rows = self._box_rows(view.lat, view.lon)
        keep = cols.alive.view()[rows]
        if consenting_only:
            keep &= cols.consent.view()[rows]
        rows = rows[keep]
        rows = rows[~(view.hours > cols.hours.view()[rows].astype(np.float64) + 1e-9)]
        if view.registration is not None:
            rows = rows[np.isin(rows, self._holders(view.registration))]
        rows, distance = self._within_reach(rows, view.lat, view.lon)
        distance = scoring.round_distance(distance)
        registration_ok = np.ones(rows.size, dtype=np.bool_)
        essential = [s for s, is_essential in view.skills if is_essential]
        desirable = [s for s, is_essential in view.skills if not is_essential]
        ess_have, des_have = self._coverage(rows, essential, desirable)
        english_ok = view.english <= cols.english.view()[rows]
        maths_ok = view.maths <= cols.maths.view()[rows]
        if view.licence is None:
            licence_ok = np.ones(rows.size, dtype=np.bool_)
        else:
            bit = _LICENCE_BIT.get(view.licence, 0)
            licence_ok = (cols.licence.view()[rows] & bit) != 0
        met = (
            (english_ok & (view.english > 0)).astype(np.int64)
            + (maths_ok & (view.maths > 0))
            + (licence_ok & (view.licence is not None))
            + (registration_ok & (view.registration is not None))
        )
        stated = (
            int(view.english > 0)
            + int(view.maths > 0)
            + int(view.licence is not None)
            + int(view.registration is not None)
        )
        wanted_bits = 0
        for pattern in view.patterns:
            code = self.patterns.get(pattern)
            if code is not None and code < MAX_PATTERNS:
                wanted_bits |= 1 << code
        accepted = np.bitwise_count(cols.pattern_bits.view()[rows] & wanted_bits)
        pattern_share: FloatArray = np.where(
            cols.pattern_any.view()[rows],
            1.0,
            scoring.pattern_part(accepted, len(view.patterns), False),
        )
        parts: dict[str, FloatArray] = {
            "skills": scoring.skills_part(ess_have, len(essential), des_have, len(desirable)),
            "requirements": scoring.requirements_part(met, stated),
            "distance": scoring.distance_part(distance),
            "pattern": pattern_share,
            # level_part(p, r) depends on r - p only: many people, one vacancy level
            "level": scoring.level_part(0, view.level - cols.level.view()[rows].astype(np.int64)),
        }
        score = scoring.combine(
            parts["skills"],
            parts["requirements"],
            parts["distance"],
            parts["pattern"],
            parts["level"],
        )
        now = english_ok & maths_ok & licence_ok & (ess_have == len(essential))
        unmet = (
            (~english_ok).astype(np.int8) * _UNMET["english"]
            + (~maths_ok).astype(np.int8) * _UNMET["maths"]
            + (~licence_ok).astype(np.int8) * _UNMET["licence"]
        ).astype(np.int8)
        if now_only:
            parts = {name: values[now] for name, values in parts.items()}
            rows, distance, ess_have, score = rows[now], distance[now], ess_have[now], score[now]
            unmet, now = unmet[now], now[now]
        return Scored(rows, distance, ess_have, parts, score, now, unmet)

    def _coverage(
        self, rows: IntArray, essential: Sequence[str], desirable: Sequence[str]
    ) -> tuple[IntArray, IntArray]:
        """Essential and desirable skills of the vacancy each row holds."""
        lookup = np.zeros(max(self.skills.size, 1), dtype=np.int64)
        for skill in desirable:
            code = self.skills.get(skill)
            if code is not None:
                lookup[code] = 1
        for skill in essential:
            code = self.skills.get(skill)
            if code is not None:
                lookup[code] = 1 << ESSENTIAL_SHIFT
        lookup[0] = 0
        indptr = self.indptr.view()
        starts, stops = indptr[rows], indptr[rows + 1]
        entries = spatial.ranges_to_rows(starts, stops)
        sums = np.concatenate(([0], np.cumsum(lookup[self.entry.view()[entries]])))
        ends = np.cumsum(stops - starts)
        packed = sums[ends] - sums[ends - (stops - starts)]
        return packed >> ESSENTIAL_SHIFT, packed & ((1 << ESSENTIAL_SHIFT) - 1)

    def take(
        self,
        view: VacancyView,
        key: bytes,
        *,
        after: tuple[float, str] | None,
        count: int,
        consenting_only: bool = True,
        now_only: bool = False,
    ) -> tuple[list[Candidate], bool]:
        """The next ``count`` candidates by (score desc, ref asc) after ``after``, and if more follow."""
        with self.lock:
            found = self._score(view, consenting_only=consenting_only, now_only=now_only)
            refs: dict[int, str] = {}

            def ref_of(position: int) -> str:
                ref = refs.get(position)
                if ref is None:
                    ref = candidate_ref(key, view.id, self.ids[int(found.rows[position])])
                    refs[position] = ref
                return ref

            positions = np.arange(found.rows.size, dtype=np.int64)
            if after is not None:
                score_after, ref_after = after
                below = found.score < score_after
                tied = np.flatnonzero(found.score == score_after)
                later = np.asarray([p for p in tied.tolist() if ref_of(p) > ref_after], np.int64)
                positions = np.union1d(np.flatnonzero(below), later).astype(np.int64)
            ordered, more = _top(found.score, positions, ref_of, count)
            return [self._candidate(view, found, p, ref_of(p)) for p in ordered], more

    def _candidate(self, view: VacancyView, found: Scored, position: int, ref: str) -> Candidate:
        row = int(found.rows[position])
        indptr = self.indptr.view()
        codes = self.entry.view()[indptr[row] : indptr[row + 1]].tolist()
        skills = {self.skills.name(code) for code in codes}
        now = bool(found.now[position])
        unmet = int(found.unmet[position])
        return Candidate(
            jobseeker_id=self.ids[row],
            office=self.offices.name(int(self.cols.office.view()[row])),
            ref=ref,
            score=float(found.score[position]),
            parts={name: float(values[position]) for name, values in found.parts.items()},
            distance_km=float(found.distance[position]),
            missing_skills=tuple((s, e) for s, e in view.skills if s not in skills),
            missing_requirements=tuple(
                r for r in view.requirements if _UNMET.get(r.partition(":")[0], 0) & unmet
            ),
            now=now,
            # only a route needs the whole profile
            profile=None if now else self._profile(row, skills),
        )

    def _profile(self, row: int, skills: Iterable[str]) -> Profile:
        """The row as the engine's ``Profile`` (skills already expanded: same attainment)."""
        cols = self.cols
        english, maths = int(cols.english.view()[row]), int(cols.maths.view()[row])
        licence_bits = int(cols.licence.view()[row])
        categories = [c for c, bit in _LICENCE_BIT.items() if licence_bits & bit]
        hours = float(cols.hours.view()[row])
        bits = int(cols.pattern_bits.view()[row])
        available = int(cols.available.view()[row])
        age = int(cols.age.view()[row])
        return Profile(
            skills=sorted(skills),
            english_level=LEVELS[english - 1] if english else None,
            maths_level=LEVELS[maths - 1] if maths else None,
            driving_licence=" ".join(categories) if categories else False,
            lat=float(cols.lat.view()[row]),
            lon=float(cols.lon.view()[row]),
            max_travel_km=float(cols.travel.view()[row]),
            hours_per_week=None if math.isnan(hours) else hours,
            patterns=[
                self.patterns.name(code)
                for code in range(min(self.patterns.size, MAX_PATTERNS))
                if bits >> code & 1
            ],
            available_from=date.fromordinal(available) if available else None,
            age=age or None,
            qualifications=list(self.qualifications.get(self.ids[row], ())),
        )

    def profile_of(self, jobseeker_id: str) -> Profile | None:
        """The indexed profile of one jobseeker (as matching sees it), or ``None``."""
        with self.lock:
            row = self.row_of.get(jobseeker_id)
            if row is None:
                return None
            indptr = self.indptr.view()
            codes = self.entry.view()[indptr[row] : indptr[row + 1]].tolist()
            return self._profile(row, {self.skills.name(code) for code in codes})

    def traces(self, jobseeker_id: str) -> list[str]:
        """Where ``jobseeker_id`` still appears in memory (empty after erasure)."""
        with self.lock:
            found = []
            if jobseeker_id in self.row_of:
                found.append("row_of")
            if jobseeker_id in self.ids:
                found.append("ids")
            if jobseeker_id in self.qualifications:
                found.append("qualifications")
            if any(jobseeker_id in holders for holders in self.token_holders.values()):
                found.append("token_holders")
            return found

    def snapshot(self, region: str | None, registrations: Iterable[str] = ()) -> PeopleSnapshot:
        """Copies of the live rows of ``region`` (every region when ``None``) for reports."""
        with self.lock:
            cols = self.cols
            rows = np.flatnonzero(cols.alive.view())
            if region is not None:
                code = self.regions.get(region)
                wanted = -1 if code is None else code
                rows = rows[cols.region.view()[rows] == wanted]
            indptr = self.indptr.view()
            starts, stops = indptr[rows], indptr[rows + 1]
            entries = self.entry.view()[spatial.ranges_to_rows(starts, stops)]
            matrix = sparse.csr_matrix(
                (
                    np.ones(entries.size, dtype=np.int32),
                    entries,
                    np.concatenate(([0], np.cumsum(stops - starts))),
                ),
                shape=(rows.size, max(self.skills.size, 1)),
            )
            return PeopleSnapshot(
                count=int(rows.size),
                skills=matrix,
                skill_codes={self.skills.name(c): c for c in range(1, self.skills.size)},
                english=cols.english.view()[rows].astype(np.int64),
                maths=cols.maths.view()[rows].astype(np.int64),
                licence=cols.licence.view()[rows].astype(np.int64),
                registered={
                    body: np.isin(rows, self._holders(body)) for body in set(registrations)
                },
            )

    def memory_bytes(self) -> int:
        """Approximate bytes held: columns, CSR, keys, ids and the id map."""
        with self.lock:
            total = sum(column.nbytes for column in self.cols.all())
            total += self.indptr.nbytes + self.entry.nbytes + int(self.grid_keys.nbytes)
            total += sys.getsizeof(self.ids) + sum(sys.getsizeof(i) for i in self.ids)
            total += sys.getsizeof(self.row_of)
            return total


def _top(
    score: FloatArray, positions: IntArray, ref_of: Callable[[int], str], count: int
) -> tuple[list[int], bool]:
    """Up to ``count`` positions by score (highest first), ties by ref; and whether more follow.

    Only the head is sorted: ``argpartition`` finds the ``count`` best, and every position
    tied with the last of them joins before the exact sort, so ties are ordered by ref
    however many there are.
    """
    if positions.size == 0 or count <= 0:
        return [], bool(positions.size)
    scores = score[positions]
    if positions.size > count:
        cut = -np.partition(-scores, count - 1)[count - 1]
        head = positions[scores >= cut]
    else:
        head = positions
    ordered = sorted(head.tolist(), key=lambda p: (-float(score[p]), ref_of(p)))
    return ordered[:count], positions.size > count


def shortlist(
    match_index: MatchIndex,
    people: JobseekerIndex,
    view: VacancyView,
    *,
    key: bytes,
    limit: int,
    after: tuple[float, str] | None,
    today: date,
    now_only: bool = False,
) -> tuple[ShortlistResult, tuple[float, str] | None]:
    """One page of ``view``'s shortlist, and the key to continue after it (``None``: the end).

    Call with the match index's lock held: routes are planned on it. Candidates whose gap
    includes a requirement no course within reach can give are skipped (not eligible), as
    the vacancy side of matching drops them. A page asks the index for at most
    ``MAX_ROUTES_PER_ITEM`` routes per requested item (cached or not, so the bound never
    depends on what was asked before): a page whose candidates are mostly not eligible ends
    early there with a cursor, and the next page continues exactly where it stopped, so
    the order of the whole list never depends on the bound.
    """
    items: list[ShortlistItem] = []
    budget = MAX_ROUTES_PER_ITEM * limit + 8
    asked = considered = 0
    cursor = after
    batch_size = limit + 4
    while True:
        batch, more = people.take(view, key, after=cursor, count=batch_size, now_only=now_only)
        for position, candidate in enumerate(batch):
            remaining = more or position < len(batch) - 1
            if not candidate.now and considered and asked >= budget:
                return ShortlistResult(items, True, considered, asked), cursor
            considered += 1
            cursor = (candidate.score, candidate.ref)
            if candidate.now:
                items.append(ShortlistItem(candidate, "now", None))
            else:
                assert candidate.profile is not None
                route = match_index.route(
                    candidate.profile,
                    [s for s, is_essential in candidate.missing_skills if is_essential],
                    list(candidate.missing_requirements),
                    today=today,
                )
                asked += 1
                if any(r in candidate.missing_requirements for r in route.uncovered):
                    continue
                items.append(ShortlistItem(candidate, "after_training", route))
            if len(items) >= limit:
                return ShortlistResult(items, remaining, considered, asked), (
                    cursor if remaining else None
                )
        if not more:
            return ShortlistResult(items, False, considered, asked), None
