"""The matcher's precision rules: context-dependent phrases, contact blocks, profession lists."""

from __future__ import annotations

from services.taxonomy.matcher import contact_ranges, find_skills
from services.taxonomy.textview import build_view


def _ids(text: str) -> set[str]:
    return {hit.id for hit in find_skills(build_view(text))}


def test_assessment_counts_only_about_patients() -> None:
    assert "patient-assessment" in _ids("You will carry out assessments of patients' needs.")
    assert "patient-assessment" not in _ids("You will produce reports, assessments and minutes.")


def test_carers_count_when_the_post_holder_works_with_them() -> None:
    assert "carer-support" in _ids("You will support patients and their families at home.")
    assert "carer-support" not in _ids("We give the best care to our patients and their families.")


def test_adjectives_count_about_the_person_wanted() -> None:
    assert "creativity" in _ids("We are looking for an innovative nurse.")
    assert "creativity" not in _ids("The unit is an innovative and proactive team.")
    assert "adaptability" in _ids("You must be flexible.")
    assert "adaptability" not in _ids("Shifts are flexible within the team.")


def test_an_nvq_in_another_field_is_not_a_care_qualification() -> None:
    assert "nvq-health-social-care" in _ids("NVQ level 3 or equivalent experience.")
    assert "nvq-health-social-care" not in _ids("NVQ Level 2 Housekeeping is desirable.")


def test_a_list_of_professions_names_no_discipline() -> None:
    listed = _ids(
        "You will work with occupational therapy, physiotherapy and dietetics colleagues."
    )
    assert not listed & {"occupational-therapy-support", "physiotherapy-support"}
    own = _ids("We need an Occupational Therapist. You will work with physiotherapy colleagues.")
    assert {"occupational-therapy-support", "physiotherapy-support"} <= own


def test_contact_lines_after_the_header_are_skipped() -> None:
    text = (
        "You will take blood samples.\n"
        "For further details / informal visits contact:\n"
        "Jane Smith\n"
        "Lead Nurse for Haematology and Diabetes\n"
    )
    assert contact_ranges(build_view(text).lower)
    found = _ids(text)
    assert "phlebotomy" in found
    assert not found & {"pathology-lab", "diabetes-care"}
    assert "diabetes-care" in _ids("Lead Nurse for Haematology and Diabetes\n")


def test_any_blood_is_not_phlebotomy() -> None:
    assert "phlebotomy" not in _ids("Porters collect units of blood and patient notes.")
    assert "phlebotomy" in _ids("Taking bloods from patients.")
