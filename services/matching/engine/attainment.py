"""What a person holds (levels, licences, certificates) and what a requirement or a grant means.

One vocabulary serves vacancies' requirements, courses' ``grants`` and courses'
``entry_requirements``:

* ``english:<level>`` / ``maths:<level>`` with ``entry1 < entry2 < entry3 < level1 < level2 <
  level3``; holding a level satisfies every lower one.
* ``licence:<category>``: UK driving licence categories. A category implies the ones it
  contains (``C`` includes ``C1`` and needs ``B``; ``D`` includes ``D1``; ``CE`` includes
  ``C1E`` and ``BE``); ``True`` in a profile means category ``B``.
* ``age:<years>``: a minimum age (entry requirements only); an unknown age is taken as adult.
* ``registration:<body>`` (``NMC``, ``HCPC`` ...): professional registration. No course here
  grants it, so an unmet registration is a hard gate.
* anything else (``care_certificate``, ``dbs:enhanced``, a qualification token) is a plain
  token held when the profile's ``qualifications`` or an earlier course grant has it.

Skills and grants meet here too: ``english-level1`` (a skill id) is the same fact as
``english:level1``, ``driving-licence-c1`` as ``licence:C1``, ``care-certificate`` as
``care_certificate``; ``expand_skills`` and ``grant_skills`` translate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from services.matching.engine.types import Profile, Requirements

LEVELS: tuple[str, ...] = ("entry1", "entry2", "entry3", "level1", "level2", "level3")
LEVEL_RANK: dict[str, int] = {name: rank for rank, name in enumerate(LEVELS, start=1)}
SUBJECTS: tuple[str, ...] = ("english", "maths")

LICENCE_IMPLIES: dict[str, tuple[str, ...]] = {
    "AM": ("AM",),
    "A": ("AM", "A"),
    "B": ("B",),
    "BE": ("B", "BE"),
    "C1": ("B", "C1"),
    "C1E": ("B", "BE", "C1", "C1E"),
    "C": ("B", "C1", "C"),
    "CE": ("B", "BE", "C1", "C1E", "C", "CE"),
    "D1": ("B", "D1"),
    "D1E": ("B", "BE", "D1", "D1E"),
    "D": ("B", "D1", "D"),
    "DE": ("B", "BE", "D1", "D1E", "D", "DE"),
}
LICENCE_CATEGORIES: tuple[str, ...] = tuple(LICENCE_IMPLIES)
CARE_CERTIFICATE = "care_certificate"
_YES_LICENCE = {"yes", "true", "full", "required", "any", "car", "uk", "full uk", "manual"}
_LEVEL_WORD = re.compile(r"^(entry|level)[\s_-]*([1-3])$")
_QUALIFICATION_LEVEL = re.compile(r"level[\s_:-]*([1-8])", re.IGNORECASE)
_SPLIT = re.compile(r"[\s,;/+]+")


def level_rank(value: str | None) -> int:
    """0 for ``None`` or an unknown level, else 1 (``entry1``) to 6 (``level3``).

    Accepts the codes and their spaced forms ("Entry 3", "level 2", "entry-3").
    """
    if not value:
        return 0
    text = value.strip().lower()
    if text in LEVEL_RANK:
        return LEVEL_RANK[text]
    found = _LEVEL_WORD.match(text)
    return LEVEL_RANK.get(f"{found.group(1)}{found.group(2)}", 0) if found else 0


def licence_categories(value: bool | str | None) -> frozenset[str]:
    """Every category a licence value lets its holder drive (implied ones included)."""
    if value is None or value is False:
        return frozenset()
    if value is True:
        return frozenset(LICENCE_IMPLIES["B"])
    held: set[str] = set()
    for token in _SPLIT.split(value.strip()):
        if not token:
            continue
        category = token.upper().removeprefix("CAT").removeprefix("EGORY").strip(".:")
        if category in LICENCE_IMPLIES:
            held.update(LICENCE_IMPLIES[category])
        elif token.lower() in _YES_LICENCE:
            held.update(LICENCE_IMPLIES["B"])
        elif category:
            held.add(category)
    return frozenset(held)


def licence_requirement(value: str | None) -> str | None:
    """The category a vacancy's ``driving_licence`` asks for (``"yes"`` means ``B``), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.lower() in _YES_LICENCE:
        return "B"
    category = text.upper().replace("CATEGORY", "").replace("CAT", "").strip(" .:")
    return category or "B"


