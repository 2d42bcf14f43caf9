"""Ofqual numbers, standard codes and qualification types from titles and identifiers."""

from __future__ import annotations

import pytest

from services.training.adapters.qualifications import (
    explicit_qualification_type,
    infer_qualification_type,
    ofqual_ref,
    standard_ref,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("603/2636/3", "603/2636/3"),
        ("603 / 2636 / 3", "603/2636/3"),
        ("60326363", "603/2636/3"),
        ("610/0384/x", "610/0384/X"),
        ("Ofqual ref 601/6209/0 (NCFE)", "601/6209/0"),
        ("ST0216", None),
        ("6032636", None),
        (None, None),
    ],
)
def test_ofqual_ref(value: str | None, expected: str | None) -> None:
    assert ofqual_ref(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ST0216", "ST0216"), ("st 216", "ST0216"), ("ST0508 v1.1", "ST0508"), ("ST-0217", "ST0217"),
     ("603/2636/3", None), ("STANDARD", None), (None, None)],
)
def test_standard_ref(value: str | None, expected: str | None) -> None:
    assert standard_ref(value) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Certificate in ESOL Skills for Life (Entry 2)",), "esol"),
        (("Level 1 Certificate", "English for Speakers of Other Languages"), "esol"),
        (("Functional Skills Qualification in English at Level 1",), "functional_skills"),
        (("The Care Certificate",), "care_certificate"),
        (("Level 2 Certificate in Care",), "certificate"),
        (("Healthcare support worker apprenticeship",), "apprenticeship"),
        (("BSc (Hons) Nursing",), "degree"),
        (("Foundation Degree in Health and Social Care",), "degree"),
        (("NCFE CACHE Level 3 Diploma in Adult Care",), "diploma"),
        (("Level 2 Award in Food Safety",), "award"),
        (("Awarding body approved course",), "other"),
    ],
)
def test_infer_qualification_type(texts: tuple[str, ...], expected: str) -> None:
    assert infer_qualification_type(*texts) == expected


def test_a_standard_makes_an_apprenticeship_and_no_qualification_a_short_course() -> None:
    assert infer_qualification_type("Level 3 Diploma", standard="ST0217") == "apprenticeship"
    assert infer_qualification_type("Food hygiene", has_qualification=False) == "short_course"
    assert infer_qualification_type("Level 2 Award", has_qualification=False) == "award"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("diploma", "diploma"), ("Short course", "short_course"), ("functional_skills",
     "functional_skills"), ("Functional-Skills", "functional_skills"), ("NVQ", None), (None, None)],
)
def test_explicit_qualification_type(value: str | None, expected: str | None) -> None:
    assert explicit_qualification_type(value) == expected
