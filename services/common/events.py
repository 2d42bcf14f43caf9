"""The event bus: one interface, two implementations.

* :class:`InProcessBus` for embedded mode: streams kept in memory in this process.
* :class:`RedisStreamsBus` for distributed mode: Redis Streams with consumer groups.

Both give the same semantics, checked by one contract test suite run against each:

* ``publish`` appends an event to a stream and returns its position (``"<ms>-<seq>"``);
  streams are bounded (``maxlen``, approximate on Redis) — the documented retention.
* ``read_group`` delivers each event once per consumer group (at-least-once: an event stays
  pending in the group until ``ack``; ``claim_stale`` hands events a dead consumer left
  pending to a live one). A group per replica gives fan-out: every replica sees every event.
* ``move_group`` sets where a group reads next (``XGROUP SETID``): a replica that rebuilt from
  a snapshot moves its group to the stream position it recorded with the snapshot.
* ``read_after`` reads without a group from a position (tools and tests).
* A group that vanished (Redis restarted without its data) raises :class:`GroupMissing`, so
  the consumer rebuilds from the source of truth instead of silently missing events.

Consumers must be idempotent: every event carries a unique ``id`` and a stream position;
:func:`consume` acks only after the handler applied an event.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

import orjson
import structlog

log = structlog.get_logger("routeway.events")

DEFAULT_MAXLEN = 1_000_000


class GroupMissing(LookupError):
    """The consumer group (or its stream) is gone: Redis lost its data, or the group was dropped."""


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to one entity (``key``) of a service."""

    type: str
    key: str
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_bytes(self) -> bytes:
        """Wire form of the event."""
        return orjson.dumps(
            {
                "type": self.type,
                "key": self.key,
                "data": self.data,
                "id": self.id,
                "occurred_at": self.occurred_at,
            }
        )

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Event:
        """Read an event back from its wire form."""
        body = orjson.loads(raw)
        return cls(
            type=str(body["type"]),
            key=str(body["key"]),
            data=dict(body.get("data") or {}),
            id=str(body["id"]),
            occurred_at=str(body.get("occurred_at", "")),
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """An event as read from a stream, with its position."""

    position: str
    event: Event


class EventBus(Protocol):
    """What services publish to and consume from."""

    async def publish(self, stream: str, event: Event) -> str: ...

    async def ensure_group(self, stream: str, group: str, start: str = "0") -> None: ...

    async def read_group(
        self, stream: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 1000
    ) -> list[Delivery]: ...

    async def move_group(self, stream: str, group: str, position: str) -> None: ...

    async def drop_group(self, stream: str, group: str) -> None: ...

    async def ack(self, stream: str, group: str, positions: Sequence[str]) -> None: ...

    async def claim_stale(
        self, stream: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[Delivery]: ...

    async def read_after(
        self, stream: str, position: str, *, count: int = 100, block_ms: int = 0
    ) -> list[Delivery]: ...

    async def last_position(self, stream: str) -> str: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def parse_position(position: str) -> tuple[int, int]:
    """``"<ms>-<seq>"`` as a comparable pair (``"0"`` and ``""`` are the start)."""
    if position in ("0", "0-0", ""):
        return (0, 0)
    ms, _, seq = position.partition("-")
    return (int(ms), int(seq or 0))


@dataclass
class _Group:
    next_index: int
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)


@dataclass
class _Stream:
    entries: list[tuple[str, Event]] = field(default_factory=list)
    first_index: int = 0  # absolute index of entries[0] after trimming
    groups: dict[str, _Group] = field(default_factory=dict)
    last: tuple[int, int] = (0, 0)


class InProcessBus:
    """Streams in this process's memory, with the semantics of Redis Streams."""

    def __init__(self, maxlen: int = DEFAULT_MAXLEN) -> None:
        self._streams: dict[str, _Stream] = {}
        self._maxlen = maxlen
        self._changed = asyncio.Condition()
        self._seq = itertools.count()

    def _stream(self, name: str) -> _Stream:
        return self._streams.setdefault(name, _Stream())

    def _index_after(self, stream: _Stream, position: str) -> int:
        key = parse_position(position)
        for i, (pos, _) in enumerate(stream.entries):
            if parse_position(pos) > key:
                return stream.first_index + i
        return stream.first_index + len(stream.entries)

    def _by_index(self, stream: _Stream, index: int) -> tuple[str, Event] | None:
        offset = index - stream.first_index
        if 0 <= offset < len(stream.entries):
            return stream.entries[offset]
        return None

    async def publish(self, stream: str, event: Event) -> str:
        s = self._stream(stream)
        ms = int(time.time() * 1000)
        seq = s.last[1] + 1 if ms <= s.last[0] else 0
        ms = max(ms, s.last[0])
        s.last = (ms, seq)
        position = f"{ms}-{seq}"
        s.entries.append((position, event))
        overflow = len(s.entries) - self._maxlen
        if overflow > 0:
            del s.entries[:overflow]
            s.first_index += overflow
        async with self._changed:
            self._changed.notify_all()
        return position

    async def ensure_group(self, stream: str, group: str, start: str = "0") -> None:
        s = self._stream(stream)
        if group not in s.groups:
            index = s.first_index + len(s.entries) if start == "$" else self._index_after(s, start)
            s.groups[group] = _Group(next_index=max(index, s.first_index))

    async def _wait(self, block_ms: int, ready: Callable[[], bool]) -> None:
        if block_ms <= 0 or ready():
            return
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), block_ms / 1000)
            except TimeoutError:
                return

    async def move_group(self, stream: str, group: str, position: str) -> None:
        s = self._stream(stream)
        g = s.groups.get(group)
        if g is None:
            raise GroupMissing(f"no consumer group {group!r} on stream {stream!r}")
        index = (
            s.first_index + len(s.entries) if position == "$" else self._index_after(s, position)
        )
        g.next_index = max(index, s.first_index)

    async def drop_group(self, stream: str, group: str) -> None:
        self._stream(stream).groups.pop(group, None)

    async def read_group(
        self, stream: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 1000
    ) -> list[Delivery]:
        s = self._stream(stream)
        if group not in s.groups:
            raise GroupMissing(f"no consumer group {group!r} on stream {stream!r}")
        g = s.groups[group]
        g.next_index = max(g.next_index, s.first_index)
        await self._wait(block_ms, lambda: g.next_index < s.first_index + len(s.entries))
        out: list[Delivery] = []
        while len(out) < count:
            entry = self._by_index(s, g.next_index)
            if entry is None:
                break
            g.next_index += 1
            g.pending[entry[0]] = (consumer, time.monotonic())
            out.append(Delivery(entry[0], entry[1]))
        return out

    async def ack(self, stream: str, group: str, positions: Sequence[str]) -> None:
        g = self._stream(stream).groups.get(group)
        if g is not None:
            for position in positions:
                g.pending.pop(position, None)

    async def claim_stale(
        self, stream: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[Delivery]:
        s = self._stream(stream)
        g = s.groups.get(group)
        if g is None:
            raise GroupMissing(f"no consumer group {group!r} on stream {stream!r}")
        now = time.monotonic()
        events = dict(s.entries)
        out: list[Delivery] = []
        for position, (_owner, since) in sorted(
            g.pending.items(), key=lambda kv: parse_position(kv[0])
        ):
            if len(out) >= count:
                break
            if (now - since) * 1000 >= min_idle_ms and position in events:
                g.pending[position] = (consumer, now)
                out.append(Delivery(position, events[position]))
        return out

    async def read_after(
        self, stream: str, position: str, *, count: int = 100, block_ms: int = 0
    ) -> list[Delivery]:
        s = self._stream(stream)
        await self._wait(
            block_ms, lambda: self._index_after(s, position) < s.first_index + len(s.entries)
        )
        start = self._index_after(s, position) - s.first_index
        return [Delivery(p, e) for p, e in s.entries[start : start + count]]

    async def last_position(self, stream: str) -> str:
        s = self._stream(stream)
        return f"{s.last[0]}-{s.last[1]}"

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None


def _missing(exc: Exception) -> Exception:
    """``NOGROUP`` as :class:`GroupMissing`; any other Redis error as it is."""
    return GroupMissing(str(exc)) if "NOGROUP" in str(exc) else exc


class RedisStreamsBus:
    """Redis Streams with consumer groups (``XADD``/``XREADGROUP``/``XACK``/``XAUTOCLAIM``)."""

    def __init__(self, url: str, maxlen: int = DEFAULT_MAXLEN, prefix: str = "routeway:") -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        self._maxlen = maxlen
        self._prefix = prefix

    def _key(self, stream: str) -> str:
        return self._prefix + stream

    @staticmethod
    def _deliveries(entries: Any) -> list[Delivery]:
        out = []
        for position, fields in cast(list[tuple[Any, dict[bytes, bytes]]], entries or []):
            if not fields:
                continue  # trimmed while pending
            pos = position.decode() if isinstance(position, bytes) else str(position)
            out.append(Delivery(pos, Event.from_bytes(fields[b"e"])))
        return out

    async def publish(self, stream: str, event: Event) -> str:
        position = await self._redis.xadd(
            self._key(stream), {"e": event.to_bytes()}, maxlen=self._maxlen, approximate=True
        )
        return position.decode() if isinstance(position, bytes) else str(position)

    async def ensure_group(self, stream: str, group: str, start: str = "0") -> None:
        from redis.exceptions import ResponseError

        try:
            await self._redis.xgroup_create(self._key(stream), group, id=start, mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def move_group(self, stream: str, group: str, position: str) -> None:
        from redis.exceptions import ResponseError

        try:
            await self._redis.xgroup_setid(self._key(stream), group, id=position)
        except ResponseError as exc:
            raise _missing(exc) from exc

    async def drop_group(self, stream: str, group: str) -> None:
        from redis.exceptions import ResponseError

        try:
            await self._redis.xgroup_destroy(self._key(stream), group)
        except ResponseError as exc:
            if "key to exist" not in str(exc):  # no stream, so no group: nothing to drop
                raise

    async def read_group(
        self, stream: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 1000
    ) -> list[Delivery]:
        from redis.exceptions import ResponseError

        try:
            reply = await self._redis.xreadgroup(
                group, consumer, {self._key(stream): ">"}, count=count, block=block_ms or None
            )
        except ResponseError as exc:
            raise _missing(exc) from exc
        return [
            d for _name, entries in cast(list[Any], reply or []) for d in self._deliveries(entries)
        ]

    async def ack(self, stream: str, group: str, positions: Sequence[str]) -> None:
        if positions:
            await self._redis.xack(self._key(stream), group, *positions)

    async def claim_stale(
        self, stream: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[Delivery]:
        from redis.exceptions import ResponseError

        try:
            reply = await self._redis.xautoclaim(
                self._key(stream),
                group,
                consumer,
                min_idle_time=min_idle_ms,
                start_id="0-0",
                count=count,
            )
        except ResponseError as exc:
            raise _missing(exc) from exc
        return self._deliveries(reply[1])

    async def read_after(
        self, stream: str, position: str, *, count: int = 100, block_ms: int = 0
    ) -> list[Delivery]:
        reply = await self._redis.xread(
            {self._key(stream): position or "0-0"}, count=count, block=block_ms or None
        )
        return [
            d for _name, entries in cast(list[Any], reply or []) for d in self._deliveries(entries)
        ]

    async def last_position(self, stream: str) -> str:
        from redis.exceptions import ResponseError

        try:
            info = await self._redis.xinfo_stream(self._key(stream))
        except ResponseError:
            return "0-0"
        fields = cast(dict[Any, Any], info)
        last = fields.get("last-generated-id") or fields.get(b"last-generated-id") or b"0-0"
        return last.decode() if isinstance(last, bytes) else str(last)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


Handler = Callable[[Delivery], Awaitable[None]]


async def consume(
    bus: EventBus,
    stream: str,
    group: str,
    consumer: str,
    handler: Handler,
    *,
    stop: asyncio.Event,
    start: str | None = None,
    count: int = 500,
    block_ms: int = 500,
    reclaim_idle_ms: int = 30_000,
) -> None:
    """Deliver ``stream``'s events to ``handler`` through ``group`` until ``stop`` is set.

    * ``start``: create the group at, or move it to, this position (a replica that rebuilt
      from a snapshot taken at ``start``); ``None`` keeps an existing group where it is.
    * First, every entry pending in the group (what this consumer, or a dead one, read and
      never acked) is re-claimed at once; then new entries are read.
    * Each batch is acked after the handler returned for its entries. A handler that raises
      leaves its entry pending; it is re-claimed after ``reclaim_idle_ms``.
    * An unreachable bus is retried every second (the service keeps serving); a group that
      vanished raises :class:`GroupMissing` to the caller, which must rebuild.

    Delivery is at least once, so ``handler`` must be idempotent (it gets the position).
    """
    joined = False
    backlog = True  # re-claim what is pending before reading anything new
    while not stop.is_set():
        try:
            if not joined:
                await bus.ensure_group(stream, group, start or "0")
                if start is not None:
                    await bus.move_group(stream, group, start)
                joined = True
            if backlog:
                batch = await bus.claim_stale(stream, group, consumer, min_idle_ms=0, count=count)
            else:
                batch = await bus.claim_stale(
                    stream, group, consumer, min_idle_ms=reclaim_idle_ms, count=count
                )
                batch += await bus.read_group(
                    stream, group, consumer, count=count, block_ms=block_ms
                )
        except GroupMissing:
            raise
        except Exception as exc:  # bus unreachable: keep trying, never kill the service
            log.warning("event_read_failed", stream=stream, group=group, error=type(exc).__name__)
            await asyncio.sleep(1.0)
            continue
        done: list[str] = []
        for delivery in batch:
            try:
                await handler(delivery)
            except Exception:
                log.exception("event_handler_failed", stream=stream, event_id=delivery.event.id)
                continue
            done.append(delivery.position)
        if backlog and not done:
            backlog = False  # nothing (more) pending, or only what keeps failing
        try:
            await bus.ack(stream, group, done)
        except Exception as exc:  # unacked entries are re-claimed and skipped as already applied
            log.warning("event_ack_failed", stream=stream, group=group, error=type(exc).__name__)


def create_bus(redis_url: str | None) -> EventBus:
    """Redis Streams when ``redis_url`` is set, else the in-process bus."""
    return RedisStreamsBus(redis_url) if redis_url else InProcessBus()
