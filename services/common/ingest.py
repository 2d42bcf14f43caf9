"""What every feed adapter yields: records it could read, and rejects it could not.

An adapter is a pure function from bytes (a binary stream, read incrementally so memory
stays flat) to an iterator of ``Parsed`` items: each item is either the adapter's record
type or a ``Reject`` naming the record's position in the feed and a reason a feed
operator can act on. One bad record never stops the iteration.

An adapter may also yield a ``Deferred`` record: its id, a hash of its raw content, and a
``build`` that does the costly part (full parse) only when asked. Ingestion compares the raw
hash with the stored one first and builds only records that are new or changed, so an
unchanged record costs a decode and a hash. ``build`` is pickled to worker processes for big
feeds: make it a ``functools.partial`` of a module-level function over plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reject:
    """A record the adapter could not read.

    ``position`` is the record's 0-based index in the feed, or for CSV the 1-based line
    number of the data row (the header is line 1, so the first data row is line 2).
    """

    position: int
    external_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Deferred(Generic[T]):
    """A record whose full parse waits until ingestion knows it is new or changed.

    ``raw_hash`` is a digest of the record's raw content (with the adapter's version tag, so
    a change in how the adapter reads records changes every hash); it is what ingestion
    stores as the record's content hash. ``build()`` returns the record, or a ``Reject``
    when the full parse finds a defect; it must be pure and picklable.
    """

    external_id: str
    raw_hash: str
    build: Callable[[], T | Reject]


ParseStream = Iterator[T | Reject]
"""What an adapter returns: records and rejects (tell them apart with ``isinstance(x, Reject)``)."""


class FeedError(ValueError):
    """The feed as a whole cannot be read (not one record: the envelope is broken).

    Raised before any record is yielded when nothing can be salvaged, for example an XML
    document with an external entity or a body that is not the announced format at all.
    """
