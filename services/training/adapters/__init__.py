"""Course feed adapters: pure functions from a feed's bytes to course records or rejects.

Each adapter takes a binary stream and yields ``CourseRecord`` items and ``Reject`` items
(a record it could not read, with its position and reason), one bad record never stopping
the rest; a feed whose envelope cannot be read raises ``FeedError``. ``ADAPTERS`` maps the
ingest API's ``format`` names to them:

- ``xcri-cap``: XCRI-CAP 1.2 XML catalogues (``xcri_cap``), hardened and incremental;
- ``json``: the course-directory JSON shape documented in ``course_json``;
- ``csv``: course upload CSV (``csv_upload``: ``CSV_COLUMNS``, ``csv_template``);
- ``ifa-standards``: the Institute for Apprenticeships standards list (JSON Lines);
- ``dhsc-care``: the DHSC adult social care training data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from services.common.ingest import FeedError, Reject
from services.training.adapters.course_json import parse_course_json
from services.training.adapters.csv_upload import CSV_COLUMNS, csv_template, parse_csv
from services.training.adapters.dhsc_care import parse_dhsc_care_training
from services.training.adapters.ifa_standards import parse_ifa_standards
from services.training.adapters.records import (
    CourseRecord,
    EntryRequirement,
    Presentation,
    ProviderRecord,
)
from services.training.adapters.xcri_cap import parse_xcri_cap

CourseAdapter = Callable[[BinaryIO], Iterator[CourseRecord | Reject]]

ADAPTERS: dict[str, CourseAdapter] = {
    "xcri-cap": parse_xcri_cap,
    "json": parse_course_json,
    "csv": parse_csv,
    "ifa-standards": parse_ifa_standards,
    "dhsc-care": parse_dhsc_care_training,
}

__all__ = [
    "ADAPTERS",
    "CSV_COLUMNS",
    "CourseAdapter",
    "CourseRecord",
    "EntryRequirement",
    "FeedError",
    "Presentation",
    "ProviderRecord",
    "Reject",
    "csv_template",
    "parse_course_json",
    "parse_csv",
    "parse_dhsc_care_training",
    "parse_ifa_standards",
    "parse_xcri_cap",
]
