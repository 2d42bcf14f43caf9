"""Extraction over real NHS Jobs adverts read from ../shared/data (never copied)."""

from __future__ import annotations

import gzip
import json

import pytest

from services.taxonomy import extract
from tests.conftest import shared_data_file

pytestmark = pytest.mark.realdata


def test_real_adverts_give_valid_spans_and_codes() -> None:
    path = shared_data_file("nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz")
    seen = 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text, title = record.get("description") or "", record.get("title") or ""
            extraction = extract(text, title=title)
            for hit in extraction.skills:
                for span in hit.evidence:
                    original = title if span.field == "title" else text
                    assert original[span.start : span.end] == span.text
            assert extraction.soc_code is None or len(extraction.soc_code) == 4
            seen += 1
            if seen >= 150:
                break
    assert seen == 150
