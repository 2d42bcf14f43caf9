""" "What would change this": the single steps that make the most extra vacancies ready now.

For one person and a radius, every open vacancy in range that is not ready now but could be
(hours fit, no registration missing) has a set of *blockers*: its missing essential skills
and its unmet requirements. A step removes blockers:

* **a course** the person could start now (entry requirements met, a usable run within their
  travel limit) removes the skills it teaches and the requirements its grants meet;
* **a skill** removes that one skill (learnt on the job, a short session, evidence of
  experience), so it can only unlock vacancies blocked by that skill alone.

A vacancy counts for a step when the step removes *all* its blockers. Courses with the same
effect are counted once, represented by the best of them (shortest run, then cheapest for
the person, then nearest); the top steps by count are returned, ties broken by label so the
answer is deterministic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import date

from services.matching.engine.attainment import Attainment, course_skills
from services.matching.engine.course_table import presentation_weeks
from services.matching.engine.funding import cost_to_person
from services.matching.engine.index import MatchIndex
from services.matching.engine.types import Profile, UnlockStep


def what_would_change(
    profile: Profile,
    index: MatchIndex,
    radius_km: float,
    top: int = 5,
    *,
    today: date | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[UnlockStep]:
    """The ``top`` single steps (one course or one skill) unlocking most vacancies in range.

    ``labels`` maps skill ids to the words to show (the taxonomy's labels); ids otherwise.
    """
    day = today or date.today()
    blockers = index.blockers(profile, radius_km=radius_km, today=day)
    if not blockers:
        return []
    needed_skills = {item for items in blockers for item in items if ":" not in item}
    needed_requirements = {item for items in blockers for item in items if ":" in item}
    held = Attainment.from_profile(profile)
    steps: list[UnlockStep] = []

    skill_counts: Counter[str] = Counter()
    for items, count in blockers.items():
        if len(items) == 1:
            (only,) = items
            if ":" not in only:
                skill_counts[only] += count
    for skill, count in skill_counts.items():
        label = labels.get(skill, skill) if labels else skill
        steps.append(UnlockStep("skill", skill, label, count, radius_km))

    counted: set[tuple[frozenset[str], frozenset[str]]] = set()
    candidates = sorted(
        index.single_step_courses(profile, today=day),
        key=lambda c: (
            min(
                (w for r in c.presentations if not math.isnan(w := presentation_weeks(r))),
                default=math.inf,
            ),
            cost_to_person(c.cost, c.funding, c.qualification_type, c.level, profile.age),
            c.id,
        ),
    )
    for course in candidates:  # best first, so equal effects are shown by their best course
        after = held.copy()
        for grant in course.grants:
            after.add(grant)
        gives_skills = frozenset(course_skills(course.skills_taught, course.grants) & needed_skills)
        gives_requirements = frozenset(r for r in needed_requirements if after.satisfies(r))
        effect = (gives_skills, gives_requirements)
        if not (gives_skills or gives_requirements) or effect in counted:
            continue
        counted.add(effect)
        gives = gives_skills | gives_requirements
        count = sum(n for items, n in blockers.items() if items <= gives)
        if count:
            steps.append(
                UnlockStep(
                    "course", course.id, course.title, count, radius_km, course.provider_name
                )
            )
    steps.sort(key=lambda step: (-step.extra_vacancies, step.label, step.kind, step.id))
    return steps[:top]
