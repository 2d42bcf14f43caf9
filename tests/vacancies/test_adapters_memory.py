"""Every adapter reads a large feed in flat memory: peak use stays far below the body size.

The bodies are generated on the fly by a stream that never holds them whole, so the peak
measured is the adapter's own working set.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pytest

from services.common.ingest import Reject
from services.vacancies.adapters import ADAPTERS

RECORDS = 300
FILLER = "Caring for patients on a busy ward. " * 400  # about 14 kB per advert


class _GeneratedStream(io.RawIOBase):
    """A read-only binary stream over chunks produced lazily."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
            self.size += len(chunk)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def _posting(index: int) -> dict[str, object]:
    return {
        "@type": "JobPosting",
        "identifier": f"MEM-{index}",
        "title": "Healthcare Assistant",
        "description": f"<p>{FILLER}</p>",
        "baseSalary": {"value": {"value": "£24,071 - £25,674 a year"}},
        "jobLocation": {"address": {"postalCode": "LS1 4AP"}},
    }


def _json_lines() -> Iterator[bytes]:
    for index in range(RECORDS):
        yield json.dumps(_posting(index)).encode() + b"\n"


def _json_array() -> Iterator[bytes]:
    yield b"["
    for index in range(RECORDS):
        yield (b"," if index else b"") + json.dumps(_posting(index), indent=1).encode()
    yield b"]"


def _xml() -> Iterator[bytes]:
    yield f'<results totalPages="1" totalResults="{RECORDS}">'.encode()
    for index in range(RECORDS):
        yield (
            f"<vacancyDetails><id>{index}</id><title>Porter</title>"
            f"<description>{FILLER}</description><salary>£12.21 an hour</salary>"
            f"<locations><location>Leeds LS1 4AP</location></locations></vacancyDetails>"
        ).encode()
    yield b"</results>"


def _csv() -> Iterator[bytes]:
    yield b"external_id,title,description,salary_min\n"
    for index in range(RECORDS):
        yield f'C-{index},Porter,"{FILLER}",22383\n'.encode()


@pytest.mark.parametrize(
    ("format_name", "body"),
    [
        ("jobposting-jsonld", _json_lines),
        ("jobposting-jsonld", _json_array),
        ("nhs-jobs-xml", _xml),
        ("csv", _csv),
    ],
)
def test_memory_stays_flat(format_name: str, body: Callable[[], Iterator[bytes]]) -> None:
    raw = _GeneratedStream(body())
    stream: BinaryIO = io.BufferedReader(raw, buffer_size=64 * 1024)
    tracemalloc.start()
    try:
        count = 0
        for item in ADAPTERS[format_name](stream):
            assert not isinstance(item, Reject), item
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == RECORDS
    assert raw.size > 4_000_000
    assert peak < raw.size / 2
