"""Failure drills on the distributed deployment (``make run-distributed``'s script).

* kill -9 one matching replica while requests flow: the gateway sends them to the other. Only
  requests in flight at the kill may fail (and those that are safe to resend are resent), none
  started after it; restarted, the replica rebuilds from the snapshots, catches up on what it
  missed and then follows the streams.
* stop a service: the gateway answers 503 problem+json naming it, and serves again once it is
  back.

Each drill puts the deployment back as it found it (the journey suite may run after it).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

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
        assert sorted(ids) == sorted(_replica_matches(survivor.url, PROFILE))
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
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["training"] == "unavailable"
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
        assert client.get("/readyz").status_code == 200
