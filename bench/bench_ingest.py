"""Vacancy ingest throughput through the API, on the real NHS Jobs adverts.

``python -m bench.bench_ingest [--limit N]``

Builds the embedded gateway (all services in this process, as ``make run`` does) on a fresh
data folder, makes an admin key, and posts
``../shared/data/nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz`` (14,842 schema.org JobPosting
adverts, decompressed in memory and never written anywhere) to
``POST /v1/ingest/vacancies?format=jobposting-jsonld`` three times:

1. into the empty database: every advert is new, parsed and enriched (taxonomy extraction
   when ``services.taxonomy`` is importable), and written with its outbox event; this first
   large feed of the process also starts the ingest workers' fork server;
2. the same body again, once the outbox relay has published the first run's events: every
   advert is unchanged and skipped by its raw content hash;
3. the same body under a second source name: every advert is new again, on a service whose
   fork server is warm, as it is for every large feed after a service's first.

For each it prints adverts per second over the whole request (upload, spooling, ingest,
response), over the run alone (the run's ``started_at`` to ``finished_at``) and per CPU
second spent on the request (every thread of this process plus the ingest's worker
processes and their fork server), as a markdown table, with the CPU count and load
averages: other processes share the machine, and the CPU figure is the one they disturb
least.
Without the file it prints why and exits 0 (1 under ``CI=true``).
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import resource
import sqlite3
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    REPO_ROOT.parent / "shared" / "data" / "nhs_jobs" / "nhs_jobs_2020_jobposting.jsonl.gz"
)
TARGETS = {"new": 1_000.0, "unchanged": 10_000.0, "new, second source": 1_000.0}
# (label, source): the file as new adverts, the same again (all unchanged), then the file under
# a second source name (all new again) on a service whose worker fork server is already warm,
# as it is for every feed after a service's first large one
RUNS = (
    ("new", "nhs-jobs-2020"),
    ("unchanged", "nhs-jobs-2020"),
    ("new, second source", "nhs-jobs-2020-copy"),
)


@dataclass(frozen=True)
class Measured:
    """One POST of the feed and what it did."""

    label: str
    counts: dict[str, int]
    request_s: float
    run_s: float
    cpu_s: float  # this process (every thread) plus its worker processes

    def rate(self, seconds: float) -> float:
        return self.counts["received"] / seconds if seconds > 0 else float("inf")


def read_body(path: Path, limit: int | None) -> bytes:
    """The feed decompressed (the first ``limit`` lines when given)."""
    with gzip.open(path, "rb") as handle:
        if limit is None:
            return handle.read()
        return b"".join(line for _, line in zip(range(limit), handle, strict=False))


def _run_seconds(run: dict[str, Any]) -> float:
    started = datetime.fromisoformat(run["started_at"])
    finished = datetime.fromisoformat(run["finished_at"])
    return (finished - started).total_seconds()


@dataclass(frozen=True)
class Outcome:
    """The runs, how long the outbox took to publish the first run's events, what was enriched."""

    runs: list[Measured]
    drain_s: float
    enriched: int


def _descendants_cpu_seconds() -> float:
    """CPU time of this process's live descendants and of the children they reaped.

    The ingest workers are forked by a fork server, a child of this process that outlives
    the run: their time shows in the server's reaped-children figures, not in this
    process's ``RUSAGE_CHILDREN``. Linux ``/proc`` only; 0 elsewhere.
    """
    children: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    total, todo = 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


def _cpu_seconds() -> float:
    """CPU time of this process, of its children that ended, and of its live descendants."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        time.process_time()
        + children.ru_utime
        + children.ru_stime
        + (_descendants_cpu_seconds() if Path("/proc/self/stat").exists() else 0.0)
    )


def _reap_workers(timeout_s: float = 60.0) -> None:
    """Wait for the run's worker processes to end, so that their CPU time is counted."""
    deadline = time.perf_counter() + timeout_s
    while multiprocessing.active_children() and time.perf_counter() < deadline:
        time.sleep(0.05)


