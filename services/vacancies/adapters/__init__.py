"""Vacancy feed adapters: pure functions from a feed's bytes to records and rejects.

Each adapter reads a binary stream incrementally and yields, per advert, either a
``VacancyRecord`` or a ``services.common.ingest.Reject`` (position and reason); a broken
envelope (not the announced format, a hostile XML construct, a CSV without its required
columns) raises ``services.common.ingest.FeedError`` instead. ``ADAPTERS`` maps the ingest
API's ``format`` names to the adapter that reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, Final

from services.common.ingest import Reject
from services.vacancies.adapters.csv_upload import CSV_COLUMNS, csv_template, parse_csv
from services.vacancies.adapters.jobposting import parse_jobposting
from services.vacancies.adapters.nhs_xml import PageInfo, parse_nhs_xml, read_page_info
from services.vacancies.adapters.records import VacancyRecord

Adapter = Callable[[BinaryIO], Iterator[VacancyRecord | Reject]]

ADAPTERS: Final[dict[str, Adapter]] = {
    "jobposting-jsonld": parse_jobposting,
    "nhs-jobs-xml": parse_nhs_xml,
    "csv": parse_csv,
}

__all__ = [
    "ADAPTERS",
    "CSV_COLUMNS",
    "Adapter",
    "PageInfo",
    "VacancyRecord",
    "csv_template",
    "parse_csv",
    "parse_jobposting",
    "parse_nhs_xml",
    "read_page_info",
]
