"""This process's jobseeker index and match cache, built from the table and kept current.

On start the keeper notes the ``jobseekers`` stream position, loads the table into the
``JobseekerIndex`` (``shortlist.py``), then follows the stream from that position through its
own consumer group (``matching-people:<replica>``: every replica sees every event). Every
``jobseeker.*`` event, this process's own included (harmlessly), re-reads its row: a change
made by another replica, or committed while the table was being read, lands in the index,
and an erased person's entry (and their cached matches) goes. Re-reading the row makes each
event idempotent and never older than the table, so a redelivered event cannot regress the
index; an event whose re-read failed (database away) stays pending and is re-claimed. If the
group vanishes (Redis lost its data) the keeper loads the table again. Changes made in this
process are also applied right after their commit (``people_service``), so a caller sees its
own write at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Final, cast

import structlog
from fastapi import FastAPI
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.events import Delivery, Event, EventBus, GroupMissing, consume
from services.common.settings import Settings
from services.matching.indexer import replica_id, wait_built
from services.matching.match_cache import MatchCache
from services.matching.models import Jobseeker
from services.matching.people_service import JOBSEEKER_STREAM, entry_of
from services.matching.shortlist import JobseekerEntry, JobseekerIndex, ref_key

log = structlog.get_logger("routeway.matching.people")

LOAD_BATCH: Final = 20_000
PEOPLE_GROUP: Final = "matching-people"
RECLAIM_IDLE_MS: Final = 5_000
INDEX_COLUMNS: Final = (
    "id", "office", "consent_to_share", "region", "skills", "english_level", "maths_level",
    "driving_licence", "lat", "lon", "max_travel_km", "hours_per_week", "patterns",
    "available_from", "age", "qualifications", "version",
)  # fmt: skip


def iter_entries(engine: Engine, batch: int = LOAD_BATCH) -> Iterator[JobseekerEntry]:
    """Every jobseeker as an index entry, read in keyset batches of plain rows (no ORM objects)."""
    table = Jobseeker.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in INDEX_COLUMNS]
    last = ""
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                sa_select(*columns).where(table.c.id > last).order_by(table.c.id).limit(batch)
            ).all()
        if not rows:
            return
        entries = [entry_of(cast(Any, row)) for row in rows]
        yield from entries
        last = entries[-1].id


def load_entry(engine: Engine, jobseeker_id: str) -> JobseekerEntry | None:
    """One jobseeker as an index entry, or ``None`` when it no longer exists."""
    with Session(engine) as session:
        row = session.get(Jobseeker, jobseeker_id)
        return None if row is None else entry_of(row)


class PeopleKeeper:
    """This process's jobseeker index and match cache, and the task keeping them current.

    On start it notes the ``jobseekers`` stream position, loads the table into the index,
    then follows the stream from that position through this replica's consumer group: every
    ``jobseeker.*`` event (including this process's own, harmlessly) re-reads its row, so a
    change made by another replica, or one committed while the table was being read, lands
    in the index.
    """

    def __init__(self, secret: str, replica: str | None = None) -> None:
        self.index = JobseekerIndex()
        self.cache = MatchCache()
        self.key = ref_key(secret)
        self.replica = replica or f"replica-{uuid.uuid4().hex[:8]}"
        self.ready = asyncio.Event()
        self.position = "0-0"
        self.build_seconds: float | None = None
        self.applied = 0

    @property
    def group(self) -> str:
        """This replica's consumer group on the ``jobseekers`` stream."""
        return f"{PEOPLE_GROUP}:{self.replica}"

    async def wait_ready(self, timeout_s: float = 60.0) -> None:
        """Wait for the first load; 503 when it has not finished in time."""
        await wait_built(self.ready, timeout_s, "jobseeker index")

    async def load(self, engine: Engine, bus: EventBus) -> None:
        """Build the index from the table, remembering where the stream was before reading."""
        started = time.perf_counter()
        self.position = await bus.last_position(JOBSEEKER_STREAM)
        await asyncio.to_thread(self.index.build, iter_entries(engine))
        self.build_seconds = round(time.perf_counter() - started, 3)
        self.ready.set()
        log.info("jobseeker_index_built", jobseekers=len(self.index), seconds=self.build_seconds)

    async def apply(self, engine: Engine, event_: Event) -> None:
        """Bring one jobseeker's entry in line with the table (idempotent)."""
        entry = await asyncio.to_thread(load_entry, engine, event_.key)
        if entry is None:
            removed = self.index.remove(event_.key)
            if removed:
                self.cache.forget(event_.key)
        else:
            self.index.upsert(entry)
        self.applied += 1

    async def _load(self, engine: Engine, bus: EventBus, stop: asyncio.Event) -> None:
        """Load, retrying every second while the database or the bus is away (or ``stop``)."""
        while not stop.is_set():
            try:
                await self.load(engine, bus)
                return
            except Exception as exc:
                log.warning("jobseeker_index_load_failed", error=type(exc).__name__)
                await asyncio.sleep(1.0)

    async def run(self, engine: Engine, bus: EventBus, stop: asyncio.Event) -> None:
        """Load, then follow the stream until ``stop``; load again if the group vanished."""

        async def handler(delivery: Delivery) -> None:
            await self.apply(engine, delivery.event)

        try:
            while not stop.is_set():
                await self._load(engine, bus, stop)
                try:
                    await consume(
                        bus,
                        JOBSEEKER_STREAM,
                        self.group,
                        self.replica,
                        handler,
                        stop=stop,
                        start=self.position,
                        reclaim_idle_ms=RECLAIM_IDLE_MS,
                    )
                except GroupMissing:
                    log.warning("jobseeker_group_missing", group=self.group, action="reload")
                    await asyncio.sleep(0.2)
        finally:
            with contextlib.suppress(Exception):  # a clean stop: the next start loads again
                await asyncio.wait_for(bus.drop_group(JOBSEEKER_STREAM, self.group), 2.0)


def people_hook(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The matching app's lifespan hook: a ``PeopleKeeper`` on ``app.state.people``, running."""

    @contextlib.asynccontextmanager
    async def hook(app: FastAPI) -> AsyncIterator[None]:
        keeper = PeopleKeeper(settings.secret_key, replica=replica_id(settings))
        app.state.people = keeper
        stop = asyncio.Event()
        task = asyncio.create_task(keeper.run(app.state.engine, app.state.bus, stop))
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return hook
