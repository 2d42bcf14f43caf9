"""``extract(text, title)``: skills with evidence, role, SOC 2020 code, sector, entry level
and requirements from one job advert.

Input may be plain text, HTML or escaped HTML; evidence offsets always index the original
``text`` (or the title, for skills only the title names). Titles decide the SOC code
through ordered rules (:mod:`titles`); a small linear classifier covers the rest. A few
context rules then read the advert where the title is silent on what the labelling guideline
codes by: a nurse title that does not name the field (staff nurse, sister, ward manager, lead
nurse) takes it (mental health, then children's; learning disability stays 2237) from the
text, a fully generic one also its community setting; a care or support worker in a care
home or home care is a care worker (6135) and one on hospital wards a nursing assistant
(6131), while a healthcare assistant keeps 6131; a band 6 "Clinical Lead" stays with
nursing, a lab "Associate Practitioner" is a laboratory technician. Skills come from longest-phrase matching against the taxonomy
(:mod:`matcher`), requirements from regular expressions (:mod:`requirements`). The
function never raises on odd input: junk yields an empty, low-confidence extraction.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from services.taxonomy.classifier import load_classifier
from services.taxonomy.loader import Taxonomy, load_taxonomy
from services.taxonomy.matcher import find_skills, surface_forms
from services.taxonomy.models import Extraction, Requirements, RoleGuess, Sector, SkillHit
from services.taxonomy.requirements import at_word_start, detect_requirements
from services.taxonomy.textview import build_view, normalise_token, plain_view
from services.taxonomy.titles import (
    CONDITION_NURSE_SOURCE,
    clean_title,
    correct_spelling,
    soc_from_title,
)
from services.taxonomy.wordtrie import trie_pattern

MAX_TEXT = 200_000
MAX_TITLE = 1_000

REGULATOR_BY_SOC: dict[str, str] = {
    **dict.fromkeys(("2231", "2232", "2233", "2234", "2235", "2236", "2237"), "NMC"),
    **dict.fromkeys(("2211", "2212"), "GMC"),
    **dict.fromkeys(
        ("2221", "2222", "2223", "2225", "2254", "2255", "2256", "2229", "2259"), "HCPC"
    ),
    "2461": "SWE",
    "2251": "GPhC",
    "3212": "GPhC",
    "2253": "GDC",
    "2252": "GOC",
    "3211": "GOC",
}
_NOT_ENTRY_SOC_PREFIXES = ("1", "2")
_BAND = re.compile(r"\bband\s*([1-9])\b", re.IGNORECASE)
# _BAND for lower-cased text: a literal first ("band") lets the regex engine search fast;
# "b", "a", "n", "d" have no case-folding variants outside ASCII, so no match is lost
_BAND_LOWER = re.compile(r"band(?<=\bband)\s*([1-9])\b")
_AFC_BAND = re.compile(
    r"\bagenda\s+for\s+change\s+band\s*([1-9])|\bafc\s+band\s*([1-9])", re.IGNORECASE
)
# doctors on the GMC's specialist or GP register; accreditation that stands for registration
_ON_A_REGISTER = (
    r"\b(?:specialist|gp)\s+register\b|\b(?:svt|bse|babcp|bacp|ukcp)\s+accredit|"
    r"\baccredit\w*\s+(?:with|by)\s+(?:an?\s+|the\s+)?(?:appropriate\s+|relevant\s+|recognised\s+)?(?:[a-z]+\s+){0,2}(?:organisation|body|society)"
)
_REGISTRATION_WORDS = at_word_start(
    r"\brmn['\u2019]?s?\b|\brgn['\u2019]?s?\b|\brscn\b|\brnld\b|\brldn['\u2019]?s?\b|\brnmh\b|registered\s+operating|"
    r"registered\s+allied|(?<!pre-)(?<!pre )(?<!beyond )\bregistration\b(?!\s+year)|\bregistrant\b|\bpin\b|\bnmc\b|\bhcpc\b|\bgmc\b|\bgphc\b|\bgdc\b|"
    r"\bregistered\s+(?:with|nurse|midwife|practitioner|professional|paramedic|pharmacist|general|mental|sick|children|learning|health|social)|"
    # "a registered Primary Care Nurse", "registered Physiotherapist or Nurse"
    r"\bregistered\s+(?:[a-z]+\s+){1,3}(?:nurse|midwife|physiotherapist|therapist|radiographer|dietitian|paramedic|pharmacist|psychologist|scientist)|"
    r"\bperformers?\s+list|" + _ON_A_REGISTER,
)
_NURSE_REGISTRATION = at_word_start(
    r"\b(?:rmn|rgn|rscn|rnld|rldn|rnmh)['\u2019]?s?\b|registered\s+(?:general\s+|mental\s+health\s+|adult\s+)?nurse"
)
_PROFESSION_REGISTRATION = at_word_start(
    r"registered\s+(?:health(?:care)?\s+)?professional|professional\s+registration|"
    r"registered\s+with\s+a\s+professional\s+body|valid\s+professional\s+registration|"
    + _ON_A_REGISTER
)
_APPRENTICE = re.compile(r"apprentice|apprenticeship", re.IGNORECASE)
_SENIOR_TITLE = re.compile(
    r"\b(?:manager|director|head of|consultant|chief|lead|principal|principle|specialist|advanced|registrar|doctor)\b",
    re.IGNORECASE,
)
_HOSPITAL_CONTEXT = re.compile(
    r"\b(?:ward|hospital|clinical|patients?|nhs\s+(?:foundation\s+)?trust|inpatient|theatre)\b",
    re.IGNORECASE,
)
_CARE_SETTING = at_word_start(
    r"care home|nursing home|residential (?:home|care|service|setting)|\bresident(?!ial)|service user|"
    r"domiciliary|supported living|(?:their|his|her|people['\u2019]?s|client['\u2019]?s) own home|"
    r"at (?:his|her|their) home|lives at home|care package|complex care (?:need|package|service|team)|"
    r"live-in|home care"
)
_CARE_HOME = at_word_start(r"care home|nursing home|residential (?:home|care)")
_HOSPITAL_SETTING = at_word_start(
    r"\bwards?\b|hospital|inpatient|in-patient|theatres?\b|nhs (?:foundation )?trust|"
    r"outpatient|emergency department|\bclinics?\b|community (?:health|nursing|team)"
)
# hospital-type assistant titles that the care-home context must not move to 6135
# (a healthcare assistant is coded by title, 6131, wherever the care is given)
_CARE_WORKER_TITLE = re.compile(
    r"care support worker|(?<!clinical )support worker|(?<!health)(?<!health )care assistant"
)
# care-worker titles that a hospital advert makes a hospital assistant (6131)
_HOSPITAL_CARER_TITLE = re.compile(
    r"^(?!.*(?:home|domiciliary|residential|live|community|supported)).*"
    r"(?:care support worker|care assistant|health ?care worker)"
)
_NHS_ASSISTANT_TITLE = re.compile(
    r"ward|theatre|hospital|clinic|community|rehab|therap|peer|covid|testing|response|"
    r"maternity|mental health|band [1-4]"
)
_SPECIALIST_NURSE_TITLE = re.compile(r"specialist|\bcns\b|macmillan|" + CONDITION_NURSE_SOURCE)
# registered nurses of any field or setting share the nurse role profiles (role guideline)
_NURSING_FIELDS = frozenset({"2232", "2235", "2236", "2237"})
_CLINICAL_LEAD = re.compile(r"^(?:[a-z]+\s+)?clinical lead(?: nurse)?$")
_SPECIFIC_NURSE_TITLE = re.compile(
    r"\b(?:rgn|general|adult|sister|charge|manager|matron|theatre|scrub|research|learning|ld|rnld|"
    r"mh|mental|paediatric|children|neonatal|community|district|practice|specialist|lead)\b"
)
# nurse titles that name the field (or a setting that fixes it): the text cannot override them
_FIELD_NURSE_TITLE = re.compile(
    r"\b(?:rgn|general|adult|learning|ld|rnld|mh|mental|paediatric|children|neonatal|community|"
    r"district|practice|specialist|theatres?|scrub|anaesthetic|recovery nurse|research|endoscopy|"
    r"maternity|midwi\w*)\b"
)
_MH_NURSING = at_word_start(
    r"\brmn['\u2019]?s?\b|mental health nurs|registered mental health|\bcamhs\b|psychiatric intensive|\bpicu\b|"
    r"mental health act|mental health (?:ward|unit|service|hospital|trust|inpatient|environment|setting|team|"
    r"conditions?|problems?|care\b|in-?patients?|specialist|nursing)|(?:working|work) in mental health|"
    r"in-?patient mental health|(?:acute )?psychiatric (?:admission|ward|unit|hospital|inpatient)|"
    r"eating disorders?|anorexia|liaison psychiatry|psychiatric liaison|"
    r"mental illness|personality disorder|psychosis|(?:low|medium) secure|secure (?:unit|service|hospital|setting)|"
    r"care programme approach|\bcpas?\b|\bcpa(?:'|\u2019)s"
)
_LD_NURSING = at_word_start(
    r"\brnld['\u2019]?s?\b|\brldn['\u2019]?s?\b|learning disabilit(?:y|ies) nurs|learning disabilit(?:y|ies) (?:ward|unit|service|team)|"
    r"registered learning disabilit|\bld nurs"
)
_CHILD_NURSING = at_word_start(
    r"\bpaediatric|children['\u2019]?s (?:ward|unit|nurs|hospital|service|emergency)|\brscn\b|\brcn\b(?! )|"
    r"neonatal|\bnicu\b|\bscbu\b"
)
_COMMUNITY_NURSING = at_word_start(
    r"district nurs|patient(?:'|\u2019)?s?(?:'|\u2019)? (?:own )?homes|own homes|community nurs|housebound|"
    r"primary (?:health)?care|gp practice|general practice|health cent(?:re|er)|medical cent(?:re|er)|"
    r"community[- ]based|within the community|in the community|community health(?:care)?\b"
)
_WARD_NURSING = at_word_start(r"inpatient|in-patient|ward\b|bedded")
_TRAINEE_PSYCHOLOGIST = re.compile(r"assistant|trainee|graduate|forensic psychologist$")
_CLINICAL_PSY = at_word_start(r"clinical\b.{0,25}psycholog")
_PRACTITIONER = re.compile(r"(?:associate|assistant) practitioner")
_LABORATORY = at_word_start(
    r"laborator|biomedical scien|patholog|biochemistry|haematology|microbiology|specimen|analys[ie]"
)
# registered occupations at band 4: nursing associates (NMC) and pharmacy technicians (GPhC)
_REGISTERED_BAND_4 = re.compile(
    r"(?<!trainee )(?:registered )?nurs(?:ing|e) associate(?! trainee)|"
    r"^(?!.*(?:trainee|pre-?reg|student|apprentice|assistant)).*pharmacy technician"
)
_MENTAL_HEALTH = re.compile(r"mental health|cmht|psychiatr|psychosis|crisis", re.IGNORECASE)
_NHS_WORDS = frozenset(
    {"nhs", "trust", "afc", "hospital", "ccg", "surgery", "clinic", "ward", "gp", "icb", "pcn"}
)
_SOCIAL_WORDS = frozenset({"domiciliary", "homecare", "resident", "cqc", "carer", "supported"})
# tokens whose normalised form is a sector word (the only norms :func:`_sector` reads)
_SECTOR_WORD = re.compile(
    "(?<![a-z0-9])"
    + trie_pattern(
        {
            form: "(?![a-z0-9])"
            for norm in _NHS_WORDS | _SOCIAL_WORDS
            for form in surface_forms(norm)
        }
    )
)
_SOCIAL_PHRASES = (
    "care home",
    "nursing home",
    "residential home",
    "home care",
    "social care",
    "service user",
    "care provider",
    "care agency",
    "live-in",
    "care package",
    "supported living",
)


def _band(title: str, plain: str) -> int | None:
    """The Agenda for Change band in ``title`` or the LOWER-CASED advert text ``plain``."""
    match = _BAND.search(title) or _BAND_LOWER.search(plain, 0, 6000)
    if match:
        return int(match.group(1))
    if "band" not in plain:  # both alternatives of _AFC_BAND end in "band"
        return None
    match = _AFC_BAND.search(plain)
    if match:
        return int(match.group(1) or match.group(2))
    return None


def _context_soc(title: str, plain: str) -> str | None:
    low = title.lower()
    if "co-ordinator" in low or "coordinator" in low:
        # care co-ordinators: mental health practitioners in a CMHT, senior carers in home
        # care, otherwise administrators ("Patient Care Coordinator" for a clinic)
        if _MENTAL_HEALTH.search(plain):
            return "2235"
        return "6136" if _care_setting(plain) else "4159"
    if "support worker" in low or "support assistant" in low:
        if _care_setting(plain):
            return "6135"
        return "6131" if len(_HOSPITAL_CONTEXT.findall(plain)) >= 3 else "6135"
    return None


def _distinct(pattern: re.Pattern[str], text: str) -> int:
    return len(set(pattern.findall(text)))  # the patterns have no groups: whole matches


def _care_setting(plain: str) -> bool:
    """True when the advert describes a care home or home care more than a hospital."""
    care = _distinct(_CARE_SETTING, plain)
    hospital = _distinct(_HOSPITAL_SETTING, plain)
    if care >= 2:
        return care > hospital
    return hospital == 0 and _CARE_HOME.search(plain) is not None


def _refine_soc(code: str, title: str, plain: str) -> str:
    """Context rules for titles that do not name the field or setting of the job.

    The labelling guideline codes nurses by field first, then setting; a generic "Staff
    Nurse" title leaves both to the advert text (a specialist nurse does not: 2233). Ward
    leaders stay with their profession; clinical and counselling psychologists share a
    department.
    """
    low = title.lower()
    if code == "1171" and _CLINICAL_LEAD.search(low):
        band = _band(title, plain)
        if band is not None and band <= 6 and "nurs" in plain:
            return "2235" if _distinct(_MH_NURSING, plain) >= 2 else "2237"
    if (
        code == "2233"
        and not _FIELD_NURSE_TITLE.search(low)
        and not _SPECIALIST_NURSE_TITLE.search(low)
    ):
        # a lead nurse or nurse educator in mental health or children's services keeps the
        # field; a specialist nurse ("ADHD Clinical Nurse Specialist") or one named by a
        # condition ("Diabetes Nurse") is 2233 wherever they work
        if _distinct(_MH_NURSING, plain) >= 2:
            return "2235"
        if _distinct(_CHILD_NURSING, plain) >= 2:
            return "2236"
    if (
        code == "2232"
        and low.startswith("community practitioner")
        and _distinct(_MH_NURSING, plain) >= 2
    ):
        return "2235"  # a community practitioner in a mental health team
    if code == "2237" and not _FIELD_NURSE_TITLE.search(low):
        # field first (also for sisters, charge nurses and ward managers), then setting;
        # mixed RMN/RNLD posts are mental health nursing, learning-disability posts stay 2237
        if _distinct(_MH_NURSING, plain) >= 2:
            return "2235"
        if _distinct(_LD_NURSING, plain) >= 2:
            return code
        if _distinct(_CHILD_NURSING, plain) >= 2:
            return "2236"
        if (
            not _SPECIFIC_NURSE_TITLE.search(low)
            and _distinct(_COMMUNITY_NURSING, plain) >= 2
            and not _WARD_NURSING.search(plain)
        ):
            return "2232"
    if (
        code == "6131"
        and _CARE_WORKER_TITLE.search(low)
        and not _NHS_ASSISTANT_TITLE.search(low)
        and _care_setting(plain)
    ):
        return "6135"
    if (
        code == "6135"
        and _HOSPITAL_CARER_TITLE.search(low)
        and _distinct(_HOSPITAL_SETTING, plain) >= 2
        and not _care_setting(plain)
    ):
        return "6131"
    if code == "2226" and not _TRAINEE_PSYCHOLOGIST.search(low) and _CLINICAL_PSY.search(plain):
        return "2225"
    if code == "3219" and _PRACTITIONER.search(low) and _distinct(_LABORATORY, plain) >= 2:
        return "3111"
    return code


@functools.lru_cache(maxsize=8192)
def _title_soc(title: str) -> tuple[str | None, bool, str]:
    """``(code, matched, title)`` from the title rules, read with misspelt words corrected
    ("Occupattional Therapist") when that spelling matches a rule; the spelling used is
    returned for the context rules."""
    classifier = load_classifier()
    if classifier is not None:
        corrected = correct_spelling(title, classifier.known_words, classifier.target_words)
        if corrected != title.lower():
            code, matched = soc_from_title(corrected)
            if matched:
                return code, matched, corrected
    code, matched = soc_from_title(title)
    return code, matched, title


def _classify_soc(title: str, plain: str) -> tuple[str | None, float]:
    code, matched, title = _title_soc(title) if title else (None, False, title)
    if code:
        return _refine_soc(code, title, plain), 0.95
    if title:
        context = _context_soc(title, plain)
        if context:
            return context, 0.7
    classifier = load_classifier()
    if classifier is None or not (title or plain.strip()):
        return None, 0.0
    predicted, confidence = classifier.predict(title, plain)
    return _refine_soc(predicted, title, plain), confidence * (0.9 if matched else 1.0)


@functools.cache
def _role_names(taxonomy: Taxonomy) -> tuple[tuple[str, str, str], ...]:
    """``(" normalised title words ", role id, role SOC code)`` for every role title."""
    names: list[tuple[str, str, str]] = []
    for role in taxonomy.roles:
        for name in (role.title, *role.alt_titles):
            words = " ".join(re.findall(r"[a-z0-9]+", re.sub(r"\(.*?\)", " ", name).lower()))
            if words:
                names.append((f" {words} ", role.id, role.soc_code))
    return tuple(names)


@functools.lru_cache(maxsize=16384)
def _guess_role(taxonomy: Taxonomy, title: str, soc_code: str | None) -> RoleGuess | None:
    if not title:
        return None
    norm_title = " " + " ".join(re.findall(r"[a-z0-9]+", clean_title(title).lower())) + " "
    best: tuple[int, int, str] | None = None
    for words, role_id, role_soc in _role_names(taxonomy):
        if words in norm_title:
            same = role_soc == soc_code or {role_soc, soc_code} <= _NURSING_FIELDS
            key = (int(same), len(words) - 2, role_id)
            if best is None or key > best:
                best = key
    if best is None:
        return None
    soc_match, length, role_id = best
    confidence = min(0.95, 0.55 + 0.02 * length) if soc_match else 0.4
    if confidence < 0.5:
        return None
    return RoleGuess(id=role_id, confidence=round(confidence, 3))


def _sector(norms: frozenset[str], plain: str, role_sector: str | None) -> Sector:
    nhs = len(norms & _NHS_WORDS) + (2 if "agenda for change" in plain else 0)
    social = len(norms & _SOCIAL_WORDS) + sum(1 for phrase in _SOCIAL_PHRASES if phrase in plain)
    if role_sector == "social_care" and social >= nhs:
        return "social_care"
    if social > nhs and social >= 2:
        return "social_care"
    if nhs:
        return "nhs"
    if social:
        return "social_care"
    if role_sector == "nhs":
        return "nhs"
    return "other"


def _entry_level(taxonomy: Taxonomy, title: str, plain: str, soc_code: str | None) -> bool:
    if title and _APPRENTICE.search(title):
        return True
    if title and "trainee" not in title.lower() and _REGISTERED_BAND_4.search(title.lower()):
        return False  # registered professionals (labelling guideline), whatever the band
    group = taxonomy.get_soc(soc_code) if soc_code else None
    professional = soc_code is not None and soc_code.startswith(_NOT_ENTRY_SOC_PREFIXES)
    band = _band(title, plain)
    if band is not None and not professional:
        return band <= 4
    if group is not None:
        if (
            group.typically_entry_level
            and title
            and _SENIOR_TITLE.search(re.split(r"\bto\b", title, maxsplit=1)[0])
            and not group.code.startswith(("6", "9"))
        ):
            return False
        return group.typically_entry_level
    if band is not None:
        return band <= 4
    return False


def _with_title_skills(skills: tuple[SkillHit, ...], title: str) -> tuple[SkillHit, ...]:
    """``skills`` of the text followed by skills only the title names ("Phlebotomist",
    "Staff Nurse - Paediatrics"): the labelling guideline counts the title as part of the
    advert. Their evidence spans index the title (``field="title"``)."""
    if not title.strip():
        return skills
    found = {hit.id for hit in skills}
    extra = tuple(
        replace(hit, evidence=tuple(replace(span, field="title") for span in hit.evidence))
        for hit in find_skills(build_view(title[:MAX_TITLE]))
        if hit.id not in found
    )
    return skills + extra if extra else skills


def extract(text: str, title: str | None = None) -> Extraction:
    """Read one advert: skills with evidence, role, SOC code, sector, entry level, requirements."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    title = title if isinstance(title, str) else ""
    taxonomy = load_taxonomy()
    # only a prefix of very long input is analysed; offsets into it are offsets into ``text``
    view = build_view(text[:MAX_TEXT])
    title_plain = " ".join(plain_view(title).split())
    skills = _with_title_skills(find_skills(view), title)
    soc_code, _confidence = _classify_soc(title_plain, view.lower)
    role = _guess_role(taxonomy, title_plain, soc_code)
    role_profile = taxonomy.get_role(role.id) if role else None
    entry = _entry_level(taxonomy, title_plain, view.lower, soc_code)
    requirements = detect_requirements(view.lower, entry_level_role=entry)
    registration = requirements.registration
    if registration is None and not entry and _REGISTRATION_WORDS.search(view.lower):
        if soc_code in REGULATOR_BY_SOC:
            registration = REGULATOR_BY_SOC[soc_code]
        elif role_profile is not None and role_profile.requirements.registration:
            registration = role_profile.requirements.registration
        elif _NURSE_REGISTRATION.search(view.lower):
            registration = "NMC"
        elif _PROFESSION_REGISTRATION.search(view.lower):
            registration = "professional body"
    driving = requirements.driving_licence
    category = requirements.licence_category
    if (
        role_profile is not None
        and role_profile.requirements.driving_licence
        and role_profile.id
        in {
            "driver",
            "ambulance-care-assistant",
            "emergency-care-assistant",
        }
    ):
        driving = True
        category = (
            category if category and category != "B" else role_profile.requirements.driving_licence
        )
    requirements = Requirements(
        driving_licence=driving,
        licence_category=category if driving else None,
        dbs=requirements.dbs,
        english_level=requirements.english_level,
        maths_level=requirements.maths_level,
        registration=registration,
        experience_essential=requirements.experience_essential,
    )
    norms = frozenset(map(normalise_token, _SECTOR_WORD.findall(view.match_text)))
    sector = _sector(norms, view.lower, role_profile.sector if role_profile else None)
    return Extraction(
        skills=skills,
        role=role,
        soc_code=soc_code,
        sector=sector,
        entry_level=entry,
        requirements=requirements,
    )
