"""XCRI-CAP 1.2 course catalogues (the UK Course Advertising Profile) read as course records.

Format: ``catalog`` (namespace ``http://xcri.org/profiles/1.2/catalog``) -> ``provider`` ->
``course`` -> ``presentation`` -> ``venue`` -> ``provider``, with Dublin Core (``dc:``,
``dcterms:``), MLO (``mlo:``, ``http://purl.org/net/mlo``) and credit (``credit:``) terms.
What is read, per course:

- ``dc:identifier`` (the first that is not a URL, else the first) and ``dc:title``:
  without either the course is rejected, its position being its 0-based index among all
  courses of the document; ``dc:description`` (XHTML or escaped HTML, made plain text),
  ``dc:subject``, ``mlo:url``, ``mlo:prerequisite`` (entry requirements);
- ``mlo:qualification``: ``dc:identifier`` (Ofqual number "603/2636/3" or standard
  "ST0216"), ``dc:title``, ``mlo:level`` ("Entry 2", "1", "Level 2", "L3"); the level
  falls back to ``credit:credit/credit:level``, then to the qualification and course
  titles; the qualification type is inferred from the titles and identifier;
- each ``presentation``: ``dc:identifier``, ``mlo:start``/``mlo:end`` (the ``dtf``
  attribute, else the text), ``mlo:duration`` (``interval`` attribute, else the text),
  ``studyMode``/``attendanceMode``/``attendancePattern`` (the ``identifier`` attribute,
  else the text), ``mlo:cost`` (free text or a number: its amount is the cost, the
  funding route it names is the course's funding, and worded cost text such as "Free to
  learners eligible for the Adult Skills Fund" is kept as ``funding_eligibility``),
  ``mlo:places``, and
  ``venue/provider`` (``dc:title``, ``mlo:location/mlo:postcode``, else a postcode in the
  address text). Weekly hours, which XCRI has no element for, are read from the study
  mode and attendance texts ("Part time, 6 hours per week").

The provider is read when its first course starts, so its ``dc:identifier`` (a UKPRN when
it is 8 digits starting 1), ``dc:title``, ``mlo:url`` and ``mlo:location`` must come
before its courses, as the schema orders them.

Quirks handled: child elements are matched by local name, since feeds mix up the ``mlo:``
and XCRI namespaces; text is whitespace-collapsed; a presentation without an identifier
gets ``<course id>#<n>``.

Hardened and incremental: parsed with ``defusedxml``'s ``iterparse`` with DTDs forbidden
(so no entity is ever declared or expanded and no external DTD or entity is fetched; XCRI
feeds are schema-based and carry no DOCTYPE), each course is yielded as soon as it closes
and then dropped from the tree, so memory holds one course at a time. Any DOCTYPE (a
"billion laughs" bomb, an external entity, an external DTD), malformed XML or a root other
than the XCRI-CAP 1.2 ``catalog`` raises ``FeedError``; malformed XML after some courses
raises it after those courses were yielded.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from pydantic import ValidationError

from services.common.ingest import FeedError, Reject
from services.training.adapters.assembly import (
    CourseFields,
    RecordProblem,
    clean,
    course_from_fields,
    first,
    presentation,
    provider_record,
    reject_reason,
)
from services.training.adapters.parsing import find_postcode, parse_date, parse_int
from services.training.adapters.records import CourseRecord, Presentation, ProviderRecord

XCRI_NS = "http://xcri.org/profiles/1.2/catalog"
CATALOG_TAG = f"{{{XCRI_NS}}}catalog"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@lru_cache(maxsize=256)
def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _local(element: Element) -> str:
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


class _Children:
    """An element's children grouped by local name, indexed once (feeds mix namespaces up)."""

    __slots__ = ("_by_name",)

    def __init__(self, element: Element | None) -> None:
        by_name: dict[str, list[Element]] = {}
        if element is not None:
            for child in element:
                by_name.setdefault(_local(child), []).append(child)
        self._by_name = by_name

    def all(self, name: str) -> list[Element]:
        return self._by_name.get(name, [])

    def one(self, name: str) -> Element | None:
        found = self._by_name.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        return _text(self.one(name))

    def texts(self, name: str) -> list[str]:
        return [text for child in self.all(name) if (text := _text(child))]


def _text(element: Element | None) -> str | None:
    """All the text inside an element (XHTML children included), whitespace collapsed."""
    if element is None:
        return None
    return clean(" ".join(element.itertext()))


def _markup(element: Element) -> str:
    """An element's content as HTML with namespace prefixes dropped, for ``html_to_text``."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        name = _local(child)
        parts.append(f"<{name}>{_markup(child)}</{name}>")
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def _html(element: Element) -> str | None:
    """A description as HTML: XHTML children kept as markup, escaped HTML left as it is."""
    markup = _markup(element) if len(element) else (element.text or "")
    return markup if markup.strip() else None


def _coded(element: Element | None) -> str | None:
    """A vocabulary value: the ``identifier`` attribute, else the element's text."""
    if element is None:
        return None
    return clean(element.get("identifier")) or _text(element)


def _identifier(children: _Children) -> str | None:
    identifiers = children.texts("identifier")
    non_urls = [text for text in identifiers if "://" not in text]
    return first([*non_urls, *identifiers])


def _postcode_of(provider: _Children) -> str | None:
    location = provider.one("location")
    return _Children(location).text("postcode") or find_postcode(_text(location))


