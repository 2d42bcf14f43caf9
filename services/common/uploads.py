"""Receiving a feed body without holding it in memory."""

from __future__ import annotations

import tempfile
from typing import IO

from fastapi import Request

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


async def spool_body(request: Request) -> IO[bytes]:
    """The request body in a temporary file (in memory up to 8 MiB), rewound for reading."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:  # a body cut off over the limit, a client gone: no file left open
        spool.close()
        raise
    spool.seek(0)
    return spool
