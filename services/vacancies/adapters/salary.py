"""Reading pay from the free text of real adverts, and the Agenda for Change band.

Adverts state pay as prose, not numbers: "£24,465 - £26,465 per annum pro rata",
"£15.66p/h - £20.35p/h", "£25-31000 + up to £3k enhancements", "Up to £30,615pa DoE",
"£31,608 per annum plus £5,000 Welcome Bonus", "Band 5 dependent on experience",
"Competitive", "negotiable". The rules, in order:

- The salary is the *first* amount, or the first range ("A - B", "A to B"); later amounts
  (bonuses, enhancements, "(Preceptors £22,465)") are not the salary.
- When the text has a "£" anywhere, only "£" amounts count (and the second half of a
  range that started with "£"); otherwise bare numbers count, except those that are hours,
  durations, percentages, bands or pay points.
- "k" multiplies by 1,000; an abbreviated range "£25-31000" means 25,000 to 31,000.
- "Up to £X" gives only a maximum; "from £X" / "starting at £X" only a minimum.
- The period comes from words in the text ("per annum", "p/h", "a week" ...); without
  words, amounts under £100 are hourly and amounts of £10,000 or more yearly; otherwise
  the feed's own unit (if any) stands. A zero amount ("£0.00") is no salary at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from services.common.text import unescape_fully
from services.vacancies.adapters.places import blank_postcodes
from services.vacancies.adapters.records import SalaryPeriod

AFC_BANDS: Final = frozenset({"1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"})

_AMOUNT = re.compile(
    r"(?P<cur>£|\bGBP)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<k>\s?k\b)?",
    re.IGNORECASE,
)
# A bare number followed by one of these is not money ("37.5 hours", "12 months", "10%").
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:%|(?:hours?|hrs?|years?|yrs?|months?|weeks?|days?|sessions?|[ap]\.?m|"
    r"miles?|staff|beds?|patients?)\b)",
    re.IGNORECASE,
)
# ... and a number preceded by one of these is a grade, not money ("Band 5", "point 12").
_NOT_MONEY_BEFORE = re.compile(
    r"\b(?:band|level|point|spine|grade|step|nvq|st|ct)\s*:?\s*$", re.IGNORECASE
)
_UNIT_WORDS = re.compile(
    r"p[e]?r\s+hour|an\s+hour|p/h|p\.h\.?|(?<![a-z])phr?\b|/\s?hr?\b|/\s?hour|hourly|"
    r"per\s+annum|p/a\b|p\.a\.?|(?<![a-z])pa\b|a\s+year|per\s+year|/\s?yr\b|/\s?year|"
    r"annum|annual|yearly|"
    r"per\s+month|a\s+month|\bpcm\b|monthly|/\s?month|"
    r"per\s+week|a\s+week|\bpw\b|weekly|/\s?week|"
    r"per\s+day|a\s+day|daily|/\s?day|per\s+diem|"
    r"per\s+session|\bk\b|\s+",
    re.IGNORECASE,
)
_RANGE_SEPARATOR = re.compile(r"^(?:-+|to|and|rising\s+to|up\s+to|until)$", re.IGNORECASE)
# Band expressions ("Band 5 or 6", "Band 7/8a", "Band 8a - 8b") are blanked before amounts
# are read, so their digits are never taken for money.
_BAND_EXPRESSION = re.compile(
    r"\bband\s*:?\s*[1-9][a-d]?(?:\s*(?:or|-|/|to|and)\s*(?:band\s*)?[1-9][a-d]?)*",
    re.IGNORECASE,
)
# Digits in groups separated by single spaces ("01206 918 701") are a phone number.
_PHONE_LIKE_BEFORE = re.compile(r"\d \s?$")
_PHONE_LIKE_AFTER = re.compile(r" \d")
_YEAR_LIKE = re.compile(r"^(?:19[5-9]\d|20[0-4]\d)$")
_UP_TO = re.compile(r"(?:up\s+to|maximum(?:\s+of)?|max\.?|no\s+more\s+than)\s*$", re.IGNORECASE)
_FROM = re.compile(
    r"(?:from|starting\s+(?:at|from)|start(?:ing)?\s+salary(?:\s+of)?|minimum(?:\s+of)?|"
    r"min\.?|at\s+least|in\s+excess\s+of|over)\s*$",
    re.IGNORECASE,
)
_PERIODS: Final[tuple[tuple[SalaryPeriod, re.Pattern[str]], ...]] = (
    (
        "hour",
        re.compile(
            r"p[e]?r\s+hour|an\s+hour|p/h\b|p\.h\b|(?<![a-z])phr?\b|/\s?hr\b|/\s?hour|hourly|"
            r"per\s+hr\b",
            re.IGNORECASE,
        ),
    ),
    (
        "year",
        re.compile(
            r"per\s+annum|p/a\b|p\.a\b|(?<![a-z])pa\b|a\s+year|per\s+year|/\s?yr\b|/\s?year|"
            r"\bannum|\bannual(?:ly)?\b|yearly|\bper\s+yr\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(r"per\s+month|a\s+month|(?<![a-z])pcm\b|monthly|/\s?month", re.IGNORECASE),
    ),
    ("week", re.compile(r"per\s+week|a\s+week|(?<![a-z])pw\b|weekly|/\s?week", re.IGNORECASE)),
    ("day", re.compile(r"per\s+day|a\s+day|\bdaily\b|/\s?day|per\s+diem", re.IGNORECASE)),
)
_HOURS_BEFORE_UNIT = re.compile(r"(?:hours?|hrs?)\s*$", re.IGNORECASE)
_BAND = re.compile(r"\bband\s*:?\s*([1-9])\s*([a-d])?(?![0-9a-z])", re.IGNORECASE)
# The same, for lower-cased long texts: a literal first letter lets the scan skip ahead.
_BAND_LOWER = re.compile(r"band\s*:?\s*([1-9])\s*([a-d])?(?![0-9a-z])")
_BARE_BAND = re.compile(r"^\s*(?:band\s*:?\s*)?([1-9])\s*([a-d])?\s*$", re.IGNORECASE)
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
_PLAUSIBLE: Final[dict[SalaryPeriod, tuple[float, float]]] = {
    "hour": (0.0, 1_000.0),
    "day": (20.0, 5_000.0),
    "week": (100.0, 20_000.0),
    "month": (300.0, 100_000.0),
    "year": (1_000.0, 10_000_000.0),
}
_PERIOD_CODES: Final[dict[str, SalaryPeriod]] = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "annum": "year",
    "pa": "year", "month": "month", "monthly": "month", "week": "week", "weekly": "week",
    "day": "day", "daily": "day", "hour": "hour", "hourly": "hour", "ph": "hour",
}  # fmt: skip
HOURLY_BELOW: Final = 100.0
YEARLY_FROM: Final = 10_000.0


@dataclass(frozen=True, slots=True)
class Salary:
    """Pay as numbers; every part is ``None`` when the text states no amount."""

    minimum: float | None = None
    maximum: float | None = None
    period: SalaryPeriod | None = None

    @property
    def has_amount(self) -> bool:
        """Whether any amount was read."""
        return self.minimum is not None or self.maximum is not None


@dataclass(frozen=True, slots=True)
class _Amount:
    value: float
    start: int
    end: int
    pound: bool
    thousands: bool


def parse_salary(text: str | None, default_period: SalaryPeriod | None = None) -> Salary:
    """Read the salary in ``text``; ``default_period`` is the feed's unit, used last."""
    if not text:
        return Salary()
    clean = blank_postcodes(unescape_fully(text).translate(_DASHES))
    amounts = _money_amounts(clean)
    if not amounts:
        return Salary()
    first = amounts[0]
    second = _range_partner(clean, first, amounts[1] if len(amounts) > 1 else None)
    if second is None:
        low, high = _single_bounds(clean, first)
    else:
        low, high = _range_bounds(first, second)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return _checked(low, high, _period_words(clean, first.start), default_period)


