"""Reading JSON feeds record by record from a binary stream, in flat memory.

Three shapes arrive under one format name, told apart by the first non-space byte:

- ``[`` : a JSON array of records, decoded one element at a time
  (``json.JSONDecoder.raw_decode`` over a rolling text buffer, never the whole body);
- ``{`` whose first line is a complete value: JSON Lines, one record per line (blank lines
  skipped), each line parsed on its own so a bad line rejects only itself;
- ``{`` otherwise: one pretty-printed object (or several one after another).

A syntax error inside an array or a pretty-printed object cannot be stepped over safely,
so it ends the stream with a fatal ``Broken`` item (what was read before it stands).
A body that starts with anything else is not JSON at all: ``FeedError``. An empty body is
an empty feed. A UTF-8 byte-order mark is skipped.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

import orjson

from services.common.ingest import FeedError

CHUNK_BYTES: Final = 256 << 10
MAX_RECORD_BYTES: Final = 32 << 20
_BOM: Final = b"\xef\xbb\xbf"
_WHITESPACE: Final = " \t\r\n"
_DECODER: Final = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Broken:
    """A record that could not be decoded; ``fatal`` means nothing after it can be read."""

    reason: str
    fatal: bool = False


def iter_json_records(stream: BinaryIO) -> Iterator[object | Broken]:
    """Each top-level record of a JSON, JSON array or JSON Lines body, in order."""
    head = _read_head(stream)
    if head is None:
        return
    first = head[:1]
    if first == b"[":
        rest, head = head[1:], b""  # hold one copy of the first chunk, not two
        yield from _decode_values(rest, stream, in_array=True)
    elif first == b"{":
        newline = head.find(b"\n")
        first_line = head if newline < 0 else head[:newline]
        if first_line.rstrip().endswith(b"}"):
            yield from _decode_lines(head, stream)
        else:
            yield from _decode_values(head, stream, in_array=False)
    else:
        raise FeedError(f"not JSON: the body starts with {first!r}, not '{{' or '['")


def _read_head(stream: BinaryIO) -> bytes | None:
    """The first chunk with leading BOM and whitespace removed; ``None`` for an empty body."""
    head = stream.read(CHUNK_BYTES)
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    while True:
        head = head.lstrip()
        if head:
            break
        head = stream.read(CHUNK_BYTES)
        if not head:
            return None
    newline = head.find(b"\n")
    while newline < 0 and len(head) < MAX_RECORD_BYTES:
        more = stream.read(CHUNK_BYTES)
        if not more:
            break
        head += more
        newline = head.find(b"\n")
    return head


def _decode_lines(head: bytes, stream: BinaryIO) -> Iterator[object | Broken]:
    for line in _lines(head, stream):
        if line is None:
            yield Broken(f"record longer than {MAX_RECORD_BYTES} bytes")
            continue
        if not line.strip():
            continue
        try:
            yield orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield Broken(f"invalid JSON: {error}")


def _lines(head: bytes, stream: BinaryIO) -> Iterator[bytes | None]:
    """Lines of the body; ``None`` stands for a line too long to hold (it is skipped)."""
    buffer = head
    skipping = False
    while True:
        start = 0
        while (newline := buffer.find(b"\n", start)) >= 0:
            if skipping:
                skipping = False
            else:
                yield buffer[start:newline]
            start = newline + 1
        buffer = buffer[start:]
        if len(buffer) > MAX_RECORD_BYTES:
            if not skipping:
                yield None
            skipping, buffer = True, b""
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            if buffer and not skipping:
                yield buffer
            return
        buffer += chunk


class _TextBuffer:
    """A window of decoded text over the stream that grows on demand and drops what was read.

    Bytes that are not UTF-8 end the text where they start; ``failure`` then says why, so
    the records before them still count.
    """

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.failure: str | None = None
        self.eof = False
        self.text = self._decode(head, final=False)
        self.pos = 0

    def more(self) -> bool:
        """Read another chunk (dropping consumed text); ``False`` at the end of the body."""
        if self.eof:
            return False
        chunk = self._stream.read(max(CHUNK_BYTES, len(self.text) - self.pos))
        self.text = self.text[self.pos :] + self._decode(chunk, final=not chunk)
        self.pos = 0
        if not chunk:
            self.eof = True
        return not self.eof

    def skip_whitespace(self) -> str:
        """Advance past whitespace; the next character, or "" at the end of the body."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def _decode(self, chunk: bytes, *, final: bool) -> str:
        pending = self._decoder.getstate()[0]
        try:
            return self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError as error:
            self.failure = f"not UTF-8 ({error.reason}); the rest of the feed was not read"
            self.eof = True
            self._decoder.reset()
            return (pending + chunk)[: error.start].decode("utf-8")


def _decode_values(head: bytes, stream: BinaryIO, *, in_array: bool) -> Iterator[object | Broken]:
    buffer = _TextBuffer(head, stream)
    for item in _values(buffer, in_array=in_array):
        if isinstance(item, Broken) and buffer.failure is not None:
            yield Broken(buffer.failure, fatal=True)
            return
        yield item


def _values(buffer: _TextBuffer, *, in_array: bool) -> Iterator[object | Broken]:
    expect_value = True
    while True:
        char = buffer.skip_whitespace()
        if char == "":
            if in_array:
                yield Broken("the JSON array is not closed (truncated feed?)", fatal=True)
            return
        if in_array and char == "]":
            return
        if in_array and not expect_value:
            if char != ",":
                yield Broken(f"expected ',' or ']' between records, found {char!r}", fatal=True)
                return
            buffer.pos += 1
            expect_value = True
            continue
        value = _decode_one(buffer)
        if isinstance(value, Broken):
            yield value
            return
        yield value
        expect_value = False


def _decode_one(buffer: _TextBuffer) -> object | Broken:
    while True:
        try:
            value, end = _DECODER.raw_decode(buffer.text, buffer.pos)
        except json.JSONDecodeError as error:
            if len(buffer.text) - buffer.pos > MAX_RECORD_BYTES or not buffer.more():
                return Broken(
                    f"invalid JSON: {error.msg} at character {error.pos - buffer.pos} of the "
                    "record; the rest of the feed was not read",
                    fatal=True,
                )
            continue
        except RecursionError:
            return Broken(
                "invalid JSON: nested too deeply; the rest of the feed was not read", fatal=True
            )
        if end == len(buffer.text) and buffer.more():
            continue  # a number or literal cut at the buffer's end may go on
        buffer.pos = end
        decoded: object = value
        return decoded
