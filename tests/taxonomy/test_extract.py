"""Extraction from written advert examples: evidence offsets, requirements, role and SOC."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.taxonomy import Extraction, extract

PLAIN = (
    "We are looking for a Healthcare Assistant to join our ward team.\n"
    "You will take clinical observations, record blood pressure and support personal care.\n"
    "Person specification\n"
    "Essential\n"
    "- Good communication skills\n"
    "- Moving and handling training\n"
    "Desirable\n"
    "- Phlebotomy\n"
    "- ECG recording\n"
)
HTML = (
    "<p>We are looking for a Healthcare Assistant to join our ward team.</p>"
    "<ul><li>Infection control &amp; hand hygiene</li><li>Moving and handling</li></ul>"
    "<p>Experience of <b>phlebotomy</b> is desirable.</p>"
)


def _ids(extraction: Extraction) -> set[str]:
    return {hit.id for hit in extraction.skills}


def _assert_spans_index(text: str, extraction: Extraction, title: str = "") -> None:
    for hit in extraction.skills:
        assert hit.evidence
        for span in hit.evidence:
            original = title if span.field == "title" else text
            assert 0 <= span.start < span.end <= len(original)
            assert original[span.start : span.end] == span.text


@pytest.mark.parametrize("text", [PLAIN, HTML, html.escape(HTML), html.escape(html.escape(HTML))])
def test_evidence_spans_index_the_original_text(text: str) -> None:
    extraction = extract(text, title="Healthcare Assistant")
    assert extraction.skills
    _assert_spans_index(text, extraction)
    assert "moving-and-handling" in _ids(extraction)


def test_markup_is_not_matched_as_words() -> None:
    escaped = html.escape('<p class="phlebotomy">Cleaning duties</p>')
    extraction = extract(escaped, title="Domestic Assistant")
    assert "phlebotomy" not in _ids(extraction)
    assert "cleaning" in _ids(extraction)


def test_plain_text_skills_and_essential_flags() -> None:
    extraction = extract(PLAIN, title="Healthcare Assistant")
    hits = {hit.id: hit for hit in extraction.skills}
    assert {"clinical-observations", "blood-pressure", "personal-care", "phlebotomy", "ecg"} <= set(
        hits
    )
    assert hits["moving-and-handling"].essential
    assert not hits["phlebotomy"].essential
    assert not hits["ecg"].essential


def test_inline_desirable_marks_the_skill() -> None:
    hits = {hit.id: hit for hit in extract(HTML, title="Healthcare Assistant").skills}
    assert not hits["phlebotomy"].essential
    assert hits["infection-prevention-control"].essential


def test_capitalised_acronyms_only_match_in_capitals() -> None:
    assert "ecg" in _ids(extract("Able to record an ECG.", title="Healthcare Assistant"))
    assert "basic-life-support" not in _ids(extract("The bls test.", title="Porter"))


@pytest.mark.parametrize(
    ("title", "soc", "role", "entry"),
    [
        ("Healthcare Assistant", "6131", "healthcare-support-worker", True),
        ("Band 5 Staff Nurse", "2237", "registered-nurse", False),
        ("Hospital Porter", "9262", "porter", True),
        ("Medical Secretary", "4211", "medical-secretary", True),
        ("Pharmacy Technician", "3212", "pharmacy-technician", False),
        ("Consultant Psychiatrist", "2212", None, False),
        ("Speech &amp; Language Therapist", "2223", None, False),
        ("Domestic Assistant", "9223", "domestic-assistant", True),
    ],
)
def test_titles_give_soc_role_and_entry_level(
    title: str, soc: str, role: str | None, entry: bool
) -> None:
    extraction = extract("The post holder will work in our team.", title=title)
    assert extraction.soc_code == soc
    assert (extraction.role.id if extraction.role else None) == role
    assert extraction.entry_level is entry
    if extraction.role:
        assert 0.0 <= extraction.role.confidence <= 1.0


def test_requirements_on_a_written_example() -> None:
    text = (
        "<p>Essential: a full UK driving licence (category C1) and access to a car.</p>"
        "<p>This post requires an enhanced DBS check.</p>"
        "<p>GCSE English and Maths at grade C / 4 or equivalent.</p>"
        "<p>Previous experience in a care setting is essential.</p>"
    )
    req = extract(text, title="Ambulance Care Assistant").requirements
    assert req.driving_licence
    assert req.licence_category == "C1"
    assert req.dbs == "enhanced"
    assert req.english_level == "level2"
    assert req.maths_level == "level2"
    assert req.experience_essential


def test_requirements_absent_or_negated() -> None:
    text = "No experience necessary, full training given. Non-drivers welcome. Friendly team."
    req = extract(text, title="Catering Assistant").requirements
    assert not req.driving_licence
    assert req.licence_category is None
    assert req.dbs is None
    assert not req.experience_essential
    assert req.english_level is None and req.maths_level is None


def test_functional_skills_level_one() -> None:
    req = extract(
        "Functional Skills Level 1 in English and maths are required.", title="Porter"
    ).requirements
    assert req.english_level == "level1"
    assert req.maths_level == "level1"


def test_registration_from_regulator_and_profession() -> None:
    nurse = extract("You must hold current NMC registration.", title="Staff Nurse").requirements
    assert nurse.registration == "NMC"
    physio = extract("Registered with the HCPC.", title="Physiotherapist").requirements
    assert physio.registration == "HCPC"
    hca = extract(
        "You will support registered nurses on the ward.", title="Healthcare Assistant"
    ).requirements
    assert hca.registration is None


def test_sector() -> None:
    assert (
        extract("Join our NHS Foundation Trust hospital ward.", title="Ward Clerk").sector == "nhs"
    )
    care = extract(
        "Our care home supports residents living with dementia; a CQC rated care provider.",
        title="Care Assistant",
    )
    assert care.sector == "social_care"


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.text(),
        st.binary().map(lambda raw: raw.decode("latin-1")),
        st.lists(
            st.sampled_from(
                [
                    "<p>",
                    "</li>",
                    "&lt;",
                    "&amp;",
                    "&gt;",
                    "&#x27;",
                    "Band 3",
                    "ECG",
                    "\x00",
                    "İ",
                    " ",
                ]
            )
        ).map("".join),
    ),
    title=st.one_of(st.none(), st.text(max_size=80)),
)
def test_junk_never_raises(text: str, title: str | None) -> None:
    extraction = extract(text, title=title)
    assert extraction.sector in {"nhs", "social_care", "other"}
    _assert_spans_index(text, extraction, title or "")


def test_skills_named_only_by_the_title_come_with_title_spans() -> None:
    title = "Staff Nurse - Paediatrics &amp; Phlebotomy"
    text = "Join our friendly ward team. You will use moving and handling techniques."
    extraction = extract(text, title=title)
    hits = {hit.id: hit for hit in extraction.skills}
    assert {"paediatric-care", "phlebotomy", "moving-and-handling"} <= set(hits)
    assert all(span.field == "title" for span in hits["phlebotomy"].evidence)
    assert all(span.field == "text" for span in hits["moving-and-handling"].evidence)
    _assert_spans_index(text, extraction, title)
    # a skill in both keeps its evidence in the text only
    both = extract("Phlebotomy clinics every morning.", title="Phlebotomist")
    assert [span.field for hit in both.skills for span in hit.evidence] == ["text"]
