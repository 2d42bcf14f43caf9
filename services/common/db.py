"""Database engines and the one-transaction-per-request session.

Each service owns its own tables and never reads another's:

* SQLite (default): one file per service, ``<data_dir>/<service>.db``, in WAL mode.
* PostgreSQL (``ROUTEWAY_DATABASE_URL=postgresql://...``): one schema per service in that
  database, selected with ``search_path`` on every connection, so unqualified table names land
  in the service's own schema and a service cannot see another's tables by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from services.common.settings import ServiceName, Settings


def database_url_for(settings: Settings, service: ServiceName) -> str:
    """The SQLAlchemy URL ``service`` uses under ``settings``."""
    if settings.database_url:
        url = make_url(settings.database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.data_dir / f'{service}.db'}"


def is_postgres(engine: Engine) -> bool:
    """True when ``engine`` talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


_JSON_OPTIONS: Final = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def json_serializer(value: Any) -> str:
    """JSON columns written with orjson: several times faster than ``json.dumps`` at ingest rates.

    Integer keys become strings and numpy scalars numbers, as with ``json.dumps``; NaN and
    infinities become ``null`` (valid JSON, which PostgreSQL requires).
    """
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_service_engine(settings: Settings, service: ServiceName) -> Engine:
    """An engine bound to ``service``'s own file or schema (the schema is created if absent)."""
    url = database_url_for(settings, service)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=json_serializer,
            json_deserializer=orjson.loads,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    schema = f"routeway_{service}"
    bootstrap = create_engine(url, pool_pre_ping=True)
    with bootstrap.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    bootstrap.dispose()
    return create_engine(
        url,
        pool_pre_ping=True,
        json_serializer=json_serializer,
        json_deserializer=orjson.loads,
        pool_size=10,
        max_overflow=10,
        connect_args={"options": f"-csearch_path={schema}"},
    )


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(engine: Engine) -> None:
    """Raise if the database does not answer ``SELECT 1``."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