def salary_from_numbers(
    low: float | None, high: float | None, period: SalaryPeriod | None
) -> Salary:
    """A salary from a feed's structured numbers; their stated unit wins if plausible."""
    if low is not None and high is not None and low > high:
        low, high = high, low
    return _checked(low, high, period, None)


def _checked(
    low: float | None,
    high: float | None,
    stated: SalaryPeriod | None,
    default_period: SalaryPeriod | None,
) -> Salary:
    """Pick the period: words in the text, then the amount's size, then the feed's unit.

    A stated period the amount cannot be ("£13.79 weekly", "£9.50 a year") gives way to
    the size rule.
    """
    top = high if high is not None else low
    if top is None or top <= 0:
        return Salary()
    period = stated if stated is not None and _plausible(top, stated) else None
    if period is None:
        period = _period_from_size(top)
    if period is None and default_period is not None and _plausible(top, default_period):
        period = default_period
    return Salary(minimum=low, maximum=high, period=period)


def parse_period(text: str | None) -> SalaryPeriod | None:
    """A pay period from a unit word or code: "YEAR", "per annum", "hourly", "p/h" ..."""
    if not text:
        return None
    word = text.strip().lower()
    return _PERIOD_CODES.get(word.removesuffix("s")) or _period_words(word, 0)


def parse_band(text: str | None) -> str | None:
    """The Agenda for Change band a text states ("Band 3" -> "3", "band 8A" -> "8a")."""
    if not text:
        return None
    match = _BAND.search(unescape_fully(text))
    return _band_from_match(match) if match else None


