"""CSV course uploads: one course a row, for providers without an XCRI-CAP or JSON feed.

The file is UTF-8 (a byte-order mark is allowed), comma-separated, with a header row
naming the columns in ``CSV_COLUMNS`` in any order; header names are matched ignoring case,
spaces and hyphens ("Course ID" is ``course_id``) and unknown columns are ignored. A header
missing a required column raises ``FeedError``, as does an empty file or a header that is
not UTF-8.

Each data row is one course; its reject position is its CSV line number, counting the
header as line 1 (a quoted field may span lines; the row's first line counts). A row with
bytes that are not UTF-8 is rejected and the rest still load. A row with more fields than
the header is rejected; a row with fewer has its missing trailing fields empty (spreadsheet
exports drop them). Lists (``start_dates``, ``leads_to``, ``skills``) are separated by ``;``
or ``|``. Each start date becomes a presentation (id ``<course_id>@<date>``) sharing the
row's venue, duration, weekly hours, attendance, mode, cost and places; "rolling",
"flexible" or "any time" give no dated presentation; any other value that is not a date
rejects the row, so a typo never loads a course with no start date.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from pydantic import ValidationError

from services.common.csv_safety import write_csv
from services.common.ingest import FeedError, Reject
from services.training.adapters.assembly import (
    CourseFields,
    RecordProblem,
    clean,
    course_from_fields,
    presentation,
    provider_record,
    reject_reason,
)
from services.training.adapters.parsing import parse_date, parse_int
from services.training.adapters.records import CourseRecord, Presentation


class CsvColumn(NamedTuple):
    """One column of the course upload: its header name, whether it must exist, its meaning."""

    name: str
    required: bool
    description: str
    example: str


CSV_COLUMNS: tuple[CsvColumn, ...] = (
    CsvColumn("course_id", True, "your stable id for the course (the upsert key)", "HSC-L2-2026"),
    CsvColumn("title", True, "course title", "Health and Social Care"),
    CsvColumn("provider_name", True, "provider's name", "Example City College"),
    CsvColumn(
        "level",
        True,
        "Entry 1-3, or 1-8 ('Entry 3', '2', 'Level 2', 'L2'); may be left "
        "empty when the qualification title names the level",
        "2",
    ),
    CsvColumn("provider_ukprn", False, "UK Provider Reference Number (8 digits)", "10009999"),
    CsvColumn(
        "provider_type",
        False,
        "fe_college, university, independent_training_provider, "
        "employer, local_authority or other (inferred from the name if empty)",
        "fe_college",
    ),
    CsvColumn("provider_postcode", False, "provider's main postcode", "B15 2TT"),
    CsvColumn("provider_url", False, "provider's website", "https://www.example-college.ac.uk/"),
    CsvColumn(
        "qualification_ref",
        False,
        "Ofqual number (603/2636/3) or apprenticeship standard (ST0216)",
        "603/2636/3",
    ),
    CsvColumn("qualification_title", False, "the qualification's title", "Level 2 Diploma in Care"),
    CsvColumn(
        "qualification_type",
        False,
        "esol, functional_skills, care_certificate, diploma, "
        "certificate, award, apprenticeship, short_course, degree or other (inferred "
        "if empty)",
        "",
    ),
    CsvColumn("subject", False, "subject area", "Health and social care"),
    CsvColumn(
        "description",
        False,
        "what the course covers (text or HTML)",
        "For people starting work as a care worker.",
    ),
    CsvColumn(
        "entry_requirements", False, "entry requirements as text", "Level 1 English and maths"
    ),
    CsvColumn("mode", False, "classroom, online, blended or work_based", "classroom"),
    CsvColumn("attendance", False, "daytime, evening, weekend or flexible", "daytime"),
    CsvColumn("duration", False, "length: '12 weeks', '1 year', 'P12W'", "30 weeks"),
    CsvColumn("hours_per_week", False, "hours a week", "6"),
    CsvColumn("guided_learning_hours", False, "guided learning hours in total", "180"),
    CsvColumn("cost", False, "what the learner pays in GBP: '350', '£350', 'Free'", "Free"),
    CsvColumn(
        "funding",
        False,
        "fully_funded, adult_skills_fund, advanced_learner_loan, "
        "apprenticeship_levy, employer_paid or self_funded (or those words)",
        "adult_skills_fund",
    ),
    CsvColumn(
        "funding_eligibility",
        False,
        "who the funding is for",
        "Free for adults 19+ without a level 2 qualification",
    ),
    CsvColumn("max_funding", False, "the most a funder pays, GBP", ""),
    CsvColumn(
        "start_dates",
        False,
        "start dates separated by ';' (2026-01-12 or 12/01/2026)",
        "2026-01-12; 2026-04-20",
    ),
    CsvColumn("places", False, "places on each start", "16"),
    CsvColumn("venue_name", False, "where it runs", "City Centre Campus"),
    CsvColumn("venue_postcode", False, "venue postcode", "B4 7XG"),
    CsvColumn("leads_to", False, "Routeway role ids separated by ';'", "care_worker"),
    CsvColumn("skills", False, "Routeway skill ids separated by ';'", ""),
    CsvColumn("url", False, "course web page", "https://www.example-college.ac.uk/courses/hsc2"),
)
REQUIRED_COLUMNS = tuple(column.name for column in CSV_COLUMNS if column.required)
_KNOWN = {column.name for column in CSV_COLUMNS}
_LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")
_UNDATED_START = re.compile(
    r"^(?:rolling|flexible|any ?time|ongoing|on demand)\b.*$", re.IGNORECASE
)


def csv_template() -> str:
    """The upload template: the header row and one example row (remove it before uploading)."""
    return write_csv(
        [[column.name for column in CSV_COLUMNS], [column.example for column in CSV_COLUMNS]]
    )


def _header_name(raw: str) -> str:
    return "_".join(raw.strip().lower().replace("-", " ").split())


def _list(value: str | None) -> list[str]:
    return [item for item in _LIST_SEPARATOR.split(value or "") if item]


def _runs(row: dict[str, str], course_id: str) -> list[Presentation]:
    runs: list[Presentation] = []
    for token in _list(row.get("start_dates")):
        if _UNDATED_START.match(token):
            continue
        start = parse_date(token)
        if start is None:
            raise RecordProblem(f"start_dates: {token!r} is not a date")
        runs.append(
            presentation(
                external_id=f"{course_id}@{start.isoformat()}",
                start_date=start,
                duration=clean(row.get("duration")),
                hours_per_week=clean(row.get("hours_per_week")),
                attendance=clean(row.get("attendance")),
                mode=clean(row.get("mode")),
                cost=clean(row.get("cost")),
                places=parse_int(clean(row.get("places"))),
                venue_postcode=clean(row.get("venue_postcode")),
                venue_name=clean(row.get("venue_name")),
            )
        )
    return runs


def course_from_row(row: dict[str, str]) -> CourseRecord:
    """One CSV row (header name -> cell) as a ``CourseRecord``."""
    course_id = clean(row.get("course_id"))
    if course_id is None:
        raise RecordProblem("course_id is empty")
    provider = provider_record(
        name=row.get("provider_name"),
        ukprn_value=clean(row.get("provider_ukprn")),
        type_value=clean(row.get("provider_type")),
        postcode=clean(row.get("provider_postcode")),
        url=clean(row.get("provider_url")),
    )
    places = clean(row.get("places"))
    if places is not None and parse_int(places) is None:
        raise RecordProblem(f"places: {places!r} is not a whole number")
    return course_from_fields(
        CourseFields(
            external_id=course_id,
            title=row.get("title"),
            provider=provider,
            description=(row.get("description") or "").strip() or None,
            qualification_ref=clean(row.get("qualification_ref")),
            qualification_title=clean(row.get("qualification_title")),
            qualification_type=clean(row.get("qualification_type")),
            has_qualification=bool(
                clean(row.get("qualification_ref")) or clean(row.get("qualification_title"))
            ),
            level=clean(row.get("level")),
            subject=clean(row.get("subject")),
            entry_requirements=clean(row.get("entry_requirements")),
            mode=clean(row.get("mode")),
            attendance=clean(row.get("attendance")),
            duration=clean(row.get("duration")),
            hours_per_week=clean(row.get("hours_per_week")),
            guided_learning_hours=clean(row.get("guided_learning_hours")),
            cost=clean(row.get("cost")),
            funding=clean(row.get("funding")),
            funding_eligibility=clean(row.get("funding_eligibility")),
            max_funding=clean(row.get("max_funding")),
            presentations=_runs(row, course_id),
            postcode=clean(row.get("venue_postcode")),
            leads_to=_list(row.get("leads_to")),
            skills=_list(row.get("skills")),
            url=clean(row.get("url")),
        )
    )


class _Lines:
    """Decodes a byte stream line by line, remembering which lines were not UTF-8."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.number = 0
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for raw in self._stream:
            self.number += 1
            if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad.add(self.number)
                yield raw.decode("utf-8", errors="replace")


