"""Demo vacancy feed: schema.org ``JobPosting`` JSON Lines (the ``jobposting-jsonld`` format).

One JSON object per line, UTF-8, ``\\n``-terminated. Every record has an ``identifier``
PropertyValue (``name`` = employer, ``value`` = ``DEMO-<seed>-<nnnnn>``, unique and stable for
a seed), ``title``, ``description`` (HTML: summary, duties, an "Essential / Desirable" person
specification, pay and contract), ``datePosted`` (up to 21 days before ``today``),
``validThrough`` (3 to 42 days after ``today``), ``employmentType``, ``hiringOrganization``,
``jobLocation`` (a real postcode in the employer's town), ``baseSalary`` (Agenda for Change
2025/26 bands 2-4 for NHS posts, hourly rates for care) and ``workHours``.

Like real feeds it is a little loose on purpose: dates are sometimes plain dates and
sometimes UTC date-times; ``employmentType`` is sometimes a list; a salary is a single
``value`` when the band has one point and ``minValue``/``maxValue`` otherwise.

Deterministic: the same ``n``, ``seed`` and ``today`` give the same bytes, and the first
``k`` records do not depend on ``n``. Written for Routeway; no real advert is copied.
"""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from services.demo.organisations import EMPLOYERS, Employer
from services.demo.places import TOWNS, site_postcode
from services.demo.roles import ROLES, Pay, Phrasings, Role, Variant

_DUTY_HEADINGS = ("Main duties", "Key responsibilities", "What you will do", "The role")
_SPEC_HEADINGS = ("Person specification", "About you", "What we are looking for")
_CONTRACTS = ("Permanent", "Permanent", "Permanent", "Fixed term: 12 months", "Bank")
_BENEFITS = (
    "27 days' annual leave plus bank holidays, rising with service",
    "NHS Pension Scheme",
    "Paid training and support to gain qualifications",
    "Free flu vaccination and staff health and wellbeing service",
    "Staff discounts and cycle to work scheme",
    "Paid mileage at 45p per mile and paid travel time",
    "Weekly pay and a pension with employer contributions",
    "Blue Light Card eligibility",
    "Free DBS check and uniform",
    "Refer-a-friend bonus",
)
_NHS_ONLY_BENEFITS = {
    "NHS Pension Scheme",
    "Free flu vaccination and staff health and wellbeing service",
}
_CARE_ONLY_BENEFITS = {
    "Paid mileage at 45p per mile and paid travel time",
    "Weekly pay and a pension with employer contributions",
    "Free DBS check and uniform",
    "Refer-a-friend bonus",
}
_PATTERNS = (
    "Monday to Friday, daytime",
    "Shifts, including weekends and bank holidays",
    "Long days (12.5 hours) on a rota",
    "Early and late shifts on a rota, including alternate weekends",
    "Nights on a rota",
    "Flexible hours to suit you",
)


def _variant(role: Role, employer: Employer) -> Variant | None:
    for key in (employer.setting, employer.kind):
        if key is not None and key in role.variants:
            return role.variants[key]
    return None


def _employers_for(role: Role, rng: random.Random) -> Employer:
    kind = rng.choice(role.employers)
    candidates = [
        employer
        for employer in EMPLOYERS
        if employer.kind == kind
        and (employer.kind != "care_provider" or employer.setting in role.care_settings)
        and (not employer.only_roles or role.key in employer.only_roles)
    ]
    return rng.choice(candidates)


def _salary(pay: Pay, rng: random.Random) -> tuple[float, float]:
    if pay.unit == "HOUR":
        low = max(pay.low, round(rng.uniform(pay.low, pay.high - 0.2) * 20) / 20)
        if rng.random() < 0.6:
            return low, low
        return low, round(min(low + rng.choice((0.25, 0.5, 0.75)), pay.high + 0.5), 2)
    return pay.low, pay.high


def _money(amount: float, unit: str) -> str:
    return f"£{amount:,.2f}" if unit == "HOUR" else f"£{amount:,.0f}"


def _pick(rng: random.Random, phrasings: Phrasings) -> str:
    return rng.choice(phrasings)


def _list_html(items: list[str]) -> str:
    return (
        "<ul>" + "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items) + "</ul>"
    )


def _title(role: Role, variant: Variant | None, rng: random.Random) -> str:
    titles = variant.titles if variant is not None else role.titles
    return rng.choice(titles)


def _summary(role: Role, variant: Variant | None, title: str, rng: random.Random) -> str:
    pool = variant.summary if variant is not None and variant.summary else role.summary
    apprentice = "apprentice" in title.lower()
    matching = tuple(text for text in pool if ("apprentice" in text.lower()) == apprentice)
    return rng.choice(matching or pool)