def parse_single_band(text: str | None) -> str | None:
    """The band a long text states, only when it names exactly one distinct band.

    Descriptions often mention other bands ("progression to Band 6"); one band only is
    taken as the advert's own.
    """
    if not text:
        return None
    low = text.lower()
    found = {
        band
        for match in _BAND_LOWER.finditer(low)
        if not low[match.start() - 1 : match.start()].isalnum()
        and (band := _band_from_match(match)) is not None
    }
    return found.pop() if len(found) == 1 else None


def normalise_band(value: str | None) -> str | None:
    """A band value given on its own ("3", "Band 8A", "8 b") as "3", "8a"; else ``None``."""
    if not value:
        return None
    match = _BARE_BAND.match(value)
    return _band_from_match(match) if match else None


def _band_from_match(match: re.Match[str]) -> str | None:
    band = match.group(1) + (match.group(2) or "").lower()
    return band if band in AFC_BANDS else None


def _money_amounts(text: str) -> list[_Amount]:
    text = _BAND_EXPRESSION.sub(lambda m: " " * len(m.group(0)), text)
    has_pound = "£" in text or "gbp" in text.lower()
    amounts: list[_Amount] = []
    for match in _AMOUNT.finditer(text):
        number = match.group("num")
        pound = match.group("cur") is not None
        if not pound and (
            _NOT_MONEY_BEFORE.search(text, 0, match.start())
            or _NOT_MONEY_AFTER.match(text, match.end())
            or _inside_word(text, match.start("num"), match.end("num"))
            or (len(number) > 1 and number[0] == "0" and number[1].isdigit())
            or _PHONE_LIKE_BEFORE.search(text, 0, match.start("num"))
            or _PHONE_LIKE_AFTER.match(text, match.end())
        ):
            continue
        thousands = match.group("k") is not None
        value = float(number.replace(",", ""))
        amount = _Amount(
            value=value * 1000 if thousands else value,
            start=match.start(),
            end=match.end(),
            pound=pound,
            thousands=thousands,
        )
        previous = amounts[-1] if amounts else None
        partner = previous is not None and _range_partner(text, previous, amount) is amount
        if pound or not has_pound or partner or _looks_like_money(number, thousands):
            amounts.append(amount)
    return amounts


def _looks_like_money(number: str, thousands: bool) -> bool:
    """A bare number beside "£" amounts: "27,373.50", "40000.00", "30k"; not "2020", "3"."""
    if thousands or "," in number or re.search(r"\.\d\d$", number):
        return True
    return float(number) >= 1000 and not _YEAR_LIKE.match(number)


def _inside_word(text: str, start: int, end: int) -> bool:
    """A number glued to letters ("ST3", "B15", "24/7" excepted) is a code, not money."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isalpha() or (after.isalpha() and after.lower() not in "kp")


def _range_partner(text: str, first: _Amount, nxt: _Amount | None) -> _Amount | None:
    if nxt is None:
        return None
    between = _UNIT_WORDS.sub(" ", text[first.end : nxt.start]).replace("£", " ")
    between = between.replace("GBP", " ").strip()
    return nxt if _RANGE_SEPARATOR.match(between) else None


def _range_bounds(first: _Amount, second: _Amount) -> tuple[float, float]:
    low, high = first.value, second.value
    # "£25-31000" and "£25-30k": the first half is in thousands too.
    if low < 100 and high >= 1000 and 0.5 <= low * 1000 / high <= 1:
        low *= 1000
    return low, high


def _single_bounds(text: str, amount: _Amount) -> tuple[float | None, float | None]:
    before = text[max(0, amount.start - 40) : amount.start]
    if _UP_TO.search(before):
        return None, amount.value
    if _FROM.search(before):
        return amount.value, None
    return amount.value, amount.value


def _period_words(text: str, start: int) -> SalaryPeriod | None:
    """The period word nearest after ``start`` (else nearest before it), if any."""
    best: tuple[int, int] | None = None
    found: SalaryPeriod | None = None
    for period, pattern in _PERIODS:
        for match in pattern.finditer(text):
            if _HOURS_BEFORE_UNIT.search(text, 0, match.start()):
                continue  # "37.5 hours per week" is working time, not a weekly wage
            rank = (
                (0, match.start() - start) if match.start() >= start else (1, start - match.start())
            )
            if best is None or rank < best:
                best, found = rank, period
    return found


def _plausible(amount: float, period: SalaryPeriod) -> bool:
    """Whether ``amount`` can be pay for ``period`` ("£13.79 weekly" is really hourly)."""
    low, high = _PLAUSIBLE[period]
    return low <= amount < high


def _period_from_size(amount: float) -> SalaryPeriod | None:
    if amount < HOURLY_BELOW:
        return "hour"
    if amount >= YEARLY_FROM:
        return "year"
    return None