def parse_csv(stream: BinaryIO) -> Iterator[CourseRecord | Reject]:
    """Courses (or rejects, by CSV line number) from a course upload CSV."""
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=False)
    try:
        header_row = next(reader)
    except StopIteration:
        raise FeedError("empty CSV: no header row") from None
    except csv.Error as error:
        raise FeedError(f"unreadable CSV header: {error}") from error
    if lines.bad:
        raise FeedError("the CSV header is not UTF-8")
    header = [_header_name(name) for name in header_row]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FeedError(f"CSV header lacks required column(s): {', '.join(missing)}")
    columns = [(index, name) for index, name in enumerate(header) if name in _KNOWN]
    previous_line = reader.line_num
    while True:
        first_line = previous_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if reader.line_num == previous_line:
                return
            previous_line = reader.line_num
            yield Reject(
                position=first_line, external_id=None, reason=f"unreadable CSV row: {error}"
            )
            continue
        previous_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: cells[index] if index < len(cells) else "" for index, name in columns}
        external_id = clean(row.get("course_id"))
        bad = sorted(line for line in lines.bad if first_line <= line <= previous_line)
        if bad:
            readable_id = external_id if external_id and "\ufffd" not in external_id else None
            yield Reject(
                position=first_line,
                external_id=readable_id,
                reason=f"line {bad[0]} is not valid UTF-8",
            )
            continue
        if len(cells) > len(header):
            yield Reject(
                position=first_line,
                external_id=external_id,
                reason=f"row has {len(cells)} fields, the header has {len(header)}",
            )
            continue
        try:
            yield course_from_row(row)
        except (RecordProblem, ValidationError) as error:
            yield Reject(position=first_line, external_id=external_id, reason=reject_reason(error))
