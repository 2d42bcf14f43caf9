"""Pure parsers for the free-text values course feeds carry: durations, hours, money, dates.

Every function takes what a feed wrote and returns a normalised value or None when the
text does not say (never a guess dressed as a fact):

- durations: "12 weeks", "P12W", "P1Y6M", "1 year", "18 months", "3 days", "one term" is
  unknown. A range ("10-12 weeks") counts its upper end, so routes never look shorter than
  they are. Months are 52/12 weeks; days are calendar days (7 to the week).
- hours: "6 hours per week" / "6 hrs a week" / "6 hpw"; total hours "580 hours", "60 mins",
  "45 mins + 30 mins = 75 mins" (the total after the last "=").
- money: "£350", "£1,250.00", "350", "From £99", "Free", "Fully funded", "No cost" (0).
- funding: the six Routeway funding routes from their usual names ("Adult Skills Fund",
  "AEB", "Advanced Learner Loan", "levy", "employer", "self-funded").
- attendance and mode: XCRI-CAP 1.2 vocabulary identifiers (attendancePattern ``DT``
  daytime, ``EV`` evening, ``WE`` weekend, ``CS`` customised; attendanceMode ``CM`` campus,
  ``NC`` face-to-face non-campus, ``DA`` distance with attendance, ``DS`` distance without
  attendance, ``ON`` online, ``MM`` mixed mode, ``WB`` work-based; studyMode ``FL``
  flexible) or the same ideas in words.
- dates: ISO ("2026-01-12", with or without a time), UK day-first ("12/01/2026") and
  written ("12 January 2026", "12 Jan 2026").
- UK postcodes, normalised to upper case with one space ("B15 2TT").
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from services.training.adapters.records import Attendance, Funding, Mode, ProviderType

WEEKS_PER_MONTH = 52 / 12
WEEKS_PER_YEAR = 52.0
DAYS_PER_WEEK = 7.0

_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "half a": 0.5,
    "half an": 0.5,
}
_NUMBER = (
    r"(?:\d+(?:\.\d+)?|half an?|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve)"
)
_ISO_DURATION = re.compile(
    r"^\s*P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?)?\s*$",
    re.IGNORECASE,
)
_DURATION_PART = re.compile(
    rf"(?P<num>{_NUMBER})(?:\s*(?:-|to|–)\s*(?P<upper>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>years?|yrs?|months?|mths?|weeks?|wks?|days?)\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five)\s*(?:hours?|hrs?|days?|evenings?|mornings?"
    r"|afternoons?|sessions?|nights?)\s*(?:per|a|an|each|every|/)\s*(?:week|wk|month|fortnight)\b",
    re.IGNORECASE,
)
_UNIT_WEEKS = {"y": WEEKS_PER_YEAR, "m": WEEKS_PER_MONTH, "w": 1.0, "d": 1 / DAYS_PER_WEEK}
_PER_WEEK = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)(?:\s*(?:-|to|–)\s*(?P<upper>\d+(?:\.\d+)?))?\s*"
    r"(?:hours?|hrs?|h)\s*(?:(?:per|a|each|/)\s*(?:week|wk)|pw|p/w)\b|(?P<num2>\d+(?:\.\d+)?)\s*hpw\b",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:learning\s+|guided\s+)?(?:hours?|hrs?)\b", re.IGNORECASE
)
_MINUTES = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b", re.IGNORECASE)
_POUNDS = re.compile(r"(?:£|\bgbp)\s*(?P<num>\d[\d,]*(?:\.\d{1,2})?)", re.IGNORECASE)
_BARE_MONEY = re.compile(
    r"^\s*(?P<num>\d[\d,]*(?:\.\d{1,2})?)\s*(?:gbp|pounds?)?\s*$", re.IGNORECASE
)
_FREE = re.compile(
    r"^\s*(?:free|£?\s*0(?:\.00?)?|nil|no (?:cost|fee|charge)s?|no course fees?"
    r"|(?:fully[\s-])?funded|free of charge|free to (?:eligible )?learners?)\b",
    re.IGNORECASE,
)
_FUNDING_RULES: tuple[tuple[Funding, re.Pattern[str]], ...] = (
    (
        "advanced_learner_loan",
        re.compile(r"advanced learner loans?|\blearner loans?\b|\b24\+ loan", re.IGNORECASE),
    ),
    (
        "adult_skills_fund",
        re.compile(r"adult skills fund|\basf\b|adult education budget|\baeb\b", re.IGNORECASE),
    ),
    (
        "apprenticeship_levy",
        re.compile(r"\blevy\b|apprenticeship funding|co-?investment", re.IGNORECASE),
    ),
    (
        "fully_funded",
        re.compile(r"fully[\s-]funded|\bfree\b|no cost|government[\s-]funded", re.IGNORECASE),
    ),
    ("employer_paid", re.compile(r"\bemployer\b", re.IGNORECASE)),
    (
        "self_funded",
        re.compile(r"self[\s-]?fund|self[\s-]pay|fee[\s-]paying|full[\s-]cost", re.IGNORECASE),
    ),
)
_FUNDING_KEYS: dict[str, Funding] = {
    "fully_funded": "fully_funded",
    "adult_skills_fund": "adult_skills_fund",
    "advanced_learner_loan": "advanced_learner_loan",
    "apprenticeship_levy": "apprenticeship_levy",
    "employer_paid": "employer_paid",
    "self_funded": "self_funded",
}
_ATTENDANCE_CODES: dict[str, Attendance] = {
    "dt": "daytime",
    "ev": "evening",
    "we": "weekend",
    "cs": "flexible",
    "fl": "flexible",
}
_ATTENDANCE_WORDS: tuple[tuple[Attendance, re.Pattern[str]], ...] = (
    ("evening", re.compile(r"\bevenings?\b", re.IGNORECASE)),
    ("weekend", re.compile(r"\bweekends?\b|\bsaturdays?\b|\bsundays?\b", re.IGNORECASE)),
    (
        "flexible",
        re.compile(r"\bflexible\b|\bcustomi[sz]ed\b|self[\s-]paced|any ?time", re.IGNORECASE),
    ),
    ("daytime", re.compile(r"\bday(?:time)?s?\b|\bmornings?\b|\bafternoons?\b", re.IGNORECASE)),
)
_MODE_CODES: dict[str, Mode] = {
    "cm": "classroom",
    "nc": "classroom",
    "da": "blended",
    "mm": "blended",
    "ds": "online",
    "on": "online",
    "wb": "work_based",
}
_MODE_WORDS: tuple[tuple[Mode, re.Pattern[str]], ...] = (
    (
        "blended",
        re.compile(r"\bblended\b|\bmixed\b|\bhybrid\b|distance with attendance", re.IGNORECASE),
    ),
    (
        "work_based",
        re.compile(r"work[\s_-]?based|\bworkplace\b|\bon the job\b|\bwork_based\b", re.IGNORECASE),
    ),
    (
        "online",
        re.compile(r"\bonline\b|\bdistance\b|e-?learning|\bremote\b|\bvirtual\b", re.IGNORECASE),
    ),
    (
        "classroom",
        re.compile(
            r"\bclassroom\b|\bcampus\b|face[\s-]to[\s-]face|in[\s-]person"
            r"|\bclass\b",
            re.IGNORECASE,
        ),
    ),
)
_POSTCODE = re.compile(
    r"\b(?P<out>GIR|[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?))\s*"
    r"(?P<in>\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s].*)?$")
_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_WRITTEN_DATE = re.compile(
    r"^\s*(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\s*$", re.IGNORECASE
)
_PROVIDER_TYPES: tuple[tuple[ProviderType, re.Pattern[str]], ...] = (
    ("university", re.compile(r"\buniversity\b", re.IGNORECASE)),
    ("fe_college", re.compile(r"\bcollege\b|\bsixth form\b|\bfurther education\b", re.IGNORECASE)),
    (
        "local_authority",
        re.compile(
            r"\bcouncil\b|\bborough\b|\bcounty\b|\bcity of\b"
            r"|adult (?:community )?learning service|\bauthority\b",
            re.IGNORECASE,
        ),
    ),
    ("employer", re.compile(r"\bnhs\b|\btrust\b|\bhospitals?\b|\bcare homes?\b", re.IGNORECASE)),
    (
        "independent_training_provider",
        re.compile(
            r"\btraining\b|\bacademy\b|\blearning\b"
            r"|\bskills\b",
            re.IGNORECASE,
        ),
    ),
)
_SLUG = re.compile(r"[^a-z0-9]+")


def _finite(number: float) -> float | None:
    """Absurd digit strings overflow to infinity: no value, rather than an infinite one."""
    return number if math.isfinite(number) else None


def _to_number(token: str) -> float:
    key = token.strip().lower()
    if key in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[key])
    return float(key)


def parse_duration_weeks(text: str | None) -> float | None:
    """A duration as weeks ("12 weeks", "P12W", "1 year", "18 months"), or None if unstated."""
    if not text or not text.strip():
        return None
    iso = _ISO_DURATION.match(text)
    if iso and any(iso.group(part) for part in ("years", "months", "weeks", "days")):
        weeks = (
            float(iso.group("years") or 0) * WEEKS_PER_YEAR
            + float(iso.group("months") or 0) * WEEKS_PER_MONTH
            + float(iso.group("weeks") or 0)
            + float(iso.group("days") or 0) / DAYS_PER_WEEK
        )
        return _finite(round(weeks, 2))
    parts: list[tuple[float, float]] = []
    for part in _DURATION_PART.finditer(_RATE.sub(" ", text)):
        upper = part.group("upper")
        number = float(upper) if upper else _to_number(part.group("num"))
        parts.append((_UNIT_WEEKS[part.group("unit")[0].lower()], number))
    if not parts:
        return None
    units = [unit for unit, _ in parts]
    if len(set(units)) == len(units) and units == sorted(units, reverse=True):
        weeks = sum(unit * number for unit, number in parts)  # "1 year 6 months"
    else:
        weeks = max(unit * number for unit, number in parts)  # "30 weeks or 1 year"
    return _finite(round(weeks, 2))


def parse_hours_per_week(text: str | None) -> float | None:
    """Weekly hours ("6 hours per week", "16 hrs/week", "7.5 hpw"); a range counts its top."""
    if not text:
        return None
    found = _PER_WEEK.search(text)
    if found is None:
        return None
    token = found.group("upper") or found.group("num") or found.group("num2")
    return _finite(float(token))


def parse_total_hours(text: str | int | float | None) -> float | None:
    """Total learning hours ("580 hours", "60 mins" -> 1.0, "45 mins + 30 mins = 75 mins")."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        number = parse_number(text)
        return number if number is not None and number >= 0 else None
    if "=" in text:
        text = text.rsplit("=", 1)[1]
    hours = _HOURS.search(text)
    if hours:
        return _finite(float(hours.group("num")))
    minutes = _MINUTES.search(text)
    if minutes:
        return round(float(minutes.group("num")) / 60, 2)
    return parse_number(text)


