"""Data-loss drills against real processes killed with SIGKILL (no clean shutdown, no atexit).

* ``routeway serve`` (embedded mode, its own data folder and port, events on Redis so they
  outlive the process) is killed part-way through ingesting a 2,400-advert feed over HTTP,
  restarted on the same folder, and sent the same feed again: exactly 2,400 vacancies, no
  duplicate, and a consumer that dedupes on event id sees exactly one ``vacancy.created`` per
  vacancy (the outbox may publish an event twice across a crash, never lose one).
* A writer using the services' own SQLite engine (WAL, ``synchronous=NORMAL``) is killed in the
  middle of a stream of transactions: the file opens, ``integrity_check`` is ``ok``, every
  transaction the writer saw committed is there, and no transaction is there in part.

``tests/vacancies/test_crash_recovery.py`` kills the ``routeway ingest`` command the same way;
``tests/e2e/test_drills.py`` kills a matching replica under load in distributed mode.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import create_engine, text

from deploy.run_distributed import free_ports, wait_ready
from services.common.settings import Settings
from services.demo.vacancies import demo_vacancies_jsonl
from tests.conftest import REDIS_URL, count_rows, make_key, unavailable

ROOT = Path(__file__).resolve().parents[2]
ADVERTS = 2400  # over the ingest pipeline's 2,000-record threshold for parallel parsing
DRILL_REDIS_DB = 14  # apart from the e2e suite (9) and make run (0)
SECRET = "drill-secret-" + "x" * 16


def _ids(db: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return {str(row[0]) for row in conn.execute(text("SELECT id FROM vacancy"))}
    finally:
        engine.dispose()


@pytest.fixture
def drill_redis() -> Iterator[str]:
    """Redis database 14 with no ``routeway:*`` keys left from an earlier drill."""
    import redis

    url = f"{REDIS_URL.rsplit('/', 1)[0]}/{DRILL_REDIS_DB}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {url}: {exc}")
    for key in client.scan_iter("routeway:*"):
        client.delete(key)
    yield url
    for key in client.scan_iter("routeway:*"):
        client.delete(key)
    client.close()


class Server:
    """``routeway serve`` in its own process group, so SIGKILL takes it and its workers at once."""

    def __init__(self, data_dir: Path, redis_url: str) -> None:
        (self.port,) = free_ports(1)
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ROUTEWAY_")},
            "ROUTEWAY_ENVIRONMENT": "test",
            "ROUTEWAY_DEMO_DATA": "0",
            "ROUTEWAY_DATA_DIR": str(data_dir),
            "ROUTEWAY_REDIS_URL": redis_url,
            "ROUTEWAY_SECRET_KEY": SECRET,
            "ROUTEWAY_RATE_LIMIT_PER_MINUTE": "100000",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.data_dir / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_ready(self.url, 180, self.process)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _stream_events(redis_url: str, stream: str) -> list[dict[str, object]]:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        entries: Any = client.xrange(f"routeway:{stream}")
    finally:
        client.close()
    return [orjson.loads(next(iter(fields.values()))) for _, fields in entries]


def _eventually(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.integration  # events on Redis, so they outlive the killed process
def test_kill_9_the_server_mid_ingest_then_rerun_the_feed(tmp_path: Path, drill_redis: str) -> None:
    data_dir = tmp_path / "var"
    settings = Settings(_env_file=None, environment="test", data_dir=data_dir, secret_key=SECRET)
    headers = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
    feed = demo_vacancies_jsonl(n=ADVERTS, seed=5, today=date.today())
    db = data_dir / "vacancies.db"
    url = "/v1/ingest/vacancies?source=drill&format=jobposting-jsonld"
    server = Server(data_dir, drill_redis)
    server.start()
    try:
        outcome: list[object] = []

        def post() -> None:
            try:
                outcome.append(
                    httpx.post(server.url + url, headers=headers, content=feed, timeout=300)
                )
            except httpx.HTTPError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=post)
        sender.start()
        _eventually(
            lambda: db.exists() and count_rows(db, "SELECT count(*) FROM vacancy") >= 200,
            240,
            "rows",
        )
        server.kill()
        sender.join(timeout=60)
        assert outcome and isinstance(outcome[0], httpx.HTTPError), "the kill should cut the upload"
        written = count_rows(db, "SELECT count(*) FROM vacancy")
        assert 0 < written < ADVERTS, written

        server.start()  # same folder, same Redis
        assert count_rows(db, "SELECT count(*) FROM ingest_run WHERE status = 'interrupted'") == 1
        rerun = httpx.post(server.url + url, headers=headers, content=feed, timeout=600)
        assert rerun.status_code == 200, rerun.text
        counts = rerun.json()["counts"]
        assert counts["received"] == ADVERTS and counts["rejected"] == 0
        # committed before the kill: unchanged now (a batch cut by the kill was never committed)
        assert (counts["created"], counts["unchanged"]) == (ADVERTS - written, written)
        assert count_rows(db, "SELECT count(*) FROM vacancy") == ADVERTS
        assert count_rows(db, "SELECT count(DISTINCT external_id) FROM vacancy") == ADVERTS
        _eventually(
            lambda: count_rows(db, "SELECT count(*) FROM outbox") == 0, 60, "the outbox to drain"
        )

        ids = _ids(db)
        published = _stream_events(drill_redis, "vacancies")
        by_event_id = {str(e["id"]): e for e in published}  # what a consumer deduping on id keeps
        created = Counter(
            str(e["key"]) for e in by_event_id.values() if e["type"] == "vacancy.created"
        )
        assert set(created) == ids, "a vacancy without its event, or an event without its vacancy"
        assert set(created.values()) == {1}, "a vacancy announced twice under different event ids"
        assert {e["type"] for e in by_event_id.values()} == {"vacancy.created"}
        resent = len(published) - len(by_event_id)
        print(
            f"\ndrill: {written} committed before the kill, {ADVERTS - written} after; "
            f"{len(published)} events published, {resent} re-sent duplicates, {len(by_event_id)} distinct"
        )

        # and the API agrees, page by page, with no vacancy twice
        seen: list[str] = []
        cursor: str | None = None
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            while True:
                params: dict[str, Any] = {"source": "drill", "limit": 200}
                if cursor:
                    params["cursor"] = cursor
                page = client.get("/v1/vacancies", params=params).json()
                seen += [v["id"] for v in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
        assert len(seen) == len(set(seen)) == ADVERTS
    finally:
        server.stop()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sqlalchemy import text
    from services.common.db import create_service_engine
    from services.common.settings import Settings

    settings = Settings(_env_file=None, environment="test", data_dir=Path(sys.argv[1]))
    engine = create_service_engine(settings, "vacancies")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS drill (txn INTEGER, n INTEGER, payload TEXT)"))
    txn = 0
    while True:
        txn += 1
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO drill VALUES (:t, :n, :p)"),
                [{"t": txn, "n": n, "p": "x" * 2000} for n in range(50)],
            )
        print(txn, flush=True)
    """
)


def test_sqlite_wal_survives_kill_9_during_writes(tmp_path: Path) -> None:
    committed = 0
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as writer:
        assert writer.stdout is not None and writer.stderr is not None
        try:
            while committed < 300:  # 300 transactions of 50 rows, ~30 MB through the WAL
                line = writer.stdout.readline()
                assert line, writer.stderr.read().decode()
                committed = int(line)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
    db = tmp_path / "vacancies.db"
    assert (tmp_path / "vacancies.db-wal").exists(), "the kill should leave a WAL to recover"
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            per_txn = conn.execute(text("SELECT txn, count(*) FROM drill GROUP BY txn")).all()
    finally:
        engine.dispose()
    txns = {int(txn): int(rows) for txn, rows in per_txn}
    assert all(txns.get(t) == 50 for t in range(1, committed + 1)), (
        "a committed transaction is missing"
    )
    assert set(txns.values()) == {50}, "a transaction survived in part"
    assert max(txns) in (committed, committed + 1)  # at most the one in flight at the kill
