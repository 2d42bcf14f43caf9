"""A replica's jobseeker index: built from the table on start, then kept current from the
``jobseekers`` stream, whose events carry nothing but the id."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.engine import Engine

from services.common.db import create_service_engine, unit_of_work
from services.common.events import InProcessBus
from services.common.migrations import upgrade
from services.common.outbox import OutboxRelay
from services.common.settings import Settings
from services.matching import people_service
from services.matching.match_cache import MatchCache
from services.matching.models import Jobseeker
from services.matching.people_keeper import PeopleKeeper
from services.matching.people_schemas import JobseekerCreate, JobseekerUpdate
from services.matching.shortlist import JobseekerIndex
from tests.matching.people_support import PROFILE


@pytest.fixture
def engine(settings: Settings) -> Engine:
    engine = create_service_engine(settings, "matching")
    upgrade("matching", engine)
    return engine


def _create(engine: Engine, **changes: object) -> str:
    """What another replica does: write the row and its event (its own index is elsewhere)."""
    with unit_of_work(engine) as session:
        body = JobseekerCreate(**{**PROFILE, **changes})
        row = people_service.create_jobseeker(
            session, office="o", body=body, index=JobseekerIndex()
        )
        return row.id


async def _until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.fixture
async def replica(
    engine: Engine, settings: Settings
) -> AsyncIterator[tuple[PeopleKeeper, InProcessBus]]:
    existing = _create(engine)
    bus = InProcessBus()
    keeper = PeopleKeeper(settings.secret_key)
    stop = asyncio.Event()
    task = asyncio.create_task(keeper.run(engine, bus, stop))
    await keeper.wait_ready(10)
    assert existing in keeper.index, "rows already in the table are loaded on start"
    yield keeper, bus
    stop.set()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    engine.dispose()


async def test_changes_made_by_another_replica_arrive_by_events(
    engine: Engine, replica: tuple[PeopleKeeper, InProcessBus]
) -> None:
    keeper, bus = replica
    relay = OutboxRelay(engine, bus)
    person = _create(engine, consent_to_share=False)
    assert person not in keeper.index
    await relay.drain_once()
    await _until(lambda: person in keeper.index)

    with unit_of_work(engine) as session:
        row = session.get(Jobseeker, person)
        assert row is not None
        people_service.update_jobseeker(
            session,
            row,
            JobseekerUpdate(max_travel_km=3),
            index=JobseekerIndex(),
            cache=MatchCache(),
        )
    await relay.drain_once()
    await _until(
        lambda: (p := keeper.index.profile_of(person)) is not None and p.max_travel_km == 3
    )

    with unit_of_work(engine) as session:
        row = session.get(Jobseeker, person)
        assert row is not None
        people_service.erase_jobseeker(session, row, index=JobseekerIndex(), cache=MatchCache())
    await relay.drain_once()
    await _until(lambda: person not in keeper.index)
    assert keeper.index.traces(person) == []

    events = await bus.read_after("jobseekers", "0-0", count=100)
    assert all(e.event.data == {} for e in events), "events carry the id only"
    events = [e for e in events if e.event.key == person]
    assert [e.event.type for e in events] == [
        "jobseeker.created", "jobseeker.updated", "jobseeker.erased"
    ]  # fmt: skip


async def test_an_index_write_waits_for_the_commit(engine: Engine) -> None:
    index = JobseekerIndex()
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        people_service.create_jobseeker(
            session, office="o", body=JobseekerCreate(**PROFILE), index=index
        )
        raise RuntimeError("the request failed after the write")
    assert len(index) == 0, "a rolled-back create must not reach the index"
    with unit_of_work(engine) as session:
        row = people_service.create_jobseeker(
            session, office="o", body=JobseekerCreate(**PROFILE), index=index
        )
        assert row.id not in index, "not before the commit"
    assert row.id in index
