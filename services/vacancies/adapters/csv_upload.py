"""Vacancies uploaded as CSV by an employer hub -> ``VacancyRecord``s, row by row.

The header names the columns (``CSV_COLUMNS``; ``csv_template()`` gives a header plus an
example row). Names are matched case-blind with spaces and hyphens read as underscores
("Closing Date" is ``closing_date``); unknown columns are ignored; ``external_id`` and
``title`` must be present or the whole upload fails with ``FeedError`` naming what is
missing.

Cells: numbers may carry "£" and thousands commas; ``working_pattern`` is a list separated
by semicolons ("full time; nights"); ``band`` is "3", "Band 3" or "8a"; dates are ISO
("2025-03-31", "2025-03-01T09:00:00Z") or UK day-first ("31/03/2025"); when
``salary_min``/``salary_max`` are empty, ``salary_text`` is read as prose. A cell that
cannot be read rejects its row, naming the column; it never guesses. Quoting is read
strictly: a stray quote or an unterminated quoted cell rejects the row it starts on rather
than swallowing the rows after it; a cell beyond the csv module's field limit (128 KiB)
rejects its row.

Encoding: UTF-8, with or without a byte-order mark. The stream is read line by line (flat
memory); a row holding bytes that are not UTF-8 is rejected with its line number while
the rest of the file is read. ``position`` is the line the row starts on (the header is
line 1), so a quoted description spanning lines still points at its row's first line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, Final

from pydantic import ValidationError

from services.common.csv_safety import write_csv
from services.common.ingest import FeedError, Reject
from services.common.text import html_to_text
from services.vacancies.adapters.dates import parse_date, parse_datetime
from services.vacancies.adapters.places import clean_postcode, coordinate
from services.vacancies.adapters.records import VacancyRecord
from services.vacancies.adapters.salary import (
    Salary,
    normalise_band,
    parse_band,
    parse_period,
    parse_salary,
    salary_from_numbers,
)
from services.vacancies.adapters.terms import CONTRACTS, normalise_patterns, parse_contract

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "external_id",
    "title",
    "employer",
    "employer_url",
    "description",
    "salary_text",
    "salary_min",
    "salary_max",
    "salary_period",
    "band",
    "hours_per_week",
    "working_pattern",
    "contract",
    "postcode",
    "locality",
    "lat",
    "lon",
    "posted_at",
    "closing_date",
    "url",
    "category",
)
REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("external_id", "title")
_EXAMPLE_ROW: Final[dict[str, str]] = {
    "external_id": "HCA-2025-014",
    "title": "Healthcare Assistant",
    "employer": "Example Community Health NHS Trust",
    "employer_url": "https://trust.example.org",
    "description": "Support patients with personal care on a busy ward. Full training given.",
    "salary_text": "£24,071 - £25,674 a year pro rata",
    "salary_min": "24071",
    "salary_max": "25674",
    "salary_period": "year",
    "band": "3",
    "hours_per_week": "37.5",
    "working_pattern": "full_time; shifts; weekends",
    "contract": "permanent",
    "postcode": "LS1 4AP",
    "locality": "Leeds",
    "lat": "",
    "lon": "",
    "posted_at": "2025-03-01T09:00:00Z",
    "closing_date": "2025-03-31",
    "url": "https://trust.example.org/jobs/HCA-2025-014",
    "category": "Additional Clinical Services",
}
_MAX_HOURS: Final = 100.0
_LIST_SEPARATORS = re.compile(r"[;|,]")
_HEADER_SEPARATORS = re.compile(r"[\s\-]+")
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_AMOUNT = re.compile(r"^£?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")

Item = VacancyRecord | Reject


CellReader = Callable[[str, str], object]
"""Reads one non-empty cell: (column name, text) -> value, or raises ``_CellError``."""


class _CellError(ValueError):
    """A cell that cannot be read; its message names the column."""


def csv_template() -> str:
    """A header line with every column, and one example row."""
    return write_csv([CSV_COLUMNS, [_EXAMPLE_ROW[name] for name in CSV_COLUMNS]], lineterminator="\n")


def parse_csv(stream: BinaryIO) -> Iterator[Item]:
    """Read an uploaded vacancy CSV into records and rejects, one row at a time."""
    reader = csv.reader(_text_lines(stream), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:  # e.g. a UTF-16 file: NULs and lone carriage returns
        raise FeedError(f"unreadable CSV header: {error}") from error
    if header is None:
        raise FeedError("empty CSV: no header row")
    if any(_BAD_BYTE.search(name) for name in header):
        raise FeedError("the CSV header is not valid UTF-8")
    columns = _columns(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FeedError(f"required columns missing from the CSV header: {', '.join(missing)}")
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            yield Reject(start, None, f"unreadable CSV row: {error}")
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        yield csv_row_to_record(row, columns, len(header), start)


def csv_row_to_record(row: list[str], columns: dict[str, int], width: int, line: int) -> Item:
    """One CSV row as a record, or a reject naming the cells that cannot be read."""
    cells = {
        name: row[index].strip() if index < len(row) else "" for name, index in columns.items()
    }
    external_id = cells.get("external_id") or None
    if external_id is not None and _BAD_BYTE.search(external_id):
        external_id = None
    bad = [name for name, value in cells.items() if _BAD_BYTE.search(value)]
    if bad or any(_BAD_BYTE.search(cell) for cell in row):
        where = f" (column {', '.join(bad)})" if bad else ""
        return Reject(line, external_id, f"line {line} is not valid UTF-8{where}")
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        return Reject(line, external_id, f"row has {len(row)} fields, the header has {width}")
    if not external_id:
        return Reject(line, None, "no external_id")
    if not cells.get("title"):
        return Reject(line, external_id, "no title")
    errors: list[str] = []
    record = _build(cells, external_id, errors)
    if errors or record is None:
        return Reject(line, external_id, "; ".join(errors) or "unreadable row")
    return record


def _build(cells: dict[str, str], external_id: str, errors: list[str]) -> VacancyRecord | None:
    def read(name: str, reader: CellReader) -> object:
        value = cells.get(name, "")
        if not value:
            return None
        try:
            return reader(name, value)
        except _CellError as error:
            errors.append(str(error))
            return None

    salary_text = cells.get("salary_text") or None
    low = read("salary_min", _amount)
    high = read("salary_max", _amount)
    period = read("salary_period", _period)
    salary = _salary(salary_text, low, high, period)
    band = read("band", _band)
    lat, lon = read("lat", _latitude), read("lon", _longitude)
    if (lat is None) != (lon is None) and not errors:
        errors.append("lat and lon: give both or neither")
    values = {
        "hours_per_week": read("hours_per_week", _hours),
        "working_pattern": read("working_pattern", _patterns) or [],
        "contract": read("contract", _contract),
        "posted_at": read("posted_at", _datetime),
        "closing_date": read("closing_date", _date),
    }
    if errors:
        return None
    try:
        return VacancyRecord.model_validate(
            {
                "external_id": external_id,
                "title": " ".join(cells["title"].split()),
                "employer": cells.get("employer") or None,
                "employer_url": cells.get("employer_url") or None,
                "description": html_to_text(cells.get("description", "")),
                "salary_text": salary_text,
                "salary_min": salary.minimum,
                "salary_max": salary.maximum,
                "salary_period": salary.period,
                "band": band or parse_band(salary_text),
                "postcode": clean_postcode(cells.get("postcode")),
                "locality": cells.get("locality") or None,
                "lat": lat,
                "lon": lon,
                "url": cells.get("url") or None,
                "category": cells.get("category") or None,
                **values,
            }
        )
    except ValidationError as error:
        errors.extend(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return None


def _salary(text: str | None, low: object, high: object, period: object) -> Salary:
    stated = period if isinstance(period, str) else None
    if isinstance(low, float) or isinstance(high, float):
        salary = salary_from_numbers(
            low if isinstance(low, float) else None,
            high if isinstance(high, float) else None,
            None,
        )
        return Salary(salary.minimum, salary.maximum, parse_period(stated) or salary.period)
    parsed = parse_salary(text)
    if stated and parsed.has_amount:
        return Salary(parsed.minimum, parsed.maximum, parse_period(stated))
    return parsed


def _amount(name: str, value: str) -> float:
    if not _AMOUNT.match(value):
        raise _CellError(f"{name}: not an amount: {value!r}")
    number = float(value.lstrip("£").strip().replace(",", ""))
    if number <= 0:
        raise _CellError(f"{name}: must be more than 0: {value!r}")
    return number


def _period(name: str, value: str) -> str:
    period = parse_period(value)
    if period is None:
        raise _CellError(f"{name}: expected year, month, week, day or hour, not {value!r}")
    return period


def _band(name: str, value: str) -> str:
    band = normalise_band(value)
    if band is None:
        raise _CellError(f"{name}: not an Agenda for Change band (2-9, 8a-8d): {value!r}")
    return band


def _hours(name: str, value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise _CellError(f"{name}: not a number: {value!r}") from None
    if not 0 < hours <= _MAX_HOURS:
        raise _CellError(f"{name}: out of range (0-{_MAX_HOURS:g}): {value!r}")
    return hours


def _patterns(name: str, value: str) -> list[str]:
    return normalise_patterns(_LIST_SEPARATORS.split(value))


def _contract(name: str, value: str) -> str:
    contract = parse_contract(value)
    if contract is None:
        raise _CellError(f"{name}: expected one of {', '.join(CONTRACTS)}, not {value!r}")
    return contract


def _latitude(name: str, value: str) -> float:
    number = coordinate(value, 90.0)
    if number is None:
        raise _CellError(f"{name}: not a latitude (-90 to 90): {value!r}")
    return number


def _longitude(name: str, value: str) -> float:
    number = coordinate(value, 180.0)
    if number is None:
        raise _CellError(f"{name}: not a longitude (-180 to 180): {value!r}")
    return number


def _datetime(name: str, value: str) -> object:
    parsed = parse_datetime(value)
    if parsed is None:
        raise _CellError(f"{name}: not a date or date-time: {value!r}")
    return parsed


def _date(name: str, value: str) -> object:
    parsed = parse_date(value)
    if parsed is None:
        raise _CellError(f"{name}: not a date: {value!r}")
    return parsed


def _columns(header: list[str]) -> dict[str, int]:
    """Known column name -> index (the first of duplicated names wins)."""
    known = set(CSV_COLUMNS)
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _HEADER_SEPARATORS.sub("_", raw.strip().lower())
        if name in known and name not in columns:
            columns[name] = index
    return columns


def _text_lines(stream: BinaryIO) -> Iterable[str]:
    """Decoded lines; bytes that are not UTF-8 become lone surrogates, caught per row."""
    first = True
    for raw in stream:
        line = raw.decode("utf-8", errors="surrogateescape")
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line
