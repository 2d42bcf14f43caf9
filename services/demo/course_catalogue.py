"""What the demo course providers teach: course templates and the providers that run them.

Written for Routeway. Qualification numbers come in two kinds:

* **real**, for the adult social care qualifications, taken as facts from the DHSC adult
  social care skills and training data (``../shared/data/social_care``, MIT, Crown copyright
  prototype): e.g. 603/2611/6 NCFE CACHE Level 2 Diploma in Care;
* **illustrative**, for ESOL, Functional Skills, digital skills, food safety, first aid and
  customer service: Ofqual-shaped numbers (``6nn/nnnn/c``) invented for the demo, marked
  ``illustrative=True``; they may or may not match a real qualification.

Apprenticeship standard codes and levels were checked against the Institute for
Apprenticeships list (``../shared/data/apprenticeships``, OGL v3): ST0005, ST0006, ST0070,
ST0072, ST0125, ST0216, ST0217, ST0233, ST0259, ST0299, ST0384, ST0508, ST0627.

Providers and their UKPRNs are invented, except NHS trust and council names (public facts);
the courses attached to any of them are invented.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

from services.demo.organisations import NHS_TRUSTS

ProviderKind = Literal["fe_college", "university", "itp", "nhs_trust", "local_authority"]
Pattern = Literal["DT", "EV", "WE", "CS"]
Attendance = Literal["CM", "ON", "MM", "WB"]
StudyMode = Literal["FT", "PT", "FL"]
CostScheme = Literal["free", "funded_employed", "loan", "fee", "apprenticeship", "free_unemployed"]


@dataclass(frozen=True, slots=True)
class Qualification:
    """The award a course leads to (``mlo:qualification``)."""

    identifier: str | None
    title: str
    awarded_by: str | None
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class CourseTemplate:
    """One kind of course, from which each provider's own course is drawn."""

    code: str
    title: str
    subject: str
    level: str
    qualification: Qualification
    summary: str
    skills: tuple[str, ...]
    prerequisite: tuple[str, ...]
    weeks: int
    hours_per_week: float
    patterns: tuple[Pattern, ...]
    attendance: Attendance
    study_mode: StudyMode
    cost: CostScheme
    fee: int = 0
    places: tuple[int, int] = (10, 16)
    months: int | None = None  # apprenticeships: duration in months instead of weeks


# --- shared phrasing -------------------------------------------------------------------------

_ESOL_SKILLS = {
    "Entry 1": (
        "speaking and listening for everyday conversations at work",
        "saying and spelling your name, address and date of birth",
        "reading simple signs and notices, including safety signs",
        "numbers, times and dates for rotas and appointments",
        "vocabulary for the body, health and feelings",
        "asking for help and checking you have understood",
    ),
    "Entry 2": (
        "talking to patients and residents politely",
        "understanding simple instructions from a supervisor",
        "reading a short rota, menu or timetable",
        "filling in simple forms",
        "vocabulary for food, drinks and mealtimes",
        "using the telephone for simple calls",
    ),
    "Entry 3": (
        "describing what you have done and what you will do next",
        "reading short care notes and handover sheets",
        "writing short factual notes and messages",
        "understanding health and safety instructions",
        "communication skills for customer service in care settings",
        "vocabulary for personal care, dignity and consent",
    ),
    "1": (
        "taking part in team discussions and handovers",
        "reading and following care plans and policies",
        "writing clear records and incident notes",
        "speaking to families and visitors with confidence",
        "understanding safeguarding and confidentiality in plain English",
        "preparing for a job interview in health or care",
    ),
}


def _esol(level: str, identifier: str) -> CourseTemplate:
    label = f"Entry Level {level[-1]}" if level.startswith("Entry") else f"Level {level}"
    return CourseTemplate(
        code=f"ESOL-{level.replace(' ', '')}",
        title=f"ESOL for Health and Care ({label})",
        subject="English for Speakers of Other Languages",
        level=level,
        qualification=Qualification(
            identifier, f"ESOL Skills for Life ({label})", "Trinity College London", True
        ),
        summary=(
            "English for speakers of other languages, using the situations you meet working in "
            "hospitals, care homes and people's own homes."
        ),
        skills=_ESOL_SKILLS[level],
        prerequisite=(
            "An initial assessment places you at the right level. No formal qualifications "
            "needed; you must have lived in the UK for at least three years or have settled "
            "or refugee status for free tuition.",
            "Initial English assessment. Open to adults aged 19 and over.",
        ),
        weeks=30 if level.startswith("Entry") else 24,
        hours_per_week=6.0 if level != "Entry 1" else 8.0,
        patterns=("DT", "EV"),
        attendance="CM",
        study_mode="PT",
        cost="free",
        places=(12, 18),
    )