@lru_cache(maxsize=8192)
def normalise_token(text: str) -> str:
    """Canonical form of a requirement or grant string (case and spacing); cached."""
    kind, sep, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if not sep:
        return re.sub(r"[\s-]+", "_", kind)
    rest = rest.strip()
    if kind in SUBJECTS:
        rank = level_rank(rest)
        return f"{kind}:{LEVELS[rank - 1]}" if rank else f"{kind}:{rest.lower()}"
    if kind == "licence" or kind == "license":
        return f"licence:{licence_requirement(rest) or 'B'}"
    if kind == "registration":
        return f"registration:{rest.upper()}"
    return f"{kind}:{rest.lower()}"


def vacancy_requirements(requirements: Requirements) -> list[str]:
    """The requirement strings a vacancy's checks translate to (DBS is the employer's check)."""
    found: list[str] = []
    if level_rank(requirements.english_level):
        found.append(f"english:{LEVELS[level_rank(requirements.english_level) - 1]}")
    if level_rank(requirements.maths_level):
        found.append(f"maths:{LEVELS[level_rank(requirements.maths_level) - 1]}")
    category = licence_requirement(requirements.driving_licence)
    if category:
        found.append(f"licence:{category}")
    if requirements.registration and requirements.registration.strip():
        found.append(f"registration:{requirements.registration.strip().upper()}")
    return found


def is_trainable(requirement: str) -> bool:
    """False for requirements no course can meet (professional registration)."""
    return not normalise_token(requirement).startswith("registration:")


def grant_skills(grant: str) -> list[str]:
    """Skill ids a grant stands for (``english:level1`` -> ``english-entry1`` .. ``-level1``)."""
    token = normalise_token(grant)
    kind, _, rest = token.partition(":")
    if kind in SUBJECTS and rest in LEVEL_RANK:
        return [f"{kind}-{name}" for name in LEVELS[: LEVEL_RANK[rest]]]
    if kind == "licence":
        return [f"driving-licence-{c.lower()}" for c in LICENCE_IMPLIES.get(rest, (rest,))]
    return ["care-certificate"] if token == CARE_CERTIFICATE else []


def _skill_grant(skill: str) -> str | None:
    """The grant a skill id stands for, if it is a level, a licence or the Care Certificate."""
    subject, _, rest = skill.partition("-")
    if subject in SUBJECTS and rest in LEVEL_RANK:
        return f"{subject}:{rest}"
    if skill.startswith("driving-licence-"):
        return f"licence:{skill.removeprefix('driving-licence-').upper()}"
    if skill == "care-certificate":
        return CARE_CERTIFICATE
    return None


@lru_cache(maxsize=8192)
def parse_token(text: str) -> tuple[str, str, int]:
    """``(kind, rest, level rank)`` of a normalised token (rank 0 when it has no level)."""
    token = normalise_token(text)
    kind, _, rest = token.partition(":")
    return kind, rest, LEVEL_RANK.get(rest, 0) if kind in SUBJECTS else 0


