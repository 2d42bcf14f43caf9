"""One contract, two buses: the in-process bus and Redis Streams behave the same."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from services.common.events import Event, EventBus, InProcessBus, RedisStreamsBus, consume


@pytest.fixture(params=["inprocess", pytest.param("redis", marks=pytest.mark.integration)])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    if request.param == "inprocess":
        yield InProcessBus()
        return
    url = request.getfixturevalue("redis_url")
    redis_bus = RedisStreamsBus(url, prefix=f"test:{uuid.uuid4().hex}:")
    yield redis_bus
    await redis_bus.close()


async def test_group_delivers_each_event_once_in_order(bus: EventBus) -> None:
    await bus.ensure_group("s", "g")
    sent = [Event("vacancy.created", f"v{i}", {"i": i}) for i in range(5)]
    for event in sent:
        await bus.publish("s", event)
    first = await bus.read_group("s", "g", "c1", count=3, block_ms=100)
    second = await bus.read_group("s", "g", "c2", count=10, block_ms=100)
    assert [d.event for d in first + second] == sent
    assert await bus.read_group("s", "g", "c1", count=10, block_ms=50) == []


async def test_each_group_sees_every_event(bus: EventBus) -> None:
    await bus.ensure_group("s", "a")
    await bus.ensure_group("s", "b")
    event = Event("course.created", "c1")
    await bus.publish("s", event)
    got_a = await bus.read_group("s", "a", "x", block_ms=100)
    got_b = await bus.read_group("s", "b", "x", block_ms=100)
    assert [d.event.id for d in got_a] == [d.event.id for d in got_b] == [event.id]


async def test_unacked_event_is_reclaimed_by_another_consumer(bus: EventBus) -> None:
    await bus.ensure_group("s", "g")
    await bus.publish("s", Event("t", "k"))
    (delivery,) = await bus.read_group("s", "g", "dead", block_ms=100)
    await asyncio.sleep(0.05)
    reclaimed = await bus.claim_stale("s", "g", "alive", min_idle_ms=10)
    assert [d.position for d in reclaimed] == [delivery.position]
    await bus.ack("s", "g", [delivery.position])
    await asyncio.sleep(0.05)
    assert await bus.claim_stale("s", "g", "alive", min_idle_ms=10) == []


async def test_read_after_tails_from_a_recorded_position(bus: EventBus) -> None:
    await bus.publish("s", Event("t", "before"))
    position = await bus.last_position("s")
    await bus.publish("s", Event("t", "after-1"))
    await bus.publish("s", Event("t", "after-2"))
    tail = await bus.read_after("s", position, count=10)
    assert [d.event.key for d in tail] == ["after-1", "after-2"]
    assert await bus.read_after("s", tail[-1].position, count=10) == []


async def test_blocking_read_wakes_on_publish(bus: EventBus) -> None:
    await bus.ensure_group("s", "g", start="$")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bus.publish("s", Event("t", "late"))

    task = asyncio.create_task(later())
    got = await bus.read_group("s", "g", "c", block_ms=2000)
    await task
    assert [d.event.key for d in got] == ["late"]


async def test_consume_runs_handler_and_acks(bus: EventBus) -> None:
    seen: list[str] = []
    stop = asyncio.Event()

    async def handler(event: Event) -> None:
        seen.append(event.key)
        if len(seen) == 3:
            stop.set()

    for key in ("a", "b", "c"):
        await bus.publish("s", Event("t", key))
    await asyncio.wait_for(consume(bus, "s", "g", "c", handler, stop=stop, block_ms=50), 5)
    assert seen == ["a", "b", "c"]
    assert await bus.claim_stale("s", "g", "other", min_idle_ms=0) == []


def test_in_process_stream_is_bounded() -> None:
    async def run() -> list[str]:
        bus = InProcessBus(maxlen=3)
        for i in range(10):
            await bus.publish("s", Event("t", str(i)))
        return [d.event.key for d in await bus.read_after("s", "0", count=100)]

    assert asyncio.run(run()) == ["7", "8", "9"]
