"""Operator-side feed handling for the CLI: files streamed with a progress bar, remote pulls."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from services.common.ingest_runs import Counts, RunView


class ProgressReader(io.RawIOBase):
    """A binary file that reports how many bytes have been read (of the file on disk)."""

    def __init__(self, raw: IO[bytes], advance: Callable[[int], None]) -> None:
        self._raw = raw
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._advance(n)
        return n


def open_feed(path: Path, advance: Callable[[int], None]) -> IO[bytes]:
    """``path`` opened for streaming (gunzipped when it ends in .gz), counting bytes from disk."""
    raw: IO[bytes] = io.BufferedReader(
        ProgressReader(path.open("rb"), advance), buffer_size=1 << 20
    )
    if path.suffix == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def ingest_file(
    path: Path, ingest: Callable[[IO[bytes], Callable[[Counts], None]], RunView], label: str
) -> RunView:
    """Stream ``path`` through ``ingest`` with a progress bar of bytes read and records counted."""
    size = path.stat().st_size
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(label, total=size, counts="")

        def advance(n: int) -> None:
            progress.update(task, advance=n)

        def on_batch(counts: Counts) -> None:
            progress.update(
                task,
                counts=f"{counts.received} read, {counts.created} new, {counts.updated} changed, "
                f"{counts.unchanged} same, {counts.rejected} rejected",
            )

        with open_feed(path, advance) as stream:
            return ingest(stream, on_batch)


class PullState:
    """The last ETag seen per URL, kept in the data folder, for conditional pulls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._state: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}

    def etag(self, url: str) -> str | None:
        return self._state.get(url)

    def remember(self, url: str, etag: str | None) -> None:
        if etag:
            self._state[url] = etag
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self._state, indent=1))
