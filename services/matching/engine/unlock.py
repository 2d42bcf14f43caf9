""" "What would change this": the single steps that make the most extra vacancies ready now.

For one person and a radius, every open vacancy in range that is not ready now but could be
(hours fit, no registration missing) has a set of *blockers*: its missing essential skills
and its unmet requirements. A step removes blockers:

* **a course** the person could start now (entry requirements met, a usable run within their
  travel limit) removes the skills it teaches and the requirements its grants meet;
* **a skill** removes that one skill (learnt on the job, a short session, evidence of
  experience), so it can only unlock vacancies blocked by that skill alone.

A vacancy counts for a step when the step removes *all* its blockers. Courses with the same
effect are counted once (the cheapest, then nearest-starting, represents them); the top
steps by count are returned, ties broken by label so the answer is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from services.matching.engine.attainment import Attainment, course_skills
from services.matching.engine.funding import cost_to_person
from services.matching.engine.index import MatchIndex
from services.matching.engine.routes import start_floor, usable_runs
from services.matching.engine.types import CourseDoc, Profile, UnlockStep


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

    best: dict[tuple[frozenset[str], frozenset[str]], tuple[tuple[float, int, str], CourseDoc]] = {}
    floor = start_floor(profile, day)
    for course in _relevant_courses(profile, index, needed_skills, needed_requirements, day):
        if not all(held.satisfies(r) for r in course.entry_requirements):
            continue
        runs = usable_runs(profile, course, floor)
        if not runs:
            continue
        after = held.copy()
        for grant in course.grants:
            after.add(grant)
        gives_skills = frozenset(course_skills(course.skills_taught, course.grants) & needed_skills)
        gives_requirements = frozenset(r for r in needed_requirements if after.satisfies(r))
        if not gives_skills and not gives_requirements:
            continue
        rank = (
            cost_to_person(
                course.cost, course.funding, course.qualification_type, course.level, profile.age
            ),
            (runs[0].start or floor).toordinal(),
            course.id,
        )
        effect = (gives_skills, gives_requirements)
        if effect not in best or rank < best[effect][0]:
            best[effect] = (rank, course)
    for (gives_skills, gives_requirements), (_, course) in best.items():
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


def _relevant_courses(
    profile: Profile,
    index: MatchIndex,
    skills: set[str],
    requirements: set[str],
    today: date,
) -> list[CourseDoc]:
    """Courses within the person's reach that teach a needed skill or meet a requirement."""
    reachable = {
        course.id: course
        for course in index.reachable_courses(profile, radius_km=profile.max_travel_km, today=today)
    }
    wanted: set[str] = set()
    for kind, keys in (("skill", skills), ("grant", requirements)):
        for key in keys:
            for row in index.courses_for(kind, key).tolist():
                doc = index.courses.docs[row]
                if doc is not None and doc.id in reachable:
                    wanted.add(doc.id)
    return [reachable[course_id] for course_id in sorted(wanted)]