def _outbox_rows(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])


def _wait_for_outbox(db_path: Path, timeout_s: float = 600.0) -> float:
    """Seconds until the outbox relay has published every event (it runs in the gateway)."""
    started = time.perf_counter()
    while _outbox_rows(db_path) and time.perf_counter() - started < timeout_s:
        time.sleep(0.1)
    return time.perf_counter() - started


def measure(body: bytes) -> Outcome:
    """The three runs on a fresh embedded gateway."""
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

    from gateway import keys
    from gateway.app import create_app
    from services.common.db import create_service_engine, unit_of_work
    from services.common.logging import configure_logging
    from services.common.migrations import upgrade
    from services.common.settings import Settings

    configure_logging("WARNING", json=False)  # request logs would bury the table

    with tempfile.TemporaryDirectory(prefix="routeway-bench-") as folder:
        settings = Settings(
            _env_file=None,
            environment="test",
            data_dir=Path(folder),
            demo_data=False,
            log_level="WARNING",
        )
        engine = create_service_engine(settings, "gateway")
        upgrade("gateway", engine)
        with unit_of_work(engine) as session:
            key = keys.create_key(session, role="admin", label="bench").key
        engine.dispose()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
        db_path = Path(folder) / "vacancies.db"
        results: list[Measured] = []
        drain_s = 0.0
        with TestClient(create_app(settings)) as client:
            for label, source in RUNS:
                params = {"source": source, "format": "jobposting-jsonld"}
                started, cpu_started = time.perf_counter(), _cpu_seconds()
                response = client.post(
                    "/v1/ingest/vacancies", params=params, headers=headers, content=body
                )
                elapsed = time.perf_counter() - started
                _reap_workers()
                cpu = _cpu_seconds() - cpu_started
                if response.status_code != 200:
                    raise SystemExit(f"ingest failed: {response.status_code} {response.text}")
                run = response.json()
                results.append(Measured(label, run["counts"], elapsed, _run_seconds(run), cpu))
                if label == "new":
                    # the re-run starts on a quiet service, not beside 14,842 events in flight
                    drain_s = _wait_for_outbox(db_path)
                elif label == "unchanged":
                    _wait_for_outbox(db_path)
        with sqlite3.connect(db_path) as db:
            enriched = int(
                db.execute(
                    "SELECT COUNT(*) FROM vacancy WHERE enriched_with IS NOT NULL"
                ).fetchone()[0]
            )
    return Outcome(results, drain_s, enriched)


def table(results: list[Measured]) -> str:
    """The figures as a markdown table."""
    lines = [
        "| run | adverts | created | unchanged | request s | adverts/s (request) "
        "| run s | adverts/s (run) | CPU s | adverts/CPU-s | target/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results:
        c = m.counts
        lines.append(
            f"| {m.label} | {c['received']:,} | {c['created']:,} | {c['unchanged']:,} "
            f"| {m.request_s:.1f} | {m.rate(m.request_s):,.0f} "
            f"| {m.run_s:.1f} | {m.rate(m.run_s):,.0f} "
            f"| {m.cpu_s:.1f} | {m.rate(m.cpu_s):,.0f} | {TARGETS[m.label]:,.0f} |"
        )
    return "\n".join(lines)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="vacancy ingest adverts/second through the API")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N adverts")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: the NHS Jobs advert file {args.data} is absent")
        return 1 if os.environ.get("CI") == "true" else 0
    sys.path.insert(0, str(REPO_ROOT))
    body = read_body(args.data, args.limit)
    load_before = _load()
    outcome = measure(body)
    print(table(outcome.runs))
    print()
    print(
        f"{os.cpu_count()} CPUs; load average (1/5/15 min) {load_before} before, "
        f"{_load()} after; {outcome.enriched:,} of {sum(r.counts['created'] for r in outcome.runs):,} "
        "stored adverts enriched by the taxonomy; the outbox finished publishing the new "
        f"run's events {outcome.drain_s:.1f}s after its response"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
