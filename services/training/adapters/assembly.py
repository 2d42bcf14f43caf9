"""Turning the loose values of one course in a feed into a validated ``CourseRecord``.

The XCRI-CAP, JSON and CSV adapters each find a course's values in their own format, put
them in a ``CourseFields`` (strings and numbers as the feed wrote them) and call
``course_from_fields``, so every format applies the same rules:

- the level comes from the level field, else the qualification title, else the course
  title; a course whose level cannot be found is rejected (the catalogue needs one);
- the Ofqual number and the standard code are read from the qualification reference, the
  standard also from the titles; the qualification type is stated or inferred;
- course-level mode, attendance, duration, weekly hours and cost fall back to the first
  presentation that states them, and the course postcode to the first venue, then the
  provider;
- funding is the funding field's route, else the one the cost text names ("Free" is fully
  funded).

A problem with one course raises ``RecordProblem`` (or pydantic's ``ValidationError``);
adapters turn either into a ``Reject`` with ``reject_reason``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from pydantic import ValidationError

from services.common.text import html_to_text, unescape_fully
from services.training.adapters.levels import Level, find_level, parse_level
from services.training.adapters.parsing import (
    normalise_postcode,
    parse_attendance,
    parse_cost,
    parse_duration_weeks,
    parse_funding,
    parse_hours_per_week,
    parse_mode,
    parse_number,
    parse_total_hours,
    provider_type_from_name,
    slug,
    ukprn,
)
from services.training.adapters.qualifications import (
    explicit_qualification_type,
    infer_qualification_type,
    ofqual_ref,
    standard_ref,
)
from services.training.adapters.records import (
    CourseRecord,
    EntryRequirement,
    Presentation,
    ProviderRecord,
    ProviderType,
)
from services.training.adapters.requirements import parse_entry_requirements

T = TypeVar("T")
Scalar = str | int | float | None

_PROVIDER_TYPES: dict[str, ProviderType] = {
    "fe_college": "fe_college",
    "college": "fe_college",
    "further_education": "fe_college",
    "university": "university",
    "independent_training_provider": "independent_training_provider",
    "itp": "independent_training_provider",
    "training_provider": "independent_training_provider",
    "employer": "employer",
    "local_authority": "local_authority",
    "council": "local_authority",
    "other": "other",
}


_INLINE_TAGS = re.compile(
    r"</?(?:a|abbr|b|em|font|i|small|span|strong|sub|sup|u)\b[^>]{0,500}>", re.IGNORECASE
)


class RecordProblem(ValueError):
    """One course cannot be read; the message is the reject reason."""


@dataclass(slots=True)
class CourseFields:
    """One course's values as a feed wrote them, before normalisation."""

    external_id: str | None
    title: str | None
    provider: ProviderRecord | None
    description: str | None = None
    qualification_ref: str | None = None
    qualification_title: str | None = None
    qualification_type: str | None = None
    has_qualification: bool = True
    level: Scalar = None
    subject: str | None = None
    entry_requirements: str | Sequence[EntryRequirement] | None = None
    mode: str | None = None
    attendance: str | None = None
    duration: Scalar = None
    hours_per_week: Scalar = None
    guided_learning_hours: Scalar = None
    cost: Scalar = None
    funding: str | None = None
    funding_eligibility: str | None = None
    max_funding: Scalar = None
    presentations: list[Presentation] = field(default_factory=list)
    postcode: str | None = None
    leads_to: Sequence[str] = ()
    skills: Sequence[str] = ()
    url: str | None = None


def clean(value: object) -> str | None:
    """A stripped string with runs of whitespace collapsed, or None for empty/non-scalars."""
    if value is None or isinstance(value, bool | dict | list | tuple):
        return None
    text = " ".join(str(value).split())
    return text or None


def first(values: Iterable[T | None]) -> T | None:
    """The first value that is not None."""
    for value in values:
        if value is not None:
            return value
    return None


def unique(values: Iterable[str]) -> list[str]:
    """Non-empty strings, stripped, first occurrence kept, in order."""
    seen: dict[str, None] = {}
    for value in values:
        text = value.strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def provider_type(value: str | None, name: str) -> ProviderType:
    """A stated provider type ("college", "fe_college", "ITP") or one inferred from the name."""
    if value:
        key = "_".join(value.lower().replace("-", " ").split())
        if key in _PROVIDER_TYPES:
            return _PROVIDER_TYPES[key]
    return provider_type_from_name(name)


def provider_record(
    *,
    name: str | None,
    identifier: str | None = None,
    ukprn_value: str | None = None,
    type_value: str | None = None,
    postcode: str | None = None,
    url: str | None = None,
) -> ProviderRecord:
    """A provider from its feed values; the UKPRN (when given) is its external id."""
    provider_name = clean(name) or clean(identifier)
    if provider_name is None:
        raise RecordProblem("provider has no name")
    found_ukprn = ukprn(ukprn_value) or ukprn(identifier)
    external_id = found_ukprn or clean(identifier) or f"name:{slug(provider_name)}"
    return ProviderRecord(
        ukprn=found_ukprn,
        external_id=external_id,
        name=provider_name,
        type=provider_type(type_value, provider_name),
        postcode=normalise_postcode(postcode),
        url=clean(url),
    )


