"""The adapter registry the ingest API dispatches on: one adapter per format name."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.ingest import Reject
from services.vacancies.adapters import ADAPTERS, VacancyRecord

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_api_format_names_are_registered() -> None:
    assert set(ADAPTERS) == {"jobposting-jsonld", "nhs-jobs-xml", "csv"}


@pytest.mark.parametrize(
    ("format_name", "fixture", "records", "rejects"),
    [
        ("jobposting-jsonld", "jobposting_messy.jsonl", 4, 4),
        ("jobposting-jsonld", "jobposting_array.json", 3, 1),
        ("nhs-jobs-xml", "nhs_search_page.xml", 3, 1),
        ("csv", "vacancies_upload.csv", 3, 3),
    ],
)
def test_each_adapter_reads_its_fixture(
    format_name: str, fixture: str, records: int, rejects: int
) -> None:
    with (FIXTURES / fixture).open("rb") as stream:
        items = list(ADAPTERS[format_name](stream))
    assert sum(isinstance(i, VacancyRecord) for i in items) == records
    assert sum(isinstance(i, Reject) for i in items) == rejects


def test_adapters_are_lazy_generators() -> None:
    class Exploding:
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("read before iteration")

        def __iter__(self) -> Exploding:
            raise AssertionError("read before iteration")

    for adapter in ADAPTERS.values():
        adapter(Exploding())  # type: ignore[arg-type]
