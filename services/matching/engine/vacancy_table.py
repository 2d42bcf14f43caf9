"""The vacancies of the match index as columns: coordinates, requirement codes, a skill CSR.

Layout (row ``i`` is one vacancy version):

* ``lat``/``lon`` float64; ``closing`` as a date ordinal (``NO_CLOSING`` when open-ended);
* requirement codes compared vectorised: ``english``/``maths`` level ranks (0 = not asked,
  1 = Entry 1 ... 6 = Level 3), ``licence`` and ``registration`` vocabulary codes (0 = not
  asked), ``stated`` (how many of the four are asked), ``hours`` (NaN = unknown);
* ``patterns`` as a bitset (up to ``MAX_PATTERNS`` distinct pattern words; later ones are
  ignored) and ``pattern_count``; ``level`` (see ``scoring.vacancy_level``);
* ``x``/``y``/``z``: the point as a unit vector, for exact distances without trigonometry;
* skills as CSR (``indptr``, ``skill`` codes, ``weight``: ``ESSENTIAL_PACK`` for an
  essential skill, 1 for a desirable one), so one sparse product with the person's 0/1 skill
  vector packs both counts into one integer per row (essential above bit 16).

Rows ``[0, n_sorted)`` are in grid order (``spatial.py``); upserts append to the unsorted tail
and removals set ``alive`` false (a tombstone). ``compact()`` rewrites the live rows in grid
order; ``needs_compaction()`` says when the tail or the tombstones have grown enough
(5 % / 20 %) for that to pay.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from services.matching.engine import spatial
from services.matching.engine.attainment import (
    LEVELS,
    level_rank,
    licence_requirement,
)
from services.matching.engine.columns import Column, Vocab
from services.matching.engine.scoring import vacancy_level
from services.matching.engine.types import VacancyDoc

NO_CLOSING: Final = np.iinfo(np.int32).max
MAX_PATTERNS: Final = 62
ESSENTIAL_SHIFT: Final = 16  # coverage sums pack essential hits above desirable ones
ESSENTIAL_PACK: Final = 1 << ESSENTIAL_SHIFT
_TAIL_SHARE: Final = 0.05
_DEAD_SHARE: Final = 0.20
_MIN_CHURN: Final = 2000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class VacancyTable:
    """Columns of open vacancies with a grid-sorted prefix, an append tail and tombstones."""

    def __init__(self, skills: Vocab, patterns: Vocab, licences: Vocab, registrations: Vocab):
        self.skills = skills
        self.patterns = patterns
        self.licences = licences
        self.registrations = registrations
        self.lat: Column[np.float64] = Column(np.float64)
        self.lon: Column[np.float64] = Column(np.float64)
        self.x: Column[np.float64] = Column(np.float64)
        self.y: Column[np.float64] = Column(np.float64)
        self.z: Column[np.float64] = Column(np.float64)
        self.closing: Column[np.int32] = Column(np.int32)
        self.english: Column[np.int8] = Column(np.int8)
        self.maths: Column[np.int8] = Column(np.int8)
        self.licence: Column[np.int32] = Column(np.int32)
        self.registration: Column[np.int32] = Column(np.int32)
        self.stated: Column[np.int8] = Column(np.int8)
        self.hours: Column[np.float32] = Column(np.float32)
        self.pattern_bits: Column[np.int64] = Column(np.int64)
        self.pattern_count: Column[np.int8] = Column(np.int8)
        self.level: Column[np.int8] = Column(np.int8)
        self.essential_total: Column[np.int16] = Column(np.int16)
        self.desirable_total: Column[np.int16] = Column(np.int16)
        self.alive: Column[np.bool_] = Column(np.bool_)
        self.indptr: Column[np.int32] = Column(np.int32, [0])
        self.skill: Column[np.int32] = Column(np.int32)
        self.weight: Column[np.int32] = Column(np.int32)
        self._matrix: sp.csr_array | None = None
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.employers: list[str] = []
        self.roles: list[str | None] = []
        self.row_of: dict[str, int] = {}
        self.n_sorted = 0
        self.keys: FloatArray = np.empty(0, dtype=np.float64)
        self.dead = 0

    # --- writing --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.row_of)

    def append(self, doc: VacancyDoc) -> None:
        """Add (or replace) one vacancy: the old version is tombstoned, the new one appended."""
        self.remove(doc.id)
        self._append_rows([doc])

    def extend(self, docs: Iterable[VacancyDoc]) -> None:
        """Add many vacancies (a later doc with the same id replaces an earlier one)."""
        batch: dict[str, VacancyDoc] = {}
        for doc in docs:
            batch[doc.id] = doc
        for vacancy_id in batch:
            self.remove(vacancy_id)
        self._append_rows(list(batch.values()))

    def remove(self, vacancy_id: str) -> bool:
        """Tombstone the vacancy; False when it was not there."""
        row = self.row_of.pop(vacancy_id, None)
        if row is None:
            return False
        self.alive.view()[row] = False
        self.dead += 1
        return True

    def _append_rows(self, docs: Sequence[VacancyDoc]) -> None:
        if not docs:
            return
        n = len(docs)
        lat = np.empty(n, np.float64)
        lon = np.empty(n, np.float64)
        closing = np.empty(n, np.int32)
        english = np.zeros(n, np.int8)
        maths = np.zeros(n, np.int8)
        licence = np.zeros(n, np.int32)
        registration = np.zeros(n, np.int32)
        hours = np.full(n, np.nan, np.float32)
        bits = np.zeros(n, np.int64)
        counts = np.zeros(n, np.int8)
        level = np.zeros(n, np.int8)
        ess_total = np.zeros(n, np.int16)
        des_total = np.zeros(n, np.int16)
        lengths = np.zeros(n, np.int64)
        entries: list[int] = []
        weights: list[int] = []
        skill_code = self.skills.code
        first = len(self.ids)
        for i, doc in enumerate(docs):
            if not (math.isfinite(doc.lat) and math.isfinite(doc.lon)):
                raise ValueError(f"vacancy {doc.id} has no usable coordinates")
            lat[i], lon[i] = doc.lat, doc.lon
            closing[i] = doc.closing_date.toordinal() if doc.closing_date else NO_CLOSING
            req = doc.requirements
            english[i] = level_rank(req.english_level)
            maths[i] = level_rank(req.maths_level)
            category = licence_requirement(req.driving_licence)
            licence[i] = self.licences.code(category) if category else 0
            body = req.registration.strip().upper() if req.registration else ""
            registration[i] = self.registrations.code(body) if body else 0
            if doc.hours_per_week is not None and math.isfinite(doc.hours_per_week):
                hours[i] = doc.hours_per_week
            row_bits = 0
            for pattern in doc.working_pattern:
                code = self.patterns.code(pattern)
                if code < MAX_PATTERNS:
                    row_bits |= 1 << code
            bits[i] = row_bits
            counts[i] = row_bits.bit_count()
            level[i] = vacancy_level(doc.band, doc.entry_level)
            essential = dict.fromkeys(doc.essential_skills)
            desirable = [s for s in dict.fromkeys(doc.desirable_skills) if s not in essential]
            for skill in essential:
                entries.append(skill_code(skill))
            for skill in desirable:
                entries.append(skill_code(skill))
            weights += [ESSENTIAL_PACK] * len(essential) + [1] * len(desirable)
            ess_total[i] = len(essential)
            des_total[i] = len(desirable)
            lengths[i] = len(essential) + len(desirable)
            self.ids.append(doc.id)
            self.titles.append(doc.title)
            self.employers.append(doc.employer)
            self.roles.append(doc.role)
            self.row_of[doc.id] = first + i
        stated = (english > 0).astype(np.int8) + (maths > 0) + (licence > 0) + (registration > 0)
        self.lat.extend(lat)
        self.lon.extend(lon)
        x, y, z = spatial.unit_vectors(lat, lon)
        self.x.extend(x)
        self.y.extend(y)
        self.z.extend(z)
        self.closing.extend(closing)
        self.english.extend(english)
        self.maths.extend(maths)
        self.licence.extend(licence)
        self.registration.extend(registration)
        self.stated.extend(stated)
        self.hours.extend(hours)
        self.pattern_bits.extend(bits)
        self.pattern_count.extend(counts)
        self.level.extend(level)
        self.essential_total.extend(ess_total)
        self.desirable_total.extend(des_total)
        self.alive.extend(np.ones(n, np.bool_))
        base = int(self.indptr.view()[-1])
        if base + int(lengths.sum()) >= np.iinfo(np.int32).max:
            raise OverflowError("too many vacancy skills for 32-bit CSR offsets")
        self.indptr.extend(base + np.cumsum(lengths))
        self.skill.extend(np.asarray(entries, dtype=np.int32))
        self.weight.extend(np.asarray(weights, dtype=np.int32))
        self._matrix = None

    def needs_compaction(self) -> bool:
        """True when the unsorted tail or the tombstones have grown past their share."""
        total = len(self.ids)
        tail = total - self.n_sorted
        return tail > max(_MIN_CHURN, _TAIL_SHARE * self.n_sorted) or self.dead > max(
            _MIN_CHURN, _DEAD_SHARE * total
        )

    def compact(self) -> None:
        """Rewrite the live rows in grid order: no tail, no tombstones."""
        live = np.flatnonzero(self.alive.view())
        order = live[spatial.grid_order(self.lat.view()[live], self.lon.view()[live])]
        for column in (
            self.lat, self.lon, self.x, self.y, self.z, self.closing, self.english, self.maths, self.licence,
            self.registration, self.stated, self.hours, self.pattern_bits, self.pattern_count,
            self.level, self.essential_total, self.desirable_total, self.alive,
        ):  # fmt: skip
            column.replace(column.view()[order])
        indptr = self.indptr.view()
        starts, stops = indptr[order], indptr[order + 1]
        entries = spatial.ranges_to_rows(starts.astype(np.int64), stops.astype(np.int64))
        self.skill.replace(self.skill.view()[entries])
        self.weight.replace(self.weight.view()[entries])
        self.indptr.replace(np.concatenate(([0], np.cumsum(stops - starts))))
        self._matrix = None
        positions = order.tolist()
        self.ids = [self.ids[i] for i in positions]
        self.titles = [self.titles[i] for i in positions]
        self.employers = [self.employers[i] for i in positions]
        self.roles = [self.roles[i] for i in positions]
        self.row_of = {vacancy_id: row for row, vacancy_id in enumerate(self.ids)}
        self.n_sorted = len(self.ids)
        self.keys = spatial.grid_key(self.lat.view(), self.lon.view())
        self.dead = 0

    # --- reading --------------------------------------------------------------------------

    def in_range(
        self, lat: float, lon: float, radius_km: float, today: date
    ) -> tuple[IntArray, FloatArray]:
        """Live, unexpired rows within ``radius_km`` of the point, with their distances."""
        margin = radius_km + 0.001
        sorted_rows = spatial.box_rows_sorted(self.keys, lat, lon, margin)
        lats, lons = self.lat.view(), self.lon.view()
        tail_rows = self.n_sorted + spatial.box_rows_scan(
            lats[self.n_sorted :], lons[self.n_sorted :], lat, lon, margin
        )
        rows = np.concatenate((sorted_rows, tail_rows)) if tail_rows.size else sorted_rows
        keep = self.alive.view()[rows] & (self.closing.view()[rows] >= today.toordinal())
        rows = rows[keep]
        inside, distance = spatial.within(
            lat, lon, radius_km, self.x.view()[rows], self.y.view()[rows], self.z.view()[rows]
        )
        return rows[inside], distance[inside]

    def matrix(self) -> sp.csr_array:
        """The skill CSR as a scipy array over the current columns (no copy; cached)."""
        if self._matrix is None:
            self._matrix = sp.csr_array(
                (self.weight.view(), self.skill.view(), self.indptr.view()),
                shape=(len(self.ids), max(self.skills.size, 1)),
            )
        return self._matrix

    def coverage(self, rows: IntArray, held: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
        """Essential and desirable skills held, per row (``held`` is indexed by skill code)."""
        matrix = self.matrix()
        person = np.zeros(matrix.shape[1], dtype=np.int32)
        size = min(held.size, person.size)
        person[:size] = held[:size]
        packed = np.asarray(matrix[rows] @ person, dtype=np.int64)
        return packed >> ESSENTIAL_SHIFT, packed & (ESSENTIAL_PACK - 1)

    def skills_of(self, row: int) -> list[tuple[str, bool]]:
        """The row's skills as ``(skill id, essential)``, essential first, in input order."""
        indptr = self.indptr.view()
        start, stop = int(indptr[row]), int(indptr[row + 1])
        codes = self.skill.view()[start:stop].tolist()
        weights = self.weight.view()[start:stop].tolist()
        return [
            (self.skills.name(code), weight == ESSENTIAL_PACK)
            for code, weight in zip(codes, weights, strict=True)
        ]

    def requirement_strings(self, row: int) -> list[str]:
        """The row's requirements in the shared vocabulary (``english:level1`` ...)."""
        found: list[str] = []
        english, maths = int(self.english.view()[row]), int(self.maths.view()[row])
        if english:
            found.append(f"english:{LEVELS[english - 1]}")
        if maths:
            found.append(f"maths:{LEVELS[maths - 1]}")
        licence = int(self.licence.view()[row])
        if licence:
            found.append(f"licence:{self.licences.name(licence)}")
        registration = int(self.registration.view()[row])
        if registration:
            found.append(f"registration:{self.registrations.name(registration)}")
        return found

    def memory_bytes(self) -> int:
        """Bytes held by the columns, the CSR and the per-row strings (shared strings once)."""
        total = sum(
            column.nbytes
            for column in (
                self.lat, self.lon, self.x, self.y, self.z, self.closing, self.english, self.maths, self.licence,
                self.registration, self.stated, self.hours, self.pattern_bits,
                self.pattern_count, self.level, self.essential_total, self.desirable_total,
                self.alive, self.indptr, self.skill, self.weight, self.x, self.y, self.z,
            )
        )  # fmt: skip
        total += int(self.keys.nbytes)
        seen: set[int] = set()
        for strings in (self.ids, self.titles, self.employers, self.roles):
            total += sys.getsizeof(strings)
            for text in strings:
                if text is not None and id(text) not in seen:
                    seen.add(id(text))
                    total += sys.getsizeof(text)
        total += sys.getsizeof(self.row_of)
        return total