def _functional(subject: str, level: str, identifier: str) -> CourseTemplate:
    label = "Entry Level 3" if level == "Entry 3" else f"Level {level}"
    english = subject == "English"
    skills = (
        (
            "reading workplace documents and picking out key information",
            "writing emails, letters and reports with correct spelling, punctuation and grammar",
            "speaking, listening and communicating in discussions",
            "proofreading your own writing",
        )
        if english
        else (
            "working with fractions, decimals and percentages",
            "measurements, units and calculating fluid balance and doses",
            "reading charts, tables and graphs",
            "money, budgets and simple data handling",
            "solving problems in workplace contexts",
        )
    )
    return CourseTemplate(
        code=f"FS-{subject[:3].upper()}-{level.replace(' ', '')}",
        title=f"Functional Skills {subject} ({label})",
        subject=f"Functional Skills {subject}" if english else "Mathematics",
        level=level,
        qualification=Qualification(
            identifier, f"Functional Skills Qualification in {subject} at {label}", "NCFE", True
        ),
        summary=(
            f"Build the {subject.lower()} you need for work and further training. Level 2 is "
            "accepted in place of GCSE grade 4 by most NHS employers and for apprenticeships."
        ),
        skills=skills,
        prerequisite=(
            "Initial and diagnostic assessment to confirm the right level.",
            f"Assessed as working at {'Entry Level 2' if level == 'Entry 3' else 'the level below'}"
            " or above.",
        ),
        weeks=20 if level == "2" else 16,
        hours_per_week=3.0 if level != "Entry 3" else 4.0,
        patterns=("DT", "EV"),
        attendance="CM",
        study_mode="PT",
        cost="free",
        places=(10, 16),
    )


def _apprenticeship(
    code: str,
    title: str,
    level: str,
    months: int,
    subject: str,
    skills: tuple[str, ...],
    prerequisite: tuple[str, ...],
) -> CourseTemplate:
    return CourseTemplate(
        code=f"APP-{code}",
        title=f"{title} Apprenticeship (Level {level})",
        subject=subject,
        level=level,
        qualification=Qualification(code, f"{title} (Level {level} apprenticeship standard)", None),
        summary=(
            f"A paid job with training: the {title} apprenticeship standard ({code}). You work "
            "for an employer and spend at least 20% of your paid hours in off-the-job training, "
            "then take an end-point assessment."
        ),
        skills=skills,
        prerequisite=prerequisite,
        weeks=months * 52 // 12,
        hours_per_week=30.0,
        patterns=("DT",),
        attendance="WB",
        study_mode="FT",
        cost="apprenticeship",
        places=(4, 12),
        months=months,
    )


_DBS_PREREQ = "You will need an enhanced DBS check (arranged for you) before any placement."

