"""Demo course feed: an XCRI-CAP 1.2 catalogue (XML bytes) of entry-level health and care
training in the West Midlands, Worcestershire and Norfolk.

Shape (default namespace ``http://xcri.org/profiles/1.2/catalog``; ``dc:`` Dublin Core
elements, ``dcterms:`` Dublin Core terms, ``mlo:`` = ``http://purl.org/net/mlo``)::

    catalog[@generated]
      dc:description
      provider                      dc:identifier = 8-digit UKPRN, dc:title, mlo:url,
                                    mlo:location (mlo:town, mlo:postcode)
        course                      dc:identifier, dc:title, dc:subject, dc:description,
                                    mlo:url, mlo:prerequisite,
                                    mlo:qualification (dc:identifier?, dc:title, mlo:level,
                                    dcterms:educationLevel, mlo:awardedBy?)
          presentation (1-4)        dc:identifier, mlo:start[@dtf], mlo:end[@dtf],
                                    mlo:duration[@interval], studyMode/attendanceMode/
                                    attendancePattern[@identifier], mlo:cost, mlo:places,
                                    venue/provider (dc:title, mlo:location)

Quirks kept on purpose, as in real catalogues: non-regulated courses (Care Certificate,
routeways) carry a qualification with a title but no ``dc:identifier``; ``mlo:level`` is
"Entry 1" to "Entry 3" or a bare RQF number; ``mlo:cost`` is sometimes a number ("95.00"),
sometimes "£95", sometimes prose ("Free if you are unemployed; otherwise £65"); a one-day
course starts and ends on the same day; apprenticeship durations are in months ("P12M");
weekly hours, which XCRI has no element for, ride in the study mode text ("Part time, 6
hours per week").
Vocabularies: studyMode FT/PT/FL, attendanceMode CM (campus), ON (online), MM (mixed),
WB (work-based), attendancePattern DT (daytime), EV (evening), WE (weekend),
CS (customised / flexible).

Deterministic: the same ``seed`` and ``today`` give the same bytes. Every start date falls in
the 12 months after ``today``. Written for Routeway; providers are described in
``course_catalogue``.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from services.demo.course_catalogue import (
    OFFER,
    PROVIDERS,
    TEMPLATE_BY_CODE,
    CourseTemplate,
    Provider,
    trusts_near,
)
from services.demo.places import site_postcode

XCRI_NS = "http://xcri.org/profiles/1.2/catalog"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
MLO_NS = "http://purl.org/net/mlo"

_STUDY_MODES = {"FT": "Full time", "PT": "Part time", "FL": "Flexible"}
_ATTENDANCE_MODES = {
    "CM": "Campus",
    "ON": "Online (no attendance)",
    "MM": "Mixed mode",
    "WB": "Work-based",
}
_PATTERNS = {"DT": "Daytime", "EV": "Evening", "WE": "Weekend", "CS": "Customised"}
_EXTRA_SENTENCES = (
    "Classes are small and friendly, and tutors have worked in health and care.",
    "Free childcare support and travel costs may be available for eligible learners.",
    "You can progress to the next level or onto an apprenticeship.",
    "Learning support is available if you have a disability or learning difficulty.",
    "Jobcentre Plus customers can attend without affecting their benefits.",
    "Many of our learners go on to work in local hospitals and care homes.",
)


def _x(tag: str) -> str:
    return f"{{{XCRI_NS}}}{tag}"


def _dc(tag: str) -> str:
    return f"{{{DC_NS}}}{tag}"


def _mlo(tag: str) -> str:
    return f"{{{MLO_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = text
    return element


def _location(parent: ET.Element, town: str, postcode: str) -> None:
    location = ET.SubElement(parent, _mlo("location"))
    _text(location, _mlo("town"), town)
    _text(location, _mlo("postcode"), postcode)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _education_level(level: str) -> str:
    return f"Entry Level {level[-1]}" if level.startswith("Entry") else f"Level {level}"


def _cost(template: CourseTemplate, rng: random.Random) -> str:
    fee = template.fee
    match template.cost:
        case "free":
            return rng.choice(("Free", "0", "Free for adults aged 19 and over (fully funded)"))
        case "funded_employed":
            return "Fully funded for people working in adult social care"
        case "loan":
            return (
                f"£{fee:,}. Free if you are aged 19 to 23 or on an eligible benefit; "
                "an Advanced Learner Loan is available"
            )
        case "fee":
            return rng.choice((f"£{fee}", f"{fee}.00"))
        case "apprenticeship":
            return (
                "No cost to the apprentice: funded by the employer through the apprenticeship levy"
            )
        case "free_unemployed":
            return f"Free if you are unemployed; otherwise £{fee}"


def _duration(template: CourseTemplate) -> tuple[str, str]:
    if template.months is not None:
        return f"P{template.months}M", f"{template.months} months"
    if template.weeks == 1 and template.hours_per_week <= 7.5:
        day = "Half day" if template.hours_per_week < 5 else "1 day"
        return "P1D", f"{day} ({template.hours_per_week:g} hours)"
    return f"P{template.weeks}W", f"{template.weeks} weeks"


def _study_mode_text(template: CourseTemplate) -> str:
    # XCRI has no element for weekly hours; real feeds put them in the study mode text.
    mode = _STUDY_MODES[template.study_mode]
    if template.weeks == 1 and template.months is None:
        return mode
    return f"{mode}, {template.hours_per_week:g} hours per week"


def _end(template: CourseTemplate, start: date) -> date:
    if template.months is not None:
        return start + timedelta(days=round(template.months * 30.44))
    if template.weeks == 1 and template.hours_per_week <= 7.5:
        return start
    return start + timedelta(weeks=template.weeks, days=-3)


def _starts(today: date, count: int, rng: random.Random) -> list[date]:
    first_monday = today + timedelta(days=7 - today.weekday())
    mondays = [first_monday + timedelta(weeks=w) for w in range(51)]
    # Nobody starts a course over Christmas and New Year.
    holiday = [d for d in mondays if (d.month, d.day) >= (12, 18) or (d.month, d.day) < (1, 4)]
    open_mondays = [d for d in mondays if d not in holiday]
    return sorted(rng.sample(open_mondays, k=count))


def _presentations(
    course: ET.Element,
    course_id: str,
    template: CourseTemplate,
    provider: Provider,
    today: date,
    rng: random.Random,
) -> None:
    count = rng.randint(1, 4) if template.months is None else rng.randint(2, 4)
    interval, duration_text = _duration(template)
    for number, start in enumerate(_starts(today, count, rng), start=1):
        pattern = template.patterns[(number - 1) % len(template.patterns)]
        if template.patterns == ("DT", "EV") and rng.random() < 0.3:
            pattern = rng.choice(template.patterns)
        town = rng.choice(provider.towns)
        end = _end(template, start)
        presentation = ET.SubElement(course, _x("presentation"))
        _text(presentation, _dc("identifier"), f"{course_id}/{number}")
        _text(presentation, _mlo("start"), _long_date(start), dtf=start.isoformat())
        _text(presentation, _mlo("end"), _long_date(end), dtf=end.isoformat())
        _text(presentation, _mlo("duration"), duration_text, interval=interval)
        _text(
            presentation,
            _x("studyMode"),
            _study_mode_text(template),
            identifier=template.study_mode,
        )
        _text(presentation, _x("attendanceMode"), _ATTENDANCE_MODES[template.attendance],
              identifier=template.attendance)  # fmt: skip
        _text(presentation, _x("attendancePattern"), _PATTERNS[pattern], identifier=pattern)
        _text(presentation, _mlo("cost"), _cost(template, rng))
        low, high = template.places
        _text(presentation, _mlo("places"), str(rng.randint(low, high)))
        venue = ET.SubElement(ET.SubElement(presentation, _x("venue")), _x("provider"))
        _text(venue, _dc("title"), f"{provider.name}, {town}")
        _location(venue, town, site_postcode(provider.name, town))


def _course(
    provider_element: ET.Element,
    provider: Provider,
    template: CourseTemplate,
    today: date,
    rng: random.Random,
) -> None:
    course_id = f"{provider.ukprn}/{template.code}"
    trust = rng.choice(trusts_near(provider.area)) if "{trust}" in template.summary else ""
    if provider.kind == "nhs_trust":
        trust = provider.name
    title = template.title
    if trust and provider.kind != "nhs_trust":
        title = f"{title} with {trust.removeprefix('The ')}"
    skills = rng.sample(template.skills, k=min(len(template.skills), rng.randint(3, 6)))
    description = (
        template.summary.replace("{trust}", trust or "a local NHS trust")
        + " You will learn: "
        + "; ".join(skills)
        + ". "
        + rng.choice(_EXTRA_SENTENCES)
    )
    course = ET.SubElement(provider_element, _x("course"))
    _text(course, _dc("identifier"), course_id)
    _text(course, _dc("title"), title)
    _text(course, _dc("subject"), template.subject)
    _text(course, _dc("description"), description)
    _text(course, _mlo("url"), f"{provider.website}/courses/{template.code.lower()}")
    _text(course, _mlo("prerequisite"), rng.choice(template.prerequisite))
    qualification = ET.SubElement(course, _mlo("qualification"))
    if template.qualification.identifier is not None:
        _text(qualification, _dc("identifier"), template.qualification.identifier)
    _text(qualification, _dc("title"), template.qualification.title)
    _text(qualification, _mlo("level"), template.level)
    _text(qualification, f"{{{DCTERMS_NS}}}educationLevel", _education_level(template.level))
    if template.qualification.awarded_by is not None:
        _text(qualification, _mlo("awardedBy"), template.qualification.awarded_by)
    _presentations(course, course_id, template, provider, today, rng)


def demo_courses_xcri(seed: int = 11, today: date | None = None) -> bytes:
    """An XCRI-CAP 1.2 catalogue of 400+ demo courses from 40+ providers, as UTF-8 XML bytes.

    ``today`` defaults to the current date; pass it for reproducible bytes. Presentations
    start on Mondays within the 12 months after ``today``.
    """
    day = today if today is not None else date.today()
    rng = random.Random(seed)
    for prefix, uri in (("", XCRI_NS), ("dc", DC_NS), ("dcterms", DCTERMS_NS), ("mlo", MLO_NS)):
        ET.register_namespace(prefix, uri)
    catalog = ET.Element(_x("catalog"), {"generated": f"{day.isoformat()}T00:00:00Z"})
    _text(
        catalog,
        _dc("description"),
        "Routeway demo catalogue: entry-level health and care training in the West Midlands, "
        "Worcestershire and Norfolk. Invented for demonstration.",
    )
    for provider in PROVIDERS:
        element = ET.SubElement(catalog, _x("provider"))
        _text(element, _dc("identifier"), provider.ukprn)
        _text(element, _dc("title"), provider.name)
        _text(element, _mlo("url"), provider.website)
        main_town = provider.towns[0]
        _location(element, main_town, site_postcode(provider.name, main_town))
        for code, probability in OFFER[provider.kind]:
            if rng.random() < probability:
                _course(element, provider, TEMPLATE_BY_CODE[code], day, rng)
    ET.indent(catalog)
    body: bytes = ET.tostring(catalog, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
