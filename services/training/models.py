"""The training service's tables: providers, courses, their presentations, and link tables.

``course_skill`` and ``course_role`` hold what a course teaches and leads to as rows, so the
``skill`` and ``role`` filters are indexed lookups on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.models import UTCDateTime, utcnow


class Provider(SQLModel, table=True):
    """Who runs courses: a college, university, training provider, employer or council."""

    __tablename__ = "provider"

    id: str = Field(primary_key=True, max_length=40)
    ukprn: str | None = Field(default=None, max_length=8, index=True)
    name: str = Field(max_length=512)
    type: str = Field(default="other", max_length=40)
    postcode: str | None = Field(default=None, max_length=16)
    lat: float | None = None
    lon: float | None = None
    region: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=1024)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Course(SQLModel, table=True):
    """A course from one source; (source, external_id) is the natural key."""

    __tablename__ = "course"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_course_lat_lon", "lat", "lon"),
    )

    id: str = Field(primary_key=True, max_length=40)
    source: str = Field(max_length=64)
    external_id: str = Field(max_length=256)
    provider_id: str = Field(foreign_key="provider.id", max_length=40, index=True)
    title: str = Field(max_length=512)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    qualification_type: str = Field(max_length=24, index=True)
    level: int = Field(index=True)
    entry_sublevel: int | None = None
    ofqual_ref: str | None = Field(default=None, max_length=16)
    standard_ref: str | None = Field(default=None, max_length=8, index=True)
    subject: str | None = Field(default=None, max_length=256)
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    leads_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    entry_requirements: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    mode: str | None = Field(default=None, max_length=16, index=True)
    attendance: str | None = Field(default=None, max_length=16, index=True)
    duration_weeks: float | None = None
    hours_per_week: float | None = None
    guided_learning_hours: float | None = None
    cost: float | None = None
    funding: str | None = Field(default=None, max_length=32, index=True)
    funding_eligibility: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    max_funding: float | None = None
    postcode: str | None = Field(default=None, max_length=16)
    lat: float | None = None
    lon: float | None = None
    region: str | None = Field(default=None, max_length=64, index=True)
    url: str | None = Field(default=None, max_length=1024)
    next_start: date | None = Field(default=None, index=True)
    status: str = Field(default="open", max_length=8, index=True)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Presentation(SQLModel, table=True):
    """One run of a course: a start date, a venue, a pattern."""

    __tablename__ = "presentation"

    id: str = Field(primary_key=True, max_length=40)
    course_id: str = Field(foreign_key="course.id", max_length=40, index=True)
    external_id: str = Field(max_length=256)
    start_date: date | None = Field(default=None, index=True)
    end_date: date | None = None
    duration_weeks: float | None = None
    hours_per_week: float | None = None
    attendance: str | None = Field(default=None, max_length=16)
    mode: str | None = Field(default=None, max_length=16)
    cost: float | None = None
    places: int | None = None
    venue_name: str | None = Field(default=None, max_length=256)
    venue_postcode: str | None = Field(default=None, max_length=16)
    lat: float | None = None
    lon: float | None = None


class CourseSkill(SQLModel, table=True):
    """A skill a course teaches."""

    __tablename__ = "course_skill"

    course_id: str = Field(foreign_key="course.id", primary_key=True, max_length=40)
    skill_id: str = Field(primary_key=True, max_length=64, index=True)


class CourseRole(SQLModel, table=True):
    """A role a course leads to."""

    __tablename__ = "course_role"

    course_id: str = Field(foreign_key="course.id", primary_key=True, max_length=40)
    role_id: str = Field(primary_key=True, max_length=64, index=True)
