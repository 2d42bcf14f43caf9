"""Entry requirements: free text from course feeds turned into structured requirements.

Feeds state entry requirements as prose ("Candidates will usually have 5 GCSEs at grade C
or above including English and maths", "English at Entry 3", "You must be 19 or over and
hold an enhanced DBS check"). The text is split into clauses (sentences, semicolons, line
breaks, bullets) and each clause yields:

- ``english`` / ``maths`` with a level code when the clause names one. Level cues are
  "Entry 3", "level 2", "GCSE grade 4/C" (``level2``), "GCSE grades D-G" (``level1``), a
  GCSE with no grade (``level2``) and an A level (``level3``). Subjects joined by "and",
  "or" or commas share one cue, chosen in this order: a cue right after them ("English and
  maths at level 2"), else the nearest cue ending shortly before them ("5 GCSEs at grade C
  including English and maths"), else one shortly after; with none the level is None.
  The first level given for each subject is kept. A clause saying "below", "without",
  "up to" ... describes who the course is for, not a minimum, and stays ``other``.
  Flattened lists without punctuation can still fool it;
- ``dbs`` for a DBS / criminal record check; ``age`` with ``min_age`` ("aged 19+",
  "16 or over", "aged 19-23"; "90+ credits" is not an age); ``employment`` when the learner must be employed;
- anything else, unless it is boilerplate ("Set by employer.", "None specified."), becomes
  ``qualification`` when it names a qualification, else ``other``, with the clause as text.

Heuristic by nature: it reads the common phrasings, and keeps the feed's words in ``text``
so a person can always check.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from services.training.adapters.levels import find_level, gcse_grade_level, skill_level_code
from services.training.adapters.records import EntryRequirement, SkillLevel

_CLAUSES = re.compile(r"(?<=[.;!?])\s+|\n+|\s*[•·▪]\s*|\s+-\s+(?=[A-Z])")
_SUBJECT = r"(?:english(?:\s+language)?(?!\s+for\s+speakers)|literacy|maths?|mathematics|numeracy)"
_SUBJECT_GROUP = re.compile(
    rf"\b{_SUBJECT}\b(?:\s*(?:,|and|&|or|/)\s*{_SUBJECT}\b)*", re.IGNORECASE
)
_ENGLISH = re.compile(r"english|literacy", re.IGNORECASE)
_MATHS = re.compile(r"math|numeracy", re.IGNORECASE)
_GCSE_GRADE = re.compile(
    r"\bgcses?\b[^.;]{0,60}?\bgrades?\s*(?P<grade>[A-G]\*?|[1-9])\b"
    r"|\bgrades?\s*(?P<grade2>[A-G]\*?|[1-9])\b[^.;]{0,30}?\bgcses?\b",
    re.IGNORECASE,
)
_GCSE = re.compile(r"\bgcses?\b", re.IGNORECASE)
# Capital A only, and not "a level 2 ...": the article before a level is not an A level.
_A_LEVEL = re.compile(r"\bA[\s-]?[Ll]evels?\b(?![\s-]*[1-8])|\bA-?LEVELS?\b")
_LEVEL_CUE = re.compile(
    r"\bentry(?:[\s-]*level)?[\s-]*[1-3]\b|\b(?:level|l)[\s-]*[1-8]\b", re.IGNORECASE
)
_DBS = re.compile(r"\bdbs\b|disclosure and barring|criminal record", re.IGNORECASE)
_AGE = re.compile(
    r"\b(?P<age>1[4-9]|[2-9]\d)\s*(?:or\s+(?:over|older|above)|and\s+(?:over|above|older)"
    r"|years?\s+(?:old\s+)?(?:or|and)\s+(?:over|older|above))"
    r"|\b(?:aged?|ages)\s*(?:over\s*)?(?P<age2>1[4-9]|[2-9]\d)\b"
    r"|\bover\s+the\s+age\s+of\s+(?P<age3>1[4-9]|[2-9]\d)\b"
    r"|\b(?P<age4>1[4-9]|2[0-5])\+(?!\s*(?:credits?|points?|hours?|ucas|gcses?|years?\s+of))",
    re.IGNORECASE,
)
_EMPLOYMENT = re.compile(
    r"\bmust\s+be\s+(?:employed|in\s+(?:paid\s+)?employment|working)\b|\bcurrently\s+employed\b"
    r"|\bemployed\s+(?:in|by|as)\b|\bin\s+a\s+(?:paid\s+)?(?:job|role)\b",
    re.IGNORECASE,
)
_QUALIFICATION = re.compile(
    r"\bgcses?\b|\ba[\s-]levels?\b|\bdegree\b|\bqualifications?\b|\bnvq\b|\bbtec\b"
    r"|\bdiploma\b|\bcertificate\b|\blevel\s*[1-8]\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:entry requirements?:?\s*)?(?:set by (?:the )?employers?|none(?: specified)?|n/?a"
    r"|no(?:ne)?(?: formal)? (?:entry )?requirements?|not applicable|tbc)\.?$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:below|without|under|less than|not yet|do not have|don't have|no more than|up to)\b",
    re.IGNORECASE,
)
IMMEDIATE = 12
"""A cue starting this close after a subject ("maths at level 2") belongs to it."""
BEFORE = 40
"""Else the closest cue ending this close before it ("GCSEs ... including English")."""
AFTER = 60
"""Else the closest cue starting this close after it."""


class _Cue(NamedTuple):
    start: int
    end: int
    level: SkillLevel
    a_level: bool = False


def _level_cues(clause: str) -> list[_Cue]:
    """Every level cue in a clause with its span."""
    cues: list[_Cue] = []
    for found in _GCSE_GRADE.finditer(clause):
        grade = gcse_grade_level(found.group("grade") or found.group("grade2"))
        if grade:
            cues.append(_Cue(found.start(), found.end(), grade))
    for found in _GCSE.finditer(clause):
        if not any(cue.start <= found.start() < cue.end for cue in cues):
            cues.append(_Cue(found.start(), found.end(), "level2"))
    for found in _A_LEVEL.finditer(clause):
        cues.append(_Cue(found.start(), found.end(), "level3", a_level=True))
    for found in _LEVEL_CUE.finditer(clause):
        level = find_level(found.group(0))
        code = skill_level_code(level) if level else None
        if code and not any(cue.start <= found.start() < cue.end for cue in cues):
            cues.append(_Cue(found.start(), found.end(), code))
    return sorted(cues)


def _level_for(cues: list[_Cue], start: int, end: int) -> SkillLevel | None:
    """The level of the subject phrase at ``start:end``: the cue that belongs to it."""
    after = [cue for cue in cues if cue.start >= end and not cue.a_level]
    if after and after[0].start - end <= IMMEDIATE:
        return after[0].level
    before = [cue for cue in cues if cue.start < end and start - cue.end <= BEFORE]
    if before:
        return max(before, key=lambda cue: cue.end).level
    after = [cue for cue in cues if cue.start >= end and cue.start - end <= AFTER]
    return after[0].level if after else None


def _min_age(clause: str) -> int | None:
    found = _AGE.search(clause)
    if found is None:
        return None
    return int(next(group for group in found.groups() if group))


def split_clauses(text: str) -> list[str]:
    """The clauses of a requirements text, trimmed, blanks dropped."""
    return [clause.strip(" \t-*:") for clause in _CLAUSES.split(text) if clause.strip(" \t-*:")]


def parse_entry_requirements(text: str | None) -> list[EntryRequirement]:
    """Structured entry requirements from free text, each keeping its clause as ``text``."""
    if not text or not text.strip():
        return []
    requirements: list[EntryRequirement] = []
    seen: set[tuple[str, str, int | None]] = set()

    def add(requirement: EntryRequirement) -> None:
        key = (requirement.kind, requirement.level or requirement.text, requirement.min_age)
        if key not in seen:
            seen.add(key)
            requirements.append(requirement)

    subjects: set[str] = set()
    for clause in split_clauses(text):
        if _BOILERPLATE.match(clause):
            continue
        structured = False
        cues = _level_cues(clause)
        negated = _NEGATION.search(clause) is not None
        for group in _SUBJECT_GROUP.finditer(clause) if not negated else ():
            level = _level_for(cues, group.start(), group.end())
            if _ENGLISH.search(group.group(0)) and "english" not in subjects:
                subjects.add("english")
                add(EntryRequirement(kind="english", level=level, text=clause))
            if _MATHS.search(group.group(0)) and "maths" not in subjects:
                subjects.add("maths")
                add(EntryRequirement(kind="maths", level=level, text=clause))
            structured = True
        if _DBS.search(clause):
            add(EntryRequirement(kind="dbs", text=clause))
            structured = True
        age = _min_age(clause)
        if age is not None:
            add(EntryRequirement(kind="age", min_age=age, text=clause))
            structured = True
        if _EMPLOYMENT.search(clause):
            add(EntryRequirement(kind="employment", text=clause))
            structured = True
        if negated and _SUBJECT_GROUP.search(clause):
            structured = False
        if not structured:
            kind = "qualification" if _QUALIFICATION.search(clause) else "other"
            add(EntryRequirement(kind=kind, text=clause))
    return requirements
