"""Qualification references and types, read from the identifiers and titles feeds give.

- Ofqual qualification numbers are ``ddd/dddd/d`` (the last character may be ``X``); feeds
  also write them without slashes ("60326363") or with spaces, which ``ofqual_ref`` accepts
  when the result is unambiguous.
- Apprenticeship standards are ``STnnnn`` ("ST0216", sometimes "st 216" or "ST0216 v1.1").
- The qualification type is inferred from the title and identifier, most specific first:
  ESOL, Functional Skills, the Care Certificate, an apprenticeship standard, a degree, then
  the RQF size words Diploma, Certificate, Award. "Certificate in Care" is a certificate,
  "Care Certificate" is the Care Certificate.
"""

from __future__ import annotations

import re

from services.training.adapters.records import QualificationType

_OFQUAL = re.compile(r"\b(\d{3})\s*/\s*(\d{4})\s*/\s*([0-9X])\b", re.IGNORECASE)
_OFQUAL_DIGITS = re.compile(r"^\s*(\d{3})(\d{4})([0-9X])\s*$", re.IGNORECASE)
_STANDARD = re.compile(r"\bST\s*-?\s*(\d{1,4})\b", re.IGNORECASE)

_TYPE_RULES: tuple[tuple[QualificationType, re.Pattern[str]], ...] = (
    ("esol", re.compile(r"\besol\b|english for speakers of other languages", re.IGNORECASE)),
    ("functional_skills", re.compile(r"\bfunctional\s+skills?\b", re.IGNORECASE)),
    ("care_certificate", re.compile(r"\bcare\s+certificate\b", re.IGNORECASE)),
    ("apprenticeship", re.compile(r"\bapprenticeship\b|\bST\d{4}\b", re.IGNORECASE)),
    (
        "degree",
        re.compile(
            r"\b(?:degree|bsc|ba|beng|msc|ma|mba|fdsc|fda|fdeng|llb|bachelor'?s?|master'?s?)\b"
            r"|\bfoundation\s+degree\b",
            re.IGNORECASE,
        ),
    ),
    ("diploma", re.compile(r"\bdiploma\b", re.IGNORECASE)),
    ("certificate", re.compile(r"\bcertificate\b", re.IGNORECASE)),
    ("award", re.compile(r"\baward\b", re.IGNORECASE)),
)
_EXPLICIT_TYPES: dict[str, QualificationType] = {
    "esol": "esol",
    "functional skills": "functional_skills",
    "care certificate": "care_certificate",
    "diploma": "diploma",
    "certificate": "certificate",
    "award": "award",
    "apprenticeship": "apprenticeship",
    "apprenticeship standard": "apprenticeship",
    "short course": "short_course",
    "non accredited": "short_course",
    "degree": "degree",
    "other": "other",
}


def ofqual_ref(value: str | None) -> str | None:
    """The Ofqual number in ``value`` as ``ddd/dddd/d`` ("603/2636/3"), or None."""
    if not value:
        return None
    found = _OFQUAL.search(value) or _OFQUAL_DIGITS.match(value)
    if found is None:
        return None
    return f"{found.group(1)}/{found.group(2)}/{found.group(3).upper()}"


def standard_ref(value: str | None) -> str | None:
    """The apprenticeship standard code in ``value`` as ``STnnnn`` ("ST0216"), or None."""
    if not value:
        return None
    found = _STANDARD.search(value)
    if found is None:
        return None
    return f"ST{int(found.group(1)):04d}"


def explicit_qualification_type(value: str | None) -> QualificationType | None:
    """A type a feed states outright ("diploma", "Short course", "functional_skills")."""
    if not value:
        return None
    key = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
    return _EXPLICIT_TYPES.get(key)


def infer_qualification_type(
    *texts: str | None, standard: str | None = None, has_qualification: bool = True
) -> QualificationType:
    """The most specific qualification type any of ``texts`` names.

    ``texts`` are the qualification title, identifier, course title ...: ESOL in the course
    title and "Certificate" in the qualification title make an ESOL course. A standard
    reference makes it an apprenticeship; a course with no qualification at all is a short
    course; otherwise ``other``.
    """
    if standard:
        return "apprenticeship"
    for kind, pattern in _TYPE_RULES:
        if any(text and pattern.search(text) for text in texts):
            return kind
    return "other" if has_qualification else "short_course"
