"""Failure drills on the distributed deployment (``make run-distributed``'s script).

* kill -9 one matching replica while requests flow: the gateway sends them to the other. Only
  requests in flight at the kill may fail (and those that are safe to resend are resent), none
  started after it; restarted, the replica rebuilds from the snapshots, catches up on what it
  missed and then follows the streams.
* stop a service: the gateway answers 503 problem+json naming it (its ``/readyz`` stays 200,
  ``degraded``: the outage is not the gateway's), and serves again once it is back.
* stop Redis (the deployment's private ``redis-server``): reads keep being served, ``/readyz``
  says ``degraded``, an ingest's events wait in the outbox; Redis back (empty: it kept
  nothing) -> the outbox drains, the replicas notice their groups are gone, rebuild from the
  snapshots and follow the new streams: nothing written during the outage is lost.

Each drill puts the deployment back as it found it (the journey suite may run after it).
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.run_distributed import Recorded
from services.common.auth import Caller, identity_headers
from tests.e2e.conftest import SECRET, Deployment
from tests.e2e.test_journey import PROFILE, eventually, ingest, vacancy_feed

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

WORKERS = 4
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Outcome:
    """One request of the load: when it started and ended, and its status (0: no answer)."""

    started: float
    ended: float
    status: int


def _load(
    deployment: Deployment, headers: dict[str, str], stop: threading.Event, outcomes: list[Outcome]
) -> None:
    """Match, skill look-ups and route plans (POST and GET) until ``stop``."""
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", "/v1/match", {**PROFILE, "limit": 5}),
        ("GET", "/v1/skills?q=care", None),
        ("POST", "/v1/routes", {"profile": PROFILE, "role": "healthcare-support-worker"}),
    ]
    with deployment.client() as client:
        i = 0
        while not stop.is_set():
            method, path, body = calls[i % len(calls)]
            i += 1
            started = time.monotonic()
            try:
                status = client.request(method, path, headers=headers, json=body).status_code
            except httpx.HTTPError:
                status = 0
            outcomes.append(Outcome(started, time.monotonic(), status))


def _gone(pid: int, within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z":
            return  # a zombie: dead, waiting for its parent to reap it
        time.sleep(0.02)
    pytest.fail(f"pid {pid} still runs")


def _replica_matches(url: str, profile: dict[str, Any]) -> list[str]:
    """Vacancy ids one matching replica (asked directly, as the gateway would) returns."""
    headers = identity_headers(Caller(role="jobseeker_app", key_id="drill"), SECRET)
    response = httpx.post(f"{url}/v1/match", headers=headers, json={**profile, "limit": 200}, timeout=30)
    assert response.status_code == 200, response.text
    return [m["vacancy_id"] for m in response.json()["matches"]]


def _on_every_replica(replicas: list[Recorded], vacancy_id: str, within_s: float, what: str) -> None:
    """Wait until every matching replica, asked directly, matches ``vacancy_id``."""
    for replica in replicas:
        has_it = functools.partial(_matched_by, replica.url, vacancy_id)
        eventually(has_it, within_s, f"{replica.name}: {what}", 0.1)


def _matched_by(url: str, vacancy_id: str) -> bool:
    return vacancy_id in _replica_matches(url, PROFILE)


def _pending(deployment: Deployment, replica_url: str) -> int:
    """Entries the replica's index groups hold pending (read, not acked) on both streams."""
    import redis

    assert deployment.redis is not None
    group = f"matching-index:{socket.gethostname()}:{replica_url.rsplit(':', 1)[1]}"
    client = redis.Redis.from_url(deployment.redis.url)
    try:
        return sum(
            int(client.xpending(f"routeway:{stream}", group)["pending"])
            for stream in ("vacancies", "courses")
        )
    finally:
        client.close()


def _outbox_rows(deployment: Deployment, service: str) -> int:
    """Events committed by ``service`` and not yet published."""
    import psycopg

    assert deployment.settings is not None and deployment.settings.database_url
    with psycopg.connect(deployment.settings.database_url) as conn:
        row = conn.execute(f"SELECT count(*) FROM routeway_{service}.outbox").fetchone()
    assert row is not None
    return int(row[0])