TEMPLATES: tuple[CourseTemplate, ...] = (
    _esol("Entry 1", "603/5321/4"),
    _esol("Entry 2", "603/5322/6"),
    _esol("Entry 3", "603/5323/8"),
    _esol("1", "603/5324/X"),
    _functional("English", "Entry 3", "603/5071/7"),
    _functional("English", "1", "603/5072/9"),
    _functional("English", "2", "603/5073/0"),
    _functional("Maths", "Entry 3", "603/5081/X"),
    _functional("Maths", "1", "603/5082/1"),
    _functional("Maths", "2", "603/5083/3"),
    CourseTemplate(
        code="EDS-E3",
        title="Essential Digital Skills (Entry Level 3)",
        subject="Digital Skills",
        level="Entry 3",
        qualification=Qualification(
            "603/6189/X", "Essential Digital Skills Qualification at Entry Level 3", "NCFE", True
        ),
        summary="Get confident with computers, smartphones and the internet for work and life.",
        skills=(
            "using a computer, tablet and smartphone",
            "sending emails and attachments",
            "staying safe online and protecting passwords",
            "online forms and job applications",
            "using video calls",
        ),
        prerequisite=("No previous experience needed.",),
        weeks=12,
        hours_per_week=3.0,
        patterns=("DT", "EV"),
        attendance="CM",
        study_mode="PT",
        cost="free",
    ),
    CourseTemplate(
        code="EDS-L1",
        title="Essential Digital Skills (Level 1) with Microsoft Office",
        subject="Digital Skills",
        level="1",
        qualification=Qualification(
            "603/6190/6", "Essential Digital Skills Qualification at Level 1", "NCFE", True
        ),
        summary="Digital skills for the workplace, including Microsoft Word, Excel and Outlook.",
        skills=(
            "Microsoft Word for letters and documents",
            "Excel spreadsheets and simple formulas",
            "Outlook email and calendars",
            "accurate data entry and keyboard skills",
            "file management and online safety",
        ),
        prerequisite=("Basic computer use, or Essential Digital Skills at Entry Level 3.",),
        weeks=12,
        hours_per_week=3.0,
        patterns=("DT", "EV"),
        attendance="MM",
        study_mode="PT",
        cost="free",
    ),
    CourseTemplate(
        code="CARE-CERT",
        title="The Care Certificate",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification(
            None, "Care Certificate (15 standards; non-regulated, Skills for Care)", None
        ),
        summary=(
            "The 15 standards every new health and social care worker is expected to meet, "
            "with workbook and observed practice."
        ),
        skills=(
            "duty of care and person-centred care",
            "communication, privacy and dignity",
            "safeguarding adults and children",
            "infection prevention and control",
            "moving and handling and health and safety",
            "fluids and nutrition",
            "awareness of mental health, dementia and learning disabilities",
            "basic life support",
            "handling information and confidentiality",
            "equality and diversity",
        ),
        prerequisite=(
            "Working in, or about to start, a health or care role.",
            "English at Entry Level 3 or above.",
        ),
        weeks=12,
        hours_per_week=4.0,
        patterns=("DT", "CS"),
        attendance="MM",
        study_mode="PT",
        cost="free",
    ),
    CourseTemplate(
        code="DIP-CARE-L2",
        title="Level 2 Diploma in Care",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification("603/2611/6", "Diploma in Care (Level 2)", "NCFE/CACHE"),
        summary="The recognised qualification for care workers, assessed in your workplace.",
        skills=(
            "person-centred care and personal care",
            "safeguarding and protection",
            "infection prevention and control",
            "moving and positioning individuals",
            "communication and record keeping",
            "health, safety and medication awareness",
            "supporting people living with dementia",
        ),
        prerequisite=(
            "Employed or volunteering in a care role for at least 16 hours a week.",
            "Care Certificate completed or in progress.",
        ),
        weeks=40,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="WB",
        study_mode="PT",
        cost="funded_employed",
        places=(8, 20),
    ),
    CourseTemplate(
        code="DIP-ADULT-L3",
        title="Level 3 Diploma in Adult Care",
        subject="Health and Social Care",
        level="3",
        qualification=Qualification("610/0498/4", "Diploma in Adult Care (Level 3)", "NCFE/CACHE"),
        summary="For experienced care workers moving into senior and lead roles.",
        skills=(
            "leading person-centred practice",
            "safe handling and administration of medication",
            "care planning and risk assessment",
            "safeguarding and duty of care",
            "supervising and supporting others",
            "continuous professional development",
        ),
        prerequisite=(
            "Working in adult social care; Level 2 Diploma in Care or equivalent experience.",
            "English and maths at Level 1 or above.",
        ),
        weeks=52,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="WB",
        study_mode="PT",
        cost="loan",
        fee=1900,
        places=(8, 16),
    ),
    CourseTemplate(
        code="MEDS-L2",
        title="Level 2 Certificate in Understanding the Safe Handling of Medicines",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification(
            "501/0037/3",
            "Certificate in Understanding the Safe Handling of Medicines",
            "NCFE/CACHE",
        ),
        summary="Distance learning course on medicines in care settings.",
        skills=(
            "legislation and policy on medicines",
            "receiving, storing and disposing of medicines",
            "administering medication and MAR charts",
            "recording and reporting medication errors",
        ),
        prerequisite=("Aged 19 or over; English at Level 1 recommended.",),
        weeks=10,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 40),
    ),
    CourseTemplate(
        code="DEMENTIA-L2",
        title="Level 2 Award in Awareness of Dementia",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification("600/3095/1", "Award in Awareness of Dementia", "NCFE/CACHE"),
        summary="Understand dementia and how to support people living with it.",
        skills=(
            "types and causes of dementia",
            "person-centred approaches to dementia care",
            "communication with people living with dementia",
            "supporting families and carers",
        ),
        prerequisite=("No formal entry requirements.",),
        weeks=8,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 40),
    ),
    CourseTemplate(
        code="MH-L2",
        title="Level 2 Certificate in Mental Health Awareness",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification(
            "600/6134/0", "Certificate in Mental Health Awareness", "NCFE/CACHE"
        ),
        summary="Learn about mental health conditions and how to support people well.",
        skills=(
            "common mental health conditions",
            "stigma and discrimination",
            "supporting recovery and wellbeing",
            "looking after your own mental health at work",
        ),
        prerequisite=("No formal entry requirements.",),
        weeks=10,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 40),
    ),
    CourseTemplate(
        code="AUTISM-L2",
        title="Level 2 Certificate in Understanding Autism",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification(
            "601/6330/6", "Certificate in Understanding Autism", "NCFE/CACHE"
        ),
        summary="Understand autism and how to support autistic people at work and in care.",
        skills=(
            "the autism spectrum and sensory differences",
            "person-centred support for autistic people",
            "communication and positive behaviour support",
        ),
        prerequisite=("No formal entry requirements.",),
        weeks=10,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 40),
    ),
    CourseTemplate(
        code="MOVING-L2",
        title="Level 2 Certificate in Assisting and Moving Individuals for a Social Care Setting",
        subject="Health and Social Care",
        level="2",
        qualification=Qualification(
            "601/7428/6",
            "Certificate in Assisting and Moving Individuals for a Social Care Setting",
            "TQUK",
        ),
        summary="Theory and practice of safe moving and handling of people.",
        skills=(
            "moving and handling of people using hoists and slide sheets",
            "risk assessment before moving and positioning",
            "anatomy and physiology of the back",
            "preventing falls and pressure damage",
        ),
        prerequisite=("Working or volunteering in care is helpful but not required.",),
        weeks=6,
        hours_per_week=4.0,
        patterns=("DT",),
        attendance="MM",
        study_mode="PT",
        cost="free",
    ),
    CourseTemplate(
        code="MOVING-DAY",
        title="Moving and Handling of People (practical)",
        subject="Health and Safety",
        level="1",
        qualification=Qualification(None, "Certificate of attendance (non-regulated)", None),
        summary="A practical half-day session with hoists, slings and slide sheets.",
        skills=(
            "safer people handling techniques",
            "using hoists, slings and slide sheets",
            "manual handling of loads and posture",
        ),
        prerequisite=("None.",),
        weeks=1,
        hours_per_week=3.5,
        patterns=("DT", "WE"),
        attendance="CM",
        study_mode="PT",
        cost="fee",
        fee=45,
        places=(8, 12),
    ),
    CourseTemplate(
        code="FOODSAFE-HSC",
        title="Level 2 Award in Food Safety in Health and Social Care",
        subject="Food Safety",
        level="2",
        qualification=Qualification(
            "600/2540/2",
            "Award in Food Safety in Health and Social Care and Early Years and Childcare Settings",
            "NCFE/CACHE",
        ),
        summary="Food hygiene for people who prepare or serve food in care settings.",
        skills=(
            "food hygiene and personal hygiene",
            "food safety hazards and temperature control",
            "allergens and special diets",
            "cleaning and pest control in kitchens",
        ),
        prerequisite=("None.",),
        weeks=1,
        hours_per_week=7.0,
        patterns=("DT",),
        attendance="CM",
        study_mode="PT",
        cost="free_unemployed",
        fee=65,
        places=(10, 16),
    ),
    CourseTemplate(
        code="FOODSAFE-CAT",
        title="Level 2 Award in Food Safety in Catering",
        subject="Food Safety",
        level="2",
        qualification=Qualification(
            "603/2645/4", "Award in Food Safety in Catering", "Highfield", True
        ),
        summary="The food hygiene certificate catering employers ask for.",
        skills=(
            "food hygiene law and responsibilities",
            "HACCP and temperature control",
            "allergen management",
            "safe cleaning and use of chemicals (COSHH)",
        ),
        prerequisite=("None.",),
        weeks=1,
        hours_per_week=7.0,
        patterns=("DT", "WE"),
        attendance="CM",
        study_mode="PT",
        cost="fee",
        fee=75,
        places=(10, 16),
    ),
    CourseTemplate(
        code="EFAW",
        title="Emergency First Aid at Work (Level 3 Award)",
        subject="First Aid",
        level="3",
        qualification=Qualification(
            "603/2122/3", "Award in Emergency First Aid at Work", "Qualsafe Awards", True
        ),
        summary="One-day first aid course meeting Health and Safety Executive guidance.",
        skills=(
            "basic life support and CPR",
            "using a defibrillator (AED)",
            "managing choking, bleeding and shock",
            "recovery position and incident reporting",
        ),
        prerequisite=("Aged 16 or over.",),
        weeks=1,
        hours_per_week=6.0,
        patterns=("DT", "WE"),
        attendance="CM",
        study_mode="PT",
        cost="fee",
        fee=95,
        places=(8, 12),
    ),
    CourseTemplate(
        code="IPC-SAFEGUARD",
        title="Infection Prevention and Safeguarding for New Starters",
        subject="Health and Social Care",
        level="1",
        qualification=Qualification(None, "Certificate of attendance (non-regulated)", None),
        summary="Short online course covering two topics every new care worker needs.",
        skills=(
            "hand hygiene and personal protective equipment (PPE)",
            "infection prevention and control",
            "recognising and reporting abuse and neglect",
            "safeguarding adults and children",
        ),
        prerequisite=("None.",),
        weeks=2,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 60),
    ),
    CourseTemplate(
        code="CUSTSERV-L2",
        title="Level 2 Certificate in Principles of Customer Service",
        subject="Customer Service",
        level="2",
        qualification=Qualification(
            "603/2931/2", "Certificate in Principles of Customer Service", "NCFE", True
        ),
        summary="Customer service skills for reception, admin and patient-facing roles.",
        skills=(
            "customer service and telephone skills",
            "dealing with complaints and difficult situations",
            "communication and teamwork",
            "data protection and confidentiality",
        ),
        prerequisite=("English at Entry Level 3 or above.",),
        weeks=10,
        hours_per_week=3.0,
        patterns=("CS",),
        attendance="ON",
        study_mode="FL",
        cost="free",
        places=(20, 40),
    ),
    CourseTemplate(
        code="ROUTE-HCSW",
        title="Routeway into Healthcare Support Worker Roles",
        subject="Health and Social Care",
        level="1",
        qualification=Qualification(
            None, "Certificate of completion with guaranteed interview (non-regulated)", None
        ),
        summary=(
            "A pre-employment programme run with {trust}: classroom learning, a short ward "
            "placement and a guaranteed interview for Healthcare Support Worker vacancies."
        ),
        skills=(
            "Care Certificate standards",
            "personal care and dignity",
            "basic observations: temperature, pulse and blood pressure",
            "moving and handling of patients",
            "infection prevention and control",
            "safeguarding",
            "communication with patients and families",
            "CV writing and interview practice",
        ),
        prerequisite=(
            "Unemployed adults aged 19 and over, referred by Jobcentre Plus or the council.",
            "English at Entry Level 3 or above. " + _DBS_PREREQ,
        ),
        weeks=4,
        hours_per_week=25.0,
        patterns=("DT",),
        attendance="CM",
        study_mode="FT",
        cost="free",
        places=(12, 16),
    ),
    CourseTemplate(
        code="ROUTE-FACILITIES",
        title="Routeway into Hospital Portering, Domestic and Catering Roles",
        subject="Facilities Services",
        level="1",
        qualification=Qualification(
            None, "Certificate of completion with guaranteed interview (non-regulated)", None
        ),
        summary=(
            "Two weeks with {trust}'s facilities teams, then a guaranteed interview for porter, "
            "domestic and catering vacancies."
        ),
        skills=(
            "manual handling",
            "infection control and cleaning standards",
            "COSHH and safe use of chemicals",
            "food hygiene",
            "customer service in a hospital",
            "moving patients in wheelchairs and beds safely",
        ),
        prerequisite=("Unemployed adults aged 19 and over. " + _DBS_PREREQ,),
        weeks=2,
        hours_per_week=25.0,
        patterns=("DT",),
        attendance="CM",
        study_mode="FT",
        cost="free",
        places=(10, 16),
    ),
    CourseTemplate(
        code="ROUTE-ADMIN",
        title="Routeway into NHS Administration and Reception",
        subject="Business Administration",
        level="1",
        qualification=Qualification(
            None, "Certificate of completion with guaranteed interview (non-regulated)", None
        ),
        summary=(
            "Office skills for healthcare, delivered with {trust}, ending in a guaranteed "
            "interview for clerical and receptionist vacancies."
        ),
        skills=(
            "Microsoft Office: Word, Excel and Outlook",
            "accurate data entry",
            "telephone skills and customer service",
            "confidentiality and information governance",
            "medical terminology basics",
        ),
        prerequisite=("Unemployed adults aged 19 and over with English at Level 1.",),
        weeks=3,
        hours_per_week=20.0,
        patterns=("DT",),
        attendance="CM",
        study_mode="FT",
        cost="free",
        places=(10, 14),
    ),
    CourseTemplate(
        code="ROUTE-CARE",
        title="Sector-based Work Academy: Adult Social Care",
        subject="Health and Social Care",
        level="1",
        qualification=Qualification(
            None, "Certificate of completion with guaranteed interview (non-regulated)", None
        ),
        summary=(
            "Pre-employment training, a work placement with a local care provider and a "
            "guaranteed interview for care worker jobs."
        ),
        skills=(
            "personal care",
            "dementia awareness",
            "safeguarding",
            "moving and handling",
            "food hygiene",
            "values and behaviours in care",
        ),
        prerequisite=("Claiming benefits and referred by your Jobcentre Plus work coach.",),
        weeks=3,
        hours_per_week=24.0,
        patterns=("DT",),
        attendance="CM",
        study_mode="FT",
        cost="free",
        places=(10, 16),
    ),
    CourseTemplate(
        code="HCSW-SKILLS",
        title="Clinical Skills for Healthcare Support Workers",
        subject="Health and Social Care",
        level="3",
        qualification=Qualification(None, "Certificate of attendance (non-regulated)", None),
        summary="Short course for support workers taking on delegated clinical tasks.",
        skills=(
            "venepuncture",
            "recording a 12-lead ECG",
            "NEWS2 observations and escalation",
            "blood glucose monitoring",
        ),
        prerequisite=("Currently employed as a healthcare support worker.",),
        weeks=2,
        hours_per_week=7.5,
        patterns=("DT",),
        attendance="CM",
        study_mode="PT",
        cost="fee",
        fee=120,
        places=(8, 12),
    ),
    CourseTemplate(
        code="ACCESS-HP",
        title="Access to Higher Education Diploma (Health Professions)",
        subject="Health and Social Care",
        level="3",
        qualification=Qualification(
            None,
            "Access to HE Diploma (Health Professions), QAA-recognised",
            "Open College Network",
        ),
        summary="A one-year route into nursing, midwifery and allied health degrees.",
        skills=(
            "biology and human physiology",
            "academic writing and study skills",
            "psychology and sociology of health",
            "maths for health professionals",
        ),
        prerequisite=("Aged 19 or over; English and maths at Level 2 (GCSE grade 4).",),
        weeks=34,
        hours_per_week=15.0,
        patterns=("DT", "EV"),
        attendance="CM",
        study_mode="PT",
        cost="loan",
        fee=3200,
    ),
    _apprenticeship(
        "ST0216",
        "Healthcare Support Worker",
        "2",
        12,
        "Health and Social Care",
        (
            "personal care and dignity",
            "clinical observations",
            "infection prevention and control",
            "moving and handling",
            "person-centred care and communication",
            "Care Certificate standards",
        ),
        (
            "Employed as a healthcare support worker. English and maths at Level 1; Level 2 "
            "taken during the apprenticeship if needed.",
        ),
    ),
    _apprenticeship(
        "ST0217",
        "Senior Healthcare Support Worker",
        "3",
        18,
        "Health and Social Care",
        (
            "delegated clinical skills",
            "supervising and teaching others",
            "care planning and record keeping",
            "safeguarding",
        ),
        ("Employed in a clinical support role; English and maths at Level 2 or working towards.",),
    ),
    _apprenticeship(
        "ST0299",
        "Pharmacy Services Assistant",
        "2",
        12,
        "Pharmacy",
        (
            "dispensing and assembling medicines",
            "stock control and rotation",
            "pharmacy law, ethics and confidentiality",
            "customer service in pharmacy",
        ),
        ("Employed in a pharmacy team; English and maths at Level 1.",),
    ),
    _apprenticeship(
        "ST0070",
        "Business Administrator",
        "3",
        18,
        "Business Administration",
        (
            "Microsoft Office and digital skills",
            "data entry and record keeping",
            "project and meeting administration",
            "communication and customer service",
        ),
        ("Employed in an administrative role; GCSE English and maths grade 4 preferred.",),
    ),
    _apprenticeship(
        "ST0072",
        "Customer Service Practitioner",
        "2",
        12,
        "Customer Service",
        (
            "customer service and complaint handling",
            "telephone and face-to-face communication",
            "data protection",
            "teamwork",
        ),
        ("Employed in a customer-facing role, for example reception or patient services.",),
    ),
    _apprenticeship(
        "ST0125",
        "Infrastructure Technician",
        "3",
        12,
        "Information Technology",
        (
            "IT support and troubleshooting",
            "networks and devices",
            "Microsoft 365 and user accounts",
            "cyber security basics",
        ),
        ("Employed in an IT support role; GCSE maths and English grade 4 or Level 2.",),
    ),
    _apprenticeship(
        "ST0005",
        "Adult Care Worker",
        "2",
        12,
        "Health and Social Care",
        (
            "personal care",
            "safeguarding",
            "communication",
            "moving and handling",
            "Care Certificate standards",
        ),
        ("Employed as a care worker for at least 30 hours a week.",),
    ),
    _apprenticeship(
        "ST0006",
        "Lead Adult Care Worker",
        "3",
        18,
        "Health and Social Care",
        (
            "care planning",
            "medication administration",
            "leading and supervising others",
            "safeguarding and risk assessment",
        ),
        ("Employed in a senior care role; Level 2 in adult care or equivalent experience.",),
    ),
    _apprenticeship(
        "ST0259",
        "Supply Chain Warehouse Operative",
        "2",
        12,
        "Warehousing and Logistics",
        (
            "receiving, storing and picking stock",
            "stock control systems and handheld scanners",
            "manual handling and health and safety",
        ),
        ("Employed in a stores or warehouse role.",),
    ),
    _apprenticeship(
        "ST0233",
        "Hospitality Team Member",
        "2",
        12,
        "Hospitality and Catering",
        (
            "food safety and allergens",
            "food preparation and service",
            "customer service",
        ),
        ("Employed in a catering or hospitality role.",),
    ),
    _apprenticeship(
        "ST0627",
        "Ambulance Support Worker",
        "3",
        13,
        "Health and Social Care",
        (
            "safe driving of ambulance vehicles",
            "patient moving and handling",
            "first aid and basic life support",
            "communication with patients",
        ),
        ("Employed by an ambulance service; full UK driving licence.",),
    ),
    _apprenticeship(
        "ST0384",
        "Team Leader / Supervisor",
        "3",
        12,
        "Management",
        (
            "leading and motivating a team",
            "rotas and workload planning",
            "managing performance and difficult conversations",
        ),
        ("Employed as a supervisor or team leader, or about to become one.",),
    ),
    _apprenticeship(
        "ST0508",
        "Nursing Associate",
        "5",
        24,
        "Nursing",
        (
            "person-centred nursing care",
            "medicines management",
            "clinical skills and assessment",
            "safeguarding and accountability",
        ),
        (
            "Employed in a care or clinical role; English and maths at Level 2 (GCSE grade 4) "
            "and evidence of study at Level 3.",
        ),
    ),
)