def _description(
    role: Role,
    variant: Variant | None,
    employer: Employer,
    title: str,
    town: str,
    pay: Pay,
    salary: tuple[float, float],
    hours: float,
    pattern: str,
    contract: str,
    rng: random.Random,
) -> str:
    duties_pool = list(role.duties) + list(variant.duties if variant is not None else ())
    duties = rng.sample(duties_pool, k=min(len(duties_pool), rng.randint(5, 8)))
    essential_slots = rng.sample(
        list(role.essential), k=min(len(role.essential), rng.randint(4, 7))
    )
    desirable_slots = rng.sample(
        list(role.desirable), k=min(len(role.desirable), rng.randint(2, 4))
    )
    essential = [_pick(rng, slot) for slot in essential_slots]
    desirable = [_pick(rng, slot) for slot in desirable_slots]

    benefits_pool = [
        b
        for b in _BENEFITS
        if (employer.kind == "nhs_trust" or b not in _NHS_ONLY_BENEFITS)
        and (employer.kind == "care_provider" or b not in _CARE_ONLY_BENEFITS)
    ]
    benefits = rng.sample(benefits_pool, k=3)

    low, high = salary
    unit = pay.unit
    per = "an hour" if unit == "HOUR" else "a year"
    pay_text = (
        f"{_money(low, unit)} {per}"
        if low == high
        else (f"{_money(low, unit)} to {_money(high, unit)} {per}")
    )
    if pay.band is not None:
        pay_text += f" (Agenda for Change Band {pay.band})"
    if hours < 37.5 and unit == "YEAR":
        pay_text += ", pro rata"

    summary = _summary(role, variant, title, rng)
    about = f"{employer.name} is recruiting in {town}. " + rng.choice(
        (
            "We welcome applications from people returning to work or changing career.",
            "We are a Disability Confident employer and guarantee an interview to disabled "
            "applicants who meet the essential criteria.",
            "We support flexible working and will consider part-time hours.",
            "You will have a full induction and a named buddy for your first weeks.",
        )
    )
    parts = [
        f"<p>{html.escape(summary, quote=False)}</p>",
        f"<p>{html.escape(about, quote=False)}</p>",
        f"<h3>{rng.choice(_DUTY_HEADINGS)}</h3>",
        _list_html(duties),
        f"<h3>{rng.choice(_SPEC_HEADINGS)}</h3>",
    ]
    if rng.random() < 0.7:
        parts += ["<h4>Essential</h4>", _list_html(essential)]
        parts += ["<h4>Desirable</h4>", _list_html(desirable)]
    else:
        parts += ["<p><strong>Essential criteria</strong></p>", _list_html(essential)]
        parts += ["<p><strong>Desirable criteria</strong></p>", _list_html(desirable)]
    parts += [
        "<h3>Pay and hours</h3>",
        f"<p>Salary: {html.escape(pay_text, quote=False)}.<br>"
        f"Hours: {hours:g} hours per week. {html.escape(pattern, quote=False)}.<br>"
        f"Contract: {html.escape(contract, quote=False)}.</p>",
        "<h3>Benefits</h3>",
        _list_html(benefits),
    ]
    if "apprentice" in title.lower():
        parts.append(
            "<p>This is an apprenticeship: you will spend at least 20% of your paid hours on "
            "off-the-job training with our college partner.</p>"
        )
    return "".join(parts)


def _employment_type(hours: float, contract: str, rng: random.Random) -> str | list[str]:
    base = "FULL_TIME" if hours >= 36 else "PART_TIME"
    if contract == "Bank":
        return [base, "TEMPORARY"] if rng.random() < 0.5 else "PER_DIEM"
    if contract.startswith("Fixed term"):
        return [base, "TEMPORARY"]
    return base


def _date_text(day: date, rng: random.Random, end_of_day: bool) -> str:
    if rng.random() < 0.7:
        return day.isoformat()
    clock = time(23, 59, 59) if end_of_day else time(rng.randint(8, 17), 0)
    return datetime.combine(day, clock, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _posting(index: int, seed: int, today: date, rng: random.Random) -> dict[str, Any]:
    role = rng.choices(ROLES, weights=[r.weight for r in ROLES])[0]
    employer = _employers_for(role, rng)
    variant = _variant(role, employer)
    town = rng.choice(employer.towns)
    postcode = site_postcode(employer.name, town)
    title = _title(role, variant, rng)
    pay = role.pay[employer.kind]
    salary = _salary(pay, rng)
    hours = rng.choice(role.hours)
    pattern = "Nights on a rota" if "Night" in title else rng.choice(_PATTERNS)
    contract = "Bank" if "(Bank)" in title else rng.choice(_CONTRACTS)
    if "apprentice" in title.lower():
        contract, hours = "Fixed term: apprenticeship (18 months)", 37.5
    posted = today - timedelta(days=rng.randint(0, 21))
    closing = today + timedelta(days=rng.randint(3, 42))
    reference = f"DEMO-{seed}-{index + 1:05d}"

    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": pay.unit}
    if salary[0] == salary[1]:
        value["value"] = salary[0]
    else:
        value["minValue"], value["maxValue"] = salary

    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": employer.name, "value": reference},
        "title": title,
        "description": _description(
            role, variant, employer, title, town, pay, salary, hours, pattern, contract, rng
        ),
        "datePosted": _date_text(posted, rng, end_of_day=False),
        "validThrough": _date_text(closing, rng, end_of_day=True),
        "employmentType": _employment_type(hours, contract, rng),
        "hiringOrganization": {
            "@type": "Organization",
            "name": employer.name,
            "sameAs": employer.website,
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": town,
                "addressRegion": TOWNS[town].county,
                "postalCode": postcode,
                "addressCountry": "GB",
            },
        },
        "baseSalary": {"@type": "MonetaryAmount", "currency": "GBP", "value": value},
        "workHours": f"{hours:g} hours per week, {pattern}",
        "industry": "Social care" if employer.kind == "care_provider" else "Health and care",
        "url": f"{employer.website}/jobs/{reference.lower()}",
        "directApply": False,
    }


def demo_vacancies_jsonl(n: int = 360, seed: int = 7, today: date | None = None) -> bytes:
    """``n`` demo ``JobPosting`` records as JSON Lines bytes, closing after ``today``.

    ``today`` defaults to the current date; pass it for reproducible bytes.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = today if today is not None else date.today()
    rng = random.Random(seed)
    lines = [
        json.dumps(_posting(i, seed, day, rng), ensure_ascii=False, separators=(",", ":"))
        for i in range(n)
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")
