"""Keys are shown once, stored as salted hashes, and stop working when revoked or expired."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from gateway import keys
from gateway.models import ApiKey
from services.common.db import create_service_engine, unit_of_work
from services.common.errors import InvalidInput
from services.common.migrations import upgrade
from services.common.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(settings: Settings):  # type: ignore[no-untyped-def]
    engine = create_service_engine(settings, "gateway")
    upgrade("gateway", engine)
    yield engine
    engine.dispose()


def test_only_a_salted_hash_is_stored(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        a = keys.create_key(session, role="admin")
        b = keys.create_key(session, role="admin")
    with unit_of_work(engine) as session:
        rows = session.exec(select(ApiKey)).all()
    stored = " ".join(f"{r.id} {r.salt} {r.hash}" for r in rows)
    for issued in (a, b):
        secret = issued.key.rsplit("_", 1)[1]
        assert secret not in stored
    assert len({r.salt for r in rows}) == 2


def test_verify_accepts_the_key_and_rejects_tampering(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        issued = keys.create_key(session, role="adviser", office="office-a")
    with unit_of_work(engine) as session:
        caller = keys.verify_key(session, issued.key)
        assert caller is not None and caller.role == "adviser" and caller.office == "office-a"
        assert keys.verify_key(session, issued.key[:-1] + ("x" if issued.key[-1] != "x" else "y")) is None
        assert keys.verify_key(session, "rw_unknown_secret") is None
        assert keys.verify_key(session, "not-a-key") is None


def test_revoked_and_expired_keys_fail(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        revoked = keys.create_key(session, role="admin")
        expired = keys.create_key(session, role="admin", expires_in=timedelta(seconds=-1))
        keys.revoke_key(session, revoked.record.id)
    with unit_of_work(engine) as session:
        assert keys.verify_key(session, revoked.key) is None
        assert keys.verify_key(session, expired.key) is None


def test_scoped_roles_need_their_scope(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        with pytest.raises(InvalidInput):
            keys.create_key(session, role="adviser")
        with pytest.raises(InvalidInput):
            keys.create_key(session, role="employer_hub")
        with pytest.raises(InvalidInput):
            keys.create_key(session, role="root")


def test_cli_prints_only_the_key_and_it_works_at_once(settings: Settings) -> None:
    env = {**os.environ, "ROUTEWAY_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "keys", "create", "--role", "admin"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )
    key = result.stdout.strip()
    assert result.stdout == key + "\n" and key.startswith("rw_")
    from gateway.app import create_app

    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/keys", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_cli_refuses_an_adviser_without_office(settings: Settings) -> None:
    env = {**os.environ, "ROUTEWAY_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "keys", "create", "--role", "adviser"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "office" in result.stderr


def test_api_key_lifecycle_through_the_gateway(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    made = gateway.post("/v1/keys", headers=admin_headers, json={"role": "employer_hub", "org": "hub-x"})
    assert made.status_code == 201
    new_key = made.json()["key"]
    listed = gateway.get("/v1/keys", headers=admin_headers).json()["items"]
    assert made.json()["id"] in [k["id"] for k in listed]
    assert all("key" not in k and "hash" not in k and "salt" not in k for k in listed)
    assert gateway.delete(f"/v1/keys/{made.json()['id']}", headers=admin_headers).status_code == 200
    gateway.app.state.key_cache.clear()  # type: ignore[attr-defined]
    assert gateway.get("/v1/vacancies", headers={"Authorization": f"Bearer {new_key}"}).status_code == 401


def test_admin_actions_are_audited(gateway: TestClient, admin_headers: dict[str, str]) -> None:
    gateway.get("/v1/keys", headers={**admin_headers, "X-Request-ID": "audit-me"})
    events = gateway.get("/v1/audit?action=keys.list", headers=admin_headers).json()["items"]
    assert any(e["request_id"] == "audit-me" and e["role"] == "admin" for e in events)
