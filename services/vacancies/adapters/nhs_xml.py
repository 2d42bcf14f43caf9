"""NHS Jobs search XML (``/api/v1/search_xml``) -> ``VacancyRecord``s, parsed incrementally.

Shape (see FEEDS.md): a root element carrying ``totalPages`` and ``totalResults`` (as
attributes or as child elements), then one ``vacancyDetails`` element per advert with
children ``id``, ``reference``, ``title``, ``description``, ``employer``, ``salary`` (free
text: "£24,465 a year", ranges, "Depending on experience", hourly bank rates),
``closeDate``, ``postDate``, ``type`` (contract label), ``url`` and ``locations`` holding
``location`` elements (or ``locations`` again, as some responses nest it), each free text
mixing town and postcode. Element names are matched without namespace and case-blind.

Safety and memory: parsing goes through ``defusedxml`` with DTDs, entities and external
references forbidden, so a billion-laughs bomb or an external entity raises ``FeedError``
before anything is expanded or fetched. Elements are removed from the tree as soon as a
record is read, so a large feed parses in flat memory. Malformed XML after good records
yields those records, then one ``Reject`` (the parser's message, line and column) at the
position where reading stopped.

``external_id`` is ``id``, else ``reference``, else ``url``; a record with none, or with no
title, is rejected. Positions are 0-based record indexes within the document (one page).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from pydantic import ValidationError

from services.common.ingest import FeedError, Reject
from services.common.text import html_to_text
from services.vacancies.adapters.dates import parse_date, parse_datetime
from services.vacancies.adapters.places import split_location
from services.vacancies.adapters.records import VacancyRecord
from services.vacancies.adapters.salary import (
    normalise_band,
    parse_band,
    parse_salary,
    parse_single_band,
)
from services.vacancies.adapters.terms import (
    merge_patterns,
    normalise_patterns,
    parse_contract,
    parse_hours,
    patterns_from_text,
)

RECORD_TAG: Final = "vacancydetails"
_LOCATION_TAGS: Final = frozenset({"location", "locations"})

Item = VacancyRecord | Reject


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The paging counts a search page announces (``None`` when it does not say)."""

    total_pages: int | None
    total_results: int | None


def parse_nhs_xml(stream: BinaryIO) -> Iterator[Item]:
    """Read an NHS Jobs search XML page into records and rejects, one at a time."""
    position = 0
    try:
        for element in _records(stream):
            yield nhs_vacancy_to_record(element, position)
            position += 1
    except _Malformed as error:
        yield Reject(position, None, f"malformed XML: {error}; the rest of the feed was not read")


