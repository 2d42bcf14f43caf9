"""The deferred JobPosting reader: the same records as the eager one, hashed on raw content."""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import json
import os
import pickle
from pathlib import Path

import orjson
import pytest

from services.common.ingest import Deferred, Reject
from services.vacancies.adapters.jobposting import (
    ADAPTER_VERSION,
    defer_jobposting,
    jobposting_to_record,
    parse_jobposting,
)
from services.vacancies.adapters.records import VacancyRecord

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "nhs_jobs"
    / "nhs_jobs_2020_jobposting.jsonl.gz"
)

POSTING = {
    "@type": "JobPosting",
    "identifier": {"@type": "PropertyValue", "value": "P-1"},
    "title": "Porter",
    "description": "&lt;p&gt;Moving patients&lt;/p&gt;",
    "jobLocation": {"@type": "Place", "address": {"postalCode": "B15 2TT"}},
}


def deferred_items(body: bytes) -> list[Deferred[VacancyRecord] | VacancyRecord | Reject]:
    return list(defer_jobposting(io.BytesIO(body)))


def built(item: Deferred[VacancyRecord] | VacancyRecord | Reject) -> VacancyRecord | Reject:
    return item.build() if isinstance(item, Deferred) else item


@pytest.mark.parametrize(
    "name", ["jobposting_messy.jsonl", "jobposting_array.json", "jobposting_single.json"]
)
def test_building_every_deferred_advert_gives_what_the_eager_reader_gives(name: str) -> None:
    body = (FIXTURES / name).read_bytes()
    eager = list(parse_jobposting(io.BytesIO(body)))
    lazy = deferred_items(body)
    assert [built(item) for item in lazy] == eager
    for item, record in zip(lazy, eager, strict=True):
        if isinstance(item, Deferred):
            assert item.external_id == record.external_id


def test_adverts_without_an_id_are_rejected_at_once() -> None:
    body = b'{"@type": "JobPosting", "title": "Porter"}\n[1, 2]\n'
    items = deferred_items(body)
    assert all(isinstance(item, Reject) for item in items)
    assert [item.position for item in items if isinstance(item, Reject)] == [0, 1]


def test_an_advert_without_a_title_is_deferred_and_builds_into_a_reject() -> None:
    (item,) = deferred_items(json.dumps({"@type": "JobPosting", "identifier": "T-9"}).encode())
    assert isinstance(item, Deferred) and item.external_id == "T-9"
    assert item.build() == Reject(0, "T-9", "no title")


def test_the_hash_ignores_key_order_and_spacing_but_not_content() -> None:
    reordered = dict(reversed(list(POSTING.items())))
    lines = [
        json.dumps(POSTING),
        json.dumps(reordered, indent=None, separators=(",", ":")),
        json.dumps({**POSTING, "title": "Porter "}),
        json.dumps({**POSTING, "jobLocation": {"address": {"postalCode": "B15 2TU"}}}),
    ]
    items = deferred_items("\n".join(lines).encode())
    hashes = [item.raw_hash for item in items if isinstance(item, Deferred)]
    assert len(hashes) == 4
    assert hashes[0] == hashes[1]
    assert len({hashes[0], hashes[2], hashes[3]}) == 3


def test_the_hash_covers_the_adapter_version_and_the_canonical_advert() -> None:
    (item,) = deferred_items(json.dumps(POSTING).encode())
    assert isinstance(item, Deferred)
    canonical = orjson.dumps(POSTING, option=orjson.OPT_SORT_KEYS)
    expected = hashlib.sha256(ADAPTER_VERSION.encode() + b"\n" + canonical).hexdigest()
    assert item.raw_hash == expected
    assert item.raw_hash != hashlib.sha256(canonical).hexdigest()


def test_a_python_repr_advert_is_deferred_and_one_json_cannot_hold_is_read_at_once() -> None:
    as_repr = repr(POSTING)  # the whole advert as a Python-repr string
    odd = repr({**POSTING, "skills": {"lifting", "driving"}})  # holds a set
    repr_item, odd_item = deferred_items(json.dumps([as_repr, odd]).encode())
    assert isinstance(repr_item, Deferred)
    assert repr_item.build() == jobposting_to_record(POSTING, 0)
    assert isinstance(odd_item, VacancyRecord) and odd_item.external_id == "P-1"


def test_a_deferred_advert_survives_pickling_for_worker_processes() -> None:
    (item,) = deferred_items(json.dumps(POSTING).encode())
    assert isinstance(item, Deferred)
    copy = pickle.loads(pickle.dumps(item))
    assert copy.raw_hash == item.raw_hash and copy.build() == item.build()


@pytest.mark.realdata
def test_deferred_equals_eager_on_real_adverts() -> None:
    if not CORPUS.exists():
        message = f"real NHS Jobs corpus not found at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: real-data tests must not skip)")
        pytest.skip(message)
    with gzip.open(CORPUS, "rb") as stream:
        body = b"".join(itertools.islice(stream, 0, None, 7))  # every 7th advert
    eager = list(parse_jobposting(io.BytesIO(body)))
    assert len(eager) > 2000
    assert [built(item) for item in deferred_items(body)] == eager
