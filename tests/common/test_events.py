"""One contract, two buses: the in-process bus and Redis Streams behave the same."""

from __future__ import annotations

import asyncio

import pytest

from services.common.events import (
    Delivery,
    Event,
    EventBus,
    GroupMissing,
    InProcessBus,
    consume,
)


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

    async def handler(delivery: Delivery) -> None:
        seen.append(delivery.event.key)
        if len(seen) == 3:
            stop.set()

    for key in ("a", "b", "c"):
        await bus.publish("s", Event("t", key))
    await asyncio.wait_for(consume(bus, "s", "g", "c", handler, stop=stop, block_ms=50), 5)
    assert seen == ["a", "b", "c"]
    assert await bus.claim_stale("s", "g", "other", min_idle_ms=0) == []


async def test_move_group_sets_where_the_group_reads_next(bus: EventBus) -> None:
    await bus.ensure_group("s", "g")
    positions = [await bus.publish("s", Event("t", str(i))) for i in range(4)]
    await bus.move_group("s", "g", positions[1])
    assert [d.event.key for d in await bus.read_group("s", "g", "c", block_ms=50)] == ["2", "3"]
    await bus.move_group("s", "g", "0")  # back to the start: everything again
    again = await bus.read_group("s", "g", "c", block_ms=50)
    assert [d.position for d in again] == positions


async def test_a_vanished_group_raises_group_missing(bus: EventBus) -> None:
    await bus.ensure_group("s", "g")
    await bus.publish("s", Event("t", "k"))
    await bus.drop_group("s", "g")
    with pytest.raises(GroupMissing):
        await bus.read_group("s", "g", "c", block_ms=10)
    with pytest.raises(GroupMissing):
        await bus.claim_stale("s", "g", "c", min_idle_ms=0)
    with pytest.raises(GroupMissing):
        await bus.move_group("s", "g", "0")
    await bus.drop_group("s", "g")  # dropping what is gone is a no-op
    await bus.drop_group("never-written", "g")


async def test_consume_reclaims_what_a_dead_consumer_read_and_never_acked(bus: EventBus) -> None:
    """A consumer killed after reading and before acking: its restart handles the entry once."""
    await bus.ensure_group("s", "g")
    sent = [await bus.publish("s", Event("t", key)) for key in ("a", "b")]
    read = await bus.read_group("s", "g", "replica-1", count=1, block_ms=50)
    assert [d.position for d in read] == sent[:1]  # ... and the process died here

    handled: list[str] = []
    stop = asyncio.Event()

    async def handler(delivery: Delivery) -> None:
        handled.append(delivery.event.key)
        if len(handled) == 2:
            stop.set()

    await asyncio.wait_for(consume(bus, "s", "g", "replica-1", handler, stop=stop, block_ms=50), 5)
    assert handled == ["a", "b"]  # the pending one first, then the unread one, each once
    assert await bus.claim_stale("s", "g", "other", min_idle_ms=0) == []  # all acked


async def test_consume_retries_an_entry_whose_handler_failed(bus: EventBus) -> None:
    await bus.publish("s", Event("t", "flaky"))
    await bus.publish("s", Event("t", "fine"))
    attempts: list[str] = []
    stop = asyncio.Event()

    async def handler(delivery: Delivery) -> None:
        attempts.append(delivery.event.key)
        if attempts.count("flaky") == 1 and delivery.event.key == "flaky":
            raise RuntimeError("the database is away")
        if attempts.count("flaky") == 2:
            stop.set()

    await asyncio.wait_for(
        consume(bus, "s", "g", "c", handler, stop=stop, block_ms=50, reclaim_idle_ms=100), 5
    )
    assert attempts == ["flaky", "fine", "flaky"]  # left pending, re-claimed, not lost
    assert await bus.claim_stale("s", "g", "other", min_idle_ms=0) == []


async def test_consume_from_a_start_position_skips_what_came_before(bus: EventBus) -> None:
    await bus.publish("s", Event("t", "in-the-snapshot"))
    start = await bus.last_position("s")
    await bus.publish("s", Event("t", "after"))
    handled: list[str] = []
    stop = asyncio.Event()

    async def handler(delivery: Delivery) -> None:
        handled.append(delivery.event.key)
        stop.set()

    await asyncio.wait_for(
        consume(bus, "s", "g", "c", handler, stop=stop, start=start, block_ms=50), 5
    )
    assert handled == ["after"]


async def test_consume_raises_when_its_group_vanishes(bus: EventBus) -> None:
    stop = asyncio.Event()

    async def handler(delivery: Delivery) -> None:
        return None

    task = asyncio.create_task(consume(bus, "s", "g", "c", handler, stop=stop, block_ms=50))
    await asyncio.sleep(0.2)
    await bus.drop_group("s", "g")
    with pytest.raises(GroupMissing):
        await asyncio.wait_for(task, 5)


def test_in_process_stream_is_bounded() -> None:
    async def run() -> list[str]:
        bus = InProcessBus(maxlen=3)
        for i in range(10):
            await bus.publish("s", Event("t", str(i)))
        return [d.event.key for d in await bus.read_after("s", "0", count=100)]

    assert asyncio.run(run()) == ["7", "8", "9"]