def _vacancy_id(client: httpx.Client, headers: dict[str, str], token: str) -> str:
    (item,) = client.get(f"/v1/vacancies?q={token}", headers=headers).json()["items"]
    return str(item["id"])


def test_kill_a_matching_replica_under_load_then_restart_it(distributed_deployment: Deployment) -> None:
    deployment = distributed_deployment
    admin = deployment.headers("admin")
    app = deployment.headers("jobseeker_app")  # before the threads: key creation migrates
    victim = deployment.process("matching-1")
    stop = threading.Event()
    outcomes: list[Outcome] = []
    workers = [threading.Thread(target=_load, args=(deployment, app, stop, outcomes)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    try:
        eventually(lambda: len(outcomes) >= 20, 30, "load on the gateway")
        os.kill(victim.pid, signal.SIGKILL)
        _gone(victim.pid)
        killed_at = time.monotonic()
        eventually(lambda: sum(o.started > killed_at for o in outcomes) >= 40, 30, "load after the kill")
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)

    failed = [o for o in outcomes if o.status == 0 or o.status >= 500]
    assert len(failed) <= WORKERS, f"more failures than requests in flight: {failed}"
    in_flight = [o for o in failed if o.started <= killed_at]
    assert in_flight == failed, "a request started after the kill failed"
    assert {o.status for o in outcomes if o.started > killed_at} == {200}

    with deployment.client() as client:
        ready = client.get("/readyz").json()
        assert ready["checks"]["matching"] == "degraded: 1 of 2 replicas ready"

        # while it is down a vacancy comes in; the survivor sees it
        missed = "drill" + uuid.uuid4().hex[:8]
        ingest(client, admin, "vacancies", vacancy_feed(missed, ["Receptionist"]), "jobposting-jsonld")
        missed_id = _vacancy_id(client, admin, missed)
        survivor = deployment.process("matching-2")
        eventually(lambda: missed_id in _replica_matches(survivor.url, PROFILE), 2.0, "the survivor's update")

        restarted = deployment.run_script("restart", "matching-1")
        assert restarted.returncode == 0, restarted.stderr
        replica = deployment.process("matching-1")
        assert replica.pid != victim.pid and replica.url == victim.url

        # rebuilt from the snapshots: it has what it missed ...
        eventually(lambda: missed_id in _replica_matches(replica.url, PROFILE), 30.0, "the catch-up", 0.2)
        # ... and follows the streams from the snapshot's position
        later = "drill" + uuid.uuid4().hex[:8]
        ingest(client, admin, "vacancies", vacancy_feed(later, ["Receptionist"]), "jobposting-jsonld")
        later_id = _vacancy_id(client, admin, later)
        eventually(lambda: later_id in _replica_matches(replica.url, PROFILE), 2.0, "the restarted replica's update")
        ids = _replica_matches(replica.url, PROFILE)
        assert len(ids) == len(set(ids)), "an event applied twice left a duplicate"
        # what the killed replica had read and not acked was re-claimed by its restart
        eventually(lambda: _pending(deployment, replica.url) == 0, 10, "the re-claim")
        eventually(
            lambda: sorted(_replica_matches(replica.url, PROFILE)) == sorted(_replica_matches(survivor.url, PROFILE)),
            2.0,
            "the same matches on both replicas",
        )
        eventually(lambda: client.get("/readyz").json()["checks"]["matching"] == "ok", 10, "both replicas ready")


def test_a_stopped_service_is_a_503_naming_it_until_it_returns(distributed_deployment: Deployment) -> None:
    deployment = distributed_deployment
    headers = deployment.headers("jobseeker_app")
    training = deployment.process("training")
    with deployment.client() as client:
        assert client.get("/v1/courses", headers=headers).status_code == 200
        os.kill(training.pid, signal.SIGTERM)
        _gone(training.pid, within_s=30)

        response = client.get("/v1/courses", headers=headers)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        problem = response.json()
        assert problem["service"] == "training" and "training" in problem["detail"]
        assert problem["status"] == 503 and problem["request_id"]
        assert training.url not in response.text
        ready = client.get("/readyz")  # not the gateway's fault: it stays in its Service
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["training"] == "unavailable"
        # the other services still answer
        assert client.get("/v1/vacancies", headers=headers).status_code == 200

        restarted = deployment.run_script("restart", "training")
        assert restarted.returncode == 0, restarted.stderr
        eventually(
            lambda: client.get("/v1/courses", headers=headers).status_code == 200,
            30.0,
            "the gateway serving courses again",
            0.5,
        )
        eventually(lambda: client.get("/readyz").json()["status"] == "ok", 10, "ready again")


def test_stop_redis_reads_go_on_writes_wait_in_the_outbox_then_arrive(
    distributed_deployment: Deployment,
) -> None:
    deployment = distributed_deployment
    assert deployment.redis is not None
    admin = deployment.headers("admin")
    app = deployment.headers("jobseeker_app")
    replicas = [r for r in deployment.processes() if r.name.startswith("matching-")]
    with deployment.client() as client:
        before = "redis" + uuid.uuid4().hex[:8]
        ingest(client, admin, "vacancies", vacancy_feed(before, ["Receptionist"]), "jobposting-jsonld")
        before_id = _vacancy_id(client, admin, before)
        _on_every_replica(replicas, before_id, 5.0, "before the outage")

        deployment.redis.stop()
        try:
            # reads are served from PostgreSQL and the replicas' indexes
            for _ in range(3):
                assert client.get(f"/v1/vacancies?q={before}", headers=app).status_code == 200
                response = client.post("/v1/match", headers=app, json={**PROFILE, "limit": 200})
                assert response.status_code == 200, response.text
                assert before_id in [m["vacancy_id"] for m in response.json()["matches"]]
                assert client.get("/v1/courses", headers=app).status_code == 200
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text
            body = ready.json()
            assert body["status"] == "degraded"
            assert body["checks"]["redis"].startswith("unavailable")
            assert body["checks"]["rate_limiter"] == "degraded: local fallback"
            for service in ("vacancies", "training", "matching"):
                assert body["checks"][service] == "degraded: redis", body
            assert body["checks"]["database"] == "ok"

            # a write: committed with its events, which wait in the outbox
            during = "redis" + uuid.uuid4().hex[:8]
            run = ingest(client, admin, "vacancies", vacancy_feed(during, ["Receptionist"]), "jobposting-jsonld")
            assert run["counts"]["created"] == 1, run
            during_id = _vacancy_id(client, admin, during)
            assert _outbox_rows(deployment, "vacancies") >= 1
            time.sleep(1.0)
            assert _outbox_rows(deployment, "vacancies") >= 1, "published to a Redis that is down?"
            for replica in replicas:
                assert during_id not in _replica_matches(replica.url, PROFILE)
        finally:
            deployment.redis.start()  # same port, empty: it kept nothing

        eventually(lambda: _outbox_rows(deployment, "vacancies") == 0, 15, "the outbox draining", 0.2)
        _on_every_replica(replicas, during_id, 20.0, "catching up after the outage")
        def agree() -> bool:
            first, *others = [sorted(_replica_matches(r.url, PROFILE)) for r in replicas]
            return before_id in first and during_id in first and all(ids == first for ids in others)

        eventually(agree, 2.0, "the same matches on every replica after the outage")
        # and they follow the new streams again
        after = "redis" + uuid.uuid4().hex[:8]
        ingest(client, admin, "vacancies", vacancy_feed(after, ["Receptionist"]), "jobposting-jsonld")
        after_id = _vacancy_id(client, admin, after)
        _on_every_replica(replicas, after_id, 5.0, "following the new streams")
        eventually(lambda: client.get("/readyz").json()["status"] == "ok", 15, "ready again", 0.5)
