"""Serving the taxonomy: skills, role profiles and extraction, in the API's shapes. No FastAPI here."""

from __future__ import annotations

from dataclasses import asdict

from services.common.errors import NotFound, PayloadTooLarge, ValidationFailed
from services.matching.schemas import (
    MAX_EXTRACT_CHARS,
    ExtractRequest,
    ExtractResponse,
    RolePublic,
    RoleRequirementsPublic,
    SkillPublic,
)
from services.taxonomy import Role, Skill, extract, load_taxonomy


def skill_public(skill: Skill) -> SkillPublic:
    """A skill in the API's shape."""
    return SkillPublic(
        id=skill.id,
        label=skill.label,
        alt_labels=list(skill.alt_labels),
        group=skill.group,
        esco_uri=skill.esco_uri,
        level=skill.level,
    )


def role_public(role: Role) -> RolePublic:
    """A role profile in the API's shape."""
    soc = load_taxonomy().soc_by_code.get(role.soc_code)
    return RolePublic(
        id=role.id,
        title=role.title,
        alt_titles=list(role.alt_titles),
        sector=role.sector,
        soc_code=role.soc_code,
        soc_title=soc.title if soc else None,
        band=role.band,
        entry_level=role.entry_level,
        essential_skills=list(role.essential_skills),
        desirable_skills=list(role.desirable_skills),
        requirements=RoleRequirementsPublic(**asdict(role.requirements)),
        apprenticeship_standard=role.apprenticeship_standard,
        progression=list(role.progression),
    )


def list_skills(
    *, q: str | None, group: str | None, after_id: str | None, limit: int
) -> tuple[list[Skill], bool]:
    """Skills best matching ``q`` (best first), or all skills by id; and whether more follow."""
    taxonomy = load_taxonomy()
    if q:
        found = [
            s for s in taxonomy.search_skills(q, limit=200) if group is None or s.group == group
        ]
        return found[:limit], False
    ordered = sorted(
        (s for s in taxonomy.skills if group is None or s.group == group), key=lambda s: s.id
    )
    if after_id is not None:
        ordered = [s for s in ordered if s.id > after_id]
    return ordered[:limit], len(ordered) > limit


def list_roles(
    *, sector: str | None, entry_level: bool | None, after_id: str | None, limit: int
) -> tuple[list[Role], bool]:
    """Role profiles by id, filtered; and whether more follow."""
    roles = sorted(load_taxonomy().roles, key=lambda r: r.id)
    if sector:
        roles = [r for r in roles if r.sector in (sector, "both")]
    if entry_level is not None:
        roles = [r for r in roles if r.entry_level == entry_level]
    if after_id is not None:
        roles = [r for r in roles if r.id > after_id]
    return roles[:limit], len(roles) > limit


def get_role(role_id: str) -> Role:
    """A role profile by id; ``NotFound`` when there is none."""
    role = load_taxonomy().roles_by_id.get(role_id)
    if role is None:
        raise NotFound(f"No role {role_id!r}.")
    return role


def extract_text(request: ExtractRequest) -> ExtractResponse:
    """Skills with evidence, role, SOC code, sector, entry level and requirements of a text."""
    if len(request.text) > MAX_EXTRACT_CHARS:
        raise PayloadTooLarge(
            f"text is {len(request.text)} characters; at most {MAX_EXTRACT_CHARS} are read."
        )
    if not request.text.strip():
        raise ValidationFailed(
            "text is empty.",
            [{"field": "body.text", "message": "must contain some text", "type": "value_error"}],
        )
    result = extract(request.text, title=request.title)
    return ExtractResponse.model_validate(
        {
            "skills": [
                {
                    "id": h.id,
                    "label": h.label,
                    "essential": h.essential,
                    "evidence": [asdict(e) for e in h.evidence],
                }
                for h in result.skills
            ],
            "role": asdict(result.role) if result.role else None,
            "soc_code": result.soc_code,
            "sector": result.sector,
            "entry_level": result.entry_level,
            "requirements": asdict(result.requirements),
        }
    )
