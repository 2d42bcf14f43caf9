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


def test_training_the_employer_offers_is_skipped() -> None:
    offered = _ids("You will acquire a range of skills including venepuncture and wound care.")
    assert not offered & {"phlebotomy", "wound-care"}
    assert "leadership" not in _ids("This role will develop your leadership skills.")
    assert "leadership" in _ids("You will have strong leadership skills.")


def test_lists_of_wards_and_specialties_are_skipped() -> None:
    assert "respiratory-care" not in _ids("Bank shifts on wards such as Respiratory and Stroke.")
    assert "critical-care" not in _ids("The network covers clinical areas including Critical Care.")
    assert "respiratory-care" in _ids("You will care for patients with respiratory conditions.")


def test_bank_holiday_working_is_not_a_perk() -> None:
    found = _ids("Good team work is required, including weekends and bank holidays.")
    assert "teamwork" in found
    assert "teamwork" not in _ids("Good team work and 27 days holiday.")


def test_names_of_teams_units_and_journals_are_not_skills() -> None:
    assert "leadership" not in _ids("You will report to the Senior Leadership Team.")
    assert "patient-assessment" not in _ids("Patients on our acute assessment unit.")
    assert "invoicing" not in _ids("Advertised in the Health Service Journal; journal club weekly.")
    assert "invoicing" in _ids("You will post journals and raise invoices.")


def test_receiving_supervision_or_attending_meetings_is_not_giving_them() -> None:
    assert "clinical-supervision" not in _ids("You will participate in clinical supervision.")
    assert "clinical-supervision" in _ids("You will provide clinical supervision to staff.")
    assert "meeting-organisation" not in _ids("Attend the monthly team meetings.")
    assert "meeting-organisation" in _ids("You will arrange meetings and take minutes.")


def test_invitations_and_offered_flexibility_are_not_skills() -> None:
    assert "teamwork" not in _ids("Would you like to be part of the team?")
    assert "teamwork" in _ids("You will work as part of a team.")
    assert "adaptability" not in _ids("You must be looking for flexible bank opportunities.")
    assert "adaptability" in _ids("You must be flexible and adaptable.")


def test_care_process_and_setting_variants() -> None:
    found = _ids("You will assess, plan, implement and evaluate care for patients.")
    assert {"care-planning", "patient-assessment"} <= found
    assert "reablement" in _ids("Working on our re-ablement and rehabilitation unit.")
    assert "medication-administration" in _ids("Safe administration of drugs.")
    assert "person-centred-care" in _ids("A patient-centered approach.")
    found = _ids("You will work in the Home Treatment Team.")
    assert {"community-health", "mental-health-crisis"} <= found


def test_a_sentence_listing_areas_gives_none_of_them() -> None:
    found = _ids("Bank shifts are available in clinical areas including critical care and stroke.")
    assert not found & {"critical-care", "stroke-care"}
    assert "critical-care" in _ids("You will work in critical care.")


def test_a_sentence_naming_three_specialties_lists_services() -> None:
    listed = _ids("Our hospital has paediatric, respiratory and ophthalmology departments.")
    assert not listed & {"paediatric-care", "respiratory-care", "optical-eye-care"}
    assert "respiratory-care" in _ids("You will care for respiratory patients.")


def test_interview_arrangements_are_not_skills() -> None:
    assert "microsoft-teams" not in _ids("Interviews will be held via MS Teams in December.")
    assert "microsoft-teams" in _ids("You will run video consultations on MS Teams.")


def test_names_of_organisations_and_degrees_are_not_skills() -> None:
    assert "commissioning" not in _ids("We work with the Clinical Commissioning Group.")
    assert "counselling" not in _ids("You must be a counselling or clinical psychologist.")
    assert "procurement" not in _ids("You will liaise with suppliers and users.")
    assert "procurement" in _ids("You will order stock from suppliers.")
