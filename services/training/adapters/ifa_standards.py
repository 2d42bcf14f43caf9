"""Apprenticeship standards from the Institute for Apprenticeships list (JSON Lines, OGL v3).

Source: ``ifa_standards_and_frameworks_2018.jsonl`` (the standards as of August 2018 plus
the older frameworks from Find Apprenticeship Training), one object a line with
``reference_code`` (``STnnnn``; null for frameworks), ``name``, ``level``, ``status``,
``length`` ("12 months"), ``max_funding`` (GBP), ``route``, ``entry_requirements`` (text),
``expected_learnings`` (list), ``qualifications`` (text), ``endpoint_assessment`` (a list
of organisations or a sentence), ``professional_registration``, ``degree_type``,
``ifa_url``.

Each standard approved for delivery becomes a course: ``qualification_type``
"apprenticeship", the standard code as ``external_id`` and ``standard_ref``, the RQF level,
the typical length in weeks (52/12 weeks a month), ``funding`` "apprenticeship_levy" with
``cost`` 0 (an apprentice pays nothing) and the funding band as ``max_funding`` (the 2018
bands, since revised), the route as ``subject``, mode "work_based", and entry requirements:
always ``employment`` (an apprenticeship is a job), plus English/maths levels, DBS and the
rest read from the entry requirements text. The provider is one synthetic "Institute for
Apprenticeships standard" record (type "other"): a standard names no training provider.

Rejected, with the reason, not skipped (so an ingest run shows them): old frameworks (no
``STnnnn`` code; frameworks closed to new starts in 2020) and standards whose status is not
"Approved for delivery" ("In development", "Decommissioned"). The ``qualifications`` text
describes what an apprentice must achieve before the end-point assessment, so it goes into
the description, not into the entry requirements. A line that is not JSON is rejected.
Positions are 0-based indexes of the non-blank lines. Read line by line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from services.common.ingest import Reject
from services.training.adapters.assembly import RecordProblem, clean, reject_reason
from services.training.adapters.parsing import parse_duration_weeks
from services.training.adapters.qualifications import standard_ref
from services.training.adapters.records import CourseRecord, EntryRequirement, ProviderRecord
from services.training.adapters.requirements import parse_entry_requirements

APPROVED_STATUS = "approved for delivery"
IFA_PROVIDER = ProviderRecord(
    ukprn=None,
    external_id="ifa-standards",
    name="Institute for Apprenticeships standard",
    type="other",
    postcode=None,
    url="https://www.instituteforapprenticeships.org/",
)
EMPLOYMENT_REQUIREMENT = EntryRequirement(
    kind="employment",
    text="An apprenticeship is a job: you need an employer who takes you on as an apprentice.",
)


def _funding_note(max_funding: float | None) -> str:
    band = (
        f"Funding band up to £{max_funding:,.0f} (2018 band; bands have since been revised)."
        if max_funding is not None
        else "Funding band not stated."
    )
    return (
        "Paid by the employer from the apprenticeship levy, or with government "
        f"co-investment; no cost to the apprentice. {band}"
    )


def _assessment(value: Any) -> str | None:
    if isinstance(value, list):
        names = [clean(item.get("name")) for item in value if isinstance(item, Mapping)]
        return ", ".join(name for name in names if name) or None
    return clean(value)


def _description(item: Mapping[str, Any]) -> str:
    parts: list[str] = []
    facts = [
        f"Route: {route}." if (route := clean(item.get("route"))) else None,
        f"Typical length: {length}." if (length := clean(item.get("length"))) else None,
        f"Degree apprenticeship ({degree})."
        if (degree := clean(item.get("degree_type"))) and degree.lower() != "tbc"
        else None,
    ]
    if any(facts):
        parts.append(" ".join(fact for fact in facts if fact))
    learnings = [text for entry in item.get("expected_learnings") or [] if (text := clean(entry))]
    if learnings:
        parts.append("What the apprentice learns:\n" + "\n".join(f"- {text}" for text in learnings))
    for label, value in (
        ("Qualifications", clean(item.get("qualifications"))),
        ("Professional registration", clean(item.get("professional_registration"))),
        ("End-point assessment", _assessment(item.get("endpoint_assessment"))),
    ):
        if value:
            parts.append(f"{label}: {value}")
    return "\n\n".join(parts)


def standard_from_item(item: Any) -> CourseRecord:
    """One line of the standards list as a course (``RecordProblem`` if it is not one)."""
    if not isinstance(item, Mapping):
        raise RecordProblem("a line must be a JSON object")
    name = clean(item.get("name")) or "(no name)"
    raw_code = clean(item.get("reference_code"))
    if raw_code is None:
        raise RecordProblem(
            f"framework {name!r}, not a standard: no STnnnn reference code (apprenticeship "
            "frameworks closed to new starts in 2020)"
        )
    code = standard_ref(raw_code)
    if code is None:
        raise RecordProblem(f"reference code {raw_code!r} is not an STnnnn standard code")
    status = clean(item.get("status")) or "no status"
    if status.lower() != APPROVED_STATUS:
        raise RecordProblem(f"standard not approved for delivery (status: {status})")
    level = item.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 8:
        raise RecordProblem(f"level {level!r} is not an RQF level 1-8")
    raw_funding = item.get("max_funding")
    max_funding = float(raw_funding) if isinstance(raw_funding, int | float) else None
    requirements = [
        EMPLOYMENT_REQUIREMENT,
        *(
            requirement
            for requirement in parse_entry_requirements(clean(item.get("entry_requirements")))
            if requirement.kind != "employment"
        ),
    ]
    return CourseRecord(
        external_id=code,
        provider=IFA_PROVIDER,
        title=name,
        description=_description(item),
        qualification_type="apprenticeship",
        level=level,
        standard_ref=code,
        subject=clean(item.get("route")),
        entry_requirements=requirements,
        mode="work_based",
        duration_weeks=parse_duration_weeks(clean(item.get("length"))),
        cost=0.0,
        funding="apprenticeship_levy",
        funding_eligibility=_funding_note(max_funding),
        max_funding=max_funding,
        url=clean(item.get("ifa_url")),
    )


def _standard_or_reject(line: bytes, position: int) -> CourseRecord | Reject:
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return Reject(position=position, external_id=None, reason=f"invalid JSON line: {error.msg}")
    external_id = clean(item.get("reference_code")) if isinstance(item, Mapping) else None
    try:
        return standard_from_item(item)
    except (RecordProblem, ValidationError) as error:
        return Reject(position=position, external_id=external_id, reason=reject_reason(error))


def parse_ifa_standards(stream: BinaryIO) -> Iterator[CourseRecord | Reject]:
    """Approved apprenticeship standards as courses; frameworks and the rest as rejects."""
    position = 0
    for line in stream:
        if not line.strip():
            continue
        yield _standard_or_reject(line, position)
        position += 1
