"""Loading the taxonomy data files (``data/skills.json``, ``roles.json``, ``soc2020.json``).

:func:`load_taxonomy` reads and checks them once per process (``functools.cache``); the
returned :class:`Taxonomy` is immutable and safe to share. Skill ids and role ids are stable
slugs: other services store them, so they are never renumbered.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.taxonomy.models import Role, RoleRequirements, Skill, SocUnitGroup

DATA_DIR = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[a-z0-9]+")


class TaxonomyError(ValueError):
    """A data file is malformed or refers to an id that does not exist."""


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """Skills, role profiles and SOC 2020 unit groups with lookups by id."""

    skills: tuple[Skill, ...]
    roles: tuple[Role, ...]
    soc_groups: tuple[SocUnitGroup, ...]
    skills_by_id: Mapping[str, Skill]
    roles_by_id: Mapping[str, Role]
    soc_by_code: Mapping[str, SocUnitGroup]

    def get_skill(self, skill_id: str) -> Skill | None:
        """The skill with this id, or ``None``."""
        return self.skills_by_id.get(skill_id)

    def skill_label(self, skill_id: str) -> str:
        """The skill's label (the id itself when the taxonomy does not know it)."""
        skill = self.skills_by_id.get(skill_id)
        return skill.label if skill else skill_id

    def get_role(self, role_id: str) -> Role | None:
        """The role profile with this id, or ``None``."""
        return self.roles_by_id.get(role_id)

    def get_soc(self, code: str) -> SocUnitGroup | None:
        """The SOC 2020 unit group with this four-digit code, or ``None``."""
        return self.soc_by_code.get(code)

    def search_skills(self, query: str, limit: int = 10) -> list[Skill]:
        """Skills whose label or alternative labels best match ``query`` (best first)."""
        words = set(_WORD.findall(query.lower()))
        if not words:
            return []
        phrase = " ".join(_WORD.findall(query.lower()))
        scored: list[tuple[float, str, Skill]] = []
        for skill in self.skills:
            best = 0.0
            for name in (skill.label, *skill.alt_labels):
                name_low = name.lower()
                name_words = set(_WORD.findall(name_low))
                if not name_words:
                    continue
                overlap = len(words & name_words) / len(words | name_words)
                score = overlap + (1.0 if phrase and phrase in name_low else 0.0)
                if name is skill.label:
                    score += 0.05
                best = max(best, score)
            if best > 0:
                scored.append((best, skill.id, skill))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [skill for _, _, skill in scored[:limit]]


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _skill(raw: Mapping[str, Any]) -> Skill:
    return Skill(
        id=raw["id"],
        label=raw["label"],
        alt_labels=tuple(raw.get("alt_labels", ())),
        group=raw["group"],
        esco_uri=raw.get("esco_uri"),
        level=raw.get("level"),
    )


def _role(raw: Mapping[str, Any]) -> Role:
    req = raw["requirements"]
    return Role(
        id=raw["id"],
        title=raw["title"],
        alt_titles=tuple(raw.get("alt_titles", ())),
        sector=raw["sector"],
        soc_code=raw["soc_code"],
        band=raw.get("band"),
        entry_level=bool(raw["entry_level"]),
        essential_skills=tuple(raw.get("essential_skills", ())),
        desirable_skills=tuple(raw.get("desirable_skills", ())),
        requirements=RoleRequirements(
            dbs=req.get("dbs"),
            driving_licence=req.get("driving_licence"),
            english_level=req.get("english_level"),
            maths_level=req.get("maths_level"),
            registration=req.get("registration"),
        ),
        apprenticeship_standard=raw.get("apprenticeship_standard"),
        progression=tuple(raw.get("progression", ())),
    )


def _soc(raw: Mapping[str, Any]) -> SocUnitGroup:
    return SocUnitGroup(
        code=raw["code"],
        title=raw["title"],
        major_group=raw["major_group"],
        typically_entry_level=bool(raw.get("typically_entry_level", False)),
    )


def build_taxonomy(
    skills_raw: Mapping[str, Any], roles_raw: Mapping[str, Any], soc_raw: Mapping[str, Any]
) -> Taxonomy:
    """A checked :class:`Taxonomy` from the three parsed data files."""
    skills = tuple(_skill(item) for item in skills_raw["skills"])
    roles = tuple(_role(item) for item in roles_raw["roles"])
    soc_groups = tuple(_soc(item) for item in soc_raw["unit_groups"])
    skills_by_id = {skill.id: skill for skill in skills}
    roles_by_id = {role.id: role for role in roles}
    soc_by_code = {group.code: group for group in soc_groups}
    if len(skills_by_id) != len(skills):
        raise TaxonomyError("duplicate skill id")
    if len(roles_by_id) != len(roles):
        raise TaxonomyError("duplicate role id")
    for role in roles:
        for skill_id in (*role.essential_skills, *role.desirable_skills):
            if skill_id not in skills_by_id:
                raise TaxonomyError(f"role {role.id} refers to unknown skill {skill_id}")
        for next_id in role.progression:
            if next_id not in roles_by_id:
                raise TaxonomyError(f"role {role.id} progresses to unknown role {next_id}")
        if role.soc_code not in soc_by_code:
            raise TaxonomyError(f"role {role.id} has SOC code {role.soc_code} not in soc2020.json")
    return Taxonomy(skills, roles, soc_groups, skills_by_id, roles_by_id, soc_by_code)


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy, read and checked once per process."""
    return build_taxonomy(_read("skills.json"), _read("roles.json"), _read("soc2020.json"))


def get_taxonomy() -> Taxonomy:
    """Alias of :func:`load_taxonomy` for callers that read better with ``get``."""
    return load_taxonomy()