def presentation(
    *,
    external_id: str,
    start_date: date | None = None,
    end_date: date | None = None,
    duration: Scalar = None,
    hours_per_week: Scalar = None,
    attendance: str | None = None,
    mode: str | None = None,
    cost: Scalar = None,
    places: int | None = None,
    venue_postcode: str | None = None,
    venue_name: str | None = None,
) -> Presentation:
    """A presentation (run) from its feed values."""
    return Presentation(
        external_id=external_id,
        start_date=start_date,
        end_date=end_date,
        duration_weeks=duration_weeks(duration),
        hours_per_week=weekly_hours(hours_per_week),
        attendance=parse_attendance(attendance),
        mode=parse_mode(mode),
        cost=parse_cost(cost),
        places=places,
        venue_postcode=normalise_postcode(venue_postcode),
        venue_name=clean(venue_name),
    )


def duration_weeks(value: Scalar) -> float | None:
    """Weeks from a number (already weeks) or a duration text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_duration_weeks(value) if isinstance(value, str) else None


def weekly_hours(value: Scalar) -> float | None:
    """Hours per week from a number or text ("6", "6 hours per week")."""
    if isinstance(value, str):
        return parse_hours_per_week(value) or parse_number(value)
    return parse_number(value)


def resolve_level(value: Scalar, *texts: str | None) -> Level:
    """The course level from its level field, else the first title naming one."""
    level = parse_level(value)
    if level is not None:
        return level
    if clean(value) is not None:
        raise RecordProblem(f"level {clean(value)!r} is not a level (Entry 1-3 or 1-8)")
    found = first(find_level(text) for text in texts)
    if found is None:
        raise RecordProblem("no level: the level is missing and no title names one")
    return found


def plain_text(raw: str) -> str:
    """Plain text from a description in text, HTML or escaped HTML.

    Inline tags (``<b>``, ``<a>``, ``<span>`` ...) are dropped without the space
    ``html_to_text`` would leave, so "over <b>three</b> weeks." stays one sentence.
    """
    return html_to_text(_INLINE_TAGS.sub("", unescape_fully(raw)))


def reject_reason(error: ValidationError | RecordProblem) -> str:
    """A short, operator-readable reason for a course that failed validation."""
    if isinstance(error, RecordProblem):
        return str(error)
    parts = []
    for detail in error.errors()[:3]:
        where = ".".join(str(part) for part in detail["loc"]) or "course"
        parts.append(f"{where}: {detail['msg']}")
    return "invalid course: " + "; ".join(parts)


def course_from_fields(fields: CourseFields) -> CourseRecord:
    """A validated course from one course's feed values (raises ``RecordProblem``)."""
    external_id = clean(fields.external_id)
    if external_id is None:
        raise RecordProblem("course has no identifier")
    title = clean(fields.title)
    if title is None:
        raise RecordProblem("course has no title")
    if fields.provider is None:
        raise RecordProblem("course has no provider")
    level = resolve_level(fields.level, fields.qualification_title, title)
    standard = standard_ref(fields.qualification_ref) or standard_ref(fields.qualification_title)
    qualification_type = explicit_qualification_type(fields.qualification_type) or (
        infer_qualification_type(
            fields.qualification_title,
            fields.qualification_ref,
            title,
            standard=standard,
            has_qualification=fields.has_qualification,
        )
    )
    runs = fields.presentations
    requirements = (
        parse_entry_requirements(fields.entry_requirements)
        if isinstance(fields.entry_requirements, str) or fields.entry_requirements is None
        else list(fields.entry_requirements)
    )
    cost_text = fields.cost if isinstance(fields.cost, str) else None
    postcode = (
        normalise_postcode(fields.postcode)
        or first(run.venue_postcode for run in runs)
        or fields.provider.postcode
    )
    return CourseRecord(
        external_id=external_id,
        provider=fields.provider,
        title=title,
        description=plain_text(fields.description) if fields.description else "",
        qualification_type=qualification_type,
        level=level.level,
        entry_sublevel=level.entry_sublevel,
        ofqual_ref=ofqual_ref(fields.qualification_ref),
        standard_ref=standard,
        subject=clean(fields.subject),
        entry_requirements=requirements,
        mode=parse_mode(fields.mode) or first(run.mode for run in runs),
        attendance=parse_attendance(fields.attendance) or first(run.attendance for run in runs),
        duration_weeks=first([duration_weeks(fields.duration), *(r.duration_weeks for r in runs)]),
        hours_per_week=first(
            [weekly_hours(fields.hours_per_week), *(r.hours_per_week for r in runs)]
        ),
        guided_learning_hours=parse_total_hours(fields.guided_learning_hours),
        cost=first([parse_cost(fields.cost), *(run.cost for run in runs)]),
        funding=parse_funding(fields.funding) or parse_funding(cost_text),
        funding_eligibility=clean(fields.funding_eligibility),
        max_funding=parse_cost(fields.max_funding),
        presentations=runs,
        postcode=postcode,
        leads_to=unique(fields.leads_to),
        skills=unique(fields.skills),
        url=clean(fields.url),
    )