def parse_number(value: str | int | float | None) -> float | None:
    """A plain, finite number ("12", "1,200", 3.5), or None ("NaN", "inf", words)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def parse_int(value: str | int | float | None) -> int | None:
    """A whole number ("12", 12, "12.0"), or None."""
    number = parse_number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def parse_cost(value: str | int | float | None) -> float | None:
    """What a learner pays in GBP: "£350" -> 350.0, "Free" / "Fully funded" -> 0.0, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = parse_number(value)
        return number if number is not None and number >= 0 else None
    text = value.strip()
    if not text:
        return None
    if _FREE.match(text):
        return 0.0
    found = _POUNDS.search(text) or _BARE_MONEY.match(text)
    if found is None:
        return None
    return _finite(float(found.group("num").replace(",", "")))


def parse_funding(value: str | None) -> Funding | None:
    """The funding route a text names ("Adult Skills Fund", "Advanced Learner Loan" ...)."""
    if not value:
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in _FUNDING_KEYS:
        return _FUNDING_KEYS[key]
    for funding, pattern in _FUNDING_RULES:
        if pattern.search(value):
            return funding
    return None


def parse_attendance(value: str | None) -> Attendance | None:
    """Attendance pattern from an XCRI identifier (``DT``, ``EV``, ``WE``, ``CS``) or words."""
    if not value or not value.strip():
        return None
    code = value.strip().lower()
    if code in _ATTENDANCE_CODES:
        return _ATTENDANCE_CODES[code]
    for attendance, pattern in _ATTENDANCE_WORDS:
        if pattern.search(value):
            return attendance
    return None


