"""DHSC adult social care training: a written sample, then the real prototype data (realdata)."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from services.common.ingest import FeedError, Reject
from services.training.adapters.dhsc_care import (
    DHSC_PROVIDER,
    DHSC_ROLE_CATEGORIES,
    ROLE_CATEGORY_ROLES,
    parse_dhsc_care_training,
)
from services.training.adapters.records import CourseRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
REAL_FILE = SHARED_DATA / "social_care" / "dhsc_adult_social_care_skills_and_training.json"
OFQUAL = re.compile(r"^\d{3}/\d{4}/[0-9X]$")


def _sample() -> list[CourseRecord | Reject]:
    with (FIXTURES / "dhsc_training_sample.json").open("rb") as stream:
        return list(parse_dhsc_care_training(stream))


def _real_file() -> Path:
    if not REAL_FILE.exists():
        message = f"real data file {REAL_FILE} is absent"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: real-data tests must not skip)")
        pytest.skip(message)
    return REAL_FILE


def test_sample_loads_levelled_qualifications_and_rejects_the_rest() -> None:
    items = _sample()

    assert [item.external_id for item in items if isinstance(item, CourseRecord)] == [
        "603/2636/3", "601/0000/X",
    ]
    assert [item for item in items if isinstance(item, Reject)] == [
        Reject(position=2, external_id="IMXX",
               reason="not an Ofqual-regulated qualification and no level in its type "
                      "'e-Learning Module' or title 'Making decisions'"),
        Reject(position=3, external_id="600/0000/1",
               reason="no level in its type 'Mental Capacity Act 2005' or title "
                      "'Awareness of the Mental Capacity Act 2005'"),
    ]


def test_qualification_reads_level_hours_reimbursement_and_roles() -> None:
    diploma = _sample()[0]
    assert isinstance(diploma, CourseRecord)

    assert (diploma.qualification_type, diploma.level, diploma.ofqual_ref) == (
        "diploma", 2, "603/2636/3",
    )
    assert diploma.guided_learning_hours == 460.0
    assert (diploma.funding, diploma.cost, diploma.max_funding) == ("employer_paid", 0.0, 800.0)
    assert diploma.funding_eligibility is not None
    assert "£800" in diploma.funding_eligibility and "split" in diploma.funding_eligibility
    assert diploma.leads_to == ["care-worker", "senior-care-worker", "care-coordinator"]
    assert diploma.subject == "Health and Social Care Diplomas"


def test_skill_categories_go_into_the_description_not_into_skill_ids() -> None:
    diploma = _sample()[0]
    assert isinstance(diploma, CourseRecord)

    assert diploma.skills == []
    assert diploma.description.endswith(
        "Skills covered: Duty of care; Awareness of mental health, dementia, autism and "
        "learning disabilities (linked to Tier 1 of competence frameworks below)."
    )
    assert "Learning opportunities" not in diploma.description
    assert "For: Entry-level roles (care assistant, junior care worker); Care or support" \
        in diploma.description


def test_awarding_organisation_spellings_become_one_provider() -> None:
    diploma, award = (item for item in _sample() if isinstance(item, CourseRecord))

    assert diploma.provider == award.provider
    assert (diploma.provider.name, diploma.provider.type) == ("City and Guilds", "other")
    assert award.leads_to == [] and award.skills == []


def test_role_categories_map_to_roles_that_exist_in_the_taxonomy() -> None:
    roles_file = Path(__file__).resolve().parents[2] / "services" / "taxonomy" / "data" / "roles.json"
    if not roles_file.exists():
        pytest.skip(f"{roles_file} is absent: the taxonomy has not landed")
    role_ids = {role["id"] for role in json.loads(roles_file.read_text(encoding="utf-8"))["roles"]}

    mapped = {role for roles in ROLE_CATEGORY_ROLES.values() for role in roles}
    assert mapped <= role_ids
    assert set(ROLE_CATEGORY_ROLES) == set(DHSC_ROLE_CATEGORIES)


@pytest.mark.parametrize("body", [b"[]", b'{"roleCats": []}', b"not json"])
def test_a_document_without_a_training_list_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        list(parse_dhsc_care_training(io.BytesIO(body)))


def test_an_item_without_an_awarding_organisation_gets_the_dhsc_provider() -> None:
    item = {"code": "600/1111/2", "title": "Level 2 Award in Stroke Awareness", "type": "",
            "reimbursementAmount": ""}
    (course,) = list(parse_dhsc_care_training(io.BytesIO(json.dumps({"training": [item]}).encode())))

    assert isinstance(course, CourseRecord)
    assert course.provider == DHSC_PROVIDER
    assert (course.level, course.qualification_type, course.max_funding) == (2, "award", None)


@pytest.mark.realdata
def test_real_training_items_load_when_they_state_a_level() -> None:
    path = _real_file()
    raw = json.loads(path.read_text(encoding="utf-8"))["training"]
    with path.open("rb") as stream:
        items = list(parse_dhsc_care_training(stream))

    courses = [item for item in items if isinstance(item, CourseRecord)]
    rejects = [item for item in items if isinstance(item, Reject)]
    reasons = Counter(
        "unregulated, no level" if reject.reason.startswith("not an Ofqual") else
        "regulated, no level in type or title"
        for reject in rejects
    )
    regulated = [row for row in raw if OFQUAL.match(row["code"].strip())]
    assert len(raw) == len(items) == 234
    assert (len(courses), len(rejects)) == (193, 41)
    assert reasons == {"unregulated, no level": len(raw) - len(regulated),
                       "regulated, no level in type or title": 9}
    assert len(regulated) == 202
    assert all(course.ofqual_ref == course.external_id for course in courses)
    assert all(1 <= course.level <= 5 for course in courses)
    assert all(course.max_funding and course.guided_learning_hours for course in courses)
    assert sum(1 for course in courses if course.leads_to) == 142
    assert Counter(course.qualification_type for course in courses) == {
        "diploma": 70, "award": 68, "certificate": 54, "other": 1,
    }
