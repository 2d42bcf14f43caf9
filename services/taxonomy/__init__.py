"""Skills taxonomy, role profiles and extraction from NHS and social-care job adverts.

A pure library (data files plus functions; no web framework, no database):

- :func:`load_taxonomy` / :func:`get_taxonomy` - skills, role profiles, SOC 2020 unit groups;
- :func:`extract` - skills with evidence, role, SOC code, sector, entry level, requirements;
- :func:`satisfies` and :data:`LEVEL_ORDER` - English/maths level satisfaction.
"""

from services.taxonomy.extract import extract
from services.taxonomy.levels import LEVEL_ORDER, level_satisfies, satisfies
from services.taxonomy.loader import Taxonomy, TaxonomyError, get_taxonomy, load_taxonomy
from services.taxonomy.models import (
    Extraction,
    Requirements,
    Role,
    RoleGuess,
    RoleRequirements,
    Skill,
    SkillHit,
    SocUnitGroup,
    Span,
)


def search_skills(query: str, limit: int = 10) -> list[Skill]:
    """Skills best matching ``query`` in the shipped taxonomy."""
    return load_taxonomy().search_skills(query, limit)


__all__ = [
    "LEVEL_ORDER",
    "Extraction",
    "Requirements",
    "Role",
    "RoleGuess",
    "RoleRequirements",
    "Skill",
    "SkillHit",
    "SocUnitGroup",
    "Span",
    "Taxonomy",
    "TaxonomyError",
    "extract",
    "get_taxonomy",
    "level_satisfies",
    "load_taxonomy",
    "satisfies",
    "search_skills",
]
