"""The authorisation table, every cell: each rule of ``gateway.policy.RULES`` called as each role,
with a bad key and with no key.

* allowed: the gateway lets it through (neither 401 nor 403; a service may still answer 404 or
  422 for the made-up ids and bodies used here), gateway-own endpoints give their real answer,
  and an audited rule leaves an audit row with the request id;
* denied: 403 problem+json from the gateway, nothing audited as the rule's action;
* no key or a bad key: 401 problem+json with ``WWW-Authenticate: Bearer``.

docs/SECURITY.md prints the same table (tests/gateway/test_security_table.py keeps it in step).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.policy import RULES, Rule
from services.common.auth import ROLES
from services.common.settings import Settings
from tests.conftest import make_key

PROBLEM = "application/problem+json"
SCOPES: dict[str, dict[str, str]] = {
    "adviser": {"office": "office-a"},
    "employer_hub": {"org": "hub-a"},
}


@dataclass
class Table:
    """One gateway for the whole walk, with a key per role."""

    client: TestClient
    keys: dict[str, str]
    settings: Settings

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def key_id(self, role: str) -> str:
        return self.keys[role].removeprefix("rw_").split("_", 1)[0]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Table]:
    from gateway.app import create_app

    tmp: Path = tmp_path_factory.mktemp("authz")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp / "var",
        demo_data=False,
        outbox_poll_s=0.05,
        rate_limit_per_minute=100_000,  # the walk is about roles, not limits
    )
    keys = {role: make_key(settings, role, **SCOPES.get(role, {})) for role in ROLES}
    with TestClient(create_app(settings)) as client:
        yield Table(client, keys, settings)


def _concrete_path(rule: Rule) -> str:
    """The rule's path with made-up ids (an ingest run id keeps the prefix that routes it)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return "vrun_doesnotexist" if name == "run_id" else f"{name.removesuffix('_id')}-doesnotexist"

    return re.sub(r"\{(\w+)\}", fill, rule.path)


def _request(table: Table, rule: Rule) -> dict[str, Any]:
    """Method, path and body for one call of ``rule``; gateway-own rules get real arguments."""
    if (rule.method, rule.path) == ("POST", "/v1/keys"):
        return {"json": {"role": "jobseeker_app", "label": "authz-table"}}
    if (rule.method, rule.path) == ("DELETE", "/v1/keys/{key_id}"):
        victim = make_key(table.settings, "jobseeker_app")
        return {"url": f"/v1/keys/{victim.removeprefix('rw_').split('_', 1)[0]}"}
    if rule.path.startswith("/v1/ingest/") and rule.method == "POST":
        return {"content": b"", "headers": {"content-type": "application/octet-stream"}}
    if rule.method in ("POST", "PATCH", "PUT"):
        return {"json": {}}
    return {}


# The real answers of the gateway's own endpoints when allowed.
GATEWAY_ANSWERS = {
    ("GET", "/v1/keys"): 200,
    ("POST", "/v1/keys"): 201,
    ("DELETE", "/v1/keys/{key_id}"): 200,
    ("GET", "/v1/audit"): 200,
}


def _call(table: Table, rule: Rule, headers: dict[str, str]) -> Any:
    spec = _request(table, rule)
    url = spec.pop("url", _concrete_path(rule))
    extra = spec.pop("headers", {})
    return table.client.request(rule.method, url, headers={**headers, **extra}, **spec)


def _assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("https://")
    return body


CELLS = [
    pytest.param(rule, role, id=f"{rule.method} {rule.path} as {role}")
    for rule in RULES
    for role in (*ROLES, "no key", "bad key")
]


def test_the_walk_covers_every_rule_and_role() -> None:
    assert len(CELLS) == len(RULES) * (len(ROLES) + 2)
    assert {(r.method, r.path) for r in RULES if r.service == "gateway"} == set(GATEWAY_ANSWERS)


@pytest.mark.parametrize(("rule", "role"), CELLS)
def test_cell(table: Table, rule: Rule, role: str) -> None:
    request_id = f"authz-{uuid.uuid4().hex[:12]}"
    if role == "no key":
        response = _call(table, rule, {"X-Request-ID": request_id})
        _assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        return
    if role == "bad key":
        forged = table.keys["admin"][:-4] + "AAAA"
        response = _call(table, rule, {"Authorization": f"Bearer {forged}"})
        _assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        return

    response = _call(table, rule, {**table.headers(role), "X-Request-ID": request_id})
    if role not in rule.roles:
        body = _assert_problem(response, 403)
        assert role in body["detail"] and body["request_id"] == request_id
        assert not _audited(table, rule, role, request_id)
        return

    assert response.status_code not in (401, 403), response.text
    expected = GATEWAY_ANSWERS.get((rule.method, rule.path))
    if expected is not None:
        assert response.status_code == expected, response.text
    if rule.audit or role == "admin":
        assert _audited(table, rule, role, request_id), "an allowed call left no audit row"


def _audited(table: Table, rule: Rule, role: str, request_id: str) -> bool:
    """Whether the audit log, read through the API as admin, holds this request."""
    action = rule.audit or f"admin.{rule.method.lower()}"
    listing = table.client.get(
        "/v1/audit",
        params={"action": action, "key_id": table.key_id(role), "limit": 200},
        headers=table.headers("admin"),
    )
    assert listing.status_code == 200, listing.text
    rows = [row for row in listing.json()["items"] if row["request_id"] == request_id]
    for row in rows:
        assert row["role"] == role and row["method"] == rule.method
        assert row["office"] == SCOPES.get(role, {}).get("office")
        assert row["org"] == SCOPES.get(role, {}).get("org")
        assert row["at"].endswith(("Z", "+00:00"))
    return bool(rows)
