"""Ingest runs and the one pipeline every feed goes through, whichever service owns the records.

``run_feed`` reads an adapter's items in batches. Each batch is one transaction holding the
upserts, their outbox events and the run's updated counts, so a crash leaves whole batches or
nothing, the counts always describe what is committed, and running the same feed again finishes
the job: records already written are "unchanged" (same content hash) and cost one indexed read.
A bad record is a reject with its position and reason; the rest of the feed still lands.
``mode="snapshot"`` closes the source's open records that the feed no longer lists.

Per batch the pipeline is:

1. *plan*: keep the last entry of each id, read the stored hashes of the batch's ids, and keep
   only the records whose hash differs. A ``Deferred`` item is compared by its raw hash before
   anything is parsed, so an unchanged record costs a decode and a hash;
2. *prepare* (pure: ``Deferred.build`` then the target's ``prepare``, e.g. enrichment) for the
   new and changed records only. Feeds of more than ``PARALLEL_MIN_RECORDS`` items run this
   step on a pool of worker processes (``workers``, default ``os.cpu_count()``), chunk by chunk
   with results taken back in feed order, while the calling thread reads the next batch;
3. *write*: the target's ``write`` (bulk statements), the outbox events in batch order and
   the run's counts, in one transaction, always in the calling thread and in feed order.

A batch is planned while the one before it is still being prepared; if the two share an id,
the earlier batch is written first, so the stored hash the later one compares with is current.

A service describes its ingestion once as an :class:`Ingestion` (run id prefix, adapters by
format, target), whose ``feed`` and ``items`` check the source and mode, record the run and
call ``run_feed``.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import IO, Any, BinaryIO, Generic, Protocol, TypedDict, TypeVar, Unpack, cast

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.db import unit_of_work
from services.common.errors import InvalidInput, NotFound, ValidationFailed
from services.common.events import Event
from services.common.ingest import Deferred, FeedError, Reject
from services.common.models import NAMING_CONVENTION, UTCDateTime, new_id, utcnow
from services.common.outbox import add_events

_SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
MODES = ("delta", "snapshot")
REJECTS_KEPT = 1000
"""How many rejects a run stores (the count is always exact)."""
PARALLEL_MIN_RECORDS = 2000
"""Feeds with at most this many items are prepared in the calling process."""
POOL_MIN_WORK = 50
"""A batch with fewer records to prepare than this does not start the worker pool."""
START_POOL_IN_BACKGROUND = True
"""Start the worker pool from a helper thread while this one prepares records itself (tests
that need the hand-over to the workers at a known point set it to ``False``)."""

ingest_run_metadata = MetaData(naming_convention=NAMING_CONVENTION)
ingest_run_table = Table(
    "ingest_run",
    ingest_run_metadata,
    Column("id", String(40), primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("format", String(32), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("received", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("rejects", JSON, nullable=False),
    Column("error", String(1024)),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
)


def create_ingest_run_table() -> None:
    """Create ``ingest_run`` in a service's migration."""
    from alembic import op

    ingest_run_metadata.create_all(op.get_bind(), tables=[ingest_run_table])


@dataclass
class Counts:
    """What a run did so far."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0


@dataclass
class RunView:
    """An ingest run as the API shows it."""

    id: str
    source: str
    format: str
    mode: str
    status: str
    counts: Counts
    rejects: list[dict[str, Any]]
    error: str | None
    started_at: datetime
    finished_at: datetime | None

    def public(self) -> dict[str, Any]:
        """The run in the API's shape."""
        body = asdict(self)
        body["counts"] = asdict(self.counts)
        return body


class Record(Protocol):
    """What an upsert target needs of a record."""

    @property
    def external_id(self) -> str: ...

    def content_hash(self) -> str: ...


T = TypeVar("T")
R = TypeVar("R", bound=Record)
R_contra = TypeVar("R_contra", bound=Record, contravariant=True)
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Change(Generic[P]):
    """A new or changed record, prepared, on its way to the target's table."""

    external_id: str
    content_hash: str
    exists: bool
    prepared: P


