"""The one record shape every vacancy feed adapter yields, whatever the feed's format.

A ``VacancyRecord`` is what an adapter could read from one advert, already normalised:
plain-text description, salary as numbers plus the original text, Agenda for Change band
without the word "Band", UTC-aware posting time, the closing date as the calendar date the
advert states. Fields the feed does not state are ``None`` (or an empty list), never guessed
from other records. ``content_hash`` lets ingestion skip records that did not change.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SalaryPeriod = Literal["year", "month", "week", "day", "hour"]
Contract = Literal["permanent", "fixed_term", "temporary", "bank", "apprenticeship", "other"]


class VacancyRecord(BaseModel):
    """One advert as an adapter read it, normalised and ready to upsert."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    external_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    employer: str | None = None
    employer_url: str | None = None
    description: str = ""
    salary_text: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_period: SalaryPeriod | None = None
    band: str | None = None
    hours_per_week: float | None = None
    working_pattern: list[str] = Field(default_factory=list)
    contract: Contract | None = None
    postcode: str | None = None
    locality: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    posted_at: datetime | None = None
    closing_date: date | None = None
    url: str | None = None
    category: str | None = None

    @field_validator("posted_at")
    @classmethod
    def _posted_at_in_utc(cls, value: datetime | None) -> datetime | None:
        """Naive times are taken as UTC; aware times are converted to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def content_hash(self) -> str:
        """SHA-256 of a canonical JSON of every field: equal records, equal hashes, any process."""
        canonical = json.dumps(
            self.model_dump(mode="json"),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
