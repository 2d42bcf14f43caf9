"""Course-directory JSON (Routeway's documented shape, modelled on the National Careers
Service course directory) read as course records.

A body is one of:

- an object ``{"courses": [course, ...]}`` (other top-level keys are ignored),
- a bare array ``[course, ...]``,
- JSON Lines: one course object per line (blank lines skipped), read line by line.

Positions are the course's 0-based index in the array, or its 0-based index among the
non-blank lines for JSON Lines. Keys match whatever their case or separators
(``hoursPerWeek``, ``hours_per_week`` and ``HoursPerWeek`` are one key), so both camelCase
and snake_case producers work. One course::

    {
      "id": "NCS-1001",                       required (or "courseId")
      "title": "Health and Social Care",      required (or "courseName")
      "description": "<p>HTML or text</p>",   (or "courseDescription")
      "url": "https://...",                   (or "courseUrl")
      "provider": {                           required: an object with "name", or
        "name": "Example College",            "providerName" (+ "ukprn") on the course
        "ukprn": "10009999", "id": "...",
        "type": "fe_college|college|university|independent_training_provider|employer|...",
        "postcode": "B15 2TT", "url": "https://..."
      },
      "qualification": {                      optional
        "ref": "603/2636/3" or "ST0216",      (or "ofqualRef", "standardRef", "learnAimRef")
        "title": "Level 2 Diploma in Care",   (or "name")
        "type": "diploma",                    optional: stated type wins over inference
        "level": "Entry 3" | 2 | "L2"
      },
      "level": "2",                           when the qualification has none
      "subject": "Health and social care",
      "entryRequirements": "free text" | ["text", ...]
                           | [{"kind": "english", "level": "entry3", "minAge": null, "text": ...}],
      "mode": "classroom|online|blended|work_based" (or XCRI codes, or words),
      "attendance": "daytime|evening|weekend|flexible",
      "duration": "12 weeks" | "P12W",  "durationWeeks": 12,
      "hoursPerWeek": 6, "guidedLearningHours": 120,
      "cost": 350 | "£350" | "Free",  "costDescription": "...",
      "funding": "adult_skills_fund" or words ("Adult Skills Fund"),
      "fundingEligibility": "...", "maxFunding": 1500,
      "venue": {"name": "...", "postcode": "..."},     the default venue of every run
      "runs": [{"id", "startDate", "endDate", "duration", "hoursPerWeek", "attendance",
                "mode", "cost", "places", "venue": {"name", "postcode"}}],   (or "presentations")
      "startDates": ["2026-01-12", ...],      shorthand: one run per date, taking the
                                              course's venue, duration, hours, attendance,
                                              mode, cost and "places"
      "leadsTo": ["healthcare_support_worker"], "skills": ["skill-id", ...]
    }

Quirks: a course that is not an object, lacks its id or title, names no provider or no
findable level, or has a start date that is not a date is rejected with the reason; a
body that is not JSON, or a multi-line object without a ``courses`` array, raises
``FeedError`` (a one-line object without one is JSON Lines: a course).
Arrays and ``{"courses": ...}`` objects are read whole (the standard library and orjson
have no streaming reader); JSON Lines stream, one line at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from services.common.ingest import FeedError, Reject
from services.training.adapters.assembly import (
    CourseFields,
    RecordProblem,
    clean,
    course_from_fields,
    presentation,
    provider_record,
    reject_reason,
)
from services.training.adapters.parsing import parse_date, parse_int
from services.training.adapters.records import CourseRecord, EntryRequirement, Presentation

Json = Any


@lru_cache(maxsize=512)
def _key(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


class _Loose(dict[str, Json]):
    """A JSON object whose keys are reduced to lower-case letters and digits."""


def _object(value: Json) -> _Loose:
    """``value`` as a loose-keyed object (empty when it is not an object)."""
    if isinstance(value, _Loose):
        return value
    if isinstance(value, Mapping):
        return _Loose((_key(str(key)), item) for key, item in value.items())
    return _Loose()


def _get(item: Json, *names: str) -> Json:
    """The first of ``names`` present (not null) in ``item``, matching keys loosely."""
    loose = _object(item)
    for name in names:
        value = loose.get(_key(name))
        if value is not None:
            return value
    return None


def _strings(value: Json) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [text for item in value if (text := clean(item))]
    return []


def _scalar(value: Json) -> str | int | float | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, str | int | float) else None


def _description(value: Json) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _first_scalar(*values: Json) -> str | int | float | None:
    return next((scalar for value in values if (scalar := _scalar(value)) is not None), None)


def _requirements(value: Json) -> str | list[EntryRequirement] | None:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, Sequence):
        raise RecordProblem("entryRequirements must be text or a list")
    if all(isinstance(item, str) for item in value):
        return "\n".join(value)
    structured: list[EntryRequirement] = []
    for item in value:
        if isinstance(item, str):
            structured.append(EntryRequirement(kind="other", text=item))
        elif isinstance(item, Mapping):
            structured.append(
                EntryRequirement(
                    kind=_get(item, "kind") or "other",
                    level=_get(item, "level"),
                    min_age=_get(item, "minAge"),
                    text=clean(_get(item, "text")) or str(_get(item, "kind") or ""),
                )
            )
    return structured


def _date(value: Json, what: str) -> Any:
    if value is None:
        return None
    found = parse_date(clean(value))
    if found is None:
        raise RecordProblem(f"{what} {value!r} is not a date")
    return found


def _runs(course: Mapping[str, Json], course_id: str) -> list[Presentation]:
    default_venue = _object(_get(course, "venue"))
    runs: list[Presentation] = []
    raw_runs = _get(course, "runs", "presentations", "courseRuns")
    for index, raw in enumerate(raw_runs if isinstance(raw_runs, Sequence) else []):
        run = _object(raw)
        venue = _object(_get(run, "venue")) or default_venue
        start = _date(_get(run, "startDate", "start"), "startDate")
        runs.append(
            presentation(
                external_id=clean(_get(run, "id", "runId", "courseRunId"))
                or f"{course_id}#{index}",
                start_date=start,
                end_date=_date(_get(run, "endDate", "end"), "endDate"),
                duration=_scalar(_get(run, "durationWeeks", "duration")),
                hours_per_week=_scalar(_get(run, "hoursPerWeek")),
                attendance=clean(_get(run, "attendance", "attendancePattern")),
                mode=clean(_get(run, "mode", "deliveryMode", "attendanceMode")),
                cost=_scalar(_get(run, "cost")),
                places=parse_int(_scalar(_get(run, "places"))),
                venue_postcode=clean(_get(venue, "postcode")),
                venue_name=clean(_get(venue, "name", "venueName")),
            )
        )
    for start_text in _strings(_get(course, "startDates")):
        start = _date(start_text, "startDates entry")
        runs.append(
            presentation(
                external_id=f"{course_id}@{start.isoformat()}",
                start_date=start,
                duration=_scalar(_get(course, "durationWeeks", "duration")),
                hours_per_week=_scalar(_get(course, "hoursPerWeek")),
                attendance=clean(_get(course, "attendance", "attendancePattern")),
                mode=clean(_get(course, "mode", "deliveryMode")),
                cost=_scalar(_get(course, "cost")),
                places=parse_int(_scalar(_get(course, "places"))),
                venue_postcode=clean(_get(default_venue, "postcode")),
                venue_name=clean(_get(default_venue, "name", "venueName")),
            )
        )
    return runs


def course_from_json(course: Json) -> CourseRecord:
    """One course object of the documented shape as a ``CourseRecord``."""
    if not isinstance(course, Mapping):
        raise RecordProblem(f"a course must be a JSON object, not {type(course).__name__}")
    course = _object(course)
    course_id = clean(_get(course, "id", "courseId"))
    if course_id is None:
        raise RecordProblem("course has no id")
    provider_raw = _get(course, "provider")
    provider_obj = _object(provider_raw)
    provider = provider_record(
        name=clean(_get(provider_obj, "name", "providerName"))
        or clean(provider_raw if isinstance(provider_raw, str) else None)
        or clean(_get(course, "providerName")),
        identifier=clean(_get(provider_obj, "id", "providerId")),
        ukprn_value=clean(_get(provider_obj, "ukprn")) or clean(_get(course, "ukprn")),
        type_value=clean(_get(provider_obj, "type", "providerType")),
        postcode=clean(_get(provider_obj, "postcode")),
        url=clean(_get(provider_obj, "url", "website")),
    )
    qualification = _object(_get(course, "qualification"))
    ref = " ".join(
        _strings(_get(qualification, "ref", "id", "ofqualRef", "standardRef", "learnAimRef"))
    )
    cost = _scalar(_get(course, "cost"))
    return course_from_fields(
        CourseFields(
            external_id=course_id,
            title=clean(_get(course, "title", "courseName", "name")),
            provider=provider,
            description=_description(_get(course, "description", "courseDescription")),
            qualification_ref=ref or None,
            qualification_title=clean(_get(qualification, "title", "name", "qualificationName")),
            qualification_type=clean(_get(qualification, "type"))
            or clean(_get(course, "qualificationType")),
            has_qualification=bool(qualification),
            level=_first_scalar(
                _get(qualification, "level", "qualificationLevel"), _get(course, "level")
            ),
            subject=clean(_get(course, "subject")),
            entry_requirements=_requirements(_get(course, "entryRequirements")),
            mode=clean(_get(course, "mode", "deliveryMode")),
            attendance=clean(_get(course, "attendance", "attendancePattern")),
            duration=_scalar(_get(course, "durationWeeks", "duration")),
            hours_per_week=_scalar(_get(course, "hoursPerWeek")),
            guided_learning_hours=_scalar(_get(course, "guidedLearningHours")),
            cost=cost if cost is not None else clean(_get(course, "costDescription")),
            funding=clean(_get(course, "funding")) or clean(_get(course, "costDescription")),
            funding_eligibility=clean(_get(course, "fundingEligibility")),
            max_funding=_scalar(_get(course, "maxFunding")),
            presentations=_runs(course, course_id),
            postcode=clean(_get(_object(_get(course, "venue")), "postcode"))
            or clean(_get(course, "postcode")),
            leads_to=_strings(_get(course, "leadsTo")),
            skills=_strings(_get(course, "skills")),
            url=clean(_get(course, "url", "courseUrl")),
        )
    )


def _course_or_reject(course: Json, position: int) -> CourseRecord | Reject:
    try:
        return course_from_json(course)
    except (RecordProblem, ValidationError) as error:
        external_id = clean(_get(course, "id", "courseId")) if isinstance(course, Mapping) else None
        return Reject(position=position, external_id=external_id, reason=reject_reason(error))


def _loads(data: bytes) -> Json:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise FeedError(f"not JSON: {error}") from error


def parse_course_json(stream: BinaryIO) -> Iterator[CourseRecord | Reject]:
    """Courses (or rejects) from a ``{"courses": [...]}`` object, an array, or JSON Lines."""
    first_line = b""
    for line in stream:
        if line.strip():
            first_line = line
            break
    if not first_line:
        return
    try:
        first_item = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        first_item = None
    if isinstance(first_item, Mapping) and _get(first_item, "courses") is None:
        yield from _json_lines(first_item, stream)
        return
    body = _loads(first_line + stream.read()) if first_item is None else first_item
    if isinstance(body, Mapping):
        courses = _get(body, "courses")
        if not isinstance(courses, list):
            raise FeedError("a JSON object body needs a 'courses' array")
    elif isinstance(body, list):
        courses = body
    else:
        raise FeedError(
            f"a course feed is an object, an array or JSON Lines, not a {type(body).__name__}"
        )
    for position, course in enumerate(courses):
        yield _course_or_reject(course, position)


def _json_lines(
    first_item: Mapping[str, Json], stream: BinaryIO
) -> Iterator[CourseRecord | Reject]:
    yield _course_or_reject(first_item, 0)
    position = 1
    for line in stream:
        if not line.strip():
            continue
        try:
            course = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield Reject(
                position=position, external_id=None, reason=f"invalid JSON line: {error.msg}"
            )
        else:
            yield _course_or_reject(course, position)
        position += 1
