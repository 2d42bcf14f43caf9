"""Enrichment on ingest: place from the postcode, employer type, and what the taxonomy extracts.

Everything here is derived offline from the record itself: coordinates and region from the
shipped ONS postcode centroids (an unknown postcode leaves them null; it never rejects the
vacancy), the employer's type from its name, and sector, role, SOC code, entry level,
requirements and skills from ``services.taxonomy.extract`` on the title and description.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from services.common import geo
from services.vacancies.adapters.records import VacancyRecord

_EMPLOYER_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "nhs_trust",
        re.compile(r"\bNHS\b|\bTrust\b|Integrated Care Board|\bICB\b|Ambulance Service", re.I),
    ),
    (
        "gp_practice",
        re.compile(
            r"\bsurgery\b|medical (?:practice|centre|center|group)|health centre|\bGP\b|primary care network|\bPCN\b",
            re.I,
        ),
    ),
    ("council", re.compile(r"\bcouncil\b|\bborough\b|county council|city council", re.I)),
    (
        "care_provider",
        re.compile(
            r"\bcare\b|nursing home|residential home|\bhomes?\b|home ?care|domiciliary|supported living",
            re.I,
        ),
    ),
)


def employer_type(employer: str | None) -> str | None:
    """``nhs_trust``, ``gp_practice``, ``council`` or ``care_provider`` from the employer's name."""
    if not employer:
        return None
    for kind, pattern in _EMPLOYER_TYPES:
        if pattern.search(employer):
            return kind
    return None


@dataclass
class Enrichment:
    """What ingestion adds to a record."""

    sector: str = "other"
    employer_type: str | None = None
    role: str | None = None
    role_confidence: float | None = None
    soc_code: str | None = None
    band: str | None = None
    entry_level: bool | None = None
    requirements: dict[str, Any] = field(default_factory=dict)
    skills: list[dict[str, Any]] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    region: str | None = None
    lad_code: str | None = None
    enriched_with: str | None = None


def _place(record: VacancyRecord, out: Enrichment) -> None:
    point = geo.lookup(record.postcode) if record.postcode else None
    if point is not None:
        out.lat, out.lon, out.region, out.lad_code = (
            point.lat,
            point.lon,
            point.region,
            point.lad_code,
        )
    elif record.lat is not None and record.lon is not None:
        out.lat, out.lon = record.lat, record.lon


def _sector(kind: str | None, extracted: str | None) -> str:
    if kind in ("nhs_trust", "gp_practice"):
        return "nhs"
    if kind in ("care_provider", "council") and extracted != "nhs":
        return "social_care"
    return extracted if extracted in ("nhs", "social_care") else "other"


@functools.cache
def _taxonomy() -> ModuleType | None:
    """``services.taxonomy``, or ``None`` when it cannot be imported (tried once, not per advert)."""
    try:
        import services.taxonomy as taxonomy
    except ImportError:
        return None
    return taxonomy


def enrich(record: VacancyRecord) -> Enrichment:
    """Everything ingestion derives from one record."""
    out = Enrichment(employer_type=employer_type(record.employer), band=record.band)
    _place(record, out)
    taxonomy = _taxonomy()
    if taxonomy is None:  # the taxonomy is not installed: store unenriched, enrich later
        out.sector = _sector(out.employer_type, None)
        return out
    result = taxonomy.extract(record.description, title=record.title)
    out.sector = _sector(out.employer_type, result.sector)
    if result.role is not None:
        out.role, out.role_confidence = result.role.id, round(float(result.role.confidence), 3)
    out.soc_code = result.soc_code
    out.entry_level = bool(result.entry_level)
    req = result.requirements
    out.requirements = {
        "driving_licence": bool(req.driving_licence),
        "licence_category": req.licence_category,
        "dbs": req.dbs,
        "english_level": req.english_level,
        "maths_level": req.maths_level,
        "registration": req.registration,
        "experience_essential": bool(req.experience_essential),
    }
    out.skills = [
        {"id": hit.id, "label": hit.label, "essential": bool(getattr(hit, "essential", True))}
        for hit in result.skills
    ]
    out.enriched_with = "taxonomy-v1"
    return out


def warm_up() -> None:
    """Load now what :func:`enrich` loads on first use (the taxonomy, its classifier, postcodes)."""
    enrich(
        VacancyRecord(
            external_id="warm-up",
            title="Warm up",  # a title no rule knows: the classifier is consulted
            employer="Warm-up NHS Trust",
            description="Support patients with personal care. Full UK driving licence.",
            postcode="B15 2TT",
        )
    )
