"""A matching replica of its own is not ready (no traffic) until its indexes are built."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi.testclient import TestClient

from services.common.errors import UpstreamUnavailable
from services.common.settings import Settings
from services.matching.app import create_app
from services.matching.indexer import wait_built


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


def test_waiting_on_an_index_that_is_not_built_ends_in_a_503_naming_it() -> None:
    with pytest.raises(UpstreamUnavailable) as raised:
        asyncio.run(wait_built(asyncio.Event(), 0.01, "jobseeker index"))
    assert "jobseeker index is still being built" in str(raised.value.detail)

    async def built() -> None:
        ready = asyncio.Event()
        ready.set()
        await wait_built(ready, 0.0, "match index")  # returns at once, no timeout

    asyncio.run(built())
