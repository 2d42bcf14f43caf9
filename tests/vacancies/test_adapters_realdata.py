"""The JobPosting adapter on the real 2020 NHS Jobs corpus (14,842 adverts, read in place).

The adverts carry no licence and are never copied into the project: this test reads them
from ../shared/data and skips when the file is absent, except under CI=true, where the
absence is a failure.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from services.common.ingest import Reject
from services.vacancies.adapters.jobposting import parse_jobposting
from services.vacancies.adapters.records import VacancyRecord

pytestmark = pytest.mark.realdata

CORPUS = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "nhs_jobs"
    / "nhs_jobs_2020_jobposting.jsonl.gz"
)
ADVERTS = 14_842
# Reasons that name a defect of the advert itself, not a gap in the parser.
DEFECT_REASONS = ("no title", "no identifier", "not an object", "not a JobPosting")
_POUND_AMOUNT = re.compile(r"£\s?[1-9]")


@pytest.fixture(scope="module")
def parsed() -> list[VacancyRecord | Reject]:
    if not CORPUS.exists():
        message = f"real NHS Jobs corpus not found at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: real-data tests must not skip)")
        pytest.skip(message)
    with gzip.open(CORPUS, "rb") as stream:
        return list(parse_jobposting(cast(BinaryIO, stream)))


@pytest.fixture(scope="module")
def records(parsed: list[VacancyRecord | Reject]) -> list[VacancyRecord]:
    return [item for item in parsed if isinstance(item, VacancyRecord)]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def test_every_advert_is_read_and_rejects_are_real_defects(
    parsed: list[VacancyRecord | Reject],
) -> None:
    assert len(parsed) == ADVERTS
    rejects = [item for item in parsed if isinstance(item, Reject)]
    assert len(rejects) <= 5, rejects
    for reject in rejects:
        assert reject.reason.startswith(DEFECT_REASONS), reject


def test_ids_are_unique(records: list[VacancyRecord]) -> None:
    assert len({r.external_id for r in records}) == len(records)


def test_most_adverts_have_a_postcode_and_a_closing_date(records: list[VacancyRecord]) -> None:
    assert _share(sum(r.postcode is not None for r in records), len(records)) >= 0.95
    assert _share(sum(r.closing_date is not None for r in records), len(records)) >= 0.95
    assert _share(sum(r.posted_at is not None for r in records), len(records)) >= 0.95


def test_salary_is_read_wherever_the_text_states_an_amount(records: list[VacancyRecord]) -> None:
    stated = [r for r in records if r.salary_text and _POUND_AMOUNT.search(r.salary_text)]
    assert len(stated) > ADVERTS // 2
    read = [r for r in stated if r.salary_min is not None or r.salary_max is not None]
    assert _share(len(read), len(stated)) >= 0.98
    periods = [r.salary_period for r in read]
    assert _share(sum(p is not None for p in periods), len(read)) >= 0.98
    for record in read:
        if record.salary_min is not None and record.salary_max is not None:
            assert record.salary_min <= record.salary_max, record.salary_text


def test_descriptions_are_plain_text(records: list[VacancyRecord]) -> None:
    with_tags = [r for r in records if re.search(r"</?(?:p|li|br|strong|span)\b", r.description)]
    assert _share(len(with_tags), len(records)) < 0.01
    assert all("&lt;" not in r.description for r in records)


def test_times_are_utc_and_coordinates_in_britain(records: list[VacancyRecord]) -> None:
    for record in records:
        assert record.posted_at is None or record.posted_at.utcoffset() is not None
    placed = [r for r in records if r.lat is not None and r.lon is not None]
    assert _share(len(placed), len(records)) >= 0.9
    in_britain = [r for r in placed if 49 < (r.lat or 0) < 61 and -9 < (r.lon or 0) < 2.5]
    assert _share(len(in_britain), len(placed)) >= 0.99
