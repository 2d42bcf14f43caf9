"""What the catalogue derives from a course record: place, what it grants, teaches and leads to.

* ``grants``: requirements a learner meets on finishing, in the vocabulary the matching engine
  uses (``english:level1``, ``maths:entry3``, ``care_certificate``), from the qualification type,
  subject and level;
* ``skills``: the skill ids the feed states, else those the taxonomy extracts from the title and
  description;
* ``leads_to``: the role ids the feed states, else the roles whose apprenticeship standard the
  course is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.common import geo
from services.training.adapters.records import CourseRecord

LEVEL_NAMES = {1: "level1", 2: "level2", 3: "level3"}


def level_name(level: int, entry_sublevel: int | None) -> str | None:
    """``entry1``..``entry3`` for entry level (Entry 3 when unstated), ``level1``..``level3`` above."""
    if level == 0:
        return f"entry{entry_sublevel or 3}"
    return LEVEL_NAMES.get(min(level, 3))


def grants_of(record: CourseRecord) -> list[str]:
    """The requirements finishing ``record`` meets."""
    words = f"{record.title} {record.subject or ''}".lower()
    level = level_name(record.level, record.entry_sublevel)
    grants: list[str] = []
    if record.qualification_type == "esol" and level:
        grants.append(f"english:{level}")
    if (
        record.qualification_type in ("functional_skills", "other", "award", "certificate")
        and level
    ):
        if "english" in words and "esol" not in words:
            grants.append(f"english:{level}")
        if "maths" in words or "mathematics" in words or "numeracy" in words:
            grants.append(f"maths:{level}")
    if record.qualification_type == "care_certificate" or "care certificate" in words:
        grants.append("care_certificate")
    if record.qualification_type == "apprenticeship":
        grants.append(f"apprenticeship:{record.standard_ref or record.external_id}")
        if record.level >= 2:
            grants.extend(("english:level1", "maths:level1"))
    if record.qualification_type in ("diploma", "certificate") and "care" in words:
        grants.append(f"care_qualification:level{record.level}")
    return sorted(set(grants))


def entry_codes(record: CourseRecord) -> list[str]:
    """The course's entry requirements in the matching vocabulary (``english:entry3``, ``age:19``, ``employment``)."""
    codes: list[str] = []
    for req in record.entry_requirements:
        if req.kind in ("english", "maths") and req.level:
            codes.append(f"{req.kind}:{req.level}")
        elif req.kind == "age" and req.min_age is not None:
            codes.append(f"age:{req.min_age}")
        elif req.kind in ("employment", "dbs"):
            codes.append(req.kind)
    return sorted(set(codes))


@dataclass
class CourseEnrichment:
    """What ingestion adds to a course record."""

    skills: list[str] = field(default_factory=list)
    leads_to: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    region: str | None = None
    entry_codes: list[str] = field(default_factory=list)


def skills_in(text: str) -> list[str]:
    """Skill ids the taxonomy's phrase matcher finds in a course text (no advert classification needed)."""
    from services.taxonomy.matcher import find_skills
    from services.taxonomy.textview import build_view

    return sorted({hit.id for hit in find_skills(build_view(text))})


def _taxonomy() -> Any:
    try:
        import services.taxonomy as taxonomy
    except ImportError:  # the taxonomy has not landed: no skills or roles are guessed
        return None
    return taxonomy


def enrich_course(record: CourseRecord) -> CourseEnrichment:
    """Everything ingestion derives from one course record."""
    out = CourseEnrichment(grants=grants_of(record), entry_codes=entry_codes(record))
    for text in (
        record.postcode,
        record.provider.postcode,
        *(p.venue_postcode for p in record.presentations),
    ):
        point = geo.lookup(text) if text else None
        if point is not None:
            out.lat, out.lon, out.region = point.lat, point.lon, point.region
            break
    taxonomy = _taxonomy()
    out.skills = list(record.skills)
    out.leads_to = list(record.leads_to)
    if taxonomy is not None:
        if not out.skills:
            text = f"{record.title}\n{record.subject or ''}\n{record.description}"
            out.skills = skills_in(text)
        if not out.leads_to and record.standard_ref:
            out.leads_to = sorted(
                role.id
                for role in taxonomy.load_taxonomy().roles
                if role.apprenticeship_standard == record.standard_ref
            )
    return out