def _provider(element: Element) -> ProviderRecord:
    children = _Children(element)
    identifiers = children.texts("identifier")
    ukprn_hint = first(
        [
            _text(child)
            for child in children.all("identifier")
            if "ukprn" in (child.get(_XSI_TYPE) or "").lower()
        ]
    )
    return provider_record(
        name=children.text("title"),
        identifier=first(identifiers),
        ukprn_value=ukprn_hint or " ".join(identifiers),
        postcode=_postcode_of(children),
        url=children.text("url"),
    )


def _presentation(children: _Children, course_id: str, index: int) -> Presentation:
    start = children.one("start")
    end = children.one("end")
    duration = children.one("duration")
    venue = _Children(_Children(children.one("venue")).one("provider"))
    study_mode = _coded(children.one("studyMode"))
    pattern = _coded(children.one("attendancePattern"))
    hours_text = " ".join(
        text for text in (children.text("studyMode"), children.text("attendancePattern")) if text
    )
    return presentation(
        external_id=_identifier(children) or f"{course_id}#{index}",
        start_date=parse_date(start.get("dtf") or _text(start)) if start is not None else None,
        end_date=parse_date(end.get("dtf") or _text(end)) if end is not None else None,
        duration=(clean(duration.get("interval")) or _text(duration))
        if duration is not None
        else None,
        hours_per_week=hours_text or None,
        attendance=pattern or (study_mode if (study_mode or "").upper() == "FL" else None),
        mode=_coded(children.one("attendanceMode")),
        cost=children.text("cost"),
        places=parse_int(children.text("places")),
        venue_postcode=_postcode_of(venue),
        venue_name=venue.text("title"),
    )


def _course(element: Element, provider: ProviderRecord | None) -> CourseRecord:
    children = _Children(element)
    course_id = _identifier(children)
    if course_id is None:
        raise RecordProblem("course has no dc:identifier")
    title = children.text("title")
    if title is None:
        raise RecordProblem("course has no dc:title")
    if provider is None:
        raise RecordProblem("the course's provider has no dc:title or dc:identifier")
    qualification_element = children.one("qualification")
    qualification = _Children(qualification_element)
    credit_level = first([_Children(credit).text("level") for credit in children.all("credit")])
    descriptions = [
        text
        for child in children.all("description")
        if "prerequisite" not in (child.get(_XSI_TYPE) or "").lower() and (text := _html(child))
    ]
    prerequisites = [
        *children.texts("prerequisite"),
        *(
            text
            for child in children.all("description")
            if "prerequisite" in (child.get(_XSI_TYPE) or "").lower() and (text := _text(child))
        ),
    ]
    runs = [_Children(child) for child in children.all("presentation")]
    costs = [cost for run in runs if (cost := run.text("cost"))]
    return course_from_fields(
        CourseFields(
            external_id=course_id,
            title=title,
            provider=provider,
            description="\n\n".join(descriptions) or None,
            qualification_ref=" ".join(qualification.texts("identifier")) or None,
            qualification_title=qualification.text("title"),
            has_qualification=qualification_element is not None,
            level=qualification.text("level") or credit_level,
            subject=children.text("subject"),
            entry_requirements="\n".join(prerequisites) or None,
            funding=" ".join(costs) or None,
            funding_eligibility=first(
                [cost for cost in costs if any(char.isalpha() for char in cost)]
            ),
            presentations=[_presentation(run, course_id, index) for index, run in enumerate(runs)],
            url=children.text("url"),
        )
    )


def parse_xcri_cap(stream: BinaryIO) -> Iterator[CourseRecord | Reject]:
    """Courses (or rejects) from an XCRI-CAP 1.2 catalogue, one course at a time."""
    stack: list[Element] = []
    provider_element: Element | None = None
    provider: ProviderRecord | None = None
    provider_problem: str | None = None
    position = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not stack and element.tag != CATALOG_TAG:
                    raise FeedError(
                        f"not an XCRI-CAP 1.2 catalog: the root element is {element.tag!r}"
                    )
                stack.append(element)
                if _is_course(stack) and stack[1] is not provider_element:
                    provider_element = stack[1]
                    provider, provider_problem = _read_provider(provider_element)
                continue
            stack.pop()
            if len(stack) == 2 and _local(element) == "course" and _local(stack[1]) == "provider":
                yield _course_or_reject(element, provider, provider_problem, position)
                position += 1
                stack[1].remove(element)
            elif len(stack) == 1 and _local(element) == "provider":
                stack[0].remove(element)
                provider_element, provider, provider_problem = None, None, None
    except DefusedXmlException as error:
        raise FeedError(
            f"XML with a DTD, entity or external reference is refused: {error!r}"
        ) from error
    except ParseError as error:
        raise FeedError(f"malformed XML: {error}") from error


def _is_course(stack: list[Element]) -> bool:
    return len(stack) == 3 and _local(stack[2]) == "course" and _local(stack[1]) == "provider"


def _read_provider(element: Element) -> tuple[ProviderRecord | None, str | None]:
    """The provider whose first course just started (its own fields precede its courses)."""
    try:
        return _provider(element), None
    except (RecordProblem, ValidationError) as error:
        return None, reject_reason(error)


def _course_or_reject(
    element: Element, provider: ProviderRecord | None, provider_problem: str | None, position: int
) -> CourseRecord | Reject:
    try:
        return _course(element, provider)
    except (RecordProblem, ValidationError) as error:
        reason = reject_reason(error)
        if provider is None and provider_problem and isinstance(error, RecordProblem):
            reason = f"{reason} ({provider_problem})"
        return Reject(position=position, external_id=_identifier(_Children(element)), reason=reason)