class UpsertTarget(Protocol[R_contra, P]):
    """The service-specific half of ingestion: how its records are prepared and stored."""

    stream: str
    parallel_prepare: bool
    """Whether ``prepare`` costs enough to run on worker processes for big feeds."""
    worker_preload: tuple[str, ...]
    """Modules the worker pool's fork server imports once (loading what ``prepare`` loads
    lazily), so that every worker forked from it starts warm; ``()`` for none."""

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        """Content hashes of the source's records among ``external_ids``."""
        ...

    def prepare(self, record: R_contra) -> P:
        """Everything derived from a record that needs no database (enrichment ...).

        Pure, and a ``staticmethod`` over a module-level function: it runs in worker
        processes for big feeds, so ``target.prepare`` must pickle by reference.
        """
        ...

    def write(self, session: Session, source: str, changes: Sequence[Change[P]]) -> list[Event]:
        """Create or replace these records; one event per change, in the same order."""
        ...

    def close_missing(
        self, session: Session, source: str, seen: set[str], limit: int
    ) -> list[Event]:
        """Close up to ``limit`` open records of ``source`` not in ``seen``; their events."""
        ...


def create_run(engine: Engine, run_id: str, *, source: str, format: str, mode: str) -> None:
    """Record a new run as running."""
    with unit_of_work(engine) as session:
        session.execute(
            insert(ingest_run_table).values(
                id=run_id,
                source=source,
                format=format,
                mode=mode,
                status="running",
                rejects=[],
                started_at=utcnow(),
                **asdict(Counts()),
            )
        )


