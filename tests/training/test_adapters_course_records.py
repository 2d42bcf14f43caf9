"""The record models (validation, frozen, stable content hash), shared assembly and the registry."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pydantic import ValidationError

from services.training.adapters import ADAPTERS, FeedError, Reject
from services.training.adapters.assembly import (
    CourseFields,
    RecordProblem,
    course_from_fields,
    plain_text,
    presentation,
    provider_record,
)
from services.training.adapters.records import CourseRecord, Presentation, ProviderRecord

PROVIDER = ProviderRecord(external_id="10009999", ukprn="10009999", name="Example City College",
                          type="fe_college")


def _course(**changes: object) -> CourseRecord:
    values: dict[str, object] = {
        "external_id": "C1", "provider": PROVIDER, "title": "Care", "qualification_type": "award",
        "level": 2, "presentations": [Presentation(external_id="C1#0", start_date=date(2026, 1, 12))],
    }
    values.update(changes)
    return CourseRecord.model_validate(values)


def test_records_are_frozen() -> None:
    course = _course()
    with pytest.raises(ValidationError):
        course.title = "Other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [{"level": 9}, {"level": -1}, {"level": 2, "entry_sublevel": 2}, {"level": 0, "entry_sublevel": 4},
     {"ofqual_ref": "6032636"}, {"standard_ref": "ST216"}, {"cost": -1.0},
     {"qualification_type": "nvq"}, {"funding": "loan"}, {"mode": "remote"}, {"title": ""},
     {"unknown_field": 1}],
)
def test_invalid_values_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _course(**changes)


def test_ukprn_must_be_eight_digits() -> None:
    with pytest.raises(ValidationError):
        ProviderRecord(external_id="x", ukprn="1234", name="X")


def test_content_hash_is_stable_and_sensitive_to_content() -> None:
    first, same = _course(), _course()

    assert first.content_hash() == same.content_hash()
    assert len(first.content_hash()) == 64
    assert first.content_hash() != _course(cost=10.0).content_hash()
    assert first.content_hash() != _course(
        presentations=[Presentation(external_id="C1#0", start_date=date(2026, 1, 13))]
    ).content_hash()


def test_content_hash_ignores_construction_order() -> None:
    by_keywords = CourseRecord(
        title="Care", level=2, qualification_type="award", provider=PROVIDER, external_id="C1",
        presentations=[Presentation(start_date=date(2026, 1, 12), external_id="C1#0")],
    )
    assert by_keywords.content_hash() == _course().content_hash()


def test_course_from_fields_falls_back_to_presentations_and_provider() -> None:
    run = presentation(external_id="R1", duration="P10W", hours_per_week="6 hours per week",
                       attendance="EV", mode="ON", cost="£50", venue_postcode="ls1 4ap")
    provider = provider_record(name="Example College", postcode="B15 2TT")
    course = course_from_fields(CourseFields(
        external_id="C1", title="Level 1 Award in Digital Skills", provider=provider,
        presentations=[run],
    ))

    assert (course.duration_weeks, course.hours_per_week, course.attendance, course.mode,
            course.cost) == (10.0, 6.0, "evening", "online", 50.0)
    assert course.postcode == "LS1 4AP"
    assert (course.level, course.qualification_type) == (1, "award")
    assert course.provider.external_id == "name:example-college"


def test_course_from_fields_reports_what_is_missing() -> None:
    with pytest.raises(RecordProblem, match="no identifier"):
        course_from_fields(CourseFields(external_id=" ", title="T", provider=PROVIDER, level=1))
    with pytest.raises(RecordProblem, match="no provider"):
        course_from_fields(CourseFields(external_id="C", title="T", provider=None, level=1))


def test_plain_text_drops_inline_tags_without_leaving_gaps() -> None:
    assert plain_text("&lt;p&gt;Over &lt;b&gt;three&lt;/b&gt; weeks.&lt;/p&gt;") == "Over three weeks."


def test_registry_names_each_ingest_format() -> None:
    assert set(ADAPTERS) == {"xcri-cap", "json", "csv", "ifa-standards", "dhsc-care"}


@pytest.mark.parametrize("name", ["xcri-cap", "json", "csv", "dhsc-care"])
def test_every_envelope_adapter_refuses_garbage(name: str) -> None:
    with pytest.raises(FeedError):
        list(ADAPTERS[name](io.BytesIO(b"\x00\x01 not a feed \xff")))


def test_the_line_based_standards_adapter_rejects_garbage_lines() -> None:
    items = list(ADAPTERS["ifa-standards"](io.BytesIO(b"\x00\x01 not a feed \xff\n")))

    assert len(items) == 1 and isinstance(items[0], Reject)