def nhs_vacancy_to_record(element: Element, position: int) -> Item:
    """One ``vacancyDetails`` element as a record, or a reject naming the defect."""
    fields = _fields(element)
    external_id = fields.get("id") or fields.get("reference") or fields.get("url")
    if not external_id:
        return Reject(position, None, "no identifier (no id, reference or url)")
    title = _plain(fields.get("title"))
    if not title:
        return Reject(position, external_id, "no title")
    description = html_to_text(fields.get("description") or "")
    salary_text = _plain(fields.get("salary"))
    salary = parse_salary(salary_text)
    contract_label = fields.get("type") or fields.get("contracttype")
    pattern_label = fields.get("workingpattern") or fields.get("workinghours")
    contract = parse_contract(contract_label) or parse_contract(title)
    patterns = merge_patterns(
        normalise_patterns((pattern_label or "").replace(",", ";").split(";")),
        patterns_from_text(contract_label, title),
        ["bank"] if contract == "bank" else [],
    )
    postcode, locality = _place(element, fields)
    try:
        return VacancyRecord(
            external_id=external_id,
            title=title,
            employer=_plain(fields.get("employer")),
            employer_url=fields.get("employerurl"),
            description=description,
            salary_text=salary_text,
            salary_min=salary.minimum,
            salary_max=salary.maximum,
            salary_period=salary.period,
            band=normalise_band(fields.get("band") or fields.get("payband"))
            or parse_band(salary_text)
            or parse_band(title)
            or parse_single_band(description),
            hours_per_week=parse_hours(fields.get("hours"), pattern_label, description),
            working_pattern=patterns,
            contract=contract,
            postcode=postcode,
            locality=locality,
            posted_at=parse_datetime(fields.get("postdate")),
            closing_date=parse_date(fields.get("closedate")),
            url=fields.get("url"),
            category=_plain(fields.get("staffgroup") or fields.get("category")),
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return Reject(position, external_id, f"invalid field: {problems}")


def read_page_info(data: bytes) -> PageInfo:
    """``totalPages`` and ``totalResults`` of a page, read from its start only."""
    values: dict[str, int | None] = {"totalpages": None, "totalresults": None}
    depth = 0
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            tag = _local(element.tag)
            if event == "start":
                depth += 1
                if depth == 1:
                    for name, value in element.attrib.items():
                        if _local(name) in values:
                            values[_local(name)] = _integer(value)
                elif tag == RECORD_TAG:
                    break
                continue
            depth -= 1
            if depth == 1 and tag in values and values[tag] is None:
                values[tag] = _integer(element.text)
            if depth == 1:
                element.clear()
    except DefusedXmlException as error:
        raise FeedError(f"refused XML: {_defused_reason(error)}") from error
    except ParseError as error:
        if depth == 0:
            raise FeedError(f"not XML: {error}") from error
    return PageInfo(values["totalpages"], values["totalresults"])


def has_records(data: bytes) -> bool:
    """Whether a page holds at least one ``vacancyDetails`` (an empty page ends paging)."""
    try:
        for _event, element in iterparse(io.BytesIO(data), events=("start",), forbid_dtd=True):
            if _local(element.tag) == RECORD_TAG:
                return True
    except DefusedXmlException as error:
        raise FeedError(f"refused XML: {_defused_reason(error)}") from error
    except ParseError:
        return False
    return False


class _Malformed(Exception):
    """The document broke after the root element opened."""


def _records(stream: BinaryIO) -> Iterator[Element]:
    """Each ``vacancyDetails`` element, complete, detached from the tree after use."""
    stack: list[Element] = []
    started = False
    events = iterparse(stream, events=("start", "end"), forbid_dtd=True)
    while True:
        try:
            event, element = next(events)
        except StopIteration:
            return
        except DefusedXmlException as error:
            raise FeedError(f"refused XML: {_defused_reason(error)}") from error
        except ParseError as error:
            if not started:
                raise FeedError(f"not XML: {error}") from error
            raise _Malformed(str(error)) from error
        started = True
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        if _local(element.tag) == RECORD_TAG:
            yield element
            if stack:
                stack[-1].remove(element)
            element.clear()


def _fields(element: Element) -> dict[str, str]:
    """Child element texts by lower-case local name (first occurrence wins)."""
    fields: dict[str, str] = {}
    for child in element:
        name = _local(child.tag)
        if name in fields or name == "locations":
            continue
        text = "".join(child.itertext()).strip()
        if text:
            fields[name] = text
    return fields


def _place(element: Element, fields: dict[str, str]) -> tuple[str | None, str | None]:
    """Postcode and locality from the first location naming a postcode (else the first)."""
    texts = [
        text
        for node in element.iter()
        if _local(node.tag) in _LOCATION_TAGS
        and not any(_local(child.tag) in _LOCATION_TAGS for child in node)
        and (text := " ".join(part.strip() for part in node.itertext() if part.strip()))
    ]
    texts += [fields[name] for name in ("location", "postcode", "town") if name in fields]
    places = [split_location(_plain(text)) for text in texts]
    with_postcode = next((p for p in places if p.postcode), None)
    locality = next((p.locality for p in places if p.locality), None)
    if with_postcode is not None:
        return with_postcode.postcode, with_postcode.locality or locality
    return None, locality


def _plain(value: str | None) -> str | None:
    """Short text with HTML and entities removed and whitespace collapsed."""
    if not value:
        return None
    if "<" in value or "&" in value:
        value = html_to_text(value)
    text = " ".join(value.split())
    return text or None


def _local(tag: object) -> str:
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1].lower()


def _integer(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip().replace(",", ""))
    except ValueError:
        return None


def _defused_reason(error: DefusedXmlException) -> str:
    kind = type(error).__name__.replace("Forbidden", "").lower() or "construct"
    labels = {
        "dtd": "a DTD (document type declaration) is not allowed",
        "entities": "entity declarations are not allowed (entity expansion attack?)",
        "externalreference": "external references are not allowed",
    }
    return labels.get(kind, f"{kind} is not allowed")
