"""Shapes the vacancies API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sector = Literal["nhs", "social_care", "other"]
IngestFormat = Literal["jobposting-jsonld", "nhs-jobs-xml", "csv"]


class SkillRef(BaseModel):
    """A skill the vacancy asks for."""

    id: str
    label: str
    essential: bool = True


class VacancyPublic(BaseModel):
    """A vacancy as clients see it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "vac_3f9c0e6b2d8a4c51a7e4b1f06d2c9e85",
                "source": "nhs-jobs",
                "external_id": "915390428",
                "title": "Healthcare Support Worker",
                "employer": "Worcestershire Acute Hospitals NHS Trust",
                "sector": "nhs",
                "role": "healthcare-support-worker",
                "band": "3",
                "salary_min": 24071.0,
                "salary_max": 25674.0,
                "salary_period": "year",
                "hours_per_week": 37.5,
                "working_pattern": ["full_time", "shifts"],
                "contract": "permanent",
                "postcode": "WR5 1DD",
                "lat": 52.19,
                "lon": -2.19,
                "region": "West Midlands",
                "posted_at": "2026-11-01T09:00:00Z",
                "closing_date": "2026-12-15",
                "status": "open",
                "entry_level": True,
                "skills": [{"id": "personal-care", "label": "Personal care", "essential": True}],
            }
        },
    )

    id: str
    source: str
    external_id: str
    title: str
    employer: str | None
    employer_type: str | None
    sector: Sector | str
    role: str | None
    role_confidence: float | None
    soc_code: str | None
    band: str | None
    salary_text: str | None
    salary_min: float | None
    salary_max: float | None
    salary_period: str | None
    hours_per_week: float | None
    working_pattern: list[str]
    contract: str | None
    postcode: str | None
    locality: str | None
    lat: float | None
    lon: float | None
    region: str | None
    posted_at: datetime | None
    closing_date: date | None
    status: Literal["open", "closed"] | str
    entry_level: bool | None
    url: str | None
    skills: list[SkillRef]
    requirements: dict[str, Any]
    distance_km: float | None = Field(
        default=None, description="Set when searching `near` a place."
    )


class VacancyDetail(VacancyPublic):
    """A vacancy with its full text."""

    description: str
