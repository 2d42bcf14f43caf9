"""The same app on real PostgreSQL and Redis: migrations, readiness, keys, events."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.common.settings import Settings
from tests.conftest import make_key

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_settings(tmp_path: Path, postgres_url: str, redis_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path,
        database_url=postgres_url,
        redis_url=redis_url,
        demo_data=False,
    )


def test_gateway_runs_on_postgres_and_redis(pg_settings: Settings) -> None:
    from gateway.app import create_app

    key = make_key(pg_settings, "admin")
    with TestClient(create_app(pg_settings)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["redis"] == "ok"
        assert client.get("/v1/keys", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_each_service_has_its_own_schema(pg_settings: Settings) -> None:
    from sqlalchemy import inspect

    from services.common.db import create_service_engine
    from services.common.migrations import upgrade

    tables = {}
    for service in ("vacancies", "training", "matching", "gateway"):
        engine = create_service_engine(pg_settings, service)
        upgrade(service, engine)
        tables[service] = set(inspect(engine).get_table_names())
        engine.dispose()
    assert "api_key" in tables["gateway"] and "api_key" not in tables["vacancies"]
    for service in ("vacancies", "training", "matching"):
        assert {"outbox", "alembic_version"} <= tables[service]


def test_readyz_reports_redis_down(tmp_path: Path, postgres_url: str) -> None:
    from gateway.app import create_app

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path,
        database_url=postgres_url,
        redis_url="redis://127.0.0.1:1/0",
        demo_data=False,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("unavailable")
