"""The demo JobPosting JSON Lines feed: shape, determinism, places, dates and variety."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from functools import cache
from typing import Any

import pytest

from services.common import geo
from services.demo.organisations import EMPLOYERS
from services.demo.vacancies import demo_vacancies_jsonl

TODAY = date(2026, 3, 2)
DEMO_AREAS = {"B", "CV", "WV", "WS", "DY", "WR", "NR"}


@cache
def _records() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for line in demo_vacancies_jsonl(today=TODAY).splitlines())


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def test_default_size_and_line_format() -> None:
    body = demo_vacancies_jsonl(today=TODAY)
    assert body.endswith(b"\n")
    lines = body.split(b"\n")[:-1]
    assert len(lines) == 360
    assert all(line.startswith(b"{") and line.endswith(b"}") for line in lines)
    assert len(demo_vacancies_jsonl(n=25, today=TODAY).splitlines()) == 25
    assert demo_vacancies_jsonl(n=0, today=TODAY) == b""
    with pytest.raises(ValueError):
        demo_vacancies_jsonl(n=-1, today=TODAY)


def test_same_seed_same_bytes_and_prefix_stability() -> None:
    assert demo_vacancies_jsonl(n=80, seed=3, today=TODAY) == demo_vacancies_jsonl(
        n=80, seed=3, today=TODAY
    )
    assert demo_vacancies_jsonl(n=80, seed=3, today=TODAY) != demo_vacancies_jsonl(
        n=80, seed=4, today=TODAY
    )
    short = demo_vacancies_jsonl(n=10, seed=3, today=TODAY).splitlines()
    long = demo_vacancies_jsonl(n=40, seed=3, today=TODAY).splitlines()
    assert long[:10] == short


def test_every_record_is_a_complete_jobposting() -> None:
    for record in _records():
        assert record["@type"] == "JobPosting"
        identifier = record["identifier"]
        assert identifier["@type"] == "PropertyValue"
        assert identifier["name"] == record["hiringOrganization"]["name"]
        assert record["title"].strip()
        assert record["employmentType"]
        assert record["workHours"]
        salary = record["baseSalary"]["value"]
        assert salary["unitText"] in {"YEAR", "HOUR"}
        assert "value" in salary or salary["minValue"] <= salary["maxValue"]
    identifiers = [r["identifier"]["value"] for r in _records()]
    assert len(set(identifiers)) == len(identifiers)


def test_dates_post_before_and_close_after_today() -> None:
    for record in _records():
        assert _day(record["datePosted"]) <= TODAY
        assert _day(record["validThrough"]) > TODAY
    shapes = Counter(len(r["validThrough"]) for r in _records())
    assert len(shapes) == 2  # plain dates and UTC date-times both occur


def test_postcodes_are_real_and_in_the_demo_regions() -> None:
    for record in _records():
        postcode = record["jobLocation"]["address"]["postalCode"]
        assert geo.normalise_postcode(postcode) == postcode
        assert re.match(r"[A-Z]+", postcode).group() in DEMO_AREAS  # type: ignore[union-attr]
        point = geo.lookup(postcode)
        assert point is not None, postcode
        assert point.precision == "sector"
        assert point.region in {"West Midlands", "East of England"}
    regions = Counter(geo.region_of(r["jobLocation"]["address"]["postalCode"]) for r in _records())
    assert regions["West Midlands"] > regions["East of England"] > 0


def test_descriptions_carry_a_person_specification() -> None:
    for record in _records():
        description = record["description"]
        assert "Essential" in description and "Desirable" in description
        assert description.count("<li>") >= 8
        assert description.count("<ul>") == description.count("</ul>")


def test_pay_is_plausible() -> None:
    for record in _records():
        value = record["baseSalary"]["value"]
        low = value.get("value", value.get("minValue"))
        if value["unitText"] == "HOUR":
            assert 12.21 <= low <= 20
        else:
            assert 20000 <= low <= 32000
    afc_band_2 = [
        r
        for r in _records()
        if "Band 2)" in r["description"] and r["baseSalary"]["value"].get("value") == 24465.0
    ]
    assert afc_band_2


@pytest.mark.parametrize(
    "pattern",
    [
        r"Healthcare (Support Worker|Assistant)|Clinical Support|Nursing Assistant",
        r"Care (Worker|Assistant)|Home Carer|Support Worker",
        r"Porter",
        r"Pharmacy",
        r"Admin|Clerical|Business Support|Booking Clerk",
        r"Receptionist|Care Navigator",
        r"Ward (Clerk|Administrator|Receptionist)",
        r"Catering|Kitchen|Cook",
        r"Domestic|Housekeep|Laundry",
        r"Driver|Ambulance Care Assistant",
        r"Stores|Warehouse|Materials",
        r"\bIT\b|Digital Apprentice",
        r"Senior Healthcare|Senior Clinical|Band 3",
        r"Senior (Care|Support|Home)|Field Care Supervisor",
        r"Nursing Associate",
        r"Team Leader|Care Coordinator",
    ],
)
def test_each_role_family_is_advertised(pattern: str) -> None:
    assert any(re.search(pattern, r["title"]) for r in _records()), pattern


@pytest.mark.parametrize(
    "phrase",
    [
        "moving and handling",
        "personal care",
        "infection",
        "safeguarding",
        "food hygiene",
        "customer service",
        "data entry",
        "microsoft",
        "driving licence",
        "dbs",
        "functional skills",
        "gcse",
        "care certificate",
        "level 1",
        "level 2",
        "dementia",
        "coshh",
    ],
)
def test_descriptions_mention_the_skills_a_real_advert_would(phrase: str) -> None:
    hits = sum(phrase in r["description"].lower() for r in _records())
    assert 0 < hits < len(_records()), phrase  # present, and not boilerplate on every advert


def test_every_kind_of_employer_advertises() -> None:
    kinds = {e.name: e.kind for e in EMPLOYERS}
    seen = Counter(kinds[r["hiringOrganization"]["name"]] for r in _records())
    assert set(seen) == {"nhs_trust", "care_provider", "gp_practice", "council"}
    assert seen["nhs_trust"] > seen["gp_practice"]
