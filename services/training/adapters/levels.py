"""Qualification levels as course feeds write them, normalised to 0 (entry) and RQF 1-8.

Feeds say "Entry 2", "Entry Level 3", "E3", "1", "Level 2", "L3", "RQF level 4", "NVQ Level 2",
or bury the level in a title ("NCFE CACHE Level 2 Diploma in Care"). ``parse_level`` reads
a value from a level field (a bare number counts); ``find_level`` searches free text and
needs the word "level" or "entry" (or ``L2``) so that "2 days" or "603/2636/3" never read
as a level. Both return a ``Level``: the level and, at entry level, the sub-level 1-3 when
the text gives one.

English and maths requirements use the jobseeker profile's codes (``entry1`` ... ``level3``,
see API.md); ``skill_level_code`` turns a ``Level`` into one, and ``gcse_grade_level`` reads
a GCSE grade (4/C and above is Level 2, 1-3/D-G is Level 1).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from services.training.adapters.records import SkillLevel


class Level(NamedTuple):
    """A normalised level: 0 = entry level (``entry_sublevel`` 1-3 if known), else RQF 1-8."""

    level: int
    entry_sublevel: int | None = None


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
}
_ENTRY = re.compile(
    r"\bentry(?:[\s-]*level(?:[\s-]*(?P<sub>[1-3]|one|two|three))?\b"
    r"|[\s-]*(?P<sub2>[1-3]|one|two|three)\b)",
    re.IGNORECASE,
)
_SHORT_ENTRY = re.compile(r"^\s*e\s*(?P<sub>[1-3])\s*$", re.IGNORECASE)
_KEYWORD_LEVEL = re.compile(
    r"\b(?:(?:rqf|nvq|qcf|fheq)[\s-]*)?(?:level|lvl)[\s.:-]*"
    r"(?P<num>[1-8]|one|two|three|four|five|six|seven|eight)\b"
    r"|\b(?:rqf|nvq)[\s-]*(?P<num2>[1-8])\b"
    r"|\bL(?P<num3>[1-8])\b",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\s*(?P<num>[1-8])(?:\.0)?\s*$")
_GCSE_LETTER = {"A*": 2, "A": 2, "B": 2, "C": 2, "D": 1, "E": 1, "F": 1, "G": 1}


def _number(token: str) -> int:
    return _WORD_NUMBERS.get(token.lower()) or int(token)


def find_level(text: str | None) -> Level | None:
    """The first level named in free text ("Level 2 Award ...", "ESOL Entry 3"), or None."""
    if not text:
        return None
    entry = _ENTRY.search(text)
    keyword = _KEYWORD_LEVEL.search(text)
    if entry and (keyword is None or entry.start() <= keyword.start()):
        sub = entry.group("sub") or entry.group("sub2")
        return Level(0, _number(sub) if sub else None)
    if keyword:
        token = keyword.group("num") or keyword.group("num2") or keyword.group("num3")
        return Level(_number(token))
    return None


def parse_level(value: str | int | float | None) -> Level | None:
    """A level field's value ("Entry 2", "1", 3, "Level 2", "L3", "E1") as a ``Level``, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 0 <= number <= 8:
            return Level(int(number))
        return None
    text = value.strip()
    if not text:
        return None
    short = _SHORT_ENTRY.match(text)
    if short:
        return Level(0, int(short.group("sub")))
    bare = _BARE_NUMBER.match(text)
    if bare:
        return Level(int(bare.group("num")))
    if text == "0" or text.lower() in {"e", "entry"}:
        return Level(0)
    return find_level(text)


def skill_level_code(level: Level) -> SkillLevel | None:
    """The English/maths level code for a ``Level``: ``entry1``-``entry3``, ``level1``-``level3``.

    Entry level without a sub-level cannot be placed and gives None; RQF 4 and above count as
    ``level3``, the highest code the profile knows.
    """
    if level.level == 0:
        if level.entry_sublevel == 1:
            return "entry1"
        if level.entry_sublevel == 2:
            return "entry2"
        if level.entry_sublevel == 3:
            return "entry3"
        return None
    if level.level == 1:
        return "level1"
    if level.level == 2:
        return "level2"
    return "level3"


def gcse_grade_level(grade: str) -> SkillLevel | None:
    """The level a GCSE grade stands for: 4-9 or A*-C is ``level2``, 1-3 or D-G ``level1``."""
    token = grade.strip().upper()
    if token.isdigit():
        number = int(token)
        if 4 <= number <= 9:
            return "level2"
        if 1 <= number <= 3:
            return "level1"
        return None
    found = _GCSE_LETTER.get(token)
    if found == 2:
        return "level2"
    if found == 1:
        return "level1"
    return None
