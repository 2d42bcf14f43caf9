"""CSV uploads: documented columns, per-row rejects with line numbers, encoding quirks."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.common.ingest import FeedError, Reject
from services.vacancies.adapters.csv_upload import CSV_COLUMNS, csv_template, parse_csv
from services.vacancies.adapters.records import VacancyRecord

FIXTURES = Path(__file__).parent / "fixtures"


def _parse(data: bytes) -> list[VacancyRecord | Reject]:
    return list(parse_csv(io.BytesIO(data)))


def test_the_upload_fixture_lands_good_rows_and_rejects_bad_ones_by_line() -> None:
    with (FIXTURES / "vacancies_upload.csv").open("rb") as stream:
        items = list(parse_csv(stream))
    records = [i for i in items if isinstance(i, VacancyRecord)]
    rejects = {i.position: i for i in items if isinstance(i, Reject)}
    assert [r.external_id for r in records] == ["CSV-1", "CSV-2", "CSV-5"]
    assert sorted(rejects) == [5, 6, 9]
    assert rejects[5].external_id == "CSV-3" and "salary_min" in rejects[5].reason
    assert rejects[6].reason == "no external_id"
    assert "contract" in rejects[9].reason and "closing_date" in rejects[9].reason

    first, porter, catering = records
    assert first.description == 'Support patients.\nTraining given, "no experience needed".'
    assert (first.salary_min, first.salary_max, first.salary_period) == (24071, 25674, "year")
    assert first.band == "3"
    assert first.hours_per_week == 37.5
    assert first.working_pattern == ["full_time", "nights", "weekends"]
    assert first.contract == "permanent"
    assert first.postcode == "RV1 2AB"
    assert first.posted_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert first.closing_date == date(2025, 3, 31)
    assert (porter.salary_min, porter.salary_max, porter.salary_period) == (22383, None, "year")
    assert catering.working_pattern == ["part_time", "term_time"]
    assert catering.contract == "fixed_term"


def test_the_template_is_a_valid_upload_with_every_column() -> None:
    template = csv_template()
    header, example = list(csv.reader(io.StringIO(template)))
    assert tuple(header) == CSV_COLUMNS
    [record] = _parse(template.encode())
    assert isinstance(record, VacancyRecord)
    assert record.external_id == example[0]
    assert record.band == "3" and record.salary_period == "year"


def test_a_byte_order_mark_is_ignored() -> None:
    [record] = _parse(b"\xef\xbb\xbfexternal_id,title\r\nA-1,Porter\r\n")
    assert isinstance(record, VacancyRecord) and record.external_id == "A-1"


def test_invalid_utf8_rejects_only_its_row() -> None:
    body = (
        b"external_id,title,employer\nA-1,Porter,Trust\nA-2,Cook,Caf\xe9 Trust\nA-3,Clerk,Trust\n"
    )
    items = _parse(body)
    assert [getattr(i, "external_id", None) for i in items] == ["A-1", "A-2", "A-3"]
    reject = items[1]
    assert isinstance(reject, Reject)
    assert (
        reject.position == 3 and "not valid UTF-8" in reject.reason and "employer" in reject.reason
    )


def test_required_columns_missing_from_the_header_fail_the_file() -> None:
    with pytest.raises(FeedError, match="external_id, title"):
        _parse(b"id,name\n1,Porter\n")


def test_header_names_are_matched_loosely_and_unknown_columns_ignored() -> None:
    [record] = _parse(
        b"External-ID,TITLE,Closing Date,Favourite Colour\nA-1,Porter,2025-03-31,blue\n"
    )
    assert isinstance(record, VacancyRecord)
    assert record.closing_date == date(2025, 3, 31)


def test_an_empty_file_is_a_feed_error_and_a_header_only_file_is_empty() -> None:
    with pytest.raises(FeedError, match="no header"):
        _parse(b"")
    assert _parse(b"external_id,title\n") == []


def test_rows_with_extra_filled_fields_are_rejected() -> None:
    [reject, record] = _parse(b"external_id,title\nA-1,Porter,oops\nA-2,Cook,\n")
    assert isinstance(reject, Reject) and "3 fields" in reject.reason and reject.position == 2
    assert isinstance(record, VacancyRecord)


def test_short_rows_read_missing_cells_as_empty() -> None:
    [record] = _parse(b"external_id,title,band\nA-1,Porter\n")
    assert isinstance(record, VacancyRecord) and record.band is None


def test_salary_prose_is_read_when_no_numbers_are_given() -> None:
    body = 'external_id,title,salary_text\nA-1,Porter,"£24,465 - £26,465 per annum pro rata"\n'
    [record] = _parse(body.encode())
    assert isinstance(record, VacancyRecord)
    assert (record.salary_min, record.salary_max, record.salary_period) == (24465, 26465, "year")


def test_stated_period_overrides_the_size_rule() -> None:
    [record] = _parse(b"external_id,title,salary_min,salary_period\nA-1,Locum,450,day\n")
    assert isinstance(record, VacancyRecord)
    assert (record.salary_min, record.salary_period) == (450, "day")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("salary_max", "-5", "salary_max"),
        ("salary_period", "fortnight", "salary_period"),
        ("band", "Band 10", "band"),
        ("hours_per_week", "200", "hours_per_week"),
        ("hours_per_week", "lots", "hours_per_week"),
        ("posted_at", "yesterday", "posted_at"),
        ("lat", "95", "lat"),
    ],
)
def test_unreadable_cells_reject_the_row_naming_the_column(
    column: str, value: str, message: str
) -> None:
    [reject] = _parse(f"external_id,title,{column}\nA-1,Porter,{value}\n".encode())
    assert isinstance(reject, Reject)
    assert reject.external_id == "A-1" and reject.position == 2
    assert reject.reason.startswith(message)


def test_half_a_position_is_rejected() -> None:
    [reject] = _parse(b"external_id,title,lat,lon\nA-1,Porter,53.8,\n")
    assert isinstance(reject, Reject) and "lat and lon" in reject.reason


def test_line_numbers_count_quoted_newlines_and_blank_lines() -> None:
    body = b'external_id,title,description\nA-1,Porter,"one\ntwo\nthree"\n\nA-2,,x\n'
    items = _parse(body)
    assert isinstance(items[0], VacancyRecord)
    reject = items[1]
    assert isinstance(reject, Reject) and reject.position == 6 and reject.reason == "no title"


def test_an_oversized_cell_rejects_its_row_and_reading_goes_on() -> None:
    body = b"external_id,title,description\nA-1,Porter,short\nA-2,Cook," + b"x" * 200_000
    items = _parse(body + b"\nA-3,Clerk,ok\n")
    assert [getattr(i, "external_id", None) for i in items] == ["A-1", None, "A-3"]
    assert isinstance(items[1], Reject) and items[1].position == 3
    assert "field limit" in items[1].reason


def test_broken_quoting_is_rejected_not_merged_into_the_next_rows() -> None:
    [reject, record] = _parse(b'external_id,title\nA-1,"Porter"junk\nA-2,Cook\n')
    assert isinstance(reject, Reject) and reject.position == 2
    assert isinstance(record, VacancyRecord) and record.external_id == "A-2"
    [unterminated] = _parse(b'external_id,title\nA-1,"Porter\nA-2,Cook\n')
    assert isinstance(unterminated, Reject) and "unexpected end of data" in unterminated.reason
