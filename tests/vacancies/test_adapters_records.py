"""The record shape: validation, UTC times, and a content hash stable across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.vacancies.adapters.records import VacancyRecord


def _record(**changes: object) -> VacancyRecord:
    fields: dict[str, object] = {
        "external_id": "RCH-0412",
        "title": "Healthcare Assistant",
        "employer": "Riverside Community Health NHS Trust",
        "description": "Support patients – «care» & dignity.",
        "salary_text": "£24,465 - £26,465 per annum",
        "salary_min": 24465.0,
        "salary_max": 26465.0,
        "salary_period": "year",
        "band": "3",
        "working_pattern": ["full_time", "nights"],
        "contract": "permanent",
        "postcode": "RV1 2AB",
        "lat": 52.5,
        "lon": -0.25,
        "posted_at": datetime(2025, 3, 3, 9, 15, tzinfo=UTC),
        "closing_date": date(2025, 3, 31),
    }
    fields.update(changes)
    return VacancyRecord.model_validate(fields)


def test_equal_records_hash_equal_and_any_change_shows() -> None:
    assert _record().content_hash() == _record().content_hash()
    assert _record().content_hash() != _record(band="4").content_hash()
    assert (
        _record().content_hash() != _record(working_pattern=["nights", "full_time"]).content_hash()
    )
    assert len(_record().content_hash()) == 64


def test_hash_is_the_same_in_another_process() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r});"
        "from test_adapters_records import _record; print(_record().content_hash())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout.strip() == _record().content_hash()


def test_posting_times_are_stored_in_utc() -> None:
    summer = timezone(timedelta(hours=1))
    record = _record(posted_at=datetime(2025, 6, 1, 10, 0, tzinfo=summer))
    assert record.posted_at == datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    assert record.posted_at is not None and record.posted_at.tzinfo == UTC
    naive = _record(posted_at=datetime(2025, 6, 1, 10, 0))
    assert naive.posted_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def test_records_are_frozen() -> None:
    record = _record()
    with pytest.raises(ValidationError):
        record.title = "Changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [
        {"external_id": ""},
        {"title": ""},
        {"salary_period": "fortnight"},
        {"contract": "zero_hours"},
        {"lat": 91.0},
        {"unknown_field": 1},
    ],
)
def test_invalid_records_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _record(**changes)
