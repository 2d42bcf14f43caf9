"""Terms of work: hours per week, working patterns and contract type, from codes and prose.

Sources differ: schema.org ``employmentType`` codes (``FULL_TIME``, ``PART_TIME``,
``TEMPORARY``, ``PER_DIEM`` ...), NHS Jobs contract labels ("Permanent", "Fixed term",
"Bank"), CSV cells ("full time; nights"), and titles ("Bank Healthcare Assistant - Nights").
Patterns are normalised to a small vocabulary (``PATTERNS``) so matching can compare them;
an unknown pattern word is kept in snake_case rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from services.vacancies.adapters.records import Contract

PATTERNS: Final = (
    "full_time",
    "part_time",
    "flexible",
    "shifts",
    "nights",
    "weekends",
    "bank",
    "term_time",
    "job_share",
    "compressed_hours",
    "annualised_hours",
    "home_working",
    "on_call",
)
CONTRACTS: Final[tuple[Contract, ...]] = (
    "permanent",
    "fixed_term",
    "temporary",
    "bank",
    "apprenticeship",
    "other",
)

# Hours are found from the word ("hours", "hrs", "h") outwards: a plain-text search for the
# word is fast, and the number and "per week" around it are then checked in a small window.
_HOURS_WORD = re.compile(r"h(?:(?:ou)?rs?)?\b")  # a literal first letter keeps the scan fast
_NUMBER_BEFORE = re.compile(
    r"(?<![\d.])(\d{1,2}(?:\.\d{1,2})?)\s*(?:(?:-|to)\s*\d{1,2}(?:\.\d{1,2})?\s*)?$"
)
_PER_WEEK_AFTER = re.compile(
    r"\.?\s*(?:(?:per|a|each|every|/|p\.?)\s*(?:week|wk|w)\b|(?:pw|p/w|weekly)\b)"
)
_NUMBER_AFTER = re.compile(r"(?:\s+per\s+week)?\s*[:\-]\s*(\d{1,2}(?:\.\d{1,2})?)(?![\d.])")
_MAX_WEEKLY_HOURS: Final = 80.0

# Word patterns in prose or labels -> pattern; ordered, first match per pattern wins.
_PATTERN_WORDS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(expression, re.IGNORECASE))
    for name, expression in (
        ("full_time", r"\bfull[\s_-]?time\b"),
        ("part_time", r"\bpart[\s_-]?time\b"),
        ("flexible", r"\bflexi(?:ble)?(?:[\s_-]working)?\b"),
        ("shifts", r"\bshifts?\b|\bshift[\s_-]work\b"),
        ("nights", r"\bnights?\b|\bnight[\s_-]shifts?\b"),
        ("weekends", r"\bweekends?\b"),
        ("bank", r"(?<!blood )(?<!milk )(?<!food )\bbank\b|\bper[\s_]diem\b"),
        ("term_time", r"\bterm[\s_-]time\b"),
        ("job_share", r"\bjob[\s_-]share\b"),
        ("compressed_hours", r"\bcompressed[\s_-]hours\b"),
        ("annualised_hours", r"\bannuali[sz]ed[\s_-]hours\b"),
        ("home_working", r"\bhome[\s_-]working\b|\bremote\b|\btelecommute\b|\bhybrid\b"),
        ("on_call", r"\bon[\s_-]call\b"),
    )
)
_EMPLOYMENT_TYPES: Final[dict[str, tuple[str | None, Contract | None]]] = {
    "FULL_TIME": ("full_time", None),
    "PART_TIME": ("part_time", None),
    "TEMPORARY": (None, "temporary"),
    "CONTRACTOR": (None, "fixed_term"),
    "PER_DIEM": ("bank", "bank"),
    "INTERN": (None, "other"),
    "VOLUNTEER": (None, "other"),
    "OTHER": (None, None),
}
_CONTRACT_WORDS: Final[tuple[tuple[Contract, re.Pattern[str]], ...]] = (
    ("apprenticeship", re.compile(r"\bapprentice(?:ship)?s?\b", re.IGNORECASE)),
    ("bank", re.compile(r"(?<!blood )(?<!milk )(?<!food )\bbank\b|\bper[\s_]diem\b", re.I)),
    (
        "fixed_term",
        re.compile(r"\bfixed[\s_-]?term\b|\bsecondment\b|\bmaternity\s+cover\b|\bftc\b", re.I),
    ),
    ("temporary", re.compile(r"\btemp(?:orary)?\b|\blocum\b|\bzero[\s_-]hours?\b", re.I)),
    ("permanent", re.compile(r"\bpermanent\b|\bperm\b", re.IGNORECASE)),
    (
        "other",
        re.compile(r"^\s*(?:other|volunteer(?:ing)?|voluntary|casual|sessional)\s*$", re.I),
    ),
)
_SNAKE = re.compile(r"[^a-z0-9]+")


def parse_hours(*texts: str | None) -> float | None:
    """Hours per week stated in the first text that states them.

    Reads "37.5 hours per week", "30-37.5 hrs a week" (the first number), "22.5h/week",
    "16 hours pw" and "Hours per week: 37.5"; a bare "24 hours" (a shift, a service
    running round the clock) is not weekly hours.
    """
    for text in texts:
        if not text:
            continue
        low = text.lower()
        for word in _HOURS_WORD.finditer(low):
            if (
                word.end() - word.start() == 1
                and not low[word.start() - 1 : word.start()].isdigit()
            ):
                continue  # a lone "h" counts only glued to a number ("22.5h")
            before = _NUMBER_BEFORE.search(low, max(0, word.start() - 24), word.start())
            value: str | None = None
            if before and _PER_WEEK_AFTER.match(low, word.end()):
                value = before.group(1)
            elif after := _NUMBER_AFTER.match(low, word.end()):
                value = after.group(1)
            if value is not None and 0 < float(value) <= _MAX_WEEKLY_HOURS:
                return float(value)
    return None


def patterns_from_text(*texts: str | None) -> list[str]:
    """Working patterns named in short texts (titles, labels, cells), in ``PATTERNS`` order."""
    found = {
        name for text in texts if text for name, pattern in _PATTERN_WORDS if pattern.search(text)
    }
    return [name for name in PATTERNS if name in found]


def normalise_patterns(values: Iterable[str]) -> list[str]:
    """Pattern words from a list ("Full time", "NIGHTS", "Job-share") as known names.

    Words outside the vocabulary are kept in snake_case, in their first-seen order.
    """
    known: set[str] = set()
    unknown: list[str] = []
    for value in values:
        if not value or not value.strip():
            continue
        names = patterns_from_text(value)
        if names:
            known.update(names)
            continue
        code = _EMPLOYMENT_TYPES.get(value.strip().upper().replace("-", "_").replace(" ", "_"))
        if code and code[0]:
            known.add(code[0])
            continue
        snake = _SNAKE.sub("_", value.strip().lower()).strip("_")
        if snake and snake not in unknown:
            unknown.append(snake)
    return [name for name in PATTERNS if name in known] + [u for u in unknown if u not in known]


def from_employment_types(values: Iterable[str]) -> tuple[list[str], Contract | None]:
    """Patterns and contract from schema.org ``employmentType`` codes."""
    patterns: set[str] = set()
    contract: Contract | None = None
    for value in values:
        code = value.strip().upper().replace("-", "_").replace(" ", "_")
        pattern, kind = _EMPLOYMENT_TYPES.get(code, (None, None))
        if code not in _EMPLOYMENT_TYPES:
            patterns.update(patterns_from_text(value))
            kind = parse_contract(value)
        if pattern:
            patterns.add(pattern)
        if kind and contract is None:
            contract = kind
    return [name for name in PATTERNS if name in patterns], contract


def parse_contract(*texts: str | None) -> Contract | None:
    """The contract a label or title names ("Fixed Term", "Bank", "Apprenticeship")."""
    for text in texts:
        if not text:
            continue
        for name, pattern in _CONTRACT_WORDS:
            if pattern.search(text):
                return name
    return None


def merge_patterns(*groups: Iterable[str]) -> list[str]:
    """The union of pattern lists, known names first in ``PATTERNS`` order."""
    seen: list[str] = []
    for group in groups:
        for name in group:
            if name not in seen:
                seen.append(name)
    known = [name for name in PATTERNS if name in seen]
    return known + [name for name in seen if name not in PATTERNS]
