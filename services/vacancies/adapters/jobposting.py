"""schema.org ``JobPosting`` (JSON-LD) adverts -> ``VacancyRecord``s, one record at a time.

The body is one JobPosting object, a JSON array of them, or JSON Lines (see
``json_stream``). Real feeds are loose, and this adapter reads what they mean:

- nested objects (``baseSalary``, ``hiringOrganization``, ``jobLocation``, ``identifier``,
  ``address``, ``geo`` ...) may arrive as JSON text or as Python-repr strings
  (``"{'@type': 'Place', ...}"``); those are read with ``ast.literal_eval``, never ``eval``;
- a list may stand where one value is expected (``jobLocation``, ``url``, ``title``) and a
  string where a list is expected (``employmentType``);
- ``description`` is HTML, often escaped once or twice; it becomes plain text;
- ``baseSalary.value`` may be a number, a QuantitativeValue or prose ("negotiable",
  "£8.80 - £9.35", "Band 5"). The prose is read first: in the 2020 NHS Jobs corpus
  ``minValue``/``maxValue`` are the scraper's own annualised guesses (hourly rates multiplied
  up, a "£5,000 welcome bonus" taken as the minimum) and ``unitText`` is "YEAR" even for
  hourly pay; the structured numbers are used only when the prose states no amount;
- dates come with or without time and zone (``2020-12-31T23:59:59+0000``, ``2020-12-31``).

Facts checked against that corpus (14,842 adverts): every nested field there is a real JSON
object (no repr strings, despite what its README warns of) and ``jobLocation`` is always one
Place; the adapter still accepts both forms, as other JobPosting feeds use them.

``external_id`` is ``identifier`` (a PropertyValue's ``value``, or a plain string), else the
corpus's ``source_file``, else ``url``; a record with none, no title, or that is not an
object is rejected with its 0-based position.

Two entry points read the same body. ``parse_jobposting`` yields finished records.
``defer_jobposting`` (what ingestion uses) yields each advert that has an id as a
``Deferred``: the id, a hash of the decoded advert (SHA-256 of ``ADAPTER_VERSION`` and the
advert as JSON with sorted keys, so key order and spacing do not count) and a ``build``
that runs the full parse only for adverts ingestion finds new or changed. Bump
``ADAPTER_VERSION`` whenever a change here alters the records read from the same adverts:
every stored hash then differs and the next run re-reads every advert.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import BinaryIO, Final

import orjson
from pydantic import ValidationError

from services.common.ingest import Deferred, Reject
from services.common.text import html_to_text
from services.vacancies.adapters.dates import parse_date, parse_datetime
from services.vacancies.adapters.json_stream import Broken, iter_json_records
from services.vacancies.adapters.places import clean_postcode, coordinates, split_location
from services.vacancies.adapters.records import Contract, SalaryPeriod, VacancyRecord
from services.vacancies.adapters.salary import (
    Salary,
    parse_band,
    parse_period,
    parse_salary,
    parse_single_band,
    salary_from_numbers,
)
from services.vacancies.adapters.terms import (
    from_employment_types,
    merge_patterns,
    parse_contract,
    parse_hours,
    patterns_from_text,
)

ADAPTER_VERSION: Final = "jobposting-jsonld/1"
_HASH_TAG: Final = ADAPTER_VERSION.encode() + b"\n"
_MAX_LITERAL_CHARS: Final = 200_000
_EXTRA_TEXT_FIELDS: Final = (
    "responsibilities",
    "qualifications",
    "skills",
    "educationRequirements",
    "experienceRequirements",
)
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^\s*£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*$")

Item = VacancyRecord | Reject
DeferredItem = Deferred[VacancyRecord] | VacancyRecord | Reject


def parse_jobposting(stream: BinaryIO) -> Iterator[Item]:
    """Read JobPosting JSON-LD (object, array or JSON Lines) into records and rejects."""
    for position, item in enumerate(iter_json_records(stream)):
        if isinstance(item, Broken):
            yield Reject(position, None, item.reason)
            if item.fatal:
                return
            continue
        yield jobposting_to_record(item, position)


def defer_jobposting(stream: BinaryIO) -> Iterator[DeferredItem]:
    """Like :func:`parse_jobposting`, with each advert that has an id left unparsed.

    An advert without an id is rejected at once, exactly as ``parse_jobposting`` rejects
    it; one whose decoded form cannot be written back as JSON (a Python-repr string holding
    a set, say) is parsed at once. ``build()`` of a deferred advert equals what
    ``parse_jobposting`` yields for it.
    """
    for position, item in enumerate(iter_json_records(stream)):
        if isinstance(item, Broken):
            yield Reject(position, None, item.reason)
            if item.fatal:
                return
            continue
        posting = _structured(item)
        external_id = _external_id(posting) if isinstance(posting, Mapping) else None
        if external_id is None:
            yield jobposting_to_record(posting, position)
            continue
        try:
            canonical = orjson.dumps(posting, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            yield jobposting_to_record(posting, position)
            continue
        digest = hashlib.sha256(_HASH_TAG + canonical).hexdigest()
        yield Deferred(external_id, digest, partial(build_jobposting, canonical, position))


def build_jobposting(canonical: bytes, position: int) -> Item:
    """The record (or reject) of one advert kept as JSON bytes by :func:`defer_jobposting`."""
    return jobposting_to_record(orjson.loads(canonical), position)


def jobposting_to_record(posting: object, position: int) -> Item:
    """One decoded JobPosting as a record, or a reject naming the defect."""
    posting = _structured(posting)
    if not isinstance(posting, Mapping):
        return Reject(position, None, f"not an object (a JSON {_json_kind(posting)})")
    external_id = _external_id(posting)
    kind = posting.get("@type")
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    if kinds and "JobPosting" not in kinds:
        return Reject(position, external_id, f"not a JobPosting (@type {kind!r})")
    if external_id is None:
        return Reject(position, None, "no identifier (no identifier, source_file or url)")
    title = _plain(_text(posting.get("title")) or _text(posting.get("name")))
    if not title:
        return Reject(position, external_id, "no title")
    try:
        return _build(posting, external_id, title)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return Reject(position, external_id, f"invalid field: {problems}")


def _build(posting: Mapping[str, object], external_id: str, title: str) -> VacancyRecord:
    employer, employer_url = _employer(posting.get("hiringOrganization"))
    description = _description(posting)
    salary_text, salary = _salary(posting.get("baseSalary") or posting.get("estimatedSalary"))
    work_hours = _text(posting.get("workHours"))
    type_patterns, type_contract = from_employment_types(_texts(posting.get("employmentType")))
    contract: Contract | None = parse_contract(title) or type_contract
    if contract is None:
        contract = parse_contract(salary_text)
    patterns = merge_patterns(
        type_patterns,
        patterns_from_text(title, work_hours),
        ["bank"] if contract == "bank" else [],
        ["home_working"] if "TELECOMMUTE" in _texts(posting.get("jobLocationType")) else [],
    )
    postcode, locality, lat, lon = _location(posting.get("jobLocation"))
    return VacancyRecord(
        external_id=external_id,
        title=title,
        employer=employer,
        employer_url=employer_url,
        description=description,
        salary_text=salary_text,
        salary_min=salary.minimum,
        salary_max=salary.maximum,
        salary_period=salary.period,
        band=parse_band(salary_text) or parse_band(title) or parse_single_band(description),
        hours_per_week=parse_hours(work_hours, title, salary_text, description),
        working_pattern=patterns,
        contract=contract,
        postcode=postcode,
        locality=locality,
        lat=lat,
        lon=lon,
        posted_at=parse_datetime(_text(posting.get("datePosted"))),
        closing_date=parse_date(_text(posting.get("validThrough"))),
        url=_text(posting.get("url")),
        category=_category(posting.get("occupationalCategory")),
    )


def _external_id(posting: Mapping[str, object]) -> str | None:
    for candidate in (posting.get("identifier"), posting.get("source_file"), posting.get("url")):
        text = _identifier(candidate)
        if text:
            return text
    return None


def _identifier(value: object) -> str | None:
    """A PropertyValue's ``value`` (or ``@id``), a plain string or number, or a list's first."""
    value = _structured(value)
    if isinstance(value, list):
        return next((text for item in value if (text := _identifier(item))), None)
    if isinstance(value, Mapping):
        value = value.get("value") or value.get("@id")
    return _text(value)


def _employer(value: object) -> tuple[str | None, str | None]:
    organisation = _first(_structured(value))
    if isinstance(organisation, Mapping):
        name = _plain(_text(organisation.get("name")) or _text(organisation.get("legalName")))
        url = _text(organisation.get("url")) or _text(organisation.get("sameAs"))
        return name, url
    return _plain(_text(organisation)), None


def _description(posting: Mapping[str, object]) -> str:
    parts = [_text(posting.get("description"))]
    parts += [_text(posting.get(name)) for name in _EXTRA_TEXT_FIELDS]
    return "\n\n".join(html_to_text(part) for part in parts if part).strip()


def _salary(value: object) -> tuple[str | None, Salary]:
    """The salary prose (if any) and the amounts read from it or from the structure."""
    amount = _first(_structured(value))
    unit: SalaryPeriod | None = None
    low: object = None
    high: object = None
    if isinstance(amount, Mapping):
        unit = parse_period(_text(amount.get("unitText")))
        low, high = amount.get("minValue"), amount.get("maxValue")
        amount = _first(_structured(amount.get("value")))
        if isinstance(amount, Mapping):
            unit = parse_period(_text(amount.get("unitText"))) or unit
            low = amount.get("minValue", low)
            high = amount.get("maxValue", high)
            amount = _first(_structured(amount.get("value")))
    text = _plain(amount) if isinstance(amount, str) else None
    parsed = parse_salary(text, default_period=unit)
    if parsed.has_amount:
        return text, parsed
    single = _number(amount)
    low_number = single if single is not None else _number(low)
    high_number = single if single is not None else _number(high)
    if low_number is None and high_number is None:
        return text, Salary()
    return text, salary_from_numbers(low_number, high_number, unit)


def _location(value: object) -> tuple[str | None, str | None, float | None, float | None]:
    places = _structured(value)
    candidates = places if isinstance(places, list) else [places]
    postcode = locality = None
    lat = lon = None
    for place in map(_structured, candidates):
        if isinstance(place, str):
            found = split_location(_plain(place))
            postcode, locality = postcode or found.postcode, locality or found.locality
            continue
        if not isinstance(place, Mapping):
            continue
        address = _first(_structured(place.get("address")))
        if isinstance(address, Mapping):
            code = clean_postcode(_text(address.get("postalCode")))
            town = _plain(_text(address.get("addressLocality")))
            street = _plain(_text(address.get("streetAddress")))
            from_street = split_location(street).postcode if code is None else None
            postcode = postcode or code or from_street
            locality = locality or town or _plain(_text(address.get("addressRegion")))
        elif isinstance(address, str):
            found = split_location(_plain(address))
            postcode, locality = postcode or found.postcode, locality or found.locality
        geo = _first(_structured(place.get("geo")))
        if lat is None and isinstance(geo, Mapping):
            lat, lon = coordinates(geo.get("latitude"), geo.get("longitude"))
        if lat is None:
            lat, lon = coordinates(place.get("latitude"), place.get("longitude"))
        if postcode and lat is not None:
            break
    return postcode, locality, lat, lon


def _category(value: object) -> str | None:
    category = _first(_structured(value))
    if isinstance(category, Mapping):
        category = category.get("name") or category.get("codeValue")
    return _plain(_text(category))


def _structured(value: object) -> object:
    """A JSON or Python-repr string of an object or list, decoded; anything else as it is."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text or text[0] not in "{[" or len(text) > _MAX_LITERAL_CHARS:
        return value
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        decoded = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return value
    return decoded if isinstance(decoded, dict | list) else value


def _first(value: object) -> object:
    """The first non-empty element of a list; a non-list as it is."""
    if isinstance(value, list):
        return next((v for v in value if v not in (None, "", [], {})), None)
    return value


def _text(value: object) -> str | None:
    """A scalar (or the first scalar of a list, or an object's ``@value``) as stripped text."""
    if isinstance(value, str):  # most values: skip the checks below (Mapping's is slow)
        return value.strip() or None
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("@value") or value.get("value") or value.get("name")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return format(value, "g") if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _texts(value: object) -> list[str]:
    """Every scalar in a value that may be one string, a list, or a comma-separated string."""
    value = _structured(value)
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        text = _text(item)
        if text:
            found.extend(part.strip() for part in text.split(",") if part.strip())
    return found


def _plain(value: str | None) -> str | None:
    """Short text with HTML and entities removed and whitespace collapsed."""
    if not value:
        return None
    if "<" in value or "&" in value:
        value = html_to_text(value)
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _number(value: object) -> float | None:
    """A positive amount from a number or a numeric string ("28333", "£24,465.50")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.match(value):
        number = float(value.strip().lstrip("£").strip().replace(",", ""))
    else:
        return None
    return number if number > 0 and number == number and number != float("inf") else None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__
