"""Typed records of the skills taxonomy and of what :func:`extract` finds in an advert.

All records are frozen dataclasses so they can be cached and shared between threads.
Offsets in :class:`Span` always index the string given to ``extract`` (the original HTML,
escaped HTML or plain text; the title for spans marked ``field="title"``), never a cleaned
copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Sector = Literal["nhs", "social_care", "other"]
RoleSector = Literal["nhs", "social_care", "both"]


@dataclass(frozen=True, slots=True)
class Skill:
    """One skill: a stable kebab-case id, the phrases adverts use for it, and its ESCO link."""

    id: str
    label: str
    alt_labels: tuple[str, ...]
    group: str
    esco_uri: str | None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class RoleRequirements:
    """Checks and qualifications a role profile asks for."""

    dbs: str | None
    driving_licence: str | None
    english_level: str | None
    maths_level: str | None
    registration: str | None


@dataclass(frozen=True, slots=True)
class Role:
    """A role profile: an entry-level NHS/social-care role or a step above one."""

    id: str
    title: str
    alt_titles: tuple[str, ...]
    sector: RoleSector
    soc_code: str
    band: str | None
    entry_level: bool
    essential_skills: tuple[str, ...]
    desirable_skills: tuple[str, ...]
    requirements: RoleRequirements
    apprenticeship_standard: str | None
    progression: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SocUnitGroup:
    """A SOC 2020 unit group (four digits) with its title."""

    code: str
    title: str
    major_group: str
    typically_entry_level: bool


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence in the original input: ``text == original[start:end]``, where the original is
    the advert text or, when ``field`` is ``"title"``, the title given with it."""

    start: int
    end: int
    text: str
    field: Literal["text", "title"] = "text"


@dataclass(frozen=True, slots=True)
class SkillHit:
    """A skill found in an advert, with every place it was seen."""

    id: str
    label: str
    evidence: tuple[Span, ...]
    essential: bool


@dataclass(frozen=True, slots=True)
class RoleGuess:
    """The role profile an advert most likely describes, with confidence in [0, 1]."""

    id: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Requirements:
    """Checks and qualifications an advert asks for."""

    driving_licence: bool = False
    licence_category: str | None = None
    dbs: str | None = None
    english_level: str | None = None
    maths_level: str | None = None
    registration: str | None = None
    experience_essential: bool = False


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything :func:`services.taxonomy.extract` reads from one advert."""

    skills: tuple[SkillHit, ...] = ()
    role: RoleGuess | None = None
    soc_code: str | None = None
    sector: Sector = "other"
    entry_level: bool = False
    requirements: Requirements = field(default_factory=Requirements)