def parse_mode(value: str | None) -> Mode | None:
    """Delivery mode from an XCRI attendanceMode identifier (``CM``, ``ON``, ``WB`` ...) or words."""
    if not value or not value.strip():
        return None
    code = value.strip().lower()
    if code in _MODE_CODES:
        return _MODE_CODES[code]
    for mode, pattern in _MODE_WORDS:
        if pattern.search(value):
            return mode
    return None


def parse_date(value: str | None) -> date | None:
    """A calendar date from ISO, UK day-first or written forms; None if not a real date."""
    if not value:
        return None
    try:
        iso = _ISO_DATE.match(value)
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        uk = _UK_DATE.match(value)
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
        written = _WRITTEN_DATE.match(value)
        if written:
            month = _MONTHS.get(written.group(2).lower())
            if month is None:
                return None
            return date(int(written.group(3)), month, int(written.group(1)))
    except ValueError:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def normalise_postcode(value: str | None) -> str | None:
    """A UK postcode in canonical form ("b152tt" -> "B15 2TT"), or None if it is not one."""
    if not value:
        return None
    compact = value.strip()
    found = _POSTCODE.fullmatch(compact)
    if found is None:
        return None
    return f"{found.group('out').upper()} {found.group('in').upper()}"


def find_postcode(text: str | None) -> str | None:
    """The last UK postcode in free text (addresses end with it), canonical, or None."""
    if not text:
        return None
    matches = list(_POSTCODE.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    return f"{last.group('out').upper()} {last.group('in').upper()}"


def provider_type_from_name(name: str) -> ProviderType:
    """A provider's likely type from its name ("... College" -> ``fe_college``), else other."""
    for provider_type, pattern in _PROVIDER_TYPES:
        if pattern.search(name):
            return provider_type
    return "other"


def ukprn(value: str | None) -> str | None:
    """The UK Provider Reference Number (8 digits starting 1) in ``value``, or None."""
    if not value:
        return None
    found = re.search(r"(?<!\d)(1\d{7})(?!\d)", value)
    return found.group(1) if found else None


def slug(text: str) -> str:
    """A lower-case, hyphenated form of ``text`` for building stable ids."""
    return _SLUG.sub("-", text.lower()).strip("-")
