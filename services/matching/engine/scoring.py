"""The match score: its parts, their weights and the formula, in one place.

In plain English (docs/MATCHING.md says the same at more length):

* **Hard gates come first** (they decide ``ready``, not the score): a vacancy further away
  than the person will travel is left out; more hours a week than the person can work, or a
  professional registration they do not hold, makes it ``not_eligible``; a missing English or
  maths level, or a missing licence category, is ``after_training`` when some course within
  reach (through its prerequisites) grants it, and ``not_eligible`` when none does.
* **Then a score in [0, 1]**, the weighted sum of five parts, each in [0, 1]:

  - ``skills`` (weight 0.45): the share of the vacancy's skills the person has, an
    essential skill counting ``ESSENTIAL_WEIGHT`` (3) times a desirable one. A vacancy that
    lists no skills scores 1.
  - ``requirements`` (0.15): the share of the vacancy's checks (English level, maths level,
    licence category, registration) the person meets today; 1 when none are asked. The DBS
    check is the employer's to make and is not scored.
  - ``distance`` (0.20): halves every ``DISTANCE_HALF_KM`` (8 km): 1 at the door, 0.5 at 8 km,
    0.25 at 16 km. It never rises with distance.
  - ``pattern`` (0.10): the share of the vacancy's working patterns (nights, weekends,
    part time ...) the person accepts; 1 when either side names none or the person accepts
    ``flexible`` working.
  - ``level`` (0.10): 1 when the person's attainment (RQF scale, from English/maths levels and
    qualifications) reaches the vacancy's level (0 for entry-level posts; band 2 -> 1,
    band 3 -> 2, band 4 -> 3 ...), less ``LEVEL_STEP_PENALTY`` (0.25) for each level short.

Every function here works on numpy arrays (the index scores thousands of vacancies at once)
and on plain numbers (the reference scan and the tests), with the same arithmetic.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

WEIGHTS: Final[dict[str, float]] = {
    "skills": 0.45,
    "requirements": 0.15,
    "distance": 0.20,
    "pattern": 0.10,
    "level": 0.10,
}
ESSENTIAL_WEIGHT: Final = 3.0
DESIRABLE_WEIGHT: Final = 1.0
DISTANCE_HALF_KM: Final = 8.0
LEVEL_STEP_PENALTY: Final = 0.25
SCORE_DECIMALS: Final = 6
DISTANCE_DECIMALS: Final = 3
FLEXIBLE_PATTERN: Final = "flexible"

_BAND_NUMBER = re.compile(r"(\d+)")


def skills_part(
    essential_have: npt.ArrayLike,
    essential_total: npt.ArrayLike,
    desirable_have: npt.ArrayLike,
    desirable_total: npt.ArrayLike,
) -> FloatArray:
    """Weighted share of the vacancy's skills held; 1 where the vacancy lists none."""
    have = ESSENTIAL_WEIGHT * np.asarray(essential_have, dtype=np.float64) + DESIRABLE_WEIGHT * (
        np.asarray(desirable_have, dtype=np.float64)
    )
    total = ESSENTIAL_WEIGHT * np.asarray(essential_total, dtype=np.float64) + DESIRABLE_WEIGHT * (
        np.asarray(desirable_total, dtype=np.float64)
    )
    return np.where(total > 0, have / np.maximum(total, 1e-12), 1.0)


def requirements_part(met: npt.ArrayLike, stated: npt.ArrayLike) -> FloatArray:
    """Share of the vacancy's stated checks met today; 1 where it states none."""
    met_f = np.asarray(met, dtype=np.float64)
    stated_f = np.asarray(stated, dtype=np.float64)
    return np.where(stated_f > 0, met_f / np.maximum(stated_f, 1.0), 1.0)


def round_distance(km: npt.ArrayLike) -> FloatArray:
    """Distances rounded to the metre, so scores do not depend on float noise."""
    return np.asarray(np.round(np.asarray(km, dtype=np.float64), DISTANCE_DECIMALS), np.float64)


def distance_part(km: npt.ArrayLike) -> FloatArray:
    """``0.5 ** (km / DISTANCE_HALF_KM)``: 1 at zero, never rising with distance."""
    scaled = np.maximum(np.asarray(km, dtype=np.float64), 0.0) * (-1.0 / DISTANCE_HALF_KM)
    return np.asarray(np.exp2(scaled), dtype=np.float64)


def pattern_part(accepted: npt.ArrayLike, asked: npt.ArrayLike, person_any: bool) -> FloatArray:
    """Share of the vacancy's ``asked`` patterns among those the person ``accepted``.

    ``person_any`` is true when the person names no pattern or accepts flexible working.
    """
    accepted_f = np.asarray(accepted, dtype=np.float64)
    asked_f = np.asarray(asked, dtype=np.float64)
    if person_any:
        return np.ones_like(asked_f)
    return np.where(asked_f > 0, accepted_f / np.maximum(asked_f, 1.0), 1.0)


def vacancy_level(band: int | str | None, entry_level: bool) -> int:
    """The attainment (RQF scale) a vacancy expects: 0 for entry-level posts, else from band."""
    if entry_level:
        return 0
    number: int | None = None
    if isinstance(band, int):
        number = band
    elif isinstance(band, str):
        found = _BAND_NUMBER.search(band)
        number = int(found.group(1)) if found else None
    if number is None:
        return 2
    return max(number - 1, 0)


def level_part(person_level: int, required_level: npt.ArrayLike) -> FloatArray:
    """1 when the person reaches the vacancy's level, less 0.25 per level short (floor 0)."""
    short = np.maximum(np.asarray(required_level, dtype=np.float64) - float(person_level), 0.0)
    return np.clip(1.0 - LEVEL_STEP_PENALTY * short, 0.0, 1.0)


def combine(
    skills: npt.ArrayLike,
    requirements: npt.ArrayLike,
    distance: npt.ArrayLike,
    pattern: npt.ArrayLike,
    level: npt.ArrayLike,
) -> FloatArray:
    """The score: the weighted sum of the parts, rounded to ``SCORE_DECIMALS`` places."""
    total = (
        WEIGHTS["skills"] * np.asarray(skills, dtype=np.float64)
        + WEIGHTS["requirements"] * np.asarray(requirements, dtype=np.float64)
        + WEIGHTS["distance"] * np.asarray(distance, dtype=np.float64)
        + WEIGHTS["pattern"] * np.asarray(pattern, dtype=np.float64)
        + WEIGHTS["level"] * np.asarray(level, dtype=np.float64)
    )
    return np.asarray(np.round(np.clip(total, 0.0, 1.0), SCORE_DECIMALS), np.float64)
