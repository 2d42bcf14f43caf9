"""The vacancies service's table ``vacancy`` (its ``ingest_run`` and ``outbox`` come from common)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.models import UTCDateTime, utcnow


class Vacancy(SQLModel, table=True):
    """One advert from one source; (source, external_id) is the natural key."""

    __tablename__ = "vacancy"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_vacancy_status_posted", "status", "posted_at", "id"),
        Index("ix_vacancy_lat_lon", "lat", "lon"),
    )

    id: str = Field(primary_key=True, max_length=40)
    source: str = Field(max_length=64)
    external_id: str = Field(max_length=256)
    title: str = Field(max_length=512)
    employer: str | None = Field(default=None, max_length=512)
    employer_type: str | None = Field(default=None, max_length=32)
    sector: str = Field(default="other", max_length=16, index=True)
    role: str | None = Field(default=None, max_length=64, index=True)
    soc_code: str | None = Field(default=None, max_length=4)
    band: str | None = Field(default=None, max_length=8, index=True)
    salary_text: str | None = Field(default=None, max_length=512)
    salary_min: float | None = None
    salary_max: float | None = None
    salary_period: str | None = Field(default=None, max_length=8)
    hours_per_week: float | None = None
    working_pattern: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contract: str | None = Field(default=None, max_length=16)
    postcode: str | None = Field(default=None, max_length=16)
    locality: str | None = Field(default=None, max_length=256)
    lat: float | None = None
    lon: float | None = None
    region: str | None = Field(default=None, max_length=64, index=True)
    lad_code: str | None = Field(default=None, max_length=9)
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    closing_date: date | None = Field(default=None, index=True)
    status: str = Field(default="open", max_length=8)
    entry_level: bool | None = Field(default=None, index=True)
    url: str | None = Field(default=None, max_length=1024)
    category: str | None = Field(default=None, max_length=128)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    skills: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    requirements: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    role_confidence: float | None = None
    enriched_with: str | None = Field(default=None, max_length=32)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
