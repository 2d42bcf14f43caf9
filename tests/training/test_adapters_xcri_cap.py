"""XCRI-CAP 1.2 adapter: a small realistic catalogue, hardening against XML attacks, quirks."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException

from services.common.ingest import FeedError, Reject
from services.training.adapters.records import CourseRecord
from services.training.adapters.xcri_cap import parse_xcri_cap

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEAD = (
    '<catalog xmlns="http://xcri.org/profiles/1.2/catalog" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:mlo="http://purl.org/net/mlo">'
)


def _parse_file(name: str) -> list[CourseRecord | Reject]:
    with (FIXTURES / name).open("rb") as stream:
        return list(parse_xcri_cap(stream))


def _parse(xml: str) -> list[CourseRecord | Reject]:
    return list(parse_xcri_cap(io.BytesIO(xml.encode("utf-8"))))


def _course(identifier: str, title: str | None, level: str = "2", extra: str = "") -> str:
    title_xml = f"<dc:title>{title}</dc:title>" if title is not None else ""
    return (
        f"<course><dc:identifier>{identifier}</dc:identifier>{title_xml}"
        f"<mlo:qualification><mlo:level>{level}</mlo:level></mlo:qualification>{extra}</course>"
    )


def _provider(name: str, ukprn: str, courses: str) -> str:
    return (
        f"<provider><dc:identifier>{ukprn}</dc:identifier><dc:title>{name}</dc:title>"
        f"{courses}</provider>"
    )


def test_small_catalogue_loads_two_courses_and_rejects_the_untitled_one() -> None:
    items = _parse_file("xcri_cap_small.xml")

    courses = [item for item in items if isinstance(item, CourseRecord)]
    rejects = [item for item in items if isinstance(item, Reject)]
    assert [course.external_id for course in courses] == ["ESOL-E2-2026", "HSC-L2-DIP"]
    assert rejects == [Reject(position=2, external_id="FS-MATHS-L1", reason="course has no dc:title")]


def test_esol_course_reads_level_qualification_and_both_presentations() -> None:
    esol = _parse_file("xcri_cap_small.xml")[0]
    assert isinstance(esol, CourseRecord)

    assert (esol.qualification_type, esol.level, esol.entry_sublevel) == ("esol", 0, 2)
    assert esol.ofqual_ref == "601/6209/0"
    assert esol.provider.ukprn == "10009999"
    assert esol.provider.type == "fe_college"
    assert esol.provider.postcode == "B15 2TT"
    assert esol.url == "https://www.example-college.ac.uk/courses/esol-e2"
    assert [(run.external_id, run.start_date) for run in esol.presentations] == [
        ("ESOL-E2-2026-JAN", date(2026, 1, 12)),
        ("ESOL-E2-2026-APR-EVE", date(2026, 4, 20)),
    ]
    january, april = esol.presentations
    assert (january.end_date, january.duration_weeks, january.hours_per_week) == (
        date(2026, 3, 30), 12.0, 6.0,
    )
    assert (january.mode, january.attendance, january.places) == ("classroom", "daytime", 16)
    assert (january.venue_name, january.venue_postcode) == ("City Centre Campus", "B4 7XG")
    assert (april.mode, april.attendance, april.duration_weeks) == ("blended", "evening", 14.0)
    assert april.venue_postcode == "B31 2LB"  # found in the free-text address
    assert esol.cost == 0.0
    assert esol.funding == "adult_skills_fund"
    assert esol.postcode == "B4 7XG"


def test_esol_description_keeps_xhtml_paragraphs_and_bullets_as_plain_text() -> None:
    esol = _parse_file("xcri_cap_small.xml")[0]
    assert isinstance(esol, CourseRecord)

    assert esol.description.startswith("Improve your speaking, listening")
    assert "- Small classes" in esol.description
    assert "<" not in esol.description


def test_prerequisites_become_structured_entry_requirements() -> None:
    esol, diploma = _parse_file("xcri_cap_small.xml")[:2]
    assert isinstance(esol, CourseRecord) and isinstance(diploma, CourseRecord)

    assert [(r.kind, r.level, r.min_age) for r in esol.entry_requirements] == [
        ("english", "entry1", None),
        ("age", None, 19),
    ]
    assert [(r.kind, r.level) for r in diploma.entry_requirements] == [
        ("english", "level1"),
        ("maths", "level1"),
        ("dbs", None),
    ]


def test_diploma_reads_escaped_html_cost_text_and_loan_funding() -> None:
    diploma = _parse_file("xcri_cap_small.xml")[1]
    assert isinstance(diploma, CourseRecord)

    assert (diploma.qualification_type, diploma.level, diploma.ofqual_ref) == (
        "diploma", 2, "603/2636/3",
    )
    assert diploma.description == (
        "For people starting work as a care worker or\nhealthcare support worker."
    )
    assert diploma.cost == 1250.0
    assert diploma.funding == "advanced_learner_loan"
    assert diploma.funding_eligibility == "£1,250.00 (Advanced Learner Loan available)"
    assert (diploma.mode, diploma.duration_weeks) == ("work_based", 52.0)
    assert diploma.postcode == "B15 2TT"  # no venue: the provider's postcode


def test_billion_laughs_is_refused_not_expanded() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FeedError, match="refused") as raised:
            _parse_file("xcri_billion_laughs.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(raised.value.__cause__, DefusedXmlException)
    assert peak < 5_000_000  # expanded, &lol9; alone would be 3 GB


def test_external_entity_is_refused_not_resolved() -> None:
    with pytest.raises(FeedError, match="refused") as raised:
        _parse_file("xcri_external_entity.xml")
    assert isinstance(raised.value.__cause__, DefusedXmlException)


def test_external_dtd_reference_is_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE catalog SYSTEM "http://example.invalid/x.dtd">'
        f"{HEAD}{_provider('A College', '10000001', _course('C1', 'Care'))}</catalog>"
    )
    with pytest.raises(FeedError, match="refused"):
        _parse(xml)


def test_malformed_xml_is_a_feed_error() -> None:
    with pytest.raises(FeedError, match="malformed"):
        _parse(f"{HEAD}<provider><dc:title>Broken</provider></catalog>")


def test_a_document_that_is_not_an_xcri_catalog_is_a_feed_error() -> None:
    with pytest.raises(FeedError, match="root element"):
        _parse('<rss version="2.0"><channel/></rss>')


def test_courses_yielded_before_a_truncation_stay_yielded() -> None:
    xml = f"{HEAD}{_provider('A College', '10000001', _course('C1', 'Care') + '<course>')}"
    stream = parse_xcri_cap(io.BytesIO(xml.encode()))

    first = next(stream)
    assert isinstance(first, CourseRecord) and first.external_id == "C1"
    with pytest.raises(FeedError):
        next(stream)


def test_positions_count_courses_across_providers_and_each_course_keeps_its_provider() -> None:
    xml = (
        HEAD
        + _provider("North College", "10000001", _course("N1", "Care") + _course("N2", None))
        + _provider("South University", "10000002", _course("S1", "Nursing", level="6"))
        + "</catalog>"
    )
    items = _parse(xml)

    assert isinstance(items[0], CourseRecord) and items[0].provider.name == "North College"
    assert items[1] == Reject(position=1, external_id="N2", reason="course has no dc:title")
    assert isinstance(items[2], CourseRecord)
    assert (items[2].provider.name, items[2].provider.type) == ("South University", "university")


def test_courses_of_a_nameless_provider_are_rejected_and_the_next_provider_loads() -> None:
    nameless = f"<provider>{_course('X1', 'Care')}</provider>"
    xml = f"{HEAD}{nameless}{_provider('B College', '10000002', _course('B1', 'Care'))}</catalog>"
    items = _parse(xml)

    assert items[0] == Reject(
        position=0, external_id="X1",
        reason="the course's provider has no dc:title or dc:identifier (provider has no name)",
    )
    assert isinstance(items[1], CourseRecord) and items[1].provider.name == "B College"


def test_course_without_identifier_is_rejected_with_its_position() -> None:
    course = "<course><dc:title>Untitled id</dc:title></course>"
    items = _parse(f"{HEAD}{_provider('A College', '10000001', _course('C1', 'Care') + course)}"
                   "</catalog>")

    assert items[1] == Reject(position=1, external_id=None, reason="course has no dc:identifier")


def test_level_falls_back_to_the_qualification_title_and_otherwise_rejects() -> None:
    from_title = (
        "<course><dc:identifier>T1</dc:identifier><dc:title>Care</dc:title>"
        "<mlo:qualification><dc:title>Level 3 Award in Supervision</dc:title></mlo:qualification>"
        "</course>"
    )
    no_level = "<course><dc:identifier>T2</dc:identifier><dc:title>Food hygiene</dc:title></course>"
    items = _parse(f"{HEAD}{_provider('A College', '10000001', from_title + no_level)}</catalog>")

    assert isinstance(items[0], CourseRecord)
    assert (items[0].level, items[0].qualification_type) == (3, "award")
    assert isinstance(items[1], Reject) and items[1].position == 1
    assert "no level" in items[1].reason


def test_standard_identifier_makes_an_apprenticeship() -> None:
    course = (
        "<course><dc:identifier>APP-HCSW</dc:identifier><dc:title>Healthcare support worker</dc:title>"
        "<mlo:qualification><dc:identifier>ST0216</dc:identifier><mlo:level>2</mlo:level>"
        "</mlo:qualification></course>"
    )
    (item,) = _parse(f"{HEAD}{_provider('A Trust', '10000003', course)}</catalog>")

    assert isinstance(item, CourseRecord)
    assert (item.qualification_type, item.standard_ref, item.ofqual_ref) == (
        "apprenticeship", "ST0216", None,
    )


def test_presentation_without_identifier_gets_one_from_its_course() -> None:
    extra = '<presentation><mlo:start dtf="2026-05-01"/></presentation>'
    (item,) = _parse(f"{HEAD}{_provider('A College', '10000001', _course('C9', 'Care', extra=extra))}"
                     "</catalog>")

    assert isinstance(item, CourseRecord)
    assert item.presentations[0].external_id == "C9#0"
    assert item.presentations[0].start_date == date(2026, 5, 1)


def test_parsing_is_lazy() -> None:
    courses = "".join(_course(f"C{n}", f"Care course {n}") for n in range(3000))
    xml = f"{HEAD}{_provider('A College', '10000001', courses)}</catalog>".encode()
    stream = parse_xcri_cap(io.BytesIO(xml))

    first = next(stream)
    assert isinstance(first, CourseRecord) and first.external_id == "C0"
    assert sum(1 for _ in stream) == 2999


def test_memory_stays_flat_because_read_courses_leave_the_tree() -> None:
    courses = "".join(_course(f"C{n}", f"Care course {n}") for n in range(4_000))
    xml = f"{HEAD}{_provider('A College', '10000001', courses)}</catalog>".encode()
    tracemalloc.start()
    try:
        count = sum(1 for _ in parse_xcri_cap(io.BytesIO(xml)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 4_000
    assert peak < 1_000_000  # keeping the tree of 4,000 courses takes about 2.5 MB


def test_content_hash_is_stable_across_parses() -> None:
    first = _parse_file("xcri_cap_small.xml")[0]
    second = _parse_file("xcri_cap_small.xml")[0]
    assert isinstance(first, CourseRecord) and isinstance(second, CourseRecord)

    assert first.content_hash() == second.content_hash()
    assert first.content_hash() != _parse_file("xcri_cap_small.xml")[1].content_hash()  # type: ignore[union-attr]
