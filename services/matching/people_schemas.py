"""Shapes of the people side of matching: jobseekers, shortlists, referrals, reports, progression.

A jobseeker's profile is ``ProfileIn`` (the same fields ``/v1/match`` takes) plus
``unemployed_since``. What comes back differs on purpose: the full postcode and the CV text
are never returned because they are never kept (``postcode_district`` and the skills found,
with short evidence snippets, are).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.matching.schemas import (
    Level,
    MissingSkillOut,
    PartsOut,
    ProfileIn,
    RouteOut,
)

ReferralStatus = Literal[
    "referred", "applied", "shortlisted", "interviewed", "offered", "started", "withdrawn"
]
SkillSource = Literal["declared", "cv"]
Flag = Literal["young_person", "long_term_unemployed", "most_deprived_area"]


class JobseekerCreate(ProfileIn):
    """A new jobseeker on the caller's caseload (the office comes from the API key)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "skills": ["personal-care", "customer-service"],
                "cv_text": "Cared for my grandmother for three years; volunteer at a food bank.",
                "english_level": "entry3",
                "maths_level": "level1",
                "postcode": "B15 2TT",
                "max_travel_km": 10,
                "hours_per_week": 30,
                "patterns": ["part_time", "days"],
                "age": 23,
                "unemployed_since": "2025-06-01",
                "consent_to_share": True,
            }
        },
    )

    unemployed_since: date | None = Field(
        default=None, description="Out of work since; 12 months or more is long-term."
    )
    office: str | None = Field(
        default=None,
        max_length=64,
        description="Admin keys only: the office the jobseeker belongs to. An adviser's office "
        "always comes from their key.",
    )


class JobseekerUpdate(BaseModel):
    """Fields to change; absent fields are kept, ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    skills: list[str] | None = Field(default=None, max_length=200)
    cv_text: str | None = Field(
        default=None,
        max_length=100_000,
        description="Replaces the skills found in the previous CV; null removes them.",
    )
    english_level: Level | None = None
    maths_level: Level | None = None
    qualifications: list[str] | None = Field(default=None, max_length=50)
    driving_licence: bool | str | None = None
    postcode: str | None = Field(default=None, min_length=2, max_length=10)
    max_travel_km: float | None = Field(default=None, gt=0, le=200)
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    patterns: list[str] | None = Field(default=None, max_length=10)
    available_from: date | None = None
    age: int | None = Field(default=None, ge=16, le=100)
    unemployed_since: date | None = None
    consent_to_share: bool | None = None


class EvidenceOut(BaseModel):
    """A snippet of the CV that showed the skill (the CV itself is not kept)."""

    text: str


class JobseekerSkillOut(BaseModel):
    """A skill the jobseeker has: declared by the adviser or found in the CV."""

    id: str
    label: str
    source: SkillSource
    evidence: list[EvidenceOut] = Field(default_factory=list)


class PriorityFlags(BaseModel):
    """Priority groups: 16-24, out of work 12 months or more, living in a most-deprived area."""

    young_person: bool
    long_term_unemployed: bool
    most_deprived_area: bool = Field(
        description="The home local authority is among the 10% most deprived in England "
        "(IMD 2025 rank of average score)."
    )


class JobseekerPublic(BaseModel):
    """A jobseeker as their adviser sees them."""

    id: str = Field(examples=["js_3f0c1e5d2b7a4e8f9a6b5c4d3e2f1a0b"])
    office: str
    skills: list[JobseekerSkillOut]
    english_level: str | None
    maths_level: str | None
    qualifications: list[str]
    driving_licence: bool | str
    postcode_district: str = Field(description="Only the district of the postcode is kept.")
    region: str | None
    lad_code: str | None
    max_travel_km: float
    hours_per_week: float | None
    patterns: list[str]
    available_from: date | None
    age: int | None
    unemployed_since: date | None
    consent_to_share: bool
    consent_updated_at: datetime | None
    flags: PriorityFlags
    version: int
    created_at: datetime
    updated_at: datetime


class ErasedCounts(BaseModel):
    """What an erasure removed."""

    jobseeker: int
    referrals: int
    index_entries: int
    cached_matches: int


class ErasureReceipt(BaseModel):
    """Proof of an erasure: what was removed, and when."""

    id: str
    erased: ErasedCounts
    erased_at: datetime


class ShortlistItemOut(BaseModel):
    """One candidate for a vacancy, pseudonymised."""

    candidate_ref: str = Field(
        description="A pseudonym stable on this vacancy's shortlist and unrelated to the "
        "same person's ref on any other vacancy."
    )
    score: float = Field(ge=0, le=1)
    parts: PartsOut
    distance_km: float
    missing_skills: list[MissingSkillOut]
    ready: Literal["now", "after_training"]
    route: RouteOut | None
    jobseeker_id: str | None = Field(
        default=None,
        description="Only for an adviser, and only for their own office's jobseekers.",
    )


class ShortlistPage(BaseModel):
    """Consenting jobseekers ranked for one vacancy (best first, ties by ref)."""

    vacancy_id: str
    items: list[ShortlistItemOut]
    next_cursor: str | None = None


class ReferralCreate(BaseModel):
    """Refer a jobseeker to one open vacancy or one course."""

    model_config = ConfigDict(extra="forbid")

    jobseeker_id: str = Field(max_length=40)
    vacancy_id: str | None = Field(default=None, max_length=64)
    course_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _one_target(self) -> ReferralCreate:
        if (self.vacancy_id is None) == (self.course_id is None):
            raise ValueError("give exactly one of vacancy_id and course_id")
        return self


class ReferralUpdate(BaseModel):
    """Record what happened next."""

    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus


class ReferralEventOut(BaseModel):
    """One step of a referral's history."""

    status: ReferralStatus
    at: datetime