@dataclass(slots=True)
class Attainment:
    """What a person holds now (or will hold after some courses): levels, licences, tokens."""

    english: int = 0
    maths: int = 0
    licences: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    age: int | None = None

    @classmethod
    def from_profile(cls, profile: Profile) -> Attainment:
        """The profile's levels, licence, qualifications, and the facts its skills stand for."""
        held = cls(
            english=level_rank(profile.english_level),
            maths=level_rank(profile.maths_level),
            licences=set(licence_categories(profile.driving_licence)),
            age=profile.age,
        )
        for qualification in profile.qualifications:
            held.add(qualification)
        for skill in profile.skills:
            grant = _skill_grant(skill)
            if grant is not None:
                held.add(grant)
        return held

    def copy(self) -> Attainment:
        """An independent copy (courses add to it during route search)."""
        return Attainment(self.english, self.maths, set(self.licences), set(self.tokens), self.age)

    def key(self) -> tuple[int, int, frozenset[str], frozenset[str]]:
        """A hashable summary (two attainments with equal keys satisfy the same things)."""
        return (self.english, self.maths, frozenset(self.licences), frozenset(self.tokens))

    def add(self, grant: str) -> bool:
        """Hold ``grant`` from now on; True when that changed anything."""
        kind, rest, rank = parse_token(grant)
        if rank:
            if kind == "english" and rank > self.english:
                self.english = rank
                return True
            if kind == "maths" and rank > self.maths:
                self.maths = rank
                return True
            return False
        if kind == "licence":
            implied = set(LICENCE_IMPLIES.get(rest, (rest,)))
            if implied <= self.licences:
                return False
            self.licences |= implied
            return True
        if kind == "age":
            return False
        token = normalise_token(grant)
        if token in self.tokens:
            return False
        self.tokens.add(token)
        return True

    def satisfies(self, requirement: str) -> bool:
        """True when what is held meets ``requirement`` (see the module docstring)."""
        kind, rest, rank = parse_token(requirement)
        if rank:
            return (self.english if kind == "english" else self.maths) >= rank
        if kind == "licence":
            return rest in self.licences
        if kind == "age":
            try:
                return self.age is None or self.age >= int(float(rest))
            except ValueError:
                return True
        token = normalise_token(requirement)
        if kind == "registration":
            return token in self.tokens or rest.lower() in self.tokens
        return token in self.tokens

    def level(self) -> int:
        """The person's attainment on the RQF scale 0-8 (Level 1 English is 1 ...)."""
        best = max(self.english, self.maths) - 3
        for token in self.tokens:
            found = _QUALIFICATION_LEVEL.search(token)
            if found:
                best = max(best, int(found.group(1)))
        return max(best, 0)


def expand_skills(skills: Iterable[str], held: Attainment) -> set[str]:
    """The person's skills plus every skill id their levels, licences and tokens stand for.

    Holding ``english:level1`` gives ``english-entry1`` .. ``english-level1``; a category C
    licence gives ``driving-licence-b``, ``-c1`` and ``-c``.
    """
    expanded = set(skills)
    for subject, rank in (("english", held.english), ("maths", held.maths)):
        expanded.update(f"{subject}-{name}" for name in LEVELS[:rank])
    expanded.update(f"driving-licence-{category.lower()}" for category in held.licences)
    if CARE_CERTIFICATE in held.tokens:
        expanded.add("care-certificate")
    return expanded


def course_skills(skills_taught: Iterable[str], grants: Iterable[str]) -> set[str]:
    """What finishing a course adds to a person's skills: taught ones and those its grants imply."""
    taught = set(skills_taught)
    for grant in grants:
        taught.update(grant_skills(grant))
    return taught


def attainable(
    held: Attainment, offers: Iterable[tuple[Iterable[str], Iterable[str]]]
) -> Attainment:
    """Everything reachable from ``held`` by chaining courses ``(entry_requirements, grants)``.

    A fixed point: a course whose entry requirements are met adds its grants, which may open
    further courses (ESOL Entry 3 opens Functional Skills Level 1). Dates are not considered.
    """
    reached = held.copy()
    pending = [(tuple(entry), tuple(grants)) for entry, grants in offers]
    changed = True
    while changed and pending:
        changed = False
        still: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for entry, grants in pending:
            if all(reached.satisfies(requirement) for requirement in entry):
                for grant in grants:
                    changed = reached.add(grant) or changed
            else:
                still.append((entry, grants))
        pending = still
    return reached
