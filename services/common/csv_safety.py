"""CSV that is safe to open in a spreadsheet: no cell is read as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel, LibreOffice and Google
Sheets, and one starting with a tab or carriage return can become one after the application
trims it (OWASP "CSV Injection"). Every CSV the API hands out is written through
:func:`write_csv`, which prefixes such cells with a single quote: the spreadsheet shows the
text as written and evaluates nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """``value`` as CSV cell text, with a leading ``'`` when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n") -> str:
    """``rows`` as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerows([neutralise_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
