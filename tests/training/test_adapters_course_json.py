"""Course-directory JSON adapter: envelope, bare array and JSON Lines bodies; bad courses."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import orjson
import pytest

from services.common.ingest import FeedError, Reject
from services.training.adapters.course_json import parse_course_json
from services.training.adapters.records import CourseRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _parse_file(name: str) -> list[CourseRecord | Reject]:
    with (FIXTURES / name).open("rb") as stream:
        return list(parse_course_json(stream))


def _parse(body: bytes) -> list[CourseRecord | Reject]:
    return list(parse_course_json(io.BytesIO(body)))


def _minimal(course_id: str, **extra: object) -> dict[str, object]:
    return {"id": course_id, "title": "Level 2 Award in Food Safety", "provider": {"name": "X"},
            **extra}


def test_envelope_loads_two_courses_and_rejects_the_one_without_a_level() -> None:
    items = _parse_file("courses_directory.json")

    assert [item.external_id for item in items if isinstance(item, CourseRecord)] == [
        "NCS-1001", "NCS-1002",
    ]
    rejects = [item for item in items if isinstance(item, Reject)]
    assert len(rejects) == 1
    assert (rejects[0].position, rejects[0].external_id) == (2, "NCS-1003")
    assert "no level" in rejects[0].reason


def test_camel_case_course_reads_provider_money_and_shorthand_start_dates() -> None:
    course = _parse_file("courses_directory.json")[0]
    assert isinstance(course, CourseRecord)

    assert course.title == "Care Certificate for new care workers"
    assert course.description == (
        "The 15 standards every new care worker meets, taught over three weeks."
    )
    assert (course.qualification_type, course.level) == ("care_certificate", 2)
    assert course.provider.model_dump() == {
        "ukprn": "10007777", "external_id": "10007777", "name": "Example Care Training Ltd",
        "type": "independent_training_provider", "postcode": "LS1 4AP",
        "url": "https://www.example-training.co.uk/",
    }
    assert (course.cost, course.funding) == (0.0, "adult_skills_fund")
    assert course.funding_eligibility == "Free for unemployed adults 19+ in West Yorkshire"
    assert (course.duration_weeks, course.hours_per_week) == (3.0, 15.0)
    assert [(r.kind, r.level, r.min_age) for r in course.entry_requirements] == [
        ("english", "entry3", None), ("age", None, 18),
    ]
    assert [(run.external_id, run.start_date, run.venue_postcode, run.duration_weeks)
            for run in course.presentations] == [
        ("NCS-1001@2026-01-19", date(2026, 1, 19), "LS2 7EY", 3.0),
        ("NCS-1001@2026-02-16", date(2026, 2, 16), "LS2 7EY", 3.0),
    ]
    assert course.postcode == "LS2 7EY"
    assert (course.leads_to, course.skills) == (["care_worker"], ["personal_care", "safeguarding"])


def test_snake_case_course_reads_qualification_runs_and_structured_requirements() -> None:
    course = _parse_file("courses_directory.json")[1]
    assert isinstance(course, CourseRecord)

    assert (course.qualification_type, course.level, course.ofqual_ref) == (
        "functional_skills", 1, "610/0384/X",
    )
    assert course.provider.type == "local_authority"
    assert course.provider.external_id == "name:example-borough-council-adult-learning"
    assert [(r.kind, r.level) for r in course.entry_requirements] == [("english", "entry3")]
    (run,) = course.presentations
    assert (run.external_id, run.start_date, run.end_date) == (
        "NCS-1002-EVE", date(2026, 1, 13), date(2026, 3, 31),
    )
    assert (run.attendance, run.mode, run.places, run.hours_per_week, run.duration_weeks) == (
        "evening", "online", 14, 2.0, 12.0,
    )
    assert (course.attendance, course.mode) == ("evening", "online")  # from the run


def test_json_lines_stream_with_a_broken_line_and_a_bad_date() -> None:
    items = _parse_file("courses_directory.jsonl")

    assert [type(item).__name__ for item in items] == [
        "CourseRecord", "Reject", "Reject", "CourseRecord",
    ]
    assert items[1] == Reject(position=1, external_id="L-2",
                              reason="startDates entry 'next spring' is not a date")
    assert isinstance(items[2], Reject) and items[2].position == 2
    assert items[2].reason.startswith("invalid JSON line")
    last = items[3]
    assert isinstance(last, CourseRecord)
    assert (last.level, last.qualification_type, last.ofqual_ref) == (3, "diploma", "603/2650/8")


def test_bare_array_and_single_line_envelope_give_the_same_courses() -> None:
    courses = [_minimal("A1", cost="£95"), _minimal("A2", level="Entry 3")]
    pretty_array = orjson.dumps(courses, option=orjson.OPT_INDENT_2)
    one_line_envelope = orjson.dumps({"courses": courses})

    from_array = _parse(pretty_array)
    assert from_array == _parse(one_line_envelope)
    assert [item.external_id for item in from_array] == ["A1", "A2"]


def test_a_course_that_is_not_an_object_is_rejected_and_the_rest_load() -> None:
    items = _parse(orjson.dumps({"courses": ["oops", _minimal("B2")]}))

    assert items[0] == Reject(position=0, external_id=None,
                              reason="a course must be a JSON object, not str")
    assert isinstance(items[1], CourseRecord)


def test_missing_id_title_and_provider_are_rejected_with_reasons() -> None:
    body = orjson.dumps([
        {"title": "Level 1 Award", "provider": {"name": "X"}},
        {"id": "C2", "provider": {"name": "X"}, "level": 1},
        {"id": "C3", "title": "Level 1 Award"},
    ])
    reasons = [item.reason for item in _parse(body) if isinstance(item, Reject)]

    assert reasons == ["course has no id", "course has no title", "provider has no name"]


def test_an_invalid_value_is_a_reject_not_a_crash() -> None:
    body = orjson.dumps([_minimal("D1", leadsTo=["care_worker"], entryRequirements=[
        {"kind": "english", "level": "grade 9", "text": "x"}])])
    (item,) = _parse(body)

    assert isinstance(item, Reject) and item.external_id == "D1"
    assert item.reason.startswith("invalid course:")


@pytest.mark.parametrize(
    "body",
    [b"<courses/>", b'{\n  "items": []\n}', b'"just a string"', b'{"courses": {"a": 1}}'],
)
def test_a_broken_envelope_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        _parse(body)


def test_a_one_line_object_without_courses_is_read_as_a_json_lines_course() -> None:
    (item,) = _parse(b'{"items": []}')

    assert item == Reject(position=0, external_id=None, reason="course has no id")


def test_an_empty_body_yields_nothing() -> None:
    assert _parse(b"  \n\n") == []


def test_a_qualification_level_of_zero_is_entry_level_not_missing() -> None:
    (item,) = _parse(orjson.dumps([_minimal("E1", title="ESOL for work",
                                            qualification={"level": 0}, level=3)]))

    assert isinstance(item, CourseRecord)
    assert (item.level, item.qualification_type) == (0, "esol")
