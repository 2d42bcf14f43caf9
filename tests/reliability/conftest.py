"""A seeded embedded gateway the reliability suites share (one per test module).

``seeded_gateway`` starts the whole of Routeway in this process on a fresh data folder, with a
key for each role (advisers of two offices, employer hubs of two organisations), a small real
vacancy feed and the demo course catalogue ingested through the API, and a jobseeker and a
referral per office. Rate limits are lifted: these suites measure correctness, not limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.common.settings import Settings
from tests.conftest import make_key
from tests.matching.people_support import PROFILE

FUTURE = (date.today() + timedelta(days=60)).isoformat()
PROBLEM = "application/problem+json"
INGEST_LIMIT = 4 * 1_048_576  # feeds up to 4 MiB here (the demo catalogue is under 2 MiB)
# role name -> (role, office, org); ``adviser_b`` / ``employer_hub_b`` are the other tenants
KEY_SCOPES: dict[str, tuple[str, str | None, str | None]] = {
    "admin": ("admin", None, None),
    "adviser": ("adviser", "office-a", None),
    "adviser_b": ("adviser", "office-b", None),
    "employer_hub": ("employer_hub", None, "hub-a"),
    "employer_hub_b": ("employer_hub", None, "hub-b"),
    "jobseeker_app": ("jobseeker_app", None, None),
}
SERVICE_TABLES: dict[str, tuple[str, ...]] = {
    "vacancies": ("vacancy",),
    "training": ("provider", "course", "presentation"),
    "matching": ("jobseeker", "referral"),
    "gateway": ("api_key",),
}


def advert(external_id: str, title: str, postcode: str, text_: str | None = None) -> dict[str, Any]:
    """One schema.org JobPosting open for another 60 days."""
    return {
        "@type": "JobPosting",
        "identifier": external_id,
        "title": title,
        "description": text_
        or "<p>Support patients with personal care and moving and handling.</p><p>Teamwork.</p>",
        "validThrough": FUTURE,
        "hiringOrganization": {"name": "Sandwell and West Birmingham NHS Trust"},
        "jobLocation": {"address": {"postalCode": postcode}},
    }


@dataclass
class Seeded:
    """A running embedded gateway, its settings, a key per role and ids of seeded records."""

    client: TestClient
    settings: Settings
    keys: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def row_counts(self) -> dict[str, int]:
        """Rows in every table that holds client data, read from the service databases
        (ingest runs are left out: a refused feed is recorded as a failed run)."""
        counts: dict[str, int] = {}
        for service, tables in SERVICE_TABLES.items():
            engine = create_engine(f"sqlite:///{Path(self.settings.data_dir) / f'{service}.db'}")
            try:
                with engine.connect() as conn:
                    for table in tables:
                        counts[f"{service}.{table}"] = int(
                            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                        )
            finally:
                engine.dispose()
        return counts


def start_seeded(tmp: Path) -> Iterator[Seeded]:
    """Start and seed an embedded gateway on ``tmp``; stopped when the generator closes."""
    from gateway.app import create_app
    from services.demo.courses import demo_courses_xcri

    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp / "var",
        demo_data=False,
        log_json=True,
        outbox_poll_s=0.05,
        rate_limit_per_minute=1_000_000,
        max_ingest_bytes=INGEST_LIMIT,
    )
    keys = {
        who: make_key(settings, role, office, org)
        for who, (role, office, org) in KEY_SCOPES.items()
    }
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        seeded = Seeded(client, settings, keys)
        admin = seeded.headers("admin")
        adverts = [
            advert("R1", "Healthcare Support Worker", "B15 2TT"),
            advert("R2", "Care Assistant", "B16 8QY"),
            advert("R3", "Receptionist", "WR5 1DD", "<p>Customer service and IT skills.</p>"),
        ]
        feed = "\n".join(json.dumps(a) for a in adverts).encode()
        ingested = client.post(
            "/v1/ingest/vacancies?source=seed&format=jobposting-jsonld", headers=admin, content=feed
        )
        assert ingested.status_code == 200, ingested.text
        seeded.ids["run_id"] = ingested.json()["id"]
        courses = client.post(
            "/v1/ingest/courses?source=seed&format=xcri-cap",
            headers=admin,
            content=demo_courses_xcri(today=date.today()),
        )
        assert courses.status_code == 200, courses.text
        vacancy = client.get("/v1/vacancies?limit=1", headers=admin).json()["items"][0]
        course = client.get("/v1/courses?limit=1", headers=admin).json()["items"][0]
        provider = client.get("/v1/providers?limit=1", headers=admin).json()["items"][0]
        role = client.get("/v1/roles?limit=1", headers=admin).json()["items"][0]
        seeded.ids.update(
            vacancy_id=vacancy["id"],
            course_id=course["id"],
            provider_id=provider["id"],
            role_id=role["id"],
        )
        for who in ("adviser", "adviser_b"):
            person = client.post("/v1/jobseekers", headers=seeded.headers(who), json=PROFILE)
            assert person.status_code == 201, person.text
            referral = client.post(
                "/v1/referrals",
                headers=seeded.headers(who),
                json={"jobseeker_id": person.json()["id"], "vacancy_id": vacancy["id"]},
            )
            assert referral.status_code == 201, referral.text
            suffix = "" if who == "adviser" else "_b"
            seeded.ids[f"jobseeker_id{suffix}"] = person.json()["id"]
            seeded.ids[f"referral_id{suffix}"] = referral.json()["id"]
        spare = client.post(
            "/v1/keys", headers=admin, json={"role": "jobseeker_app", "label": "spare"}
        )
        assert spare.status_code == 201, spare.text
        seeded.ids["key_id"] = spare.json()["id"]  # a key no suite uses, for DELETE /v1/keys/{id}
        yield seeded


@pytest.fixture(scope="module")
def seeded_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield from start_seeded(tmp_path_factory.mktemp("reliability"))