TEMPLATE_BY_CODE: dict[str, CourseTemplate] = {t.code: t for t in TEMPLATES}

# Which templates each kind of provider offers, and how likely each one is.
_ESOL_FS = tuple(t.code for t in TEMPLATES if t.code.startswith(("ESOL", "FS-")))
OFFER: dict[ProviderKind, tuple[tuple[str, float], ...]] = {
    "fe_college": (
        *((code, 0.9) for code in _ESOL_FS),
        ("EDS-E3", 0.6),
        ("EDS-L1", 0.7),
        ("CARE-CERT", 0.6),
        ("DIP-CARE-L2", 0.7),
        ("DIP-ADULT-L3", 0.6),
        ("MEDS-L2", 0.4),
        ("DEMENTIA-L2", 0.4),
        ("MH-L2", 0.4),
        ("FOODSAFE-CAT", 0.4),
        ("EFAW", 0.3),
        ("CUSTSERV-L2", 0.4),
        ("ROUTE-HCSW", 0.6),
        ("ROUTE-ADMIN", 0.4),
        ("ACCESS-HP", 0.7),
        ("APP-ST0216", 0.5),
        ("APP-ST0217", 0.3),
        ("APP-ST0070", 0.6),
        ("APP-ST0072", 0.4),
        ("APP-ST0125", 0.5),
        ("APP-ST0005", 0.4),
        ("APP-ST0233", 0.3),
    ),
    "local_authority": (
        *((code, 0.75) for code in _ESOL_FS),
        ("EDS-E3", 0.9),
        ("EDS-L1", 0.8),
        ("FOODSAFE-HSC", 0.5),
        ("ROUTE-CARE", 0.8),
        ("ROUTE-FACILITIES", 0.5),
        ("IPC-SAFEGUARD", 0.5),
        ("EFAW", 0.3),
    ),
    "itp": (
        ("CARE-CERT", 0.8),
        ("DIP-CARE-L2", 0.8),
        ("DIP-ADULT-L3", 0.7),
        ("MEDS-L2", 0.6),
        ("DEMENTIA-L2", 0.6),
        ("MH-L2", 0.5),
        ("AUTISM-L2", 0.5),
        ("MOVING-L2", 0.5),
        ("MOVING-DAY", 0.6),
        ("FOODSAFE-HSC", 0.5),
        ("FOODSAFE-CAT", 0.4),
        ("EFAW", 0.6),
        ("IPC-SAFEGUARD", 0.5),
        ("ROUTE-CARE", 0.5),
        ("APP-ST0005", 0.7),
        ("APP-ST0006", 0.5),
        ("APP-ST0216", 0.4),
        ("APP-ST0259", 0.3),
        ("APP-ST0384", 0.4),
        ("APP-ST0072", 0.3),
    ),
    "nhs_trust": (
        ("CARE-CERT", 0.9),
        ("ROUTE-HCSW", 0.9),
        ("ROUTE-FACILITIES", 0.7),
        ("ROUTE-ADMIN", 0.6),
        ("HCSW-SKILLS", 0.6),
        ("MOVING-DAY", 0.5),
        ("APP-ST0216", 0.9),
        ("APP-ST0217", 0.7),
        ("APP-ST0299", 0.7),
        ("APP-ST0070", 0.5),
        ("APP-ST0125", 0.3),
        ("APP-ST0627", 0.2),
        ("APP-ST0259", 0.3),
    ),
    "university": (
        ("APP-ST0508", 1.0),
        ("APP-ST0217", 0.6),
        ("HCSW-SKILLS", 0.6),
        ("ACCESS-HP", 0.3),
        ("MH-L2", 0.3),
    ),
}


