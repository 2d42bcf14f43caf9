"""English and maths levels (Entry 1-3, Level 1-2) and which level satisfies which.

Skill ids ``english-entry1`` .. ``english-level2`` and ``maths-entry1`` .. ``maths-level2``
carry a level; a higher level of the same subject satisfies a lower one.
"""

from __future__ import annotations

LEVEL_ORDER: tuple[str, ...] = ("entry1", "entry2", "entry3", "level1", "level2")
_RANK = {level: rank for rank, level in enumerate(LEVEL_ORDER)}
SUBJECTS: tuple[str, ...] = ("english", "maths")


def level_rank(level: str) -> int:
    """Position of ``level`` in :data:`LEVEL_ORDER`; raises ``KeyError`` for unknown levels."""
    return _RANK[level]


def split_level_skill(skill_id: str) -> tuple[str, str] | None:
    """``("english", "level1")`` for ``english-level1``; ``None`` for skills without a level."""
    subject, _, level = skill_id.partition("-")
    if subject in SUBJECTS and level in _RANK:
        return subject, level
    return None


def level_satisfies(have: str | None, need: str | None) -> bool:
    """True when a held level (``"level2"``) meets a needed one (``"entry3"``); no need is met."""
    if need is None:
        return True
    if have is None:
        return False
    return _RANK[have] >= _RANK[need]


def satisfies(have_id: str, need_id: str) -> bool:
    """True when holding skill ``have_id`` satisfies needing ``need_id``.

    Equal ids always satisfy; ``english-level2`` satisfies ``english-entry3`` but never a
    maths level; skills without a level satisfy only themselves.
    """
    if have_id == need_id:
        return True
    have, need = split_level_skill(have_id), split_level_skill(need_id)
    if have is None or need is None or have[0] != need[0]:
        return False
    return _RANK[have[1]] >= _RANK[need[1]]
