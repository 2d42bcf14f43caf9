"""SOC 2020 coding of titles and context (docs/QUALITY.md, "SOC method").

Short adverts in the style of the real feed check one rule each: the nursing field and
setting split of the labelling guideline, care-home versus hospital assistants, rule order
for managers, and title spelling correction.
"""

from __future__ import annotations

import pytest

from services.taxonomy import extract
from services.taxonomy.classifier import load_classifier
from services.taxonomy.titles import correct_spelling, soc_from_title


@pytest.mark.parametrize(
    ("title", "code"),
    [
        # nurses named by a setting are staff nurses (2237); specialist titles stay 2233
        ("Theatre Scrub Nurse Band 5", "2237"),
        ("Bank ITU Nurse", "2237"),
        ("Clinical Research Nurse", "2237"),
        ("Diabetes Specialist Nurse", "2233"),
        ("Clinical Nurse Specialist - Infection Control", "2233"),
        # public health nursing is community nursing; its admin staff are not nurses
        ("0 - 19 Public Health Staff Nurse (Health Visiting)", "2232"),
        ("Staff Nurse School Nursing", "2232"),
        ("Admin Clerk, Health Visiting", "4159"),
        ("Senior Advanced Critical Care Practitioner", "2234"),
        ("Advanced Physiotherapy Practitioner", "2221"),
        ("Labour Ward Coordinator", "2231"),
        ("Locum Appointment for Service (Higher) - Obstetrics & Gynaecology", "2212"),
        # specific managers before the catch-all health services manager
        ("Gastroenterology Services Admin Manager", "4141"),
        ("IT Operations Manager", "2132"),
        ("ICT Desktop Engineer", "3132"),
        ("Operations Manager", "1171"),
        ("ADMK Domestics Supervisor", "6240"),
    ],
)
def test_title_rules(title: str, code: str) -> None:
    assert soc_from_title(title)[0] == code


def test_ward_leaders_take_the_field_of_their_ward() -> None:
    children = (
        "Band 6 Sister on our children's ward. You will lead paediatric nursing care and "
        "support newly qualified children's nurses (RSCN)."
    )
    mental_health = (
        "Ward Manager for a psychiatric intensive care unit (PICU) caring for adults detained "
        "under the Mental Health Act; you will be a registered mental health nurse."
    )
    adult = "Band 6 Sister on a 28 bedded acute medical ward for adults."
    assert extract(children, title="Junior Sister").soc_code == "2236"
    assert extract(mental_health, title="Ward Manager").soc_code == "2235"
    assert extract(adult, title="Junior Sister").soc_code == "2237"
    # a title that names the setting is not overridden by the text
    assert extract(mental_health, title="Theatre Scrub Nurse").soc_code == "2237"


def test_care_and_support_workers_follow_the_setting_healthcare_assistants_their_title() -> None:
    home = (
        "We provide one to one support to our service users with complex care needs, "
        "who live at home with their families. Personal care and moving and handling."
    )
    hospital = "Join the 30 bedded surgical ward at our hospital as part of the nursing team."
    assert extract(home, title="Care Support Worker - Complex Care").soc_code == "6135"
    assert extract(hospital, title="Healthcare Assistant").soc_code == "6131"
    # SOC codes a healthcare assistant by the title wherever the care is given (both readers
    # of eval/nhs_jobs_soc2_readers.jsonl coded children's complex home care HCAs 6131)
    assert extract(home, title="Healthcare Assistant - Complex Care").soc_code == "6131"
    assert extract(home, title="Health Care Assistant - Child Care").soc_code == "6131"
    assert extract(home, title="Ward Healthcare Assistant").soc_code == "6131"
    # and a care-worker title in a hospital advert is a nursing assistant
    trust = (
        "Care Support Worker on our wards at the General Hospital, part of the Acute "
        "Hospitals NHS Trust. You will work as part of the ward team."
    )
    assert extract(trust, title="Bank Care Support Worker").soc_code == "6131"


def test_spelling_correction_only_touches_rare_words() -> None:
    known = frozenset({"therapist", "manager", "physician"})
    targets = frozenset({"occupational", "therapist", "physician", "administrator"})
    assert correct_spelling("Occupattional Therapist", known, targets) == "occupational therapist"
    assert correct_spelling("Senior Adminstrator", known, targets) == "senior administrator"
    # words the title rules name are never changed, however rare
    assert correct_spelling("MRI Physicist", known, targets) == "mri physicist"
    # no vocabulary, no change
    assert correct_spelling("Occupattional Therapist", known, frozenset()) == (
        "occupattional therapist"
    )


@pytest.mark.skipif(load_classifier() is None, reason="SOC classifier not trained")
def test_misspelt_titles_reach_their_rule() -> None:
    text = "Adult social care occupational therapy: assessments for equipment and adaptations."
    assert extract(text, title="Occupattional Therapist").soc_code == "2222"
    assert extract("Hospital pharmacy.", title="Pharmacy Teachnician").soc_code == "3212"
