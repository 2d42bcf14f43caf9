"""A real kill -9 part-way through a feed loses nothing and duplicates nothing on the re-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from services.demo.vacancies import demo_vacancies_jsonl
from tests.conftest import count_rows

ROOT = Path(__file__).resolve().parents[2]
RECORDS = 2000


def _ingest(feed: Path, data_dir: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ROUTEWAY_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    command = [sys.executable, "-m", "gateway.cli", "ingest", "vacancies", str(feed)]
    command += ["--source", "crash-test", "--format", "jobposting-jsonld"]
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_kill_mid_ingest_then_rerun_gives_exact_counts(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(demo_vacancies_jsonl(n=RECORDS, seed=3, today=date(2026, 11, 23)))
    data_dir = tmp_path / "var"
    db = data_dir / "vacancies.db"
    first = _ingest(feed, data_dir, quiet=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if db.exists():
            try:
                if count_rows(db, "SELECT COUNT(*) FROM vacancy") > 0:
                    break
            except Exception:  # tables not created yet
                pass
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    written = count_rows(db, "SELECT COUNT(*) FROM vacancy")
    assert 0 < written < RECORDS, "the kill should land part-way through the feed"
    # whatever was committed is whole: every vacancy has its outbox event, and the run's counts match
    assert count_rows(db, "SELECT COUNT(*) FROM outbox") == written
    assert count_rows(db, "SELECT MAX(created) FROM ingest_run") == written

    second = _ingest(feed, data_dir)
    output = second.communicate(timeout=300)[0].decode()
    assert second.returncode == 0, output
    assert count_rows(db, "SELECT COUNT(*) FROM vacancy") == RECORDS
    assert count_rows(db, "SELECT COUNT(DISTINCT external_id) FROM vacancy") == RECORDS
    assert count_rows(db, "SELECT COUNT(*) FROM outbox") == RECORDS
    last_created = count_rows(db, "SELECT created FROM ingest_run ORDER BY started_at DESC LIMIT 1")
    last_unchanged = count_rows(
        db, "SELECT unchanged FROM ingest_run ORDER BY started_at DESC LIMIT 1"
    )
    assert (last_created, last_unchanged) == (RECORDS - written, written)