class ReferralPublic(BaseModel):
    """A referral, its history, and where it may go next."""

    id: str
    jobseeker_id: str
    vacancy_id: str | None
    course_id: str | None
    title: str
    organisation: str
    role: str | None
    region: str | None
    status: ReferralStatus
    history: list[ReferralEventOut]
    allowed_next: list[ReferralStatus]
    created_at: datetime
    updated_at: datetime


class ReferralOutcomes(BaseModel):
    """Referrals to a role's vacancies and how far they got (each counts every stage reached)."""

    referred: int = 0
    applied: int = 0
    interviewed: int = 0
    offered: int = 0
    started: int = 0
    withdrawn: int = 0


class RoleGapOut(BaseModel):
    """Supply and demand for one role in the region."""

    role: str
    title: str
    open_vacancies: int
    course_starts_next_90_days: int = Field(
        description="Runs of courses leading to the role that start in the next 90 days, "
        "at a venue in the region or online."
    )
    course_places_next_90_days: int | None = Field(
        description="Seats on those runs, when providers state them; null when none does."
    )
    jobseekers_ready_now: int
    jobseekers_ready_after_training: int
    shortfall: int = Field(description="open_vacancies - jobseekers_ready_now (may be negative).")
    referrals: ReferralOutcomes


class SkillsGapReport(BaseModel):
    """Per role: open vacancies, course starts, and who is ready now or after training."""

    region: str | None
    as_of: date
    window_days: int
    jobseekers: int = Field(description="Jobseekers living in the region (all offices).")
    items: list[RoleGapOut]
    next_cursor: str | None = None


class ProgressionAdds(BaseModel):
    """What the next role asks for beyond the current one."""

    skills: list[MissingSkillOut]
    requirements: list[str]


class ProgressionStepOut(BaseModel):
    """One role up a progression edge, what it adds, and the route there."""

    role: str
    title: str
    band: str | None
    adds: ProgressionAdds
    route: RouteOut | None = Field(
        description="Null without a postcode: a route needs a place to look for courses."
    )
    route_basis: Literal["in_work", "any"] | None = Field(
        description="in_work: only apprenticeships, part-time, evening, weekend, online or "
        "work-based courses; any: no in-work route covered as much, so any course."
    )


class ProgressionResponse(BaseModel):
    """The next roles up from a current one."""

    role: str
    title: str
    band: str | None
    next: list[ProgressionStepOut]
