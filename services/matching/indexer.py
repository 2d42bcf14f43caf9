"""Keeping a matching process's in-memory index current: snapshot, then follow the event streams.

On start the keeper reads the vacancies and training services' snapshots (through their
clients: ASGI in embedded mode, HTTP in distributed mode), builds the ``MatchIndex``, then
follows the ``vacancies`` and ``courses`` streams through its own consumer group per stream
(``matching-index:<replica>``: every replica sees every event), created at or moved to the
stream position the snapshot gave. The index is read by request threads and written by the
event task, so both hold one lock; each write is a small upsert, each read a vectorised match.

Idempotence: the stream position is each record's version. The index remembers, per record,
the position of the last event it applied (the snapshot's position for what the snapshot
brought), and skips an event at or before it: a redelivered event (re-claimed after a crash,
or read again after the group moved back) or one older than the snapshot never regresses the
index. If the group vanishes (Redis restarted without its data) the keeper rebuilds from the
snapshots, which are the source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

import httpx
import structlog

from services.common.errors import UpstreamUnavailable
from services.common.events import Delivery, Event, EventBus, GroupMissing, consume, parse_position
from services.common.settings import Settings
from services.common.snapshots import read_snapshot
from services.matching.engine import (
    CourseDoc,
    MatchIndex,
    PresentationDoc,
    Requirements,
    VacancyDoc,
)

log = structlog.get_logger("routeway.matching.index")

T = TypeVar("T")
VACANCY_STREAM = "vacancies"
COURSE_STREAM = "courses"
STREAMS = (VACANCY_STREAM, COURSE_STREAM)
INDEX_GROUP = "matching-index"
Position = tuple[int, int]


def replica_id(settings: Settings) -> str:
    """This process's stable name among matching replicas: host and port.

    The same after a restart on one machine (``run_distributed.py restart`` keeps the port),
    in a container (its hostname) and in a Kubernetes pod (the pod name), so a restarted
    replica finds its consumer groups and what it left pending.
    """
    return f"{socket.gethostname()}:{settings.port}"


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


async def wait_built(ready: asyncio.Event, timeout_s: float, what: str) -> None:
    """Wait for an in-memory index's first build; a 503 problem naming it after ``timeout_s``."""
    if ready.is_set():
        return
    try:
        await asyncio.wait_for(ready.wait(), timeout_s)
    except TimeoutError:
        raise UpstreamUnavailable(
            "matching", f"The {what} is still being built; retry shortly."
        ) from None


def vacancy_doc(data: dict[str, Any]) -> VacancyDoc | None:
    """The index's view of a vacancy event, or ``None`` when it cannot be matched (closed, no place)."""
    if data.get("status") != "open" or data.get("lat") is None or data.get("lon") is None:
        return None
    skills = data.get("skills") or []
    req = data.get("requirements") or {}
    licence = req.get("licence_category") or ("B" if req.get("driving_licence") else None)
    return VacancyDoc(
        id=str(data["id"]),
        title=str(data.get("title") or ""),
        employer=str(data.get("employer") or ""),
        role=data.get("role"),
        lat=float(data["lat"]),
        lon=float(data["lon"]),
        essential_skills=sorted({s["id"] for s in skills if s.get("essential", True)}),
        desirable_skills=sorted({s["id"] for s in skills if not s.get("essential", True)}),
        requirements=Requirements(
            dbs=req.get("dbs"),
            driving_licence=licence,
            english_level=req.get("english_level"),
            maths_level=req.get("maths_level"),
            registration=req.get("registration"),
        ),
        hours_per_week=data.get("hours_per_week"),
        working_pattern=list(data.get("working_pattern") or []),
        band=data.get("band"),
        entry_level=bool(data.get("entry_level", True))
        if data.get("entry_level") is not None
        else True,
        closing_date=_date(data.get("closing_date")),
        region=data.get("region"),
    )


def course_doc(data: dict[str, Any]) -> CourseDoc | None:
    """The index's view of a course event, or ``None`` when it is closed."""
    if data.get("status", "open") != "open":
        return None
    provider = data.get("provider") or {}
    entry = [r["code"] for r in data.get("entry_requirements") or [] if r.get("code")]
    return CourseDoc(
        id=str(data["id"]),
        title=str(data.get("title") or ""),
        provider_name=str(provider.get("name") or ""),
        qualification_type=str(data.get("qualification_type") or "other"),
        level=data.get("level"),
        skills_taught=list(data.get("skills") or []),
        grants=list(data.get("grants") or []),
        entry_requirements=entry,
        presentations=[
            PresentationDoc(
                start_date=_date(p.get("start_date")),
                end_date=_date(p.get("end_date")),
                duration_weeks=p.get("duration_weeks")
                if p.get("duration_weeks") is not None
                else data.get("duration_weeks"),
                lat=p.get("lat") if p.get("lat") is not None else data.get("lat"),
                lon=p.get("lon") if p.get("lon") is not None else data.get("lon"),
                attendance=p.get("attendance"),
                mode=p.get("mode"),
                places=p.get("places"),
            )
            for p in data.get("presentations") or []
        ],
        cost=float(data.get("cost") or 0.0),
        funding=data.get("funding"),
        hours_per_week=data.get("hours_per_week"),
        leads_to=list(data.get("leads_to") or []),
    )


