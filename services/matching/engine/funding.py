"""What a course costs the person taking it, given its funding and who they are.

The course's ``cost`` is its list price; what the learner pays depends on the funding route
and on eligibility (England, 2025/26 rules, simplified to what a profile tells us):

* ``fully_funded``, ``adult_skills_fund``, ``apprenticeship_levy`` and ``employer_paid`` cost
  the person nothing (the Adult Skills Fund fully funds unemployed adults, who are the people
  Routeway serves);
* English and maths up to Level 2 (``functional_skills``, ``esol``) are free under the legal
  entitlement;
* a learner known to be under 19 studies up to Level 3 free (16-19 funding);
* anything else (``advanced_learner_loan``: a loan to repay; ``self_funded``; no funding
  stated) costs the list price.
"""

from __future__ import annotations

from typing import Final

FREE_FUNDING: Final[frozenset[str]] = frozenset(
    {"fully_funded", "adult_skills_fund", "apprenticeship_levy", "employer_paid"}
)
ENTITLEMENT_TYPES: Final[frozenset[str]] = frozenset({"functional_skills", "esol"})
YOUNG_AGE: Final = 19
YOUNG_MAX_LEVEL: Final = 3


def cost_to_person(
    cost: float,
    funding: str | None,
    qualification_type: str | None,
    level: int | None,
    age: int | None,
) -> float:
    """What the learner pays in GBP (0.0 when funded for them)."""
    if cost <= 0 or (funding is not None and funding in FREE_FUNDING):
        return 0.0
    if qualification_type in ENTITLEMENT_TYPES and (level is None or level <= 2):
        return 0.0
    if age is not None and age < YOUNG_AGE and (level is None or level <= YOUNG_MAX_LEVEL):
        return 0.0
    return float(cost)
