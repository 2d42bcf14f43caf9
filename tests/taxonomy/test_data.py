"""Integrity of the shipped taxonomy data files (skills, roles, SOC 2020 unit groups)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from services.taxonomy import load_taxonomy
from services.taxonomy.loader import DATA_DIR

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_enough_skills_and_roles() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.skills) >= 300
    assert len(taxonomy.roles) >= 30


def test_ids_are_unique_slugs() -> None:
    taxonomy = load_taxonomy()
    skill_ids = [skill.id for skill in taxonomy.skills]
    role_ids = [role.id for role in taxonomy.roles]
    assert len(skill_ids) == len(set(skill_ids))
    assert len(role_ids) == len(set(role_ids))
    assert all(SLUG.match(i) for i in skill_ids + role_ids)


def test_every_reference_resolves() -> None:
    taxonomy = load_taxonomy()
    for role in taxonomy.roles:
        for skill_id in (*role.essential_skills, *role.desirable_skills):
            assert taxonomy.get_skill(skill_id) is not None, (role.id, skill_id)
        for next_id in role.progression:
            assert taxonomy.get_role(next_id) is not None, (role.id, next_id)
        assert taxonomy.get_soc(role.soc_code) is not None, (role.id, role.soc_code)


def test_roles_have_valid_fields() -> None:
    for role in load_taxonomy().roles:
        assert role.sector in {"nhs", "social_care", "both"}
        assert role.band in {None, "1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"}
        assert role.requirements.dbs in {None, "basic", "standard", "enhanced"}
        assert role.requirements.english_level in {None, "entry3", "level1", "level2"}
        assert role.requirements.maths_level in {None, "entry3", "level1", "level2"}
        assert role.essential_skills, role.id
    assert any(role.entry_level for role in load_taxonomy().roles)
    assert any(not role.entry_level for role in load_taxonomy().roles)


def test_soc_codes_are_four_digits() -> None:
    raw = json.loads((DATA_DIR / "soc2020.json").read_text(encoding="utf-8"))
    codes = [group["code"] for group in raw["unit_groups"]]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[1-9][0-9]{3}", code) for code in codes)
    for group in raw["unit_groups"]:
        assert group["major_group"] == group["code"][0]
        assert group["title"].strip()


def test_english_and_maths_skills_carry_levels() -> None:
    taxonomy = load_taxonomy()
    for subject in ("english", "maths"):
        for level in ("entry1", "entry2", "entry3", "level1", "level2"):
            skill = taxonomy.get_skill(f"{subject}-{level}")
            assert skill is not None and skill.level == level


def test_apprenticeship_standards_exist_in_ifa_file() -> None:
    path = SHARED / "apprenticeships" / "ifa_standards_and_frameworks_2018.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    known = {
        json.loads(line).get("reference_code")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    standards = [
        role.apprenticeship_standard
        for role in load_taxonomy().roles
        if role.apprenticeship_standard
    ]
    assert standards
    for standard in standards:
        assert re.fullmatch(r"ST[0-9]{4}", standard)
        assert standard in known, standard


def test_esco_uris_are_real() -> None:
    taxonomy = load_taxonomy()
    uris = [skill.esco_uri for skill in taxonomy.skills if skill.esco_uri]
    assert uris
    assert all(uri.startswith("http://data.europa.eu/esco/skill/") for uri in uris)
    path = SHARED / "esco" / "nesta_esco_v1.1.1_skill_labels_formatted.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8") as handle:
        known = {row["id"] for row in csv.DictReader(handle)}
    for uri in uris:
        assert uri.rsplit("/", 1)[1] in known, uri


def test_search_skills_finds_by_alt_label() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.search_skills("venepuncture")[0].id == "phlebotomy"
    assert taxonomy.search_skills("Excel spreadsheets")[0].id == "microsoft-excel"
    assert taxonomy.search_skills("") == []