class IndexKeeper:
    """The process's match index, its build state, and the task that keeps it current."""

    def __init__(
        self,
        vacancies: httpx.AsyncClient | None,
        training: httpx.AsyncClient | None,
        secret: str,
        replica: str | None = None,
    ) -> None:
        self.index = MatchIndex()
        self.lock = threading.RLock()
        self.vacancies = vacancies
        self.training = training
        self.secret = secret
        self.replica = replica or f"replica-{uuid.uuid4().hex[:8]}"
        self.ready = asyncio.Event()
        self.positions: dict[str, str] = {stream: "0-0" for stream in STREAMS}
        self.versions: dict[str, dict[str, Position]] = {stream: {} for stream in STREAMS}
        self.build_seconds: float | None = None
        self.builds = 0
        self.applied = 0
        self.skipped = 0

    @property
    def group(self) -> str:
        """This replica's consumer group on each stream."""
        return f"{INDEX_GROUP}:{self.replica}"

    async def wait_ready(self, timeout_s: float = 30.0) -> None:
        """Wait for the first build; 503 when the services have not answered in time."""
        await wait_built(self.ready, timeout_s, "match index")

    def read(self, fn: Callable[[MatchIndex], T]) -> T:
        """Run ``fn`` on the index under the lock (from a worker thread)."""
        with self.lock:
            return fn(self.index)

    def apply(self, stream: str, event: Event, position: str | None = None) -> bool:
        """Apply one vacancy or course event read at ``position``; ``False`` when skipped.

        Skipped when the index already holds the record as of ``position`` or later (the
        snapshot's position, or a later event of the same record). Without a position the
        event is applied as it is (an upsert or a removal: idempotent on its own).
        """
        with self.lock:
            if position is not None:
                at = parse_position(position)
                versions = self.versions[stream]
                if at <= versions.get(event.key, parse_position(self.positions[stream])):
                    self.skipped += 1
                    return False
                versions[event.key] = at
            if stream == VACANCY_STREAM:
                doc = vacancy_doc(event.data)
                if doc is None:
                    self.index.remove_vacancy(event.key)
                else:
                    self.index.upsert_vacancy(doc)
            else:
                course = course_doc(event.data)
                if course is None:
                    self.index.remove_course(event.key)
                else:
                    self.index.upsert_course(course)
            self.applied += 1
            return True

    async def _snapshot(
        self,
        client: httpx.AsyncClient | None,
        path: str,
        convert: Callable[[dict[str, Any]], T | None],
    ) -> tuple[list[T], str]:
        if client is None:
            return [], "0-0"
        pages, position = await read_snapshot(client, path, self.secret)
        docs: list[T] = []
        async for items in pages:
            docs.extend(d for d in map(convert, items) if d is not None)
        return docs, position

    async def rebuild(self) -> None:
        """Build the index from the services' snapshots and remember where to tail from."""
        started = time.perf_counter()
        vacancies, v_pos = await self._snapshot(
            self.vacancies, "/internal/snapshot/vacancies", vacancy_doc
        )
        courses, c_pos = await self._snapshot(
            self.training, "/internal/snapshot/courses", course_doc
        )
        fetched = time.perf_counter()
        index = MatchIndex()
        await asyncio.to_thread(index.build, vacancies, courses)
        with self.lock:
            self.index = index
            self.positions = {VACANCY_STREAM: v_pos, COURSE_STREAM: c_pos}
            self.versions = {stream: {} for stream in STREAMS}
        self.build_seconds = round(time.perf_counter() - started, 3)
        self.builds += 1
        self.ready.set()
        log.info(
            "index_built",
            vacancies=len(vacancies),
            courses=len(courses),
            seconds=self.build_seconds,
            snapshot_seconds=round(fetched - started, 3),
        )

    async def _build(self, stop: asyncio.Event) -> None:
        """Rebuild, retrying every second until the services answer (or ``stop``)."""
        while not stop.is_set():
            try:
                await self.rebuild()
                return
            except (httpx.HTTPError, OSError) as exc:
                log.warning("index_snapshot_failed", error=type(exc).__name__)
                await asyncio.sleep(1.0)

    async def _follow(self, bus: EventBus, stop: asyncio.Event) -> None:
        """Apply both streams through this replica's groups, from the snapshot's positions."""

        def handler(stream: str) -> Callable[[Delivery], Awaitable[None]]:
            async def apply(delivery: Delivery) -> None:
                self.apply(stream, delivery.event, delivery.position)

            return apply

        async with asyncio.TaskGroup() as tasks:
            for stream in STREAMS:
                tasks.create_task(
                    consume(
                        bus,
                        stream,
                        self.group,
                        self.replica,
                        handler(stream),
                        stop=stop,
                        start=self.positions[stream],
                        block_ms=200,
                    )
                )

    async def run(self, bus: EventBus, stop: asyncio.Event) -> None:
        """Rebuild, then follow both streams until ``stop``; rebuild again if a group vanished."""
        try:
            while not stop.is_set():
                await self._build(stop)
                try:
                    await self._follow(bus, stop)
                except* GroupMissing:
                    log.warning("index_group_missing", group=self.group, action="rebuild")
                    await asyncio.sleep(0.2)
        finally:
            await self.leave(bus)

    async def leave(self, bus: EventBus) -> None:
        """Drop this replica's groups (a clean stop): the next start rebuilds from snapshots."""
        for stream in STREAMS:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bus.drop_group(stream, self.group), 2.0)