@dataclass(frozen=True, slots=True)
class Provider:
    """A course provider, its UKPRN, the towns of its venues and the NHS trusts near it."""

    name: str
    kind: ProviderKind
    towns: tuple[str, ...]
    area: str

    @property
    def ukprn(self) -> str:
        """An invented, stable 8-digit UK Provider Reference Number (10000000-10099999)."""
        return str(10_000_000 + zlib.crc32(self.name.encode("utf-8")) % 100_000)

    @property
    def website(self) -> str:
        """A made-up site under ``example.org.uk``."""
        slug = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        return f"https://{slug}.example.org.uk"


_TRUST_AREAS: dict[str, str] = {
    "University Hospitals Birmingham NHS Foundation Trust": "birmingham",
    "Sandwell and West Birmingham Hospitals NHS Trust": "birmingham",
    "Birmingham Community Healthcare NHS Foundation Trust": "birmingham",
    "University Hospitals Coventry and Warwickshire NHS Trust": "coventry",
    "George Eliot Hospital NHS Trust": "coventry",
    "The Royal Wolverhampton NHS Trust": "wolverhampton",
    "Walsall Healthcare NHS Trust": "walsall",
    "The Dudley Group NHS Foundation Trust": "dudley",
    "Worcestershire Acute Hospitals NHS Trust": "worcestershire",
    "Norfolk and Norwich University Hospitals NHS Foundation Trust": "norfolk",
    "James Paget University Hospitals NHS Foundation Trust": "norfolk",
}

