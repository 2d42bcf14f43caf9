"""Shapes the matching API reads and writes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_EXTRACT_CHARS = 100_000


class SkillPublic(BaseModel):
    """A skill of the taxonomy."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(examples=["moving-and-handling"])
    label: str
    alt_labels: list[str]
    group: str
    esco_uri: str | None
    level: str | None = Field(default=None, description="For English and maths: entry1 .. level3.")


class RoleRequirementsPublic(BaseModel):
    """What a role requires beyond skills."""

    dbs: str | None
    driving_licence: str | None
    english_level: str | None
    maths_level: str | None
    registration: str | None


class RolePublic(BaseModel):
    """A role profile."""

    id: str = Field(examples=["healthcare-support-worker"])
    title: str
    alt_titles: list[str]
    sector: str
    soc_code: str
    soc_title: str | None
    band: str | None
    entry_level: bool
    essential_skills: list[str]
    desirable_skills: list[str]
    requirements: RoleRequirementsPublic
    apprenticeship_standard: str | None
    progression: list[str]


class ExtractRequest(BaseModel):
    """Text to read: an advert, a CV, a course description."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "title": "Healthcare Support Worker",
                "text": "<p>You will support patients with personal care and moving and handling.</p>"
                "<p>Essential: Care Certificate, good English and maths (GCSE or Level 2).</p>",
            }
        }
    )

    text: str = Field(description="Plain text, HTML or escaped HTML; at most 100,000 characters.")
    title: str | None = Field(default=None, max_length=500)


class EvidenceSpan(BaseModel):
    """Where a skill was found: ``text[start:end]`` of the request's text, or of its title
    when ``field`` is ``"title"``."""

    start: int
    end: int
    text: str
    field: Literal["text", "title"] = Field(
        default="text", description="Which input the offsets index: the text or the title."
    )


class ExtractedSkill(BaseModel):
    """A skill found in the text."""

    id: str
    label: str
    essential: bool
    evidence: list[EvidenceSpan]


class RoleGuessPublic(BaseModel):
    """The role the text is most likely about."""

    id: str
    confidence: float


class ExtractedRequirements(BaseModel):
    """Requirements the text states."""

    driving_licence: bool
    licence_category: str | None
    dbs: str | None
    english_level: str | None
    maths_level: str | None
    registration: str | None
    experience_essential: bool


class ExtractResponse(BaseModel):
    """What the taxonomy reads in a text."""

    skills: list[ExtractedSkill]
    role: RoleGuessPublic | None
    soc_code: str | None
    sector: Literal["nhs", "social_care", "other"] | str
    entry_level: bool
    requirements: ExtractedRequirements


Level = Literal["entry1", "entry2", "entry3", "level1", "level2", "level3"]


class ProfileIn(BaseModel):
    """A jobseeker's profile: what they can do, where they live, how far and when they can work."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "skills": ["personal-care", "customer-service"],
                "cv_text": "Cared for my grandmother for three years; volunteer at a food bank.",
                "english_level": "entry3",
                "maths_level": "level1",
                "qualifications": [],
                "driving_licence": False,
                "postcode": "B15 2TT",
                "max_travel_km": 10,
                "hours_per_week": 30,
                "patterns": ["part_time", "days"],
                "available_from": None,
                "consent_to_share": False,
            }
        },
    )

    skills: list[str] = Field(
        default_factory=list, max_length=200, description="Skill ids (see /v1/skills)."
    )
    cv_text: str | None = Field(
        default=None, max_length=MAX_EXTRACT_CHARS, description="Skills are extracted from it."
    )
    english_level: Level | None = None
    maths_level: Level | None = None
    qualifications: list[str] = Field(default_factory=list, max_length=50)
    driving_licence: bool | str = Field(
        default=False,
        description="true for a car licence (B), or the categories held, e.g. 'B C1'.",
    )
    postcode: str = Field(min_length=2, max_length=10, description="Home postcode or outward code.")
    max_travel_km: float = Field(default=15.0, gt=0, le=200)
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    patterns: list[str] = Field(default_factory=list, max_length=10)
    available_from: date | None = None
    age: int | None = Field(default=None, ge=16, le=100)
    consent_to_share: bool = False


class MatchRequest(ProfileIn):
    """A profile plus how many matches to return."""

    limit: int = Field(default=20, ge=1, le=200)
    include_training: bool = True
    include_unlock: bool = Field(
        default=False, description="Also list the single steps that unlock most vacancies."
    )


class PartsOut(BaseModel):
    """The documented parts of a score, each in [0, 1]."""

    skills: float
    requirements: float
    distance: float
    pattern: float
    level: float


class MissingSkillOut(BaseModel):
    """A skill the vacancy asks for that the person lacks."""

    id: str
    label: str
    essential: bool


class StepOut(BaseModel):
    """One course of a route, on one presentation."""

    course_id: str
    title: str
    provider: str
    weeks: float
    cost: float
    start_date: date
    end_date: date
    covers: list[str]
    grants: list[str]
    distance_km: float
    funding: str | None


class RouteOut(BaseModel):
    """Courses in the order to take them, with totals."""

    steps: list[StepOut]
    total_weeks: float
    total_cost: float
    earliest_start: date | None
    finish_date: date | None
    uncovered: list[str]


class MatchOut(BaseModel):
    """One vacancy for the person."""

    vacancy_id: str
    title: str
    employer: str
    role: str | None
    score: float = Field(ge=0, le=1)
    parts: PartsOut
    distance_km: float
    missing_skills: list[MissingSkillOut]
    ready: Literal["now", "after_training"]
    route: RouteOut | None


class UnlockOut(BaseModel):
    """A single step and how many more vacancies it makes ready now."""

    kind: Literal["course", "skill"]
    id: str
    label: str
    extra_vacancies: int
    radius_km: float
    text: str


class MatchResponse(BaseModel):
    """Ranked matches and the counts behind them."""

    matches: list[MatchOut]
    in_range: int = Field(description="Open vacancies within the travel limit.")
    ready_now: int
    after_training: int
    not_eligible: int
    reason: str | None = Field(default=None, description="Why the list is empty, when it is.")
    what_would_change: list[UnlockOut] | None = None


class RouteRequest(BaseModel):
    """A profile and the role to reach."""

    profile: ProfileIn
    role: str = Field(examples=["healthcare-support-worker"])


class RouteResponse(RouteOut):
    """The route to a role, and the gap it closes."""

    role: str
    missing_skills: list[MissingSkillOut]
    missing_requirements: list[str]
