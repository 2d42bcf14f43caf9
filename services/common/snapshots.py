"""Snapshot pages a service serves to the matching index, and the client that reads them.

A snapshot is the service's current open records, in id order, in pages, with the event-stream
position taken *before* the first page was read. A reader rebuilds from the pages and then tails
the stream from that position: anything that changed during the read arrives again as an event
and is applied again (upserts are idempotent), so nothing between the two is lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
from pydantic import BaseModel

from services.common.auth import Caller, identity_headers

SNAPSHOT_PAGE = 1000
SERVICE_CALLER = Caller(role="admin", key_id="service")


class SnapshotPage(BaseModel):
    """One page of a snapshot."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    position: str


async def read_snapshot(
    client: httpx.AsyncClient, path: str, secret: str, *, page_size: int = SNAPSHOT_PAGE
) -> tuple[AsyncIterator[list[dict[str, Any]]], str]:
    """The stream position and an iterator over the pages of the snapshot at ``path``."""
    headers = identity_headers(SERVICE_CALLER, secret)
    first = await client.get(path, params={"limit": page_size}, headers=headers)
    first.raise_for_status()
    page = SnapshotPage.model_validate(first.json())

    async def pages() -> AsyncIterator[list[dict[str, Any]]]:
        current = page
        yield current.items
        while current.next_cursor:
            response = await client.get(
                path, params={"limit": page_size, "cursor": current.next_cursor}, headers=headers
            )
            response.raise_for_status()
            current = SnapshotPage.model_validate(response.json())
            yield current.items

    return pages(), page.position
