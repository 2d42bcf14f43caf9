"""Fixtures every tier shares: settings on a fresh data folder, the embedded gateway, keys,
and real PostgreSQL / Redis for the integration tier (a fresh database per run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.common.events import EventBus
from services.common.settings import Settings

IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get(
    "ROUTEWAY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("ROUTEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def unavailable(reason: str) -> None:
    """Skip outside CI; fail under CI=true, where every tier must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: integration tests must not skip)")
    pytest.skip(reason)


def shared_data_file(relative: str) -> Path:
    """A file of ../shared/data, skipping (or failing under CI) when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        unavailable(f"real data file {path} is absent")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path / "var",
        demo_data=False,
        log_json=True,
        outbox_poll_s=0.05,
    )


@pytest.fixture
def gateway(settings: Settings) -> Iterator[TestClient]:
    from gateway.app import create_app

    with TestClient(create_app(settings)) as client:
        yield client


def make_key(
    settings: Settings, role: str, office: str | None = None, org: str | None = None
) -> str:
    from gateway import keys
    from services.common.db import create_service_engine, unit_of_work
    from services.common.migrations import upgrade

    engine = create_service_engine(settings, "gateway")
    try:
        upgrade("gateway", engine)
        with unit_of_work(engine) as session:
            return keys.create_key(session, role=role, office=office, org=org).key
    finally:
        engine.dispose()


@pytest.fixture
def admin_headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(settings, 'admin')}"}


@pytest.fixture
def adviser_headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(settings, 'adviser', office='office-a')}"}


@pytest.fixture
def hub_headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(settings, 'employer_hub', org='hub-a')}"}


@pytest.fixture
def app_headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(settings, 'jobseeker_app')}"}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    import psycopg

    name = f"routeway_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_rows(db: Path, sql: str) -> int:
    """The single number (a count, a maximum ...) that ``sql`` gives on the SQLite file ``db``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Redis for this run; each test namespaces its keys."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(params=["inprocess", pytest.param("redis", marks=pytest.mark.integration)])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    """Each event bus in turn: in-process, then Redis Streams under its own key prefix."""
    from services.common.events import InProcessBus, RedisStreamsBus

    if request.param == "inprocess":
        yield InProcessBus()
        return
    url = request.getfixturevalue("redis_url")
    redis_bus = RedisStreamsBus(url, prefix=f"test:{uuid.uuid4().hex}:")
    yield redis_bus
    await redis_bus.close()