def get_run(engine: Engine, run_id: str) -> RunView:
    """A run by id; ``NotFound`` when there is none."""
    with engine.connect() as conn:
        row = (
            conn.execute(select(ingest_run_table).where(ingest_run_table.c.id == run_id))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"No ingest run {run_id!r}.")
    return RunView(
        id=row["id"],
        source=row["source"],
        format=row["format"],
        mode=row["mode"],
        status=row["status"],
        counts=Counts(**{k: int(row[k]) for k in asdict(Counts())}),
        rejects=list(row["rejects"] or []),
        error=row["error"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _save_progress(
    session: Session, run_id: str, counts: Counts, rejects: list[dict[str, Any]], **extra: Any
) -> None:
    session.execute(
        update(ingest_run_table)
        .where(ingest_run_table.c.id == run_id)
        .values(rejects=rejects[:REJECTS_KEPT], **asdict(counts), **extra)
    )


@dataclass
class _Batch(Generic[R]):
    items: list[R | Deferred[R]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def size(self) -> int:
        return len(self.items) + len(self.rejects)


def _batches(items: Iterable[R | Deferred[R] | Reject], size: int) -> Iterator[_Batch[R]]:
    batch: _Batch[R] = _Batch()
    try:
        for item in items:
            if isinstance(item, Reject):
                batch.rejects.append(item)
            else:
                batch.items.append(item)
            if batch.size() >= size:
                yield batch
                batch = _Batch()
    except FeedError:
        if batch.size():
            yield batch  # the records read before the feed broke still land
        raise
    if batch.size():
        yield batch


def _lookahead(items: Iterable[T], n: int) -> tuple[bool, Iterator[T]]:
    """Whether ``items`` holds more than ``n`` items, and an iterator over all of them.

    A ``FeedError`` met while looking ahead is raised again after the items read before it,
    so those still land, as they would without the look-ahead.
    """
    iterator = iter(items)
    head: list[T] = []
    try:
        for item in iterator:
            head.append(item)
            if len(head) > n:
                return True, itertools.chain(head, iterator)
    except FeedError as error:
        return False, itertools.chain(head, _raise_later(error))
    return False, iter(head)


def _raise_later(error: FeedError) -> Iterator[Any]:
    raise error
    yield  # a generator: raises when reached, not when built


def prepare_item(prepare: Callable[[R], P], item: R | Deferred[R]) -> P | Reject:
    """Build a deferred record (or take a record as it is) and ``prepare`` it."""
    record = item.build() if isinstance(item, Deferred) else item
    if isinstance(record, Reject):
        return record
    return prepare(record)


def prepare_items(prepare: Callable[[R], P], items: Sequence[R | Deferred[R]]) -> list[P | Reject]:
    """:func:`prepare_item` over a chunk, in order (what a worker process runs)."""
    return [prepare_item(prepare, item) for item in items]


def exit_with_parent() -> None:
    """In a worker process: exit as soon as the process that started it dies.

    A pool's workers otherwise outlive a parent killed with SIGKILL, waiting for work on a
    queue that never closes.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


@dataclass(frozen=True)
class _Chunk(Generic[P]):
    """Part of a batch's pure work: submitted to the pool, or already done here."""

    future: Future[list[P | Reject]]
    work: Callable[[], list[P | Reject]]


def _collect(chunks: Sequence[_Chunk[P]]) -> list[P | Reject]:
    """The chunks' results in order.

    Chunks no worker has taken yet are cancelled and run here, from the back while the
    workers take them from the front: the calling process helps instead of waiting, which
    also covers the seconds a fresh pool takes to start.
    """
    here: dict[int, list[P | Reject]] = {}
    for index in range(len(chunks) - 1, -1, -1):
        if not chunks[index].future.cancel():
            break  # taken (or done): so is every chunk before it
        here[index] = chunks[index].work()
    return [
        result
        for index, chunk in enumerate(chunks)
        for result in (here[index] if index in here else chunk.future.result())
    ]


def _pool_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a fork server that imported ``preload``.

    Not a plain fork: the calling process runs threads (server, outbox relay) and holds
    database connections, neither of which survives a fork safely. The fork server is a
    fresh single-threaded process started once per calling process; it imports ``preload``
    (the code and data ``prepare`` needs: a second or more each) once, and every worker of
    this run and of later runs is forked from it with all of that in memory, where a spawned
    worker would load it all again. The modules named by the first pool of a process are
    the ones loaded; where there is no fork server (Windows), workers are spawned.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # and the program's main module, which every worker imports otherwise (when it is a file)
    context.set_forkserver_preload(["__main__", *preload])
    return context


class _Preparer(Generic[R, P]):
    """Runs the pure step here, or on a pool of ``workers`` processes once one is warm.

    A fresh pool needs seconds to start its fork server, which imports the code and loads
    what ``prepare`` loads lazily (the taxonomy, a classifier); later pools of the same
    process fork from the warm server at once. The pool is started by a helper thread (a
    worker's start blocks until the fork server is ready) with one warm-up task per worker
    (a copy of a real record's work, its result unused); until those are done, chunks are
    prepared here, so nothing waits for the start.
    """

    def __init__(
        self,
        prepare: Callable[[R], P],
        workers: int,
        stack: ExitStack,
        preload: Sequence[str] = (),
    ) -> None:
        self._prepare = prepare
        self._workers = workers
        self._preload = preload
        self._lock = threading.Lock()
        self._starting = False
        self._closed = False
        self._pool: Executor | None = None
        self._warming: list[Future[list[P | Reject]]] = []
        stack.callback(self._close)

    def submit(self, items: list[R | Deferred[R]]) -> list[_Chunk[P]]:
        if self._workers > 1 and not self._starting and len(items) >= POOL_MIN_WORK:
            self._starting = True
            start = partial(self._start, items[0])
            if START_POOL_IN_BACKGROUND:
                threading.Thread(target=start, name="ingest-pool-start", daemon=True).start()
            else:
                start()
        if not self._starting:
            work = partial(prepare_items, self._prepare, items)
            return [_Chunk(_done(work()), work)]
        size = -(-len(items) // (self._workers * 4))
        chunks: list[_Chunk[P]] = []
        for start_at in range(0, len(items), size):
            work = partial(prepare_items, self._prepare, items[start_at : start_at + size])
            pool = self._warm_pool()
            if pool is not None:
                chunks.append(_Chunk(pool.submit(work), work))
            else:  # the pool is still starting: do this chunk here, look again after it
                chunks.append(_Chunk(_done(work()), work))
        return chunks

    def _warm_pool(self) -> Executor | None:
        with self._lock:
            pool, warming = self._pool, self._warming
        return pool if pool is not None and all(f.done() for f in warming) else None

    def _start(self, sample: R | Deferred[R]) -> None:
        pool = ProcessPoolExecutor(
            self._workers,
            mp_context=_pool_context(self._preload),
            initializer=exit_with_parent,
        )
        warm_up = partial(prepare_items, self._prepare, [sample])
        warming = [pool.submit(warm_up) for _ in range(self._workers)]
        with self._lock:
            if not self._closed:
                self._pool, self._warming = pool, warming
                return
        pool.shutdown(wait=False, cancel_futures=True)  # the run ended while it started

    def _close(self) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        if pool is not None:
            # not waiting: workers still starting up finish that and exit on their own
            pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class _Plan(Generic[P]):
    """A batch after the hash comparison: counts so far, and the records being prepared."""

    received: int
    unchanged: int
    unchanged_ids: list[str]
    rejects: list[Reject]
    todo: list[tuple[str, str, bool]]  # (external_id, content hash, exists), in batch order
    prepared: list[_Chunk[P]]

    def overlaps(self, batch: _Batch[Any]) -> bool:
        """Whether ``batch`` lists an id this plan is about to write."""
        if not self.todo:
            return False
        writing = {external_id for external_id, _, _ in self.todo}
        return any(item.external_id in writing for item in batch.items)


def _plan(
    engine: Engine,
    target: UpsertTarget[R, P],
    source: str,
    batch: _Batch[R],
    preparer: _Preparer[R, P],
) -> _Plan[P]:
    latest: dict[str, R | Deferred[R]] = {}
    for item in batch.items:
        latest[item.external_id] = item  # a feed listing one id twice: the later entry wins
    with Session(engine) as session:
        known = target.existing_hashes(session, source, list(latest))
    unchanged_ids: list[str] = []
    todo: list[tuple[str, str, bool]] = []
    work: list[R | Deferred[R]] = []
    for external_id, item in latest.items():
        digest = item.raw_hash if isinstance(item, Deferred) else item.content_hash()
        old = known.get(external_id)
        if old == digest:
            unchanged_ids.append(external_id)
            continue
        todo.append((external_id, digest, old is not None))
        work.append(item)
    return _Plan(
        received=batch.size(),
        unchanged=len(batch.items) - len(latest) + len(unchanged_ids),
        unchanged_ids=unchanged_ids,
        rejects=batch.rejects,
        todo=todo,
        prepared=preparer.submit(work) if work else [],
    )


def _write_plan(
    engine: Engine,
    run_id: str,
    target: UpsertTarget[R, P],
    source: str,
    plan: _Plan[P],
    counts: Counts,
    rejects: list[dict[str, Any]],
    seen: set[str],
) -> None:
    results = _collect(plan.prepared)
    changes: list[Change[P]] = []
    failed = list(plan.rejects)
    for (external_id, digest, exists), result in zip(plan.todo, results, strict=True):
        if isinstance(result, Reject):
            failed.append(result)
        else:
            changes.append(Change(external_id, digest, exists, result))
    failed.sort(key=lambda reject: reject.position)
    with unit_of_work(engine) as session:
        if changes:
            add_events(session, target.stream, target.write(session, source, changes))
        counts.received += plan.received
        counts.rejected += len(failed)
        counts.unchanged += plan.unchanged
        updated = sum(1 for change in changes if change.exists)
        counts.updated += updated
        counts.created += len(changes) - updated
        rejects.extend(asdict(reject) for reject in failed[: max(0, REJECTS_KEPT - len(rejects))])
        _save_progress(session, run_id, counts, rejects)
    seen.update(plan.unchanged_ids)
    seen.update(change.external_id for change in changes)


def run_feed(
    engine: Engine,
    run_id: str,
    items: Iterable[R | Deferred[R] | Reject],
    target: UpsertTarget[R, P],
    *,
    source: str,
    mode: str,
    batch_size: int = 500,
    on_batch: Callable[[Counts], None] | None = None,
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN_RECORDS,
) -> RunView:
    """Ingest ``items`` into ``target`` as run ``run_id`` (created by :func:`create_run`).

    ``workers`` is how many processes prepare records when the feed has more than
    ``parallel_min`` items and the target's ``parallel_prepare`` is set (default: one per
    CPU); ``1`` keeps everything in this process. Results do not depend on it: the same
    records, events and counts in the same order. Workers are forked from a fork server
    (spawned where there is none), which imports the program's main module: a script calling
    this on a big feed needs the usual ``if __name__ == "__main__":`` guard.
    """
    counts = Counts()
    rejects: list[dict[str, Any]] = []
    seen: set[str] = set()
    processes = (os.cpu_count() or 1) if workers is None else workers
    if not target.parallel_prepare:
        processes = 1
    large, stream = _lookahead(items, parallel_min) if processes > 1 else (False, iter(items))

    def write(plan: _Plan[P]) -> None:
        _write_plan(engine, run_id, target, source, plan, counts, rejects, seen)
        if on_batch:
            on_batch(counts)

    with ExitStack() as stack:
        preparer: _Preparer[R, P] = _Preparer(
            target.prepare, processes if large else 1, stack, target.worker_preload
        )
        pending: _Plan[P] | None = None
        try:
            for batch in _batches(stream, batch_size):
                if pending is not None and pending.overlaps(batch):
                    write(pending)
                    pending = None
                plan = _plan(engine, target, source, batch, preparer)
                if pending is not None:
                    write(pending)
                pending = plan
            if pending is not None:
                write(pending)
                pending = None
            if mode == "snapshot":
                _close_missing(engine, run_id, target, source, seen, batch_size, counts, rejects)
        except FeedError as exc:
            if pending is not None:
                write(pending)  # what was read before the broken part stands
            with unit_of_work(engine) as session:
                _save_progress(
                    session,
                    run_id,
                    counts,
                    rejects,
                    status="failed",
                    error=str(exc)[:1024],
                    finished_at=utcnow(),
                )
            raise
    with unit_of_work(engine) as session:
        _save_progress(session, run_id, counts, rejects, status="completed", finished_at=utcnow())
    return get_run(engine, run_id)


def _close_missing(
    engine: Engine,
    run_id: str,
    target: UpsertTarget[Any, Any],
    source: str,
    seen: set[str],
    batch_size: int,
    counts: Counts,
    rejects: list[dict[str, Any]],
) -> None:
    while True:
        with unit_of_work(engine) as session:
            events = target.close_missing(session, source, seen, limit=batch_size)
            add_events(session, target.stream, events)
            counts.closed += len(events)
            _save_progress(session, run_id, counts, rejects)
        if len(events) < batch_size:
            break


def mark_interrupted(engine: Engine) -> int:
    """Runs left ``running`` by a process that died are ``interrupted`` (call on start-up)."""
    with unit_of_work(engine) as session:
        result = session.execute(
            update(ingest_run_table)
            .where(ingest_run_table.c.status == "running")
            .values(status="interrupted", finished_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)


def check_source(source: str) -> str:
    """A source name: letters, digits, ``_ . -``, at most 64 characters."""
    if not _SOURCE.match(source):
        raise ValidationFailed(
            "Invalid source name.",
            [
                {
                    "field": "query.source",
                    "message": "1-64 letters, digits, '_', '.' or '-'",
                    "type": "value_error",
                }
            ],
        )
    return source


class RunOptions(TypedDict, total=False):
    """How :meth:`Ingestion.items` runs, beyond what it ingests (see there)."""

    mode: str
    on_batch: Callable[[Counts], None] | None
    batch_size: int | None
    workers: int | None


Adapter = Callable[[BinaryIO], Iterable[R | Deferred[R] | Reject]]
"""A feed adapter as ingestion calls it: a byte stream to records (or deferred) and rejects."""


@dataclass(frozen=True)
class Ingestion(Generic[R, P]):
    """One service's ingestion: its run ids, how it reads each format, where records go.

    :meth:`feed` reads a byte stream with the format's adapter; :meth:`items` takes records
    already read (a remote pull's pages). Either checks the source and mode, records a new
    run (``<run_prefix><hex>``) and ingests the items as that run with :func:`run_feed`.
    """

    run_prefix: str
    adapters: Mapping[str, Adapter[R]]
    target: Callable[[], UpsertTarget[R, P]]
    batch_size: int = 500

    def feed(
        self,
        engine: Engine,
        stream: IO[bytes],
        *,
        source: str,
        format: str,
        **options: Unpack[RunOptions],
    ) -> RunView:
        """Read a whole feed through its format's adapter as one ingest run."""
        adapter = self.adapters.get(format)
        if adapter is None:
            raise InvalidInput(f"Unknown format {format!r}; use one of {', '.join(self.adapters)}.")
        return self.items(
            engine, adapter(cast(BinaryIO, stream)), source=source, format=format, **options
        )

    def items(
        self,
        engine: Engine,
        items: Iterable[R | Deferred[R] | Reject],
        *,
        source: str,
        format: str,
        mode: str = "delta",
        on_batch: Callable[[Counts], None] | None = None,
        batch_size: int | None = None,
        workers: int | None = None,
    ) -> RunView:
        """Ingest records already read as one run.

        ``mode``: ``delta``, or ``snapshot`` to close the source's open records the feed
        omits; ``on_batch``: called with the counts after each committed batch;
        ``batch_size``: records per transaction (default: the service's); ``workers``:
        processes that prepare new and changed records of a big feed (when the target's
        ``parallel_prepare`` is set); ``None`` means one per CPU, ``1`` keeps it all in this
        process.
        """
        check_source(source)
        if mode not in MODES:
            raise InvalidInput("mode must be 'delta' or 'snapshot'.")
        run_id = new_id(self.run_prefix)
        create_run(engine, run_id, source=source, format=format, mode=mode)
        return run_feed(
            engine,
            run_id,
            items,
            self.target(),
            source=source,
            mode=mode,
            batch_size=batch_size or self.batch_size,
            on_batch=on_batch,
            workers=workers,
        )
