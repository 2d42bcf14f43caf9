"""``routeway reenrich vacancies``: stored vacancies take a changed taxonomy's enrichment,
with an event for each one that changed and nothing for the rest."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gateway.cli import app
from services.common.db import create_service_engine
from services.common.migrations import upgrade
from services.common.settings import Settings
from services.taxonomy.models import Extraction, Requirements, RoleGuess, SkillHit
from services.vacancies import enrich, service
from services.vacancies.reenrich import count_vacancies, reenrich_vacancies
from tests.vacancies.stored import outbox_events, vacancy_rows


def taxonomy_giving(role: str, skills: tuple[str, ...]) -> SimpleNamespace:
    """A stand-in for ``services.taxonomy`` whose extraction gives ``role`` and ``skills`` to
    adverts that mention "patients", and nothing to the others."""

    def extract(text: str, title: str | None = None) -> Extraction:
        if "patients" not in text:
            return Extraction()
        return Extraction(
            skills=tuple(SkillHit(s, s.title(), (), True) for s in skills),
            role=RoleGuess(role, 0.9),
            soc_code="6131",
            sector="nhs",
            entry_level=True,
            requirements=Requirements(dbs="enhanced"),
        )

    return SimpleNamespace(extract=extract)


def posting(ref: str, description: str) -> dict[str, object]:
    return {
        "@type": "JobPosting",
        "identifier": ref,
        "title": f"Support worker {ref}",
        "description": description,
        "hiringOrganization": {"name": "Riverside NHS Trust"},
        "jobLocation": {"address": {"postalCode": "B15 2TT"}},
        "validThrough": "2099-01-31",
    }


FEED = "\n".join(
    json.dumps(p)
    for p in (
        posting("a", "Care for patients on the ward."),
        posting("b", "Care for patients at home."),
        posting("c", "Keep the stores tidy."),
    )
).encode()


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setattr(enrich, "_taxonomy", lambda: taxonomy_giving("old-role", ("old",)))
    engine = create_service_engine(Settings(_env_file=None, data_dir=tmp_path), "vacancies")
    upgrade("vacancies", engine)
    for source in ("one", "two"):
        service.ingest_feed(engine, io.BytesIO(FEED), source=source, format="jobposting-jsonld")
    yield engine
    engine.dispose()


def stored(engine: Engine) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["source"], row["external_id"]): row for row in vacancy_rows(engine)}


def test_changed_enrichment_is_stored_with_an_update_event_each(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(engine)
    sent_before = len(outbox_events(engine))
    monkeypatch.setattr(enrich, "_taxonomy", lambda: taxonomy_giving("new-role", ("new",)))

    counts = reenrich_vacancies(engine, batch_size=2)

    after = stored(engine)
    assert (counts.seen, counts.changed) == (6, 4)  # "c" mentions no patients: nothing changes
    for key, row in after.items():
        if key[1] == "c":
            assert row == before[key]
            continue
        assert row["role"] == "new-role"
        assert [s["id"] for s in row["skills"]] == ["new"]
        assert row["updated_at"] > before[key]["updated_at"]
        unchanged = {k: v for k, v in row.items() if k not in ("role", "skills", "updated_at")}
        assert unchanged == {k: v for k, v in before[key].items() if k in unchanged}
    sent = outbox_events(engine)[sent_before:]
    assert sorted(e["key"] for e in sent) == sorted(after[k]["id"] for k in after if k[1] != "c")
    assert {e["type"] for e in sent} == {"vacancy.updated"}
    assert {e["data"]["role"] for e in sent} == {"new-role"}

    again = reenrich_vacancies(engine)
    assert (again.seen, again.changed) == (6, 0)
    assert len(outbox_events(engine)) == sent_before + 4


def test_only_the_named_source_is_enriched_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enrich, "_taxonomy", lambda: taxonomy_giving("new-role", ("new",)))
    assert count_vacancies(engine, "two") == 3
    counts = reenrich_vacancies(engine, source="two")
    assert (counts.seen, counts.changed) == (3, 2)
    roles = {key: row["role"] for key, row in stored(engine).items() if key[1] != "c"}
    assert roles == {
        ("one", "a"): "old-role",
        ("one", "b"): "old-role",
        ("two", "a"): "new-role",
        ("two", "b"): "new-role",
    }


def test_the_command_reports_what_it_did(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enrich, "_taxonomy", lambda: taxonomy_giving("new-role", ("new",)))
    monkeypatch.setenv("ROUTEWAY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ROUTEWAY_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["reenrich", "vacancies", "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert "6 vacancies enriched again; 4 changed" in result.output
    assert {row["role"] for key, row in stored(engine).items() if key[1] != "c"} == {"new-role"}
