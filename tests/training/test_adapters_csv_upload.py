"""CSV course upload: template, happy rows, bad rows by line number, invalid UTF-8, header errors."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from services.common.ingest import FeedError, Reject
from services.training.adapters.csv_upload import (
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    csv_template,
    parse_csv,
)
from services.training.adapters.records import CourseRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = "course_id,title,provider_name,level,start_dates\r\n"


def _parse_file(name: str) -> list[CourseRecord | Reject]:
    with (FIXTURES / name).open("rb") as stream:
        return list(parse_csv(stream))


def _parse(body: bytes) -> list[CourseRecord | Reject]:
    return list(parse_csv(io.BytesIO(body)))


def test_upload_loads_three_courses_and_rejects_two_rows_by_line_number() -> None:
    items = _parse_file("courses_upload.csv")

    assert [item.external_id for item in items if isinstance(item, CourseRecord)] == [
        "HSC-L2-2026", "ESOL-E3", "CARE-CERT",
    ]
    assert [item for item in items if isinstance(item, Reject)] == [
        Reject(position=5, external_id="BAD-DATE", reason="start_dates: '31/02/2026' is not a date"),
        Reject(position=6, external_id="NO-TITLE", reason="course has no title"),
    ]


def test_row_values_are_normalised_and_each_start_date_is_a_presentation() -> None:
    diploma = _parse_file("courses_upload.csv")[0]
    assert isinstance(diploma, CourseRecord)

    assert (diploma.level, diploma.qualification_type, diploma.ofqual_ref) == (2, "diploma",
                                                                              "603/2636/3")
    assert (diploma.provider.ukprn, diploma.provider.type) == ("10009999", "fe_college")
    assert (diploma.cost, diploma.funding, diploma.duration_weeks) == (0.0, "adult_skills_fund",
                                                                      30.0)
    assert diploma.leads_to == ["care_worker", "healthcare_support_worker"]
    assert [(run.external_id, run.start_date, run.places, run.venue_postcode)
            for run in diploma.presentations] == [
        ("HSC-L2-2026@2026-01-12", date(2026, 1, 12), 16, "B4 7XG"),
        ("HSC-L2-2026@2026-04-12", date(2026, 4, 12), 16, "B4 7XG"),  # 12/04/2026 is day-first
    ]


def test_multi_line_quoted_field_keeps_its_line_break_and_the_next_line_numbers() -> None:
    esol = _parse_file("courses_upload.csv")[1]
    assert isinstance(esol, CourseRecord)

    assert (esol.level, esol.entry_sublevel, esol.qualification_type) == (0, 3, "esol")
    assert esol.description == "Speaking and listening\nfor work and everyday life."


def test_level_column_may_be_empty_when_the_qualification_title_names_it() -> None:
    care = _parse_file("courses_upload.csv")[-1]
    assert isinstance(care, CourseRecord)

    assert care.level == 2
    assert (care.funding, care.cost, care.presentations) == ("self_funded", 120.0, [])


def test_invalid_utf8_rejects_only_its_row() -> None:
    body = (
        HEADER.encode()
        + b"C1,Level 1 Award,Example College,1,\r\n"
        + b"C2,Caf\xe9 skills,Example College,1,\r\n"
        + b"C3,Level 2 Award,Example College,2,\r\n"
    )
    items = _parse(body)

    assert [getattr(item, "external_id", None) for item in items] == ["C1", "C2", "C3"]
    assert items[1] == Reject(position=3, external_id="C2", reason="line 3 is not valid UTF-8")
    assert isinstance(items[0], CourseRecord) and isinstance(items[2], CourseRecord)


def test_byte_order_mark_and_loose_header_names_are_accepted() -> None:
    body = "\ufeffCourse ID, TITLE ,Provider-Name,Level\r\nC1,Level 1 Award,X,1\r\n".encode()
    (item,) = _parse(body)

    assert isinstance(item, CourseRecord) and item.external_id == "C1"


def test_missing_required_columns_is_a_feed_error_naming_them() -> None:
    with pytest.raises(FeedError, match="provider_name, level"):
        _parse(b"course_id,title\r\nC1,Care\r\n")


@pytest.mark.parametrize("body", [b"", b"\xff\xfecourse_id,title\r\n"])
def test_empty_file_or_non_utf8_header_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        _parse(body)


def test_a_row_longer_than_the_header_is_rejected() -> None:
    items = _parse(HEADER.encode() + b"C1,Level 1 Award,X,1,,surplus\r\n")

    assert items == [Reject(position=2, external_id="C1", reason="row has 6 fields, the header has 5")]


def test_a_row_with_no_level_anywhere_is_rejected() -> None:
    (item,) = _parse(HEADER.encode() + b"C1,Food hygiene,X,,\r\n")

    assert isinstance(item, Reject) and "no level" in item.reason


def test_a_level_that_is_not_a_level_is_rejected() -> None:
    (item,) = _parse(HEADER.encode() + b"C1,Food hygiene,X,Advanced,\r\n")

    assert item == Reject(position=2, external_id="C1",
                          reason="level 'Advanced' is not a level (Entry 1-3 or 1-8)")


def test_template_header_lists_every_column_and_its_example_row_parses() -> None:
    template = csv_template()
    header, example = list(csv.reader(io.StringIO(template)))

    assert header == [column.name for column in CSV_COLUMNS]
    assert set(REQUIRED_COLUMNS) == {"course_id", "title", "provider_name", "level"}
    assert all(column.description for column in CSV_COLUMNS)
    (item,) = _parse(template.encode())
    assert isinstance(item, CourseRecord)
    assert item.external_id == example[0]
    assert len(item.presentations) == 2
