"""The ingest pipeline on a toy target: deferred records built only when changed, batches,
duplicates, rejects from a deferred build, a broken feed part-way, events in feed order."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.db import json_serializer
from services.common.errors import InvalidInput, ValidationFailed
from services.common.events import Event
from services.common.ingest import Deferred, FeedError, Reject
from services.common.ingest_runs import (
    Change,
    Ingestion,
    create_run,
    get_run,
    ingest_run_metadata,
    ingest_run_table,
    prepare_item,
    run_feed,
)
from services.common.outbox import outbox_metadata, outbox_table

metadata = MetaData()
thing_table = Table(
    "thing",
    metadata,
    Column("source", String, primary_key=True),
    Column("external_id", String, primary_key=True),
    Column("value", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("status", String, nullable=False),
)

BUILT: list[str] = []  # external ids built by build_thing, in order (single-process runs only)


@dataclass(frozen=True)
class Thing:
    external_id: str
    value: str

    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.external_id}={self.value}".encode()).hexdigest()


def build_thing(external_id: str, value: str, position: int) -> Thing | Reject:
    BUILT.append(external_id)
    if value == "bad":
        return Reject(position, external_id, "bad value")
    return Thing(external_id, value)


def deferred(external_id: str, value: str, position: int) -> Deferred[Thing]:
    raw_hash = hashlib.sha256(f"raw:{external_id}:{value}".encode()).hexdigest()
    return Deferred(external_id, raw_hash, partial(build_thing, external_id, value, position))


def prepare_thing(thing: Thing) -> dict[str, str]:
    return {"value": thing.value.upper()}


class ThingTarget:
    stream = "things"
    prepare = staticmethod(prepare_thing)
    parallel_prepare = True  # the feeds here stay under PARALLEL_MIN_RECORDS: no pool starts
    worker_preload: tuple[str, ...] = ()

    def existing_hashes(
        self, session: Session, source: str, external_ids: Sequence[str]
    ) -> dict[str, str]:
        rows = session.execute(
            select(thing_table.c.external_id, thing_table.c.content_hash).where(
                thing_table.c.source == source, thing_table.c.external_id.in_(external_ids)
            )
        ).all()
        return {str(r[0]): str(r[1]) for r in rows}

    def write(
        self, session: Session, source: str, changes: Sequence[Change[dict[str, str]]]
    ) -> list[Event]:
        events = []
        for change in changes:
            values = {**change.prepared, "content_hash": change.content_hash, "status": "open"}
            if change.exists:
                session.execute(
                    update(thing_table)
                    .where(
                        thing_table.c.source == source,
                        thing_table.c.external_id == change.external_id,
                    )
                    .values(**values)
                )
            else:
                session.execute(
                    insert(thing_table).values(
                        source=source, external_id=change.external_id, **values
                    )
                )
            kind = "thing.updated" if change.exists else "thing.created"
            events.append(Event(kind, change.external_id, {"value": values["value"]}))
        return events

    def close_missing(
        self, session: Session, source: str, seen: set[str], limit: int
    ) -> list[Event]:
        rows = session.execute(
            select(thing_table.c.external_id).where(
                thing_table.c.source == source, thing_table.c.status == "open"
            )
        ).all()
        gone = [str(r[0]) for r in rows if r[0] not in seen][:limit]
        for external_id in gone:
            session.execute(
                update(thing_table)
                .where(thing_table.c.source == source, thing_table.c.external_id == external_id)
                .values(status="closed")
            )
        return [Event("thing.closed", external_id) for external_id in gone]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'things.db'}")
    for meta in (metadata, ingest_run_metadata, outbox_metadata):
        meta.create_all(engine)
    BUILT.clear()
    yield engine
    engine.dispose()


def ingest(
    engine: Engine,
    items: Any,
    *,
    mode: str = "delta",
    batch_size: int = 500,
    workers: int = 1,
    run_id: str = "run",
    target: ThingTarget | None = None,
    parallel_min: int = 2000,
) -> Any:
    create_run(engine, run_id, source="s", format="toy", mode=mode)
    return run_feed(
        engine,
        run_id,
        items,
        target or ThingTarget(),
        source="s",
        mode=mode,
        batch_size=batch_size,
        workers=workers,
        parallel_min=parallel_min,
    )


def stored(engine: Engine) -> dict[str, tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(thing_table)).all()
    return {r.external_id: (r.value, r.content_hash, r.status) for r in rows}


def outbox(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(outbox_table.c.event).order_by(outbox_table.c.seq)).all()
    return [(r[0]["type"], r[0]["key"]) for r in rows]


def counts(run: Any) -> tuple[int, int, int, int, int, int]:
    c = run.counts
    return (c.received, c.created, c.updated, c.unchanged, c.closed, c.rejected)


def test_unchanged_deferred_records_are_never_built(engine: Engine) -> None:
    feed = [deferred("a", "1", 0), deferred("b", "2", 1), deferred("c", "3", 2)]
    first = ingest(engine, feed, run_id="r1")
    assert BUILT == ["a", "b", "c"]
    assert counts(first) == (3, 3, 0, 0, 0, 0)
    BUILT.clear()
    again = ingest(engine, feed, run_id="r2")
    assert BUILT == []
    assert counts(again) == (3, 0, 0, 3, 0, 0)
    changed = [deferred("a", "1", 0), deferred("b", "two", 1), deferred("c", "3", 2)]
    third = ingest(engine, changed, run_id="r3")
    assert BUILT == ["b"]
    assert counts(third) == (3, 0, 1, 2, 0, 0)
    assert stored(engine)["b"][0] == "TWO"


def test_deferred_records_store_their_raw_hash_and_records_their_own(engine: Engine) -> None:
    raw = deferred("a", "1", 0)
    plain = Thing("b", "2")
    ingest(engine, [raw, plain])
    rows = stored(engine)
    assert rows["a"] == ("1", raw.raw_hash, "open")
    assert rows["b"] == ("2", plain.content_hash(), "open")


def test_a_feed_listing_an_id_twice_keeps_the_later_entry(engine: Engine) -> None:
    run = ingest(engine, [deferred("a", "old", 0), deferred("b", "1", 1), deferred("a", "new", 2)])
    assert BUILT == ["a", "b"]  # the earlier "a" is never built
    assert stored(engine)["a"][0] == "NEW"
    assert counts(run) == (3, 2, 0, 1, 0, 0)


def test_an_id_in_neighbouring_batches_is_created_then_updated(engine: Engine) -> None:
    # batch 2 is planned before batch 1 is written; sharing "a", it must wait for batch 1
    feed = [deferred("a", "1", 0), deferred("b", "1", 1), deferred("a", "2", 2)]
    run = ingest(engine, feed, batch_size=2)
    assert counts(run) == (3, 2, 1, 0, 0, 0)
    assert stored(engine)["a"][0] == "2".upper()
    assert outbox(engine) == [
        ("thing.created", "a"),
        ("thing.created", "b"),
        ("thing.updated", "a"),
    ]


def test_events_follow_the_feed_across_batches(engine: Engine) -> None:
    feed = [deferred(f"id{i:02}", "v", i) for i in range(23)]
    run = ingest(engine, feed, batch_size=5)
    assert counts(run) == (23, 23, 0, 0, 0, 0)
    assert outbox(engine) == [("thing.created", f"id{i:02}") for i in range(23)]


def test_a_deferred_build_may_reject_and_snapshot_then_closes_the_record(engine: Engine) -> None:
    ingest(engine, [deferred("a", "1", 0), deferred("b", "1", 1)], run_id="r1")
    feed: list[Any] = [
        deferred("a", "1", 0),
        Reject(1, None, "unreadable"),
        deferred("b", "bad", 2),
    ]
    run = ingest(engine, feed, mode="snapshot", run_id="r2")
    assert counts(run) == (3, 0, 0, 1, 1, 2)
    assert [(r["position"], r["reason"]) for r in run.rejects] == [
        (1, "unreadable"),
        (2, "bad value"),
    ]
    assert stored(engine)["b"] == ("1", deferred("b", "1", 1).raw_hash, "closed")
    assert stored(engine)["a"][2] == "open"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_feed_broken_part_way_keeps_what_came_before(engine: Engine, workers: int) -> None:
    def feed() -> Iterator[Any]:
        yield deferred("a", "1", 0)
        yield deferred("b", "1", 1)
        raise FeedError("the rest is not JSON")

    with pytest.raises(FeedError):
        ingest(engine, feed(), workers=workers)
    run = get_run(engine, "run")
    assert run.status == "failed" and run.error == "the rest is not JSON"
    assert counts(run) == (2, 2, 0, 0, 0, 0)
    assert sorted(stored(engine)) == ["a", "b"]


def test_counts_always_add_up(engine: Engine) -> None:
    ingest(engine, [deferred(f"k{i}", "1", i) for i in range(10)], run_id="r1")
    feed: list[Any] = [deferred(f"k{i}", "2" if i % 3 else "1", i) for i in range(12)]
    feed += [Reject(12, None, "x"), deferred("k0", "1", 13), deferred("bad", "bad", 14)]
    run = ingest(engine, feed, batch_size=4, run_id="r2")
    received, created, updated, unchanged, _closed, rejected = counts(run)
    assert received == len(feed) == created + updated + unchanged + rejected
    assert (created, updated, rejected) == (2, 6, 2)


def test_prepare_item_builds_then_prepares_and_passes_rejects_on() -> None:
    assert prepare_item(prepare_thing, deferred("a", "x", 0)) == {"value": "X"}
    assert prepare_item(prepare_thing, Thing("a", "y")) == {"value": "Y"}
    assert prepare_item(prepare_thing, deferred("a", "bad", 7)) == Reject(7, "a", "bad value")


class LightThingTarget(ThingTarget):
    parallel_prepare = False


def test_a_target_whose_prepare_is_light_never_starts_workers(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr("services.common.ingest_runs.ProcessPoolExecutor", no_pool)
    feed = [deferred(f"id{i}", "v", i) for i in range(120)]
    run = ingest(engine, feed, workers=4, parallel_min=0, target=LightThingTarget())
    assert counts(run) == (120, 120, 0, 0, 0, 0)
    assert len(BUILT) == 120


def read_things(stream: BinaryIO) -> Iterator[Thing | Reject]:
    """A toy adapter: one ``id=value`` per line."""
    for position, line in enumerate(stream.read().decode().splitlines()):
        external_id, _, value = line.partition("=")
        yield Thing(external_id, value) if value else Reject(position, external_id, "no value")


THINGS = Ingestion("trun_", {"lines": read_things}, ThingTarget, batch_size=2)


def test_an_ingestion_reads_the_format_and_records_a_run_under_its_prefix(engine: Engine) -> None:
    run = THINGS.feed(engine, io.BytesIO(b"a=1\nb=2\nc\nd=4"), source="src", format="lines")
    assert run.id.startswith("trun_")
    assert (run.counts.received, run.counts.created, run.counts.rejected) == (4, 3, 1)
    assert run.rejects == [{"position": 2, "external_id": "c", "reason": "no value"}]
    assert get_run(engine, run.id).status == "completed"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"source": "src", "format": "xml"}, InvalidInput),
        ({"source": "no spaces", "format": "lines"}, ValidationFailed),
        ({"source": "src", "format": "lines", "mode": "replace"}, InvalidInput),
    ],
)
def test_an_ingestion_refuses_bad_options_before_recording_a_run(
    engine: Engine, options: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        THINGS.feed(engine, io.BytesIO(b"a=1"), **options)  # type: ignore[arg-type]
    with engine.connect() as conn:
        assert conn.execute(select(ingest_run_table)).all() == []


def test_json_columns_are_written_as_json_dumps_would_read_them() -> None:
    value = {1: [np.float64(1.5), np.int64(2)], "nan": float("nan"), "t": (1, "é")}
    assert json.loads(json_serializer(value)) == {"1": [1.5, 2], "nan": None, "t": [1, "é"]}
