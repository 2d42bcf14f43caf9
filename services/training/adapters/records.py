"""The records every course adapter yields: providers, courses, their runs and entry requirements.

These are the adapters' side of the contract with the ingest service: plain, frozen pydantic
models holding what a feed said, already normalised (levels as integers, durations in weeks,
money in GBP, plain-text descriptions). They know nothing about tables or ids; the ingest
service keys a course on (source, ``external_id``) and skips it when ``content_hash()`` is
unchanged since the last run.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

ProviderType = Literal[
    "fe_college",
    "university",
    "independent_training_provider",
    "employer",
    "local_authority",
    "other",
]
RequirementKind = Literal["english", "maths", "age", "employment", "qualification", "dbs", "other"]
SkillLevel = Literal["entry1", "entry2", "entry3", "level1", "level2", "level3"]
Attendance = Literal["daytime", "evening", "weekend", "flexible"]
Mode = Literal["classroom", "online", "blended", "work_based"]
QualificationType = Literal[
    "esol",
    "functional_skills",
    "care_certificate",
    "diploma",
    "certificate",
    "award",
    "apprenticeship",
    "short_course",
    "degree",
    "other",
]
Funding = Literal[
    "fully_funded",
    "adult_skills_fund",
    "advanced_learner_loan",
    "apprenticeship_levy",
    "employer_paid",
    "self_funded",
]

OFQUAL_REF_PATTERN = r"^\d{3}/\d{4}/[0-9X]$"
STANDARD_REF_PATTERN = r"^ST\d{4}$"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProviderRecord(_Record):
    """Who runs a course, as the feed named it (UKPRN when the feed gives one)."""

    ukprn: str | None = Field(default=None, pattern=r"^\d{8}$")
    external_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    type: ProviderType = "other"
    postcode: str | None = None
    url: str | None = None


class EntryRequirement(_Record):
    """One thing a learner needs before starting; ``text`` keeps the feed's own words.

    ``level`` is set for English and maths (``entry1`` ... ``level3``); ``min_age`` for age.
    """

    kind: RequirementKind
    level: SkillLevel | None = None
    min_age: int | None = Field(default=None, ge=0, le=100)
    text: str


class Presentation(_Record):
    """One run of a course: when and where it starts, and what differs from the course."""

    external_id: str = Field(min_length=1)
    start_date: date | None = None
    end_date: date | None = None
    duration_weeks: float | None = Field(default=None, ge=0)
    hours_per_week: float | None = Field(default=None, ge=0)
    attendance: Attendance | None = None
    mode: Mode | None = None
    cost: float | None = Field(default=None, ge=0)
    places: int | None = Field(default=None, ge=0)
    venue_postcode: str | None = None
    venue_name: str | None = None


class CourseRecord(_Record):
    """A course as read from a feed, with its provider and its presentations (runs).

    ``level`` is 0 for entry level (``entry_sublevel`` 1-3 when the feed says which) and the
    RQF level 1-8 otherwise. ``cost`` is what the learner pays in GBP (0 when funded);
    ``max_funding`` is the most a funder pays for it. ``leads_to`` and ``skills`` hold ids
    only when the source states them.
    """

    external_id: str = Field(min_length=1)
    provider: ProviderRecord
    title: str = Field(min_length=1)
    description: str = ""
    qualification_type: QualificationType
    level: int = Field(ge=0, le=8)
    entry_sublevel: int | None = Field(default=None, ge=1, le=3)
    ofqual_ref: str | None = Field(default=None, pattern=OFQUAL_REF_PATTERN)
    standard_ref: str | None = Field(default=None, pattern=STANDARD_REF_PATTERN)
    subject: str | None = None
    entry_requirements: list[EntryRequirement] = Field(default_factory=list)
    mode: Mode | None = None
    attendance: Attendance | None = None
    duration_weeks: float | None = Field(default=None, ge=0)
    hours_per_week: float | None = Field(default=None, ge=0)
    guided_learning_hours: float | None = Field(default=None, ge=0)
    cost: float | None = Field(default=None, ge=0)
    funding: Funding | None = None
    funding_eligibility: str | None = None
    max_funding: float | None = Field(default=None, ge=0)
    presentations: list[Presentation] = Field(default_factory=list)
    postcode: str | None = None
    leads_to: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    url: str | None = None

    @model_validator(mode="after")
    def _sublevel_only_at_entry(self) -> CourseRecord:
        if self.entry_sublevel is not None and self.level != 0:
            raise ValueError("entry_sublevel is only meaningful at level 0 (entry level)")
        return self

    def content_hash(self) -> str:
        """SHA-256 hex of the record as canonical JSON (sorted keys, ISO dates): stable."""
        canonical = orjson.dumps(self.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()
