"""Cursors are opaque, signed and tamper-evident; keyset conditions page without gaps or repeats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, create_engine, insert, select

from services.common.errors import InvalidInput
from services.common.pagination import after, decode_cursor, encode_cursor

SECRET = "test-secret"


def test_cursor_round_trips_typed_values() -> None:
    values = [datetime(2026, 1, 2, 3, 4, tzinfo=UTC), date(2026, 5, 6), "abc", 7, 1.5, None]
    assert decode_cursor(encode_cursor(values, SECRET), SECRET, len(values)) == values


@pytest.mark.parametrize("cursor", ["", "!!!", "AAAA", "x" * 300])
def test_garbage_cursor_is_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(cursor, SECRET, 1)


def test_cursor_signed_with_another_secret_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor(["a"], "other"), SECRET, 1)


def test_cursor_with_wrong_arity_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor(["a", 1], SECRET), SECRET, 1)


@hsettings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 5)), st.text("ab", max_size=3)),
        max_size=30,
    ),
    limit=st.integers(min_value=1, max_value=7),
    descending=st.booleans(),
)
def test_keyset_pages_cover_every_row_exactly_once(
    rows: list[tuple[date, str]], limit: int, descending: bool
) -> None:
    engine = create_engine("sqlite://")
    meta = MetaData()
    table = Table("t", meta, Column("id", Integer, primary_key=True), Column("d", Date), Column("s", String))
    meta.create_all(engine)
    with engine.begin() as conn:
        for i, (d, s) in enumerate(rows):
            conn.execute(insert(table).values(id=i, d=d, s=s))
    columns = [table.c.d, table.c.id]
    order = [c.desc() if descending else c for c in columns]
    seen: list[int] = []
    key: list[object] | None = None
    with engine.connect() as conn:
        while True:
            query = select(table.c.id, table.c.d).order_by(*order).limit(limit)
            if key is not None:
                key = decode_cursor(encode_cursor(key, SECRET), SECRET, 2)
                query = query.where(after(columns, key, descending=descending))
            page = conn.execute(query).all()
            seen.extend(r.id for r in page)
            if len(page) < limit:
                break
            key = [page[-1].d, page[-1].id]
    assert sorted(seen) == list(range(len(rows)))
    assert len(seen) == len(set(seen))
