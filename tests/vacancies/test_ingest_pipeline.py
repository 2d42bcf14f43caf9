"""Vacancy ingestion end to end below HTTP: unchanged adverts cost no parse, changed ones are
replaced in bulk, events describe the stored rows, and a worker pool changes nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from services.common.db import create_service_engine
from services.common.ingest import Deferred
from services.common.ingest_runs import RunView, create_run, run_feed
from services.common.migrations import upgrade
from services.common.settings import Settings
from services.demo.vacancies import demo_vacancies_jsonl
from services.vacancies import service
from services.vacancies.adapters import jobposting
from tests.vacancies.stored import outbox_events, vacancy_rows

TODAY = date(2026, 11, 23)


def make_engine(folder: Path) -> Engine:
    settings = Settings(_env_file=None, data_dir=folder)
    engine = create_service_engine(settings, "vacancies")
    upgrade("vacancies", engine)
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(tmp_path / "one")
    yield engine
    engine.dispose()


def posting(ref: str, title: str, **extra: object) -> dict[str, object]:
    return {
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "value": ref},
        "title": title,
        "description": "&lt;p&gt;Support patients on the ward.&lt;/p&gt;",
        "hiringOrganization": {"name": "Riverside NHS Trust"},
        "jobLocation": {"address": {"postalCode": "B15 2TT"}},
        "validThrough": "2099-01-31",
        **extra,
    }


def feed(*postings: dict[str, object]) -> bytes:
    return "\n".join(json.dumps(p) for p in postings).encode()


def ingest(engine: Engine, body: bytes, **options: Any) -> RunView:
    return service.ingest_feed(
        engine, io.BytesIO(body), source="src", format="jobposting-jsonld", **options
    )


def vacancies(engine: Engine) -> dict[str, dict[str, Any]]:
    return {row["external_id"]: row for row in vacancy_rows(engine)}


def events(engine: Engine) -> list[dict[str, Any]]:
    return outbox_events(engine)


def test_a_rerun_parses_and_enriches_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []
    real_build = jobposting.build_jobposting

    def counting_build(canonical: bytes, position: int) -> Any:
        built.append(position)
        return real_build(canonical, position)

    monkeypatch.setattr(jobposting, "build_jobposting", counting_build)
    body = feed(posting("A", "Porter"), posting("B", "Ward Clerk"), posting("C", "Cook"))
    first = ingest(engine, body)
    assert (first.counts.created, built) == (3, [0, 1, 2])
    built.clear()
    again = ingest(engine, body)
    assert (again.counts.unchanged, again.counts.created, again.counts.updated) == (3, 0, 0)
    assert built == []


def test_the_stored_hash_is_the_raw_hash_of_the_advert(engine: Engine) -> None:
    body = feed(posting("A", "Porter"))
    (item,) = list(service.INGESTION.adapters["jobposting-jsonld"](io.BytesIO(body)))
    assert isinstance(item, Deferred)
    ingest(engine, body)
    assert vacancies(engine)["A"]["content_hash"] == item.raw_hash


def test_a_changed_advert_is_replaced_keeping_its_id_creation_and_first_posting(
    engine: Engine,
) -> None:
    ingest(engine, feed(posting("A", "Porter", datePosted="2026-11-01T09:00:00Z")))
    before = vacancies(engine)["A"]
    run = ingest(engine, feed(posting("A", "Senior Porter")))  # no datePosted this time
    after = vacancies(engine)["A"]
    assert (run.counts.updated, run.counts.created) == (1, 0)
    assert after["title"] == "Senior Porter"
    assert after["id"] == before["id"]
    assert after["created_at"] == before["created_at"]
    assert after["posted_at"] == before["posted_at"]
    assert after["content_hash"] != before["content_hash"]
    assert after["updated_at"] > before["updated_at"]


def test_each_event_describes_the_row_as_stored(engine: Engine) -> None:
    ingest(engine, feed(posting("A", "Porter"), posting("B", "Cook")))
    ingest(engine, feed(posting("A", "Porter (Nights)"), posting("B", "Cook")))
    rows = vacancies(engine)
    sent = events(engine)
    assert [(e["type"], e["data"]["external_id"]) for e in sent] == [
        ("vacancy.created", "A"),
        ("vacancy.created", "B"),
        ("vacancy.updated", "A"),
    ]
    for event in sent[1:]:
        row = rows[event["data"]["external_id"]]
        assert event["key"] == row["id"]
        assert event["data"] == json.loads(
            json.dumps(service.vacancy_event_data(row, today=date.today()))
        )


def run_with(engine: Engine, body: bytes, workers: int) -> RunView:
    create_run(engine, "vrun_test", source="demo", format="jobposting-jsonld", mode="delta")
    return run_feed(
        engine,
        "vrun_test",
        service.INGESTION.adapters["jobposting-jsonld"](io.BytesIO(body)),
        service.VacancyTarget(),
        source="demo",
        mode="delta",
        batch_size=50,
        workers=workers,
        parallel_min=0,
    )


class WarmPool(ProcessPoolExecutor):
    """A pool whose warm-up tasks (the first one per worker) finish before ``submit`` returns,
    so that the pipeline sends the batches after them to the workers, not to itself."""

    def __init__(self, workers: int, **options: Any) -> None:
        super().__init__(workers, **options)
        self.workers = workers
        self.submitted = 0
        POOLS.append(self)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = super().submit(fn, *args, **kwargs)
        self.submitted += 1
        if self.submitted <= self.workers:
            future.result()
        return future


POOLS: list[WarmPool] = []


def test_a_worker_pool_stores_the_same_rows_and_events_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.common.ingest_runs.ProcessPoolExecutor", WarmPool)
    monkeypatch.setattr("services.common.ingest_runs.START_POOL_IN_BACKGROUND", False)
    POOLS.clear()
    lines = demo_vacancies_jsonl(n=120, seed=11, today=TODAY).splitlines()
    lines.insert(40, b'{"@type": "JobPosting", "identifier": "NO-TITLE"}')
    lines.insert(90, lines[10])  # the same advert twice, in different batches
    body = b"\n".join(lines)

    results = []
    for workers in (1, 2):
        engine = make_engine(tmp_path / f"w{workers}")
        try:
            run = run_with(engine, body, workers)
            rows = {
                k: {c: v for c, v in row.items() if c not in ("created_at", "updated_at")}
                for k, row in vacancies(engine).items()
            }
            sent = [(e["type"], e["key"], e["data"]) for e in events(engine)]
            results.append((run.counts, run.rejects, rows, sent))
        finally:
            engine.dispose()
    (pool,) = POOLS  # only the second run has a pool ...
    assert pool.submitted > pool.workers  # ... and it was sent batches after its warm-up
    one, pooled = results
    assert one == pooled
    counts = one[0]
    assert (counts.received, counts.created, counts.unchanged, counts.rejected) == (122, 120, 1, 1)


def test_the_worker_preload_leaves_enrichment_fully_loaded() -> None:
    """What the pool's fork server imports loads the classifier too, so forked workers
    start with everything ``enrich`` needs (checked in a fresh interpreter)."""
    check = (
        "import services.vacancies.worker_preload\n"
        "from services.taxonomy.classifier import load_classifier\n"
        "assert load_classifier.cache_info().currsize == 1, 'classifier not loaded'\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", check], cwd=root, check=True, timeout=120)
