"""The demo XCRI-CAP 1.2 catalogue: well-formed, namespaced, big enough, dated and placed."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring

from services.common import geo
from services.demo.course_catalogue import PROVIDERS
from services.demo.courses import DC_NS, DCTERMS_NS, MLO_NS, XCRI_NS, demo_courses_xcri

TODAY = date(2026, 3, 2)
NS = {"x": XCRI_NS, "dc": DC_NS, "mlo": MLO_NS, "dcterms": DCTERMS_NS}
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@cache
def _catalog() -> Element:
    root: Element = fromstring(demo_courses_xcri(today=TODAY))
    return root


def _courses() -> list[Element]:
    return _catalog().findall("x:provider/x:course", NS)


def _presentations() -> list[Element]:
    return _catalog().findall("x:provider/x:course/x:presentation", NS)


def _text(element: Element, path: str) -> str:
    found = element.find(path, NS)
    assert found is not None and found.text is not None, path
    return found.text


def test_well_formed_xcri_catalog() -> None:
    body = demo_courses_xcri(today=TODAY)
    assert body.startswith(b"<?xml")
    root = _catalog()
    assert root.tag == f"{{{XCRI_NS}}}catalog"
    assert root.get("generated", "").startswith(TODAY.isoformat())
    assert b'xmlns="http://xcri.org/profiles/1.2/catalog"' in body
    assert b'xmlns:mlo="http://purl.org/net/mlo"' in body
    assert root.find(".//dcterms:educationLevel", NS) is not None


def test_same_seed_same_bytes() -> None:
    assert demo_courses_xcri(seed=5, today=TODAY) == demo_courses_xcri(seed=5, today=TODAY)
    assert demo_courses_xcri(seed=5, today=TODAY) != demo_courses_xcri(seed=6, today=TODAY)
    assert demo_courses_xcri(seed=5, today=TODAY) != demo_courses_xcri(
        seed=5, today=TODAY + timedelta(days=1)
    )


def test_enough_providers_and_courses() -> None:
    providers = _catalog().findall("x:provider", NS)
    assert len(providers) >= 30
    assert len(_courses()) >= 400
    ukprns = [_text(p, "dc:identifier") for p in providers]
    assert all(re.fullmatch(r"\d{8}", u) for u in ukprns)
    assert len(set(ukprns)) == len(ukprns)
    kinds = Counter(p.kind for p in PROVIDERS)
    assert set(kinds) == {"fe_college", "university", "itp", "nhs_trust", "local_authority"}


def test_identifiers_are_unique() -> None:
    course_ids = [_text(c, "dc:identifier") for c in _courses()]
    assert len(set(course_ids)) == len(course_ids)
    presentation_ids = [_text(p, "dc:identifier") for p in _presentations()]
    assert len(set(presentation_ids)) == len(presentation_ids)


def test_presentations_start_within_the_next_twelve_months() -> None:
    starts = []
    for presentation in _presentations():
        start_el = presentation.find("mlo:start", NS)
        end_el = presentation.find("mlo:end", NS)
        assert start_el is not None and end_el is not None
        start = date.fromisoformat(start_el.get("dtf", ""))
        end = date.fromisoformat(end_el.get("dtf", ""))
        assert TODAY < start <= TODAY + timedelta(days=365)
        assert end >= start
        starts.append(start)
    months = {(d.year, d.month) for d in starts}
    assert len(months) >= 11  # spread over the year, not bunched


def test_vocabularies_and_levels() -> None:
    for presentation in _presentations():
        for tag, allowed in (
            ("x:studyMode", {"FT", "PT", "FL"}),
            ("x:attendanceMode", {"CM", "ON", "MM", "WB"}),
            ("x:attendancePattern", {"DT", "EV", "WE", "CS"}),
        ):
            element = presentation.find(tag, NS)
            assert element is not None and element.get("identifier") in allowed
        assert int(_text(presentation, "mlo:places")) > 0
    levels = Counter(_text(c, "mlo:qualification/mlo:level") for c in _courses())
    assert set(levels) <= {"Entry 1", "Entry 2", "Entry 3", "1", "2", "3", "4", "5"}
    assert {"Entry 1", "Entry 3", "1", "2", "3"} <= set(levels)


def test_qualification_identifiers_have_the_right_shape() -> None:
    identifiers = [
        element.text or ""
        for element in _catalog().findall(".//mlo:qualification/dc:identifier", NS)
    ]
    assert identifiers
    assert all(re.fullmatch(r"\d{3}/\d{4}/[\dX]|ST\d{4}", i) for i in identifiers)
    assert {"ST0216", "ST0217", "ST0299"} <= set(identifiers)


def test_postcodes_resolve_in_the_demo_regions() -> None:
    postcodes = [e.text or "" for e in _catalog().iter(f"{{{MLO_NS}}}postcode")]
    assert len(postcodes) > len(_presentations())
    for postcode in set(postcodes):
        point = geo.lookup(postcode)
        assert point is not None, postcode
        assert point.region in {"West Midlands", "East of England"}


@pytest.mark.parametrize(
    "pattern",
    [
        r"^ESOL for Health and Care \(Entry Level 1\)",
        r"^ESOL for Health and Care \(Level 1\)",
        r"^Functional Skills English \(Entry Level 3\)",
        r"^Functional Skills Maths \(Level 2\)",
        r"^The Care Certificate",
        r"^Level 2 Diploma in Care",
        r"^Level 3 Diploma in Adult Care",
        r"Food Safety",
        r"Moving and Handling|Assisting and Moving",
        r"First Aid",
        r"^Routeway into .* with .*NHS",
        r"^Healthcare Support Worker Apprenticeship",
        r"^Senior Healthcare Support Worker Apprenticeship",
        r"^Pharmacy Services Assistant Apprenticeship",
        r"^Business Administrator Apprenticeship",
        r"^Customer Service Practitioner Apprenticeship",
        r"^Infrastructure Technician Apprenticeship",
    ],
)
def test_the_expected_kinds_of_course_are_offered(pattern: str) -> None:
    assert any(re.search(pattern, _text(c, "dc:title")) for c in _courses()), pattern


def test_esol_runs_in_the_day_and_the_evening() -> None:
    patterns = {
        p.find("x:attendancePattern", NS).get("identifier")  # type: ignore[union-attr]
        for c in _courses()
        if _text(c, "dc:title").startswith("ESOL")
        for p in c.findall("x:presentation", NS)
    }
    assert {"DT", "EV"} <= patterns


def test_costs_are_mostly_free_with_some_paid_courses() -> None:
    costs = [_text(p, "mlo:cost") for p in _presentations()]
    free = sum(
        cost == "0" or cost.startswith(("Free", "Fully funded", "No cost")) for cost in costs
    )
    paid = sum(bool(re.fullmatch(r"£?\d+(\.00)?", cost)) and cost != "0" for cost in costs)
    assert free > len(costs) / 2
    assert paid > 0


def test_descriptions_name_the_skills_taught() -> None:
    for course in _courses():
        assert "You will learn:" in _text(course, "dc:description")


@pytest.mark.realdata
def test_apprenticeship_codes_exist_in_the_standards_list() -> None:
    path = SHARED / "apprenticeships" / "ifa_standards_and_frameworks_2018.jsonl"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (required under CI=true)")
        pytest.skip(f"{path} is absent: reference data not available here")
    levels = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("reference_code"):
                levels[record["reference_code"]] = str(record["level"])
    for course in _courses():
        qualification_id = course.find("mlo:qualification/dc:identifier", NS)
        if qualification_id is not None and (qualification_id.text or "").startswith("ST"):
            code = qualification_id.text or ""
            assert code in levels, code
            assert _text(course, "mlo:qualification/mlo:level") == levels[code], code
