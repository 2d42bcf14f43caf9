"""The JSON body reader: shape detection, streaming arrays, per-line errors, flat memory."""

from __future__ import annotations

import io
import json

import pytest

from services.common.ingest import FeedError
from services.vacancies.adapters import json_stream
from services.vacancies.adapters.json_stream import Broken, iter_json_records


class _CountingStream(io.BytesIO):
    """A stream that refuses whole-body reads and records the largest read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the adapter read the whole body at once")
        self.largest = max(self.largest, size)
        return super().read(size)


def _records(data: bytes) -> list[object]:
    return list(iter_json_records(io.BytesIO(data)))


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1}',
        b'  \n{"a": 1}\n',
        b'[{"a": 1}]',
        b'{\n  "a": 1\n}\n',
        b'\xef\xbb\xbf{"a": 1}',
    ],
)
def test_one_object_in_any_shape(body: bytes) -> None:
    assert _records(body) == [{"a": 1}]


def test_json_lines_skip_blank_lines_and_reject_only_the_bad_line() -> None:
    body = b'{"a": 1}\n\n{"a": 2\n{"a": 3}\r\n'
    items = _records(body)
    assert items[0] == {"a": 1}
    assert isinstance(items[1], Broken) and not items[1].fatal
    assert "invalid JSON" in items[1].reason
    assert items[2] == {"a": 3}


def test_an_array_is_streamed_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_BYTES", 7)
    records = [{"id": i, "text": "x" * (i * 5), "n": 10**i} for i in range(12)]
    stream = _CountingStream(json.dumps(records, indent=1).encode())
    assert list(iter_json_records(stream)) == records
    assert stream.largest < 200


def test_a_number_cut_at_a_chunk_edge_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_BYTES", 4)
    assert _records(b"[12345678, 9]") == [12345678, 9]


def test_pretty_printed_objects_one_after_another() -> None:
    assert _records(b'{\n "a": 1\n}\n{\n "a": 2\n}\n') == [{"a": 1}, {"a": 2}]


def test_broken_array_keeps_what_was_read_then_stops() -> None:
    items = _records(b'[{"a": 1}, {"a": 2,, "b": 3}, {"a": 4}]')
    assert items[0] == {"a": 1}
    assert isinstance(items[1], Broken) and items[1].fatal
    assert len(items) == 2


def test_unclosed_array_is_reported() -> None:
    items = _records(b'[{"a": 1}, ')
    assert items[0] == {"a": 1}
    assert isinstance(items[1], Broken) and "not closed" in items[1].reason


def test_records_not_separated_by_commas_are_reported() -> None:
    items = _records(b'[{"a": 1} {"a": 2}]')
    assert isinstance(items[1], Broken) and "expected ','" in items[1].reason


def test_invalid_utf8_in_an_array_is_reported() -> None:
    items = _records(b'[{"a": "ok"}, {"a": "\xff"}]')
    assert items[0] == {"a": "ok"}
    assert isinstance(items[-1], Broken) and "UTF-8" in items[-1].reason


@pytest.mark.parametrize("body", [b"", b"   \n\n  "])
def test_an_empty_body_is_an_empty_feed(body: bytes) -> None:
    assert _records(body) == []


@pytest.mark.parametrize("body", [b"<xml/>", b"title,url\n", b'"just a string"'])
def test_a_body_that_is_not_json_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError, match="not JSON"):
        _records(body)


def test_an_overlong_json_line_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_BYTES", 16)
    monkeypatch.setattr(json_stream, "MAX_RECORD_BYTES", 64)
    body = b'{"a": 1}\n{"big": "' + b"y" * 500 + b'"}\n{"a": 3}\n'
    items = _records(body)
    assert items[0] == {"a": 1}
    assert isinstance(items[1], Broken) and "longer than" in items[1].reason
    assert items[2] == {"a": 3}
    assert len(items) == 3
