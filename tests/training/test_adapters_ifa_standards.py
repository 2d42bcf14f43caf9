"""Institute for Apprenticeships standards: a written sample, then the real 2018 list (realdata)."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from services.common.ingest import Reject
from services.training.adapters.ifa_standards import IFA_PROVIDER, parse_ifa_standards
from services.training.adapters.records import CourseRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
REAL_FILE = SHARED_DATA / "apprenticeships" / "ifa_standards_and_frameworks_2018.jsonl"


def _sample() -> list[CourseRecord | Reject]:
    with (FIXTURES / "ifa_standards_sample.jsonl").open("rb") as stream:
        return list(parse_ifa_standards(stream))


def _real_file() -> Path:
    if not REAL_FILE.exists():
        message = f"real data file {REAL_FILE} is absent"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: real-data tests must not skip)")
        pytest.skip(message)
    return REAL_FILE


def test_sample_loads_approved_standards_and_rejects_the_rest_with_reasons() -> None:
    items = _sample()

    assert [item.external_id for item in items if isinstance(item, CourseRecord)] == [
        "ST0216", "ST0217", "ST0508",
    ]
    rejects = {item.position: item for item in items if isinstance(item, Reject)}
    assert sorted(rejects) == [2, 3, 5, 6]  # the blank line is not counted
    assert rejects[2] == Reject(position=2, external_id="ST0299",
                                reason="standard not approved for delivery (status: In development)")
    assert rejects[3].external_id is None
    assert rejects[3].reason.startswith("framework 'Health (Clinical Healthcare Support)'")
    assert rejects[5].reason == "standard not approved for delivery (status: Decommissioned)"
    assert rejects[6].reason.startswith("invalid JSON line")


def test_standard_becomes_a_levy_funded_work_based_apprenticeship() -> None:
    hcsw = _sample()[0]
    assert isinstance(hcsw, CourseRecord)

    assert (hcsw.qualification_type, hcsw.standard_ref, hcsw.level) == ("apprenticeship",
                                                                       "ST0216", 2)
    assert (hcsw.funding, hcsw.cost, hcsw.max_funding) == ("apprenticeship_levy", 0.0, 3000.0)
    assert hcsw.duration_weeks == 52.0
    assert hcsw.mode == "work_based"
    assert hcsw.subject == "Health and science"
    assert hcsw.provider == IFA_PROVIDER
    assert "- person centred care" in hcsw.description
    assert "End-point assessment: Example EPAO" in hcsw.description
    assert [(r.kind, r.level) for r in hcsw.entry_requirements] == [("employment", None)]


def test_entry_requirement_text_gives_english_maths_age_and_dbs() -> None:
    senior, associate = (item for item in _sample()
                         if isinstance(item, CourseRecord) and item.external_id != "ST0216")

    assert [(r.kind, r.level) for r in senior.entry_requirements] == [
        ("employment", None), ("english", "level2"), ("maths", "level2"),
    ]
    assert senior.duration_weeks == 78.0
    assert [(r.kind, r.min_age) for r in associate.entry_requirements] == [
        ("employment", None), ("dbs", None), ("age", 18),
    ]


def test_a_line_that_is_not_an_object_is_rejected() -> None:
    (item,) = list(parse_ifa_standards(io.BytesIO(b"[1, 2]\n")))

    assert item == Reject(position=0, external_id=None, reason="a line must be a JSON object")


@pytest.mark.realdata
def test_real_standards_list_loads_every_approved_standard() -> None:
    path = _real_file()
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    frameworks = sum(1 for row in raw if not row["reference_code"])
    approved = sum(1 for row in raw
                   if row["reference_code"] and row["status"] == "Approved for delivery")
    with path.open("rb") as stream:
        items = list(parse_ifa_standards(stream))

    courses = [item for item in items if isinstance(item, CourseRecord)]
    rejects = [item for item in items if isinstance(item, Reject)]
    reasons = Counter(
        "framework" if reject.reason.startswith("framework") else reject.reason
        for reject in rejects
    )
    assert len(items) == len(raw) == 1062
    assert len(courses) == approved == 327
    assert reasons == {
        "framework": frameworks,
        "standard not approved for delivery (status: In development)": 227,
        "standard not approved for delivery (status: Decommissioned)": 3,
    }
    assert frameworks == 505
    assert len({course.external_id for course in courses}) == len(courses)
    assert all(course.duration_weeks and course.max_funding for course in courses)


@pytest.mark.realdata
def test_real_health_standards_carry_their_facts() -> None:
    with _real_file().open("rb") as stream:
        by_code = {item.external_id: item for item in parse_ifa_standards(stream)
                   if isinstance(item, CourseRecord)}

    hcsw, senior, associate = by_code["ST0216"], by_code["ST0217"], by_code["ST0508"]
    assert (hcsw.title, hcsw.level, hcsw.duration_weeks, hcsw.max_funding) == (
        "Healthcare support worker", 2, 52.0, 3000.0,
    )
    assert (senior.level, senior.duration_weeks) == (3, 78.0)
    assert (associate.title, associate.level) == ("Nursing Associate", 5)
    assert "ST0299" not in by_code  # pharmacy services assistant was still in development
