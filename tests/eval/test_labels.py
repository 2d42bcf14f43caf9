"""The hand-labelled NHS Jobs evaluation set is well formed.

Checks the shape of every record in ``eval/nhs_jobs_labels.jsonl`` (no advert text, unique
ids, every id in the evaluation pool, every field present and typed), that SOC codes, roles
and skills exist in the taxonomy files once those files exist, and, against the real data
(``realdata``, skipped when absent outside CI), that every labelled advert is in the feed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "eval" / "nhs_jobs_labels.jsonl"
TAXONOMY = ROOT / "services" / "taxonomy" / "data"
NHS_JOBS = ROOT.parent / "shared" / "data" / "nhs_jobs" / "nhs_jobs_2020_jobposting.jsonl.gz"

FIELDS = {"source_file", "soc_code", "role", "entry_level", "requirements", "skills"}
FLAGS = {"driving_licence", "dbs", "english_maths", "registration", "experience_essential"}
MIN_SIZE = 250


def in_pool(source_file: str) -> bool:
    return int(hashlib.sha256(source_file.encode()).hexdigest(), 16) % 10 == 0


def taxonomy_ids(name: str) -> set[str]:
    """Ids in a taxonomy data file, whether it is a mapping keyed by id or a list of objects."""
    path = TAXONOMY / name
    if not path.exists():
        pytest.skip(f"{path} does not exist yet")
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    for key in ("roles", "skills", "codes", "unit_groups", "items"):
        if isinstance(data, dict) and isinstance(data.get(key), list | dict):
            data = data[key]
            break
    if isinstance(data, dict):
        return {str(key) for key in data}
    return {str(item["id"] if "id" in item else item["code"]) for item in data}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_pool_rule_separates_known_ids() -> None:
    # sha256 of these ids mod 10 is 0 and 1 respectively
    assert in_pool("data/916232377.json")
    assert not in_pool("data/915390428.json")


def test_set_is_large_enough_and_ids_unique(records: list[dict[str, Any]]) -> None:
    ids = [record["source_file"] for record in records]
    assert len(ids) >= MIN_SIZE
    assert len(set(ids)) == len(ids)


def test_every_advert_is_in_the_evaluation_pool(records: list[dict[str, Any]]) -> None:
    outside = [r["source_file"] for r in records if not in_pool(r["source_file"])]
    assert outside == []


def test_records_hold_labels_only_never_advert_text(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert set(record) == FIELDS, record["source_file"]
        assert set(record["requirements"]) == FLAGS, record["source_file"]
        assert len(json.dumps(record)) < 1500, record["source_file"]


def test_field_types(records: list[dict[str, Any]]) -> None:
    for record in records:
        sf = record["source_file"]
        assert isinstance(sf, str) and sf.startswith("data/") and sf.endswith(".json")
        soc = record["soc_code"]
        assert isinstance(soc, str) and len(soc) == 4 and soc.isdigit(), sf
        assert soc[0] != "0", sf
        assert record["role"] is None or (isinstance(record["role"], str) and record["role"])
        assert isinstance(record["entry_level"], bool), sf
        assert all(isinstance(v, bool) for v in record["requirements"].values()), sf
        skills = record["skills"]
        assert isinstance(skills, list) and all(isinstance(s, str) and s for s in skills), sf
        assert len(set(skills)) == len(skills), sf


def test_roles_exist_in_the_taxonomy(records: list[dict[str, Any]]) -> None:
    known = taxonomy_ids("roles.json")
    unknown = sorted({r["role"] for r in records if r["role"] is not None} - known)
    assert unknown == []


def test_skills_exist_in_the_taxonomy(records: list[dict[str, Any]]) -> None:
    known = taxonomy_ids("skills.json")
    unknown = sorted({s for r in records for s in r["skills"]} - known)
    assert unknown == []


def test_soc_codes_exist_in_the_taxonomy_list(records: list[dict[str, Any]]) -> None:
    """Codes the taxonomy list lacks are real SOC 2020 unit groups, listed in eval/README.md."""
    known = taxonomy_ids("soc2020.json")
    readme = (ROOT / "eval" / "README.md").read_text(encoding="utf-8")
    unexplained = sorted({r["soc_code"] for r in records} - known - set(_listed_codes(readme)))
    assert unexplained == []


def _listed_codes(readme: str) -> list[str]:
    marker = "Codes used here that the taxonomy list lacks:"
    if marker not in readme:
        return []
    tail = readme.split(marker, 1)[1].split("\n\n", 1)[0]
    return [token.strip("`,.") for token in tail.split() if token.strip("`,.").isdigit()]


@pytest.mark.realdata
def test_every_labelled_advert_is_in_the_real_feed(records: list[dict[str, Any]]) -> None:
    if not NHS_JOBS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NHS_JOBS} is missing (required under CI=true)")
        pytest.skip(f"{NHS_JOBS} is absent")
    wanted = {record["source_file"] for record in records}
    with gzip.open(NHS_JOBS, "rt", encoding="utf-8") as handle:
        present = {json.loads(line)["source_file"] for line in handle}
    assert wanted - present == set()
