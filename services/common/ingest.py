"""What every feed adapter yields: records it could read, and rejects it could not.

An adapter is a pure function from bytes (a binary stream, read incrementally so memory
stays flat) to an iterator of ``Parsed`` items: each item is either the adapter's record
type or a ``Reject`` naming the record's position in the feed and a reason a feed
operator can act on. One bad record never stops the iteration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

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


ParseStream = Iterator[T | Reject]
"""What an adapter returns: records and rejects (tell them apart with ``isinstance(x, Reject)``)."""


class FeedError(ValueError):
    """The feed as a whole cannot be read (not one record: the envelope is broken).

    Raised before any record is yielded when nothing can be salvaged, for example an XML
    document with an external entity or a body that is not the announced format at all.
    """
