"""The matching service's tables: ``jobseeker`` (an office's caseload) and ``referral``.

What is kept, and what is not (data minimisation):

* no name, no contact details, no full postcode: a jobseeker is a random ``js_<uuid>`` id,
  the owning office, the profile matching needs, and the home **postcode district** with the
  point, region and local authority derived from the postcode given (the point is the
  postcode sector's centroid: an area shared by thousands of addresses);
* CV text is read for skills and then dropped: only the skills found and their short
  evidence snippets are stored;
* priority flags that change with time (young person, long-term unemployed) are derived when
  read from ``age`` and ``unemployed_since``; the most-deprived-area flag is derived from the
  postcode at write time and stored, because the postcode itself is not kept.

A referral belongs to one jobseeker and is deleted with them (``ON DELETE CASCADE`` and an
explicit delete on erasure). Its ``history`` is a JSON list of ``{"status", "at"}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from services.common.models import UTCDateTime, utcnow

JOBSEEKER_PREFIX = "js_"
REFERRAL_PREFIX = "ref_"


class Jobseeker(SQLModel, table=True):
    """One person on an office's caseload (pseudonymous: no name, no full postcode)."""

    __tablename__ = "jobseeker"
    __table_args__ = (Index("ix_jobseeker_office_created", "office", "created_at", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    office: str = Field(max_length=64)
    skills: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    skill_ids: str = Field(default="", description="'|a|b|': for the skill filter")
    english_level: str | None = Field(default=None, max_length=8)
    maths_level: str | None = Field(default=None, max_length=8)
    qualifications: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    driving_licence: bool | str = Field(default=False, sa_column=Column(JSON, nullable=False))
    postcode_district: str = Field(max_length=8)
    lat: float
    lon: float
    region: str | None = Field(default=None, max_length=64, index=True)
    lad_code: str | None = Field(default=None, max_length=9)
    max_travel_km: float = 15.0
    hours_per_week: float | None = None
    patterns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    available_from: date | None = None
    age: int | None = None
    unemployed_since: date | None = None
    consent_to_share: bool = False
    consent_updated_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    most_deprived_area: bool = False
    version: int = 1
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Referral(SQLModel, table=True):
    """A jobseeker referred to one vacancy or one course, and how it went."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint("(vacancy_id IS NULL) <> (course_id IS NULL)", name="one_target"),
        Index("ix_referral_office_created", "office", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    jobseeker_id: str = Field(
        sa_column=Column(
            String(40),
            ForeignKey("jobseeker.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    office: str = Field(max_length=64)
    vacancy_id: str | None = Field(default=None, max_length=64, index=True)
    course_id: str | None = Field(default=None, max_length=64, index=True)
    title: str = Field(default="", max_length=512)
    organisation: str = Field(default="", max_length=512)
    role: str | None = Field(default=None, max_length=64)
    region: str | None = Field(default=None, max_length=64)
    status: str = Field(default="referred", max_length=16)
    history: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
