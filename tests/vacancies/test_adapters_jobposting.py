"""schema.org JobPosting adverts: messy real-world shapes read, real defects rejected."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.common.ingest import FeedError, Reject
from services.vacancies.adapters.jobposting import jobposting_to_record, parse_jobposting
from services.vacancies.adapters.records import VacancyRecord

FIXTURES = Path(__file__).parent / "fixtures"


def _parse_file(name: str) -> list[VacancyRecord | Reject]:
    with (FIXTURES / name).open("rb") as stream:
        return list(parse_jobposting(stream))


def _parse(posting: object) -> VacancyRecord | Reject:
    return jobposting_to_record(posting, 0)


def _record(posting: dict[str, object]) -> VacancyRecord:
    item = _parse({"@type": "JobPosting", "identifier": "X-1", "title": "Porter", **posting})
    assert isinstance(item, VacancyRecord), item
    return item


def test_json_lines_feed_lands_good_records_and_rejects_bad_ones_by_position() -> None:
    items = _parse_file("jobposting_messy.jsonl")
    rejects = {item.position: item for item in items if isinstance(item, Reject)}
    records = [item for item in items if isinstance(item, VacancyRecord)]
    assert [r.external_id for r in records] == [
        "RCH-0412",
        "OAK-77",
        "BANK-9",
        "data/000000017.json",
    ]
    assert sorted(rejects) == [2, 3, 4, 6]
    assert rejects[2].reason == "no title" and rejects[2].external_id == "NT-1"
    assert rejects[3].reason.startswith("invalid JSON")
    assert rejects[4].reason.startswith("not an object")
    assert rejects[6].reason.startswith("no identifier")


def test_a_clean_posting_is_fully_read() -> None:
    record = _parse_file("jobposting_messy.jsonl")[0]
    assert isinstance(record, VacancyRecord)
    assert record.title == "Healthcare Assistant - Band 3"
    assert record.employer == "Riverside Community Health NHS Trust"
    assert record.employer_url == "https://riverside.example.org"
    assert "<" not in record.description and "&" in record.description
    assert "- Personal care" in record.description
    assert (record.salary_min, record.salary_max, record.salary_period) == (24465, 26465, "year")
    assert record.salary_text == "£24,465 - £26,465 per annum pro rata"
    assert record.band == "3"
    assert record.hours_per_week == 37.5
    assert record.postcode == "RV1 2AB"
    assert record.locality == "Riverton"
    assert (record.lat, record.lon) == (52.5, -0.25)
    assert record.posted_at == datetime(2025, 3, 3, 9, 15, tzinfo=UTC)
    assert record.closing_date == date(2025, 3, 31)
    assert record.category == "Additional Clinical Services"
    assert record.working_pattern == ["full_time"]


def test_python_repr_nested_objects_are_read_safely() -> None:
    record = _parse_file("jobposting_messy.jsonl")[1]
    assert isinstance(record, VacancyRecord)
    assert record.external_id == "OAK-77"
    assert record.employer == "Oakfield Care Ltd"
    assert record.postcode == "WB3 9XY" and record.locality == "Westbury"
    assert (record.lat, record.lon) == (51.25, -2.18)
    assert (record.salary_min, record.salary_period) == (10.5, "hour")
    assert record.working_pattern == ["part_time", "weekends"]
    assert record.contract == "temporary"
    assert record.hours_per_week == 16
    assert record.closing_date == date(2025, 4, 30)
    assert record.posted_at == datetime(2025, 3, 1, tzinfo=UTC)


def test_repr_strings_are_never_evaluated_as_code() -> None:
    record = _record({"hiringOrganization": "{'name': __import__('os').getcwd()}"})
    assert record.employer == "{'name': __import__('os').getcwd()}"


def test_lists_where_one_value_is_expected_and_double_escaped_html() -> None:
    record = _parse_file("jobposting_messy.jsonl")[5]
    assert isinstance(record, VacancyRecord)
    assert record.title == "Bank Domestic Assistant"
    assert record.description == "Keep our wards clean & safe."
    assert record.contract == "bank" and record.working_pattern == ["bank"]
    assert record.postcode == "LS1 4AP"
    assert record.locality == "Unit 4, Mill Lane, Leeds"
    # "negotiable" prose: the structured hourly numbers are used instead.
    assert (record.salary_min, record.salary_max, record.salary_period) == (11.44, 12.10, "hour")
    assert record.salary_text == "negotiable"


def test_source_file_is_the_id_when_there_is_no_identifier() -> None:
    record = _parse_file("jobposting_messy.jsonl")[7]
    assert isinstance(record, VacancyRecord)
    assert record.external_id == "data/000000017.json"
    assert record.contract == "apprenticeship"
    assert record.band == "2"
    assert record.postcode == "B15"
    assert record.salary_min is None and record.salary_text == "Depending on experience"


def test_an_array_streams_and_rejects_a_non_object_in_place() -> None:
    items = _parse_file("jobposting_array.json")
    assert [getattr(i, "external_id", None) for i in items] == ["ARR-1", "ARR-2", None, "ARR-3"]
    reject = items[2]
    assert isinstance(reject, Reject) and reject.position == 2
    ward_clerk, catering = items[1], items[3]
    assert isinstance(ward_clerk, VacancyRecord) and isinstance(catering, VacancyRecord)
    assert (ward_clerk.salary_min, ward_clerk.salary_max) == (23615, 25674)
    assert ward_clerk.salary_period == "year" and ward_clerk.salary_text is None
    assert (catering.salary_min, catering.salary_period) == (12.45, "hour")


def test_one_pretty_printed_object() -> None:
    [record] = _parse_file("jobposting_single.json")
    assert isinstance(record, VacancyRecord)
    assert record.external_id == "5512"
    assert record.title == "Receptionist & Administrator"
    assert record.posted_at == datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    assert record.postcode == "SW1A 1AA"
    assert (record.salary_min, record.salary_max, record.salary_period) == (12.21, 12.60, "hour")


def test_the_same_advert_in_three_shapes_gives_the_same_record() -> None:
    posting = json.loads((FIXTURES / "jobposting_single.json").read_text(encoding="utf-8"))
    bodies = [
        json.dumps(posting).encode(),
        json.dumps([posting]).encode(),
        (json.dumps(posting) + "\n").encode(),
    ]
    hashes = set()
    for body in bodies:
        [record] = list(parse_jobposting(io.BytesIO(body)))
        assert isinstance(record, VacancyRecord)
        hashes.add(record.content_hash())
    assert len(hashes) == 1


@pytest.mark.parametrize("body", [b"", b"[]", b"\n\n"])
def test_an_empty_feed_yields_nothing(body: bytes) -> None:
    assert list(parse_jobposting(io.BytesIO(body))) == []


def test_a_body_that_is_not_json_is_a_feed_error() -> None:
    with pytest.raises(FeedError):
        list(parse_jobposting(io.BytesIO(b"<rss></rss>")))


@pytest.mark.parametrize(
    ("posting", "reason"),
    [
        ({"@type": "Organization", "identifier": "O-1", "title": "x"}, "not a JobPosting"),
        ({"@type": "JobPosting", "title": "Porter"}, "no identifier"),
        ({"@type": "JobPosting", "identifier": "A-1"}, "no title"),
        ({"@type": "JobPosting", "identifier": "A-1", "title": "<p> </p>"}, "no title"),
        ("a string", "not an object"),
        (42, "not an object"),
    ],
)
def test_real_defects_are_rejected(posting: object, reason: str) -> None:
    item = _parse(posting)
    assert isinstance(item, Reject)
    assert item.reason.startswith(reason)
    assert item.position == 0


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ({"@type": "PropertyValue", "name": "Trust", "value": "T-9"}, "T-9"),
        ([{"value": ""}, {"value": "T-10"}], "T-10"),
        (991, "991"),
        ("  T-11 ", "T-11"),
    ],
)
def test_identifier_forms(identifier: object, expected: str) -> None:
    assert _record({"identifier": identifier}).external_id == expected


def test_url_is_the_last_resort_identifier() -> None:
    item = _parse({"@type": "JobPosting", "title": "Porter", "url": ["https://e.org/j/1"]})
    assert isinstance(item, VacancyRecord)
    assert item.external_id == "https://e.org/j/1" and item.url == "https://e.org/j/1"


def test_employment_type_as_a_comma_separated_string() -> None:
    record = _record({"employmentType": "PART_TIME, PER_DIEM"})
    assert record.working_pattern == ["part_time", "bank"]
    assert record.contract == "bank"


def test_title_contract_beats_the_employment_type() -> None:
    record = _record({"title": "Fixed Term Ward Clerk", "employmentType": "TEMPORARY"})
    assert record.contract == "fixed_term"


def test_remote_jobs_are_flagged_home_working() -> None:
    record = _record({"jobLocationType": "TELECOMMUTE"})
    assert "home_working" in record.working_pattern


def test_geo_out_of_range_is_dropped_not_rejected() -> None:
    record = _record(
        {
            "jobLocation": {
                "address": {"postalCode": "LS1 4AP"},
                "geo": {"latitude": "152", "longitude": "1"},
            }
        }
    )
    assert record.postcode == "LS1 4AP" and record.lat is None and record.lon is None


def test_first_place_with_a_postcode_wins() -> None:
    record = _record(
        {
            "jobLocation": [
                {"address": {"addressLocality": "Countywide"}},
                {"address": {"streetAddress": "Ward 9, Royal Infirmary, EH16 4SA"}},
            ]
        }
    )
    assert record.postcode == "EH16 4SA" and record.locality == "Countywide"


def test_extra_text_fields_join_the_description() -> None:
    record = _record(
        {
            "description": "<p>Main text.</p>",
            "qualifications": "GCSE English",
            "skills": ["Kindness"],
        }
    )
    assert record.description == "Main text.\n\nGCSE English\n\nKindness"


def test_category_from_a_defined_term() -> None:
    record = _record(
        {"occupationalCategory": {"@type": "CategoryCode", "name": "Estates and Ancillary"}}
    )
    assert record.category == "Estates and Ancillary"


def test_unreadable_dates_leave_the_field_empty() -> None:
    record = _record({"validThrough": "ASAP", "datePosted": "sometime"})
    assert record.closing_date is None and record.posted_at is None