PROVIDERS: tuple[Provider, ...] = (
    # Further education colleges (invented)
    Provider("Eastside Birmingham College", "fe_college", ("Birmingham",), "birmingham"),
    Provider("Aston Vale College", "fe_college", ("Birmingham", "Sutton Coldfield"), "birmingham"),
    Provider("Sandwell Valley College", "fe_college", ("West Bromwich", "Oldbury"), "birmingham"),
    Provider("Solihull and Chelmsley College", "fe_college", ("Solihull", "Chelmsley Wood"), "birmingham"),
    Provider("Coventry Riverside College", "fe_college", ("Coventry",), "coventry"),
    Provider("North Warwickshire Skills College", "fe_college", ("Nuneaton", "Bedworth"), "coventry"),
    Provider("Wolverhampton Metropolitan College", "fe_college", ("Wolverhampton", "Bilston"), "wolverhampton"),
    Provider("Walsall Arboretum College", "fe_college", ("Walsall", "Willenhall"), "walsall"),
    Provider("Dudley Castle College", "fe_college", ("Dudley", "Brierley Hill"), "dudley"),
    Provider("Stourbridge and Halesowen College", "fe_college", ("Stourbridge", "Halesowen"), "dudley"),
    Provider("Severn Valley College", "fe_college", ("Worcester", "Malvern"), "worcestershire"),
    Provider("North Worcestershire College", "fe_college", ("Redditch", "Bromsgrove", "Kidderminster"), "worcestershire"),
    Provider("Norwich Riverside College", "fe_college", ("Norwich",), "norfolk"),
    Provider("Yarmouth and Waveney Coastal College", "fe_college", ("Great Yarmouth", "Lowestoft"), "norfolk"),
    # Universities (invented)
    Provider("Edgbaston Health University", "university", ("Birmingham",), "birmingham"),
    Provider("Coventry Spires University", "university", ("Coventry",), "coventry"),
    Provider("University of the Black Country", "university", ("Wolverhampton", "Walsall"), "wolverhampton"),
    Provider("Severn University", "university", ("Worcester",), "worcestershire"),
    Provider("University of East Norfolk", "university", ("Norwich",), "norfolk"),
    # Independent training providers (invented)
    Provider("CareSkills Training Partnership", "itp", ("Birmingham", "Sutton Coldfield"), "birmingham"),
    Provider("Safe Hands First Aid and Care Training", "itp", ("Birmingham", "Solihull"), "birmingham"),
    Provider("Spires Apprenticeships", "itp", ("Coventry", "Rugby"), "coventry"),
    Provider("Black Country Training Academy", "itp", ("Dudley", "Tipton"), "dudley"),
    Provider("Heartland Health and Care Training", "itp", ("Walsall", "Cannock"), "walsall"),
    Provider("Key Skills Workplace Learning", "itp", ("Wolverhampton",), "wolverhampton"),
    Provider("First Steps Health Training", "itp", ("Worcester", "Evesham"), "worcestershire"),
    Provider("Norfolk Care Academy", "itp", ("Norwich", "Dereham"), "norfolk"),
    Provider("Anglia Workforce Skills", "itp", ("Norwich", "Great Yarmouth"), "norfolk"),
    # NHS trusts as employer-providers (real names)
    *(
        Provider(trust.name, "nhs_trust", trust.towns[:2], _TRUST_AREAS[trust.name])
        for trust in NHS_TRUSTS
        if trust.name in _TRUST_AREAS
    ),
    # Local authority adult learning services
    Provider("Birmingham Adult Education Service", "local_authority", ("Birmingham", "Sutton Coldfield"), "birmingham"),
    Provider("Coventry Adult Education Service", "local_authority", ("Coventry",), "coventry"),
    Provider("Wolverhampton Adult Education Service", "local_authority", ("Wolverhampton",), "wolverhampton"),
    Provider("Walsall Adult Community Learning", "local_authority", ("Walsall",), "walsall"),
    Provider("Dudley Adult Learning Service", "local_authority", ("Dudley", "Stourbridge"), "dudley"),
    Provider("Worcestershire Adult Learning", "local_authority", ("Worcester", "Kidderminster"), "worcestershire"),
    Provider("Norfolk Adult Learning", "local_authority", ("Norwich", "Great Yarmouth"), "norfolk"),
)  # fmt: skip


def trusts_near(area: str) -> tuple[str, ...]:
    """NHS trusts (names) that run routeways with providers in ``area``."""
    return tuple(name for name, trust_area in _TRUST_AREAS.items() if trust_area == area)
