"""A matching replica of its own is not ready (no traffic) until its indexes are built."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from services.common.settings import Settings
from services.matching.app import create_app


def _wait_ready(client: TestClient) -> None:
    deadline = time.monotonic() + 10
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, client.get("/readyz").text
        time.sleep(0.05)


def test_a_replica_is_starting_until_its_indexes_are_built(settings: Settings) -> None:
    app = create_app(settings)  # no in-process peers: a replica of its own
    with TestClient(app) as client:
        _wait_ready(client)  # nothing to read from: the first build is quick and empty
        assert client.get("/readyz").json()["checks"]["index"] == "ok"

        app.state.index_keeper.ready.clear()  # as while rebuilding from the snapshots
        building = client.get("/readyz")
        assert building.status_code == 503
        assert building.json()["status"] == "starting"
        assert building.json()["checks"]["index"] == "building"
        assert client.get("/healthz").status_code == 200  # alive: not restarted for it

        app.state.index_keeper.ready.set()
        app.state.people.ready.clear()
        assert client.get("/readyz").status_code == 503
        app.state.people.ready.set()
        assert client.get("/readyz").status_code == 200


def test_embedded_matching_has_no_index_gate(gateway: TestClient) -> None:
    matching = gateway.app.state.embedded_apps["matching"]  # type: ignore[attr-defined]
    assert getattr(matching.state, "ready_gate", None) is None
    assert gateway.get("/readyz").status_code == 200
