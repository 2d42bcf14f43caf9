"""Shapes the training API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

IngestFormat = Literal["xcri-cap", "csv", "json", "ifa-standards", "dhsc-care"]


class ProviderRef(BaseModel):
    """The provider of a course, briefly."""

    id: str
    name: str
    type: str


class ProviderPublic(ProviderRef):
    """A provider."""

    model_config = ConfigDict(from_attributes=True)

    ukprn: str | None
    postcode: str | None
    lat: float | None
    lon: float | None
    region: str | None
    url: str | None


class PresentationPublic(BaseModel):
    """One run of a course."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    start_date: date | None
    end_date: date | None
    duration_weeks: float | None
    hours_per_week: float | None
    attendance: str | None
    mode: str | None
    cost: float | None
    places: int | None
    venue_name: str | None
    venue_postcode: str | None
    lat: float | None
    lon: float | None


class CoursePublic(BaseModel):
    """A course as clients see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "crs_0b1f6c0e6a2d5a7e9c4b3d2e1f0a9b8c",
                "provider": {
                    "id": "prov_5e2d",
                    "name": "Worcester College of Further Education",
                    "type": "fe_college",
                },
                "title": "Functional Skills English Level 1",
                "qualification_type": "functional_skills",
                "level": 1,
                "standard_ref": None,
                "skills": ["english-level1"],
                "entry_requirements": [
                    {"kind": "english", "level": "entry3", "text": "English at Entry 3"}
                ],
                "mode": "classroom",
                "attendance": "evening",
                "duration_weeks": 12,
                "hours_per_week": 4,
                "cost": 0,
                "funding": "adult_skills_fund",
                "start_dates": ["2027-01-11", "2027-04-19"],
                "postcode": "WR1 2JF",
                "leads_to": ["healthcare-support-worker"],
            }
        }
    )

    id: str
    source: str
    external_id: str
    provider: ProviderRef
    title: str
    qualification_type: str
    level: int
    entry_sublevel: int | None
    ofqual_ref: str | None
    standard_ref: str | None
    subject: str | None
    skills: list[str]
    grants: list[str]
    entry_requirements: list[dict[str, Any]]
    mode: str | None
    attendance: str | None
    duration_weeks: float | None
    hours_per_week: float | None
    guided_learning_hours: float | None
    cost: float | None
    funding: str | None
    funding_eligibility: str | None
    max_funding: float | None
    start_dates: list[date]
    next_start: date | None
    postcode: str | None
    lat: float | None
    lon: float | None
    region: str | None
    leads_to: list[str]
    url: str | None
    status: str
    distance_km: float | None = None


class CourseDetail(CoursePublic):
    """A course with its description and every presentation."""

    description: str
    presentations: list[PresentationPublic]
    updated_at: datetime
