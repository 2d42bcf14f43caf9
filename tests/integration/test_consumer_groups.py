"""The matching index's consumer groups, on both buses: fan-out, re-claim, idempotence, loss.

Each replica follows the ``vacancies`` and ``courses`` streams through its own group
(``matching-index:<replica>``), moved to the snapshot's position on every build; the stream
position is each record's version, so a redelivered or older event never regresses the index.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from services.common.events import Event, EventBus, GroupMissing
from services.matching.indexer import VACANCY_STREAM, IndexKeeper


def vacancy(vacancy_id: str, status: str = "open", title: str = "Care assistant") -> Event:
    data = {
        "id": vacancy_id,
        "title": title,
        "employer": "Trust",
        "status": status,
        "lat": 52.47,
        "lon": -1.93,
        "skills": [{"id": "personal-care", "essential": True}],
        "requirements": {},
    }
    return Event(f"vacancy.{'closed' if status == 'closed' else 'updated'}", vacancy_id, data)


def snapshot_client(items: list[dict[str, Any]], position: Callable[[], str]) -> httpx.AsyncClient:
    """A vacancies service whose snapshot is ``items`` at the stream ``position``."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/internal/snapshot/vacancies"
        return httpx.Response(
            200, json={"items": items, "next_cursor": None, "position": position()}
        )

    return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://vacancies")


def indexed(keeper: IndexKeeper) -> dict[str, str]:
    """Vacancy id -> title, as the replica's index holds them."""
    return keeper.read(
        lambda ix: {vid: ix.vacancies.titles[row] for vid, row in ix.vacancies.row_of.items()}
    )


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def joined(bus: EventBus, stream: str, group: str) -> None:
    """Until ``group`` exists on ``stream`` (the keeper's follow task has started)."""
    for _ in range(250):
        try:
            await bus.claim_stale(stream, group, "probe", min_idle_ms=10**9)
            return
        except GroupMissing:
            await asyncio.sleep(0.02)
    raise AssertionError(f"{group} never joined {stream}")


class Running:
    """Keepers started in a test, stopped at its end."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self, keeper: IndexKeeper) -> IndexKeeper:
        self.tasks.append(asyncio.create_task(keeper.run(self.bus, self.stop)))
        await keeper.wait_ready(5)
        return keeper

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)


@pytest.fixture
async def running(bus: EventBus) -> AsyncIterator[Running]:
    keepers = Running(bus)
    yield keepers
    await keepers.close()


async def test_every_replica_sees_every_event(bus: EventBus, running: Running) -> None:
    one = await running.start(IndexKeeper(None, None, "s", replica="one"))
    two = await running.start(IndexKeeper(None, None, "s", replica="two"))
    assert one.group != two.group
    await bus.publish(VACANCY_STREAM, vacancy("vac_1"))
    await bus.publish(VACANCY_STREAM, vacancy("vac_2"))
    await until(lambda: set(indexed(one)) == set(indexed(two)) == {"vac_1", "vac_2"})


async def test_a_replica_killed_before_its_ack_reclaims_the_entry_and_applies_it_once(
    bus: EventBus, running: Running
) -> None:
    group = IndexKeeper(None, None, "s", replica="r1").group
    await bus.ensure_group(VACANCY_STREAM, group)
    await bus.publish(VACANCY_STREAM, vacancy("vac_1"))
    (read,) = await bus.read_group(VACANCY_STREAM, group, "r1", block_ms=100)
    # the process died here: read, maybe applied to an index that died with it, never acked

    keeper = await running.start(IndexKeeper(None, None, "s", replica="r1"))
    await until(lambda: "vac_1" in indexed(keeper))
    await bus.publish(VACANCY_STREAM, vacancy("vac_2"))
    await until(lambda: "vac_2" in indexed(keeper))
    # re-claimed and applied once; the same entry read again from the group's start is skipped
    assert keeper.applied == 2 and keeper.skipped == 1
    assert keeper.versions[VACANCY_STREAM]["vac_1"] == tuple(map(int, read.position.split("-")))
    pending = await bus.claim_stale(VACANCY_STREAM, group, "audit", min_idle_ms=0)
    assert pending == [], "everything the replica handled is acked"


async def test_an_old_pending_event_never_regresses_a_rebuilt_index(
    bus: EventBus, running: Running
) -> None:
    group = IndexKeeper(None, None, "s", replica="r1").group
    await bus.ensure_group(VACANCY_STREAM, group)
    await bus.publish(VACANCY_STREAM, vacancy("vac_1", title="first"))
    await bus.read_group(VACANCY_STREAM, group, "r1", block_ms=100)  # died before its ack
    await bus.publish(VACANCY_STREAM, vacancy("vac_1", status="closed"))
    snapshot_at = await bus.last_position(VACANCY_STREAM)

    client = snapshot_client([], lambda: snapshot_at)  # closed: not in the snapshot
    async with client:
        keeper = await running.start(IndexKeeper(client, None, "s", replica="r1"))
        await until(lambda: keeper.skipped >= 1)
        assert "vac_1" not in indexed(keeper), "the re-claimed open event resurrected it"
        await bus.publish(VACANCY_STREAM, vacancy("vac_1", title="reopened"))
        await until(lambda: indexed(keeper).get("vac_1") == "reopened")
        assert keeper.applied == 1


async def test_an_event_older_than_the_record_is_skipped(bus: EventBus) -> None:
    keeper = IndexKeeper(None, None, "s")
    first = await bus.publish(VACANCY_STREAM, vacancy("vac_1", title="v1"))
    second = await bus.publish(VACANCY_STREAM, vacancy("vac_1", title="v2"))
    assert keeper.apply(VACANCY_STREAM, vacancy("vac_1", title="v2"), second)
    assert not keeper.apply(VACANCY_STREAM, vacancy("vac_1", title="v1"), first)
    assert not keeper.apply(VACANCY_STREAM, vacancy("vac_1", title="v2"), second)
    assert indexed(keeper) == {"vac_1": "v2"}


async def test_a_lost_group_makes_the_replica_rebuild_and_follow_again(
    bus: EventBus, running: Running
) -> None:
    """Redis restarted without its data: the groups are gone, the snapshots are the truth."""
    items: list[dict[str, Any]] = []
    client = snapshot_client(items, lambda: "0-0")
    async with client:
        keeper = await running.start(IndexKeeper(client, None, "s", replica="r1"))
        assert keeper.builds == 1
        for stream in ("vacancies", "courses"):
            await joined(bus, stream, keeper.group)
        items.append(vacancy("vac_during_outage").data)  # written while Redis was away
        for stream in ("vacancies", "courses"):
            await bus.drop_group(stream, keeper.group)
        await until(lambda: keeper.builds >= 2)
        assert "vac_during_outage" in indexed(keeper)
        await bus.publish(VACANCY_STREAM, vacancy("vac_after"))
        await until(lambda: "vac_after" in indexed(keeper))
