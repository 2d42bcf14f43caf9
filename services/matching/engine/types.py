"""The matching engine's plain records: what goes in (vacancies, courses, a profile) and what
comes out (matches, routes, unlock steps).

Inputs are frozen dataclasses the service layer fills from its own schemas; the engine never
sees a database row or a request. Quirks worth knowing:

* English and maths levels are the profile codes ``entry1 < entry2 < entry3 < level1 < level2 <
  level3`` (see ``attainment.py``); a higher level satisfies a lower one.
* A course's ``grants`` and ``entry_requirements`` share one small vocabulary of strings:
  ``english:<level>``, ``maths:<level>``, ``licence:<category>`` (``licence:B``, ``licence:C1``),
  ``age:<years>`` (entry only), ``registration:<body>`` (never granted by a course here), and
  plain tokens such as ``care_certificate``.
* A presentation with ``mode="online"`` can be followed from anywhere; one without a venue
  (``lat``/``lon`` ``None``) and not online cannot be reached. ``start_date=None`` means
  "start any time" (roll-on, roll-off).
* ``band`` is whatever the feed gave (``3``, ``"3"``, ``"Band 3"``); only its number is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

Ready = Literal["now", "after_training", "not_eligible"]
StepKind = Literal["course", "skill"]


@dataclass(frozen=True, slots=True)
class Requirements:
    """Checks and qualifications a vacancy asks for (``None``: not asked)."""

    dbs: str | None = None
    driving_licence: str | None = None
    english_level: str | None = None
    maths_level: str | None = None
    registration: str | None = None


@dataclass(frozen=True, slots=True)
class VacancyDoc:
    """One open vacancy as the index needs it."""

    id: str
    title: str
    employer: str
    role: str | None
    lat: float
    lon: float
    essential_skills: list[str] = field(default_factory=list)
    desirable_skills: list[str] = field(default_factory=list)
    requirements: Requirements = field(default_factory=Requirements)
    hours_per_week: float | None = None
    working_pattern: list[str] = field(default_factory=list)
    band: int | str | None = None
    entry_level: bool = True
    closing_date: date | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class PresentationDoc:
    """One run of a course: when and where it starts."""

    start_date: date | None
    end_date: date | None = None
    duration_weeks: float | None = None
    lat: float | None = None
    lon: float | None = None
    attendance: str | None = None
    mode: str | None = None
    places: int | None = None


@dataclass(frozen=True, slots=True)
class CourseDoc:
    """A course with what it teaches, what it grants, what it needs first, and its runs."""

    id: str
    title: str
    provider_name: str
    qualification_type: str
    level: int | None
    skills_taught: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    entry_requirements: list[str] = field(default_factory=list)
    presentations: list[PresentationDoc] = field(default_factory=list)
    cost: float = 0.0
    funding: str | None = None
    hours_per_week: float | None = None
    leads_to: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Profile:
    """A jobseeker as matching sees them (no name, no postcode: a point and a travel limit).

    ``driving_licence`` is ``True`` for a full car licence (category B), ``False`` for none, or
    the categories held as a string (``"B C1"``). ``hours_per_week`` is the most the person
    can work; ``None`` means no limit given. ``patterns`` are the working patterns they accept
    (``flexible`` accepts any); an empty list means no preference.
    """

    skills: list[str]
    english_level: str | None
    maths_level: str | None
    driving_licence: bool | str
    lat: float
    lon: float
    max_travel_km: float = 15.0
    hours_per_week: float | None = None
    patterns: list[str] = field(default_factory=list)
    available_from: date | None = None
    age: int | None = None
    qualifications: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Parts:
    """The documented parts of a score, each in [0, 1] (see ``scoring.py``)."""

    skills: float
    requirements: float
    distance: float
    pattern: float
    level: float


class MissingSkill(NamedTuple):
    """A skill the vacancy asks for and the person lacks: ``(id, essential)``."""

    id: str
    essential: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One course in a route, on one presentation."""

    course_id: str
    title: str
    provider: str
    weeks: float
    cost: float
    start_date: date
    end_date: date
    covers: list[str]
    grants: list[str]
    distance_km: float = 0.0
    mode: str | None = None
    funding: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """Courses in the order to take them; ``uncovered`` lists what no reachable course gives."""

    steps: list[Step]
    total_weeks: float
    total_cost: float
    earliest_start: date | None
    uncovered: list[str]
    finish_date: date | None = None


@dataclass(frozen=True, slots=True)
class MatchItem:
    """One vacancy for one person: the score, its parts, the gap and the route over it."""

    vacancy_id: str
    title: str
    employer: str
    role: str | None
    score: float
    parts: Parts
    distance_km: float
    missing_skills: list[MissingSkill]
    ready: Ready
    route: Route | None
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Ranked matches plus how many open vacancies within the travel limit fell in each class."""

    items: list[MatchItem]
    in_range: int
    ready_now: int
    after_training: int
    not_eligible: int


@dataclass(frozen=True, slots=True)
class UnlockStep:
    """One single step (a course or a skill) and how many more vacancies it makes ready now."""

    kind: StepKind
    id: str
    label: str
    extra_vacancies: int
    radius_km: float
    provider: str | None = None

    @property
    def text(self) -> str:
        """The adviser-facing sentence: ``"English Level 1: +23 vacancies within 10 km"``."""
        noun = "vacancy" if self.extra_vacancies == 1 else "vacancies"
        return f"{self.label}: +{self.extra_vacancies} {noun} within {self.radius_km:g} km"
