"""Advert templates for the demo vacancies: entry-level NHS and social-care roles and the next
steps above them.

Written for Routeway (not copied from any advert). Each requirement is a *slot* with several
phrasings, so the same skill turns up worded in different ways across the feed, which gives
skill extraction something real to do. Pay follows Agenda for Change 2025/26 for NHS bands
(band 2 £24,465; band 3 £24,937-£26,598; band 4 £27,485-£30,162) and hourly rates at or
above the April 2025 National Living Wage (£12.21) for care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from services.demo.organisations import EmployerKind

Phrasings = tuple[str, ...]
SalaryUnit = Literal["YEAR", "HOUR"]


@dataclass(frozen=True, slots=True)
class Pay:
    """A pay range, and the AfC band when it is an NHS one."""

    low: float
    high: float
    unit: SalaryUnit
    band: int | None = None


def afc(band: int) -> Pay:
    """Agenda for Change 2025/26 range for ``band``."""
    low, high = {2: (24465.0, 24465.0), 3: (24937.0, 26598.0), 4: (27485.0, 30162.0)}[band]
    return Pay(low, high, "YEAR", band)


@dataclass(frozen=True, slots=True)
class Variant:
    """Titles, summaries and extra duties for one setting (care home, home care ...) of a role."""

    titles: tuple[str, ...]
    summary: Phrasings
    duties: Phrasings = ()


ALL_CARE_SETTINGS = ("home_care", "care_home", "supported_living")


@dataclass(frozen=True, slots=True)
class Role:
    """One kind of job: titles, who advertises it, pay, hours and the advert's building blocks.

    ``variants`` is keyed by an employer's ``setting`` or ``kind``; the first that matches
    replaces ``titles`` and ``summary`` and adds its duties. ``care_settings`` limits which
    care providers advertise the role (a home care agency has no kitchen).
    """

    key: str
    weight: int
    titles: tuple[str, ...]
    employers: tuple[EmployerKind, ...]
    pay: dict[EmployerKind, Pay]
    hours: tuple[float, ...]
    summary: Phrasings
    duties: Phrasings
    essential: tuple[Phrasings, ...]
    desirable: tuple[Phrasings, ...]
    variants: dict[str, Variant] = field(default_factory=dict)
    care_settings: tuple[str, ...] = ALL_CARE_SETTINGS


# --- requirement slots shared by many roles -------------------------------------------------

ENGLISH_MATHS_L2: Phrasings = (
    "GCSE English and maths at grade 4 (C) or above, or Functional Skills Level 2",
    "English and maths at Level 2 (GCSE grade C/4 or equivalent)",
    "Good standard of English and maths (GCSE 9-4 / A*-C or Level 2 Functional Skills)",
)
ENGLISH_MATHS_L1: Phrasings = (
    "English and maths at Level 1, or willingness to work towards Level 1 Functional Skills",
    "Basic literacy and numeracy (Functional Skills Level 1 or equivalent)",
    "Able to read, write and follow instructions in English; basic maths for recording",
    "Entry Level 3 English and maths or above (support to progress is available)",
)
DBS_ENHANCED: Phrasings = (
    "Willingness to undergo an enhanced DBS check",
    "Satisfactory enhanced DBS check with barred list (we will apply for this)",
    "An enhanced Disclosure and Barring Service (DBS) check is required for this post",
)
DBS_BASIC: Phrasings = (
    "Willingness to undergo a basic DBS check",
    "Satisfactory standard DBS check",
)
SAFEGUARDING: Phrasings = (
    "Understanding of safeguarding adults and children",
    "Awareness of safeguarding and how to raise a concern",
    "Knowledge of safeguarding vulnerable adults",
)
INFECTION_CONTROL: Phrasings = (
    "Understanding of infection prevention and control, including hand hygiene and PPE",
    "Awareness of infection control procedures",
    "Knowledge of infection prevention and control standards",
)
MOVING_HANDLING: Phrasings = (
    "Moving and handling training, including hoists and slide sheets (or willing to be trained)",
    "Able to carry out safe moving and handling of patients",
    "Safer people handling experience",
)
MANUAL_HANDLING: Phrasings = (
    "Able to carry out manual handling of heavy loads safely (training given)",
    "Physically fit for lifting, pushing and pulling; manual handling training provided",
    "Manual handling awareness",
)
CUSTOMER_SERVICE: Phrasings = (
    "Customer service experience, in person or on the telephone",
    "Excellent customer service skills and a polite telephone manner",
    "Experience of dealing with the public",
)
COMMUNICATION: Phrasings = (
    "Good verbal and written communication skills",
    "Able to communicate clearly and kindly with patients, relatives and colleagues",
    "Good listening and communication skills",
)
TEAMWORK: Phrasings = (
    "Able to work as part of a team and on your own initiative",
    "A reliable team player",
    "Works well in a busy team",
)
COMPUTER: Phrasings = (
    "Competent in Microsoft Office (Word, Excel and Outlook)",
    "IT skills: email, Word and Excel",
    "Confident using computers and Microsoft 365",
    "Keyboard skills and accurate data entry",
)
DATA_ENTRY: Phrasings = (
    "Accurate data entry and attention to detail",
    "Experience of inputting data onto computer systems accurately",
    "Typing speed of around 35 words per minute",
)
CARE_CERTIFICATE: Phrasings = (
    "Care Certificate, or willingness to complete it within 12 weeks of starting",
    "Completion of the Care Certificate (training provided for new starters)",
    "Care Certificate or NVQ/Diploma Level 2 in Health and Social Care",
)
FOOD_HYGIENE: Phrasings = (
    "Level 2 Food Hygiene certificate (or willing to obtain)",
    "Level 2 Award in Food Safety in Catering",
    "Basic food hygiene training",
)
DRIVING_B: Phrasings = (
    "Full UK driving licence (category B) held for at least 12 months",
    "Full manual UK driving licence",
    "Car driver with a full UK licence and access to a vehicle for work",
)
CONFIDENTIALITY: Phrasings = (
    "Understanding of confidentiality and data protection (GDPR)",
    "Ability to handle confidential information with discretion",
)
VALUES_NHS: Phrasings = (
    "Commitment to the NHS values: compassion, respect and dignity",
    "Shares our values of kindness, respect and teamwork",
)
VALUES_CARE: Phrasings = (
    "A kind, patient and caring nature",
    "Genuine wish to make a difference to people's lives",
    "Respect for people's dignity, choices and independence",
)
RIGHT_TO_WORK: Phrasings = ("Right to work in the UK",)
NO_EXPERIENCE: Phrasings = (
    "No previous experience needed: full training is given",
    "Experience not essential; we will train you",
)
PERSONAL_CARE: Phrasings = (
    "Experience of personal care (washing, dressing, toileting) in a paid or unpaid role",
    "Experience of supporting people with personal care",
)
DEMENTIA: Phrasings = (
    "Dementia awareness",
    "Experience of supporting people living with dementia",
)
FIRST_AID: Phrasings = (
    "First aid certificate (Emergency First Aid at Work)",
    "Basic life support training",
)
MEDICATION: Phrasings = (
    "Trained in safe handling and administration of medication",
    "Level 2 Certificate in the Safe Handling of Medicines",
)
DIPLOMA_L2: Phrasings = (
    "Level 2 Diploma in Care (or NVQ Level 2 in Health and Social Care)",
    "Level 2 qualification in health and social care",
)
DIPLOMA_L3: Phrasings = (
    "Level 3 Diploma in Adult Care, or willing to work towards it",
    "NVQ/Diploma Level 3 in Health and Social Care",
    "Level 3 qualification in health, care or a related subject",
)
TIME_MANAGEMENT: Phrasings = (
    "Good organisation and time management",
    "Able to prioritise a busy workload",
)
COSHH: Phrasings = (
    "Knowledge of COSHH and safe use of cleaning chemicals",
    "Understanding of Control of Substances Hazardous to Health (COSHH)",
)
MEDICAL_TERMS: Phrasings = (
    "Knowledge of medical terminology",
    "Familiarity with medical terms and NHS systems",
)
SYSTEMONE: Phrasings = (
    "Experience of SystmOne, EMIS or another clinical system",
    "Experience of a patient administration system",
)

# --- the roles ------------------------------------------------------------------------------

ROLES: tuple[Role, ...] = (
    Role(
        key="healthcare_support_worker",
        weight=14,
        titles=(
            "Healthcare Support Worker",
            "Healthcare Assistant",
            "Clinical Support Worker",
            "Nursing Assistant",
            "Healthcare Support Worker - Nights",
            "Healthcare Support Worker (Bank)",
        ),
        employers=("nhs_trust",),
        pay={"nhs_trust": afc(2)},
        hours=(37.5, 37.5, 30.0, 22.5, 15.0),
        summary=(
            "Join our ward team as a Healthcare Support Worker and help nurses give safe, "
            "kind care to adult inpatients.",
            "We are looking for caring people to work as Healthcare Assistants on our busy "
            "medical wards. No previous experience is needed: full training, including the "
            "Care Certificate, is provided.",
            "An opportunity for a compassionate Clinical Support Worker to join our "
            "outpatient and day-case team.",
        ),
        duties=(
            "Help patients with personal care: washing, dressing, eating and drinking",
            "Take and record observations (temperature, pulse, blood pressure, oxygen "
            "saturation) and report changes to the nurse in charge",
            "Support patients to move safely using hoists, slide sheets and other equipment",
            "Keep accurate records of fluid balance and food charts",
            "Follow infection prevention and control procedures, including hand hygiene and PPE",
            "Make beds and keep the bed space clean, tidy and safe",
            "Support patients living with dementia and their families",
            "Escort patients to other departments",
            "Restock clinical supplies and check equipment",
            "Respond to call bells and help keep patients comfortable",
            "Collect specimens and label them correctly",
        ),
        essential=(
            ENGLISH_MATHS_L1,
            COMMUNICATION,
            VALUES_NHS,
            CARE_CERTIFICATE,
            INFECTION_CONTROL,
            DBS_ENHANCED,
            TEAMWORK,
        ),
        desirable=(
            PERSONAL_CARE,
            MOVING_HANDLING,
            DEMENTIA,
            ("Experience in a hospital or care setting",),
            ("Experience of recording observations",),
        ),
    ),
    Role(
        key="senior_healthcare_support_worker",
        weight=5,
        titles=(
            "Senior Healthcare Support Worker",
            "Senior Healthcare Assistant",
            "Healthcare Support Worker Band 3",
            "Senior Clinical Support Worker",
        ),
        employers=("nhs_trust",),
        pay={"nhs_trust": afc(3)},
        hours=(37.5, 37.5, 30.0),
        summary=(
            "We are looking for an experienced Senior Healthcare Support Worker to take on "
            "delegated clinical tasks and support newer members of the team.",
            "A chance for an experienced healthcare assistant to step up to a band 3 role.",
        ),
        duties=(
            "Carry out delegated clinical skills including venepuncture, ECGs and blood glucose "
            "monitoring",
            "Record NEWS2 observations and escalate deterioration promptly",
            "Support and supervise healthcare support workers and students",
            "Help with admissions and discharges and update patient records",
            "Carry out wound care under the direction of a registered nurse",
            "Moving and handling of patients using equipment",
            "Maintain infection prevention and control standards",
            "Take part in audits and the ward's safeguarding procedures",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            DIPLOMA_L3,
            ("Experience as a healthcare support worker in a clinical setting",),
            ("Competent in clinical observations, venepuncture and ECG recording",),
            SAFEGUARDING,
            INFECTION_CONTROL,
            DBS_ENHANCED,
        ),
        desirable=(
            ("Care Certificate",),
            ("Experience of supervising or mentoring others",),
            ("Interest in training as a nursing associate",),
            COMPUTER,
        ),
    ),
    Role(
        key="nursing_associate",
        weight=3,
        titles=(
            "Nursing Associate",
            "Registered Nursing Associate",
            "Trainee Nursing Associate",
        ),
        employers=("nhs_trust", "care_provider"),
        pay={"nhs_trust": afc(4), "care_provider": Pay(15.20, 17.00, "HOUR")},
        hours=(37.5, 30.0),
        care_settings=("care_home",),
        summary=(
            "An exciting opportunity for a Nursing Associate registered with the NMC to join "
            "our multidisciplinary team.",
            "Our Trainee Nursing Associate programme combines work with study for a Foundation "
            "Degree (Nursing Associate apprenticeship, ST0508) over two years.",
        ),
        duties=(
            "Deliver person-centred care under the direction of a registered nurse",
            "Administer medicines safely in line with policy",
            "Carry out clinical observations, wound care and venepuncture",
            "Plan and evaluate care and keep accurate records",
            "Supervise healthcare support workers",
            "Safeguard patients and escalate concerns",
            "Promote health and wellbeing and support patients to self-care",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            (
                "Registration with the Nursing and Midwifery Council as a Nursing Associate",
                "Level 3 qualification and experience in a care role (for trainee posts)",
            ),
            SAFEGUARDING,
            MEDICATION,
            COMMUNICATION,
            DBS_ENHANCED,
        ),
        desirable=(
            ("Experience in an acute or community setting",),
            COMPUTER,
            ("Mentoring or supervising students",),
        ),
    ),
    Role(
        key="care_worker",
        weight=16,
        titles=("Care Worker", "Care Assistant"),
        employers=("care_provider", "care_provider", "care_provider", "council"),
        pay={
            "care_provider": Pay(12.21, 13.75, "HOUR"),
            "council": Pay(24790.0, 25583.0, "YEAR"),
        },
        hours=(40.0, 37.5, 30.0, 24.0, 20.0, 16.0),
        summary=("Do you want a job that makes a real difference? Join our care team.",),
        duties=(
            "Support people with personal care: washing, bathing, dressing and continence care",
            "Prepare meals and drinks and help people to eat",
            "Prompt and administer medication in line with the care plan",
            "Keep accurate daily notes on our care app",
            "Spot and report changes in a person's health or wellbeing",
            "Support people living with dementia with patience and kindness",
            "Follow safeguarding procedures and report concerns",
            "Encourage independence, choice and dignity in everything you do",
        ),
        variants={
            "home_care": Variant(
                ("Home Carer", "Domiciliary Care Worker", "Care Worker", "Community Carer"),
                (
                    "Do you want a job that makes a real difference? We are looking for caring "
                    "people to support older adults to live well in their own homes.",
                    "We pay mileage and travel time, offer guaranteed hours and give every new "
                    "carer paid training, including the Care Certificate.",
                ),
                (
                    "Visit people in their own homes across the local area",
                    "Help with light housework, shopping and getting out and about",
                ),
            ),
            "care_home": Variant(
                (
                    "Care Assistant",
                    "Care Assistant - Nights",
                    "Care Worker",
                    "Health Care Assistant",
                ),
                (
                    "Our care home is looking for Care Assistants to join a friendly team. No "
                    "experience needed: we pay for your training and the Care Certificate.",
                    "We are a family-run residential home for older people and we are "
                    "recruiting day and night Care Assistants.",
                ),
                (
                    "Use hoists, stand aids and other moving and handling equipment safely",
                    "Take part in activities with residents and help them keep in touch with "
                    "family",
                ),
            ),
            "supported_living": Variant(
                (
                    "Support Worker",
                    "Support Worker - Learning Disabilities",
                    "Care and Support Worker",
                ),
                (
                    "We support adults with learning disabilities and autistic adults to live "
                    "the life they choose, and we are recruiting Support Workers.",
                ),
                (
                    "Support people to cook, budget, shop and travel independently",
                    "Follow positive behaviour support plans",
                ),
            ),
            "council": Variant(
                ("Reablement Support Worker", "Home Carer - Reablement", "Enablement Worker"),
                (
                    "Join our reablement team and help people regain their independence after a "
                    "stay in hospital.",
                ),
                (
                    "Work to short-term reablement goals set with occupational therapists",
                    "Visit people in their own homes across the district",
                ),
            ),
        },
        essential=(
            VALUES_CARE,
            ENGLISH_MATHS_L1,
            NO_EXPERIENCE,
            DBS_ENHANCED,
            COMMUNICATION,
            RIGHT_TO_WORK,
        ),
        desirable=(
            CARE_CERTIFICATE,
            DRIVING_B,
            PERSONAL_CARE,
            DEMENTIA,
            MOVING_HANDLING,
            FOOD_HYGIENE,
            DIPLOMA_L2,
        ),
    ),
    Role(
        key="senior_care_worker",
        weight=5,
        titles=("Senior Care Worker", "Senior Care Assistant"),
        employers=("care_provider",),
        pay={"care_provider": Pay(13.00, 14.60, "HOUR")},
        hours=(40.0, 37.5, 36.0),
        summary=(
            "We are looking for an experienced Senior Care Assistant to lead shifts in our "
            "residential home.",
            "Step up to a senior role: lead a small team of carers and make sure every "
            "resident gets the care they need.",
        ),
        duties=(
            "Lead and organise the care team on shift",
            "Administer medication and complete MAR charts accurately",
            "Write and review care plans and risk assessments",
            "Supervise and support care assistants and new starters through the Care Certificate",
            "Deal with visiting professionals and families",
            "Make sure safeguarding and infection control procedures are followed",
        ),
        essential=(
            DIPLOMA_L2,
            ("At least one year's experience as a care worker",),
            MEDICATION,
            SAFEGUARDING,
            ENGLISH_MATHS_L1,
            DBS_ENHANCED,
        ),
        desirable=(DIPLOMA_L3, DEMENTIA, FIRST_AID, COMPUTER),
        variants={
            "home_care": Variant(
                ("Senior Home Carer", "Senior Care Worker", "Field Care Supervisor"),
                (
                    "We are looking for an experienced carer to take on senior visits, spot "
                    "checks and support for new carers in the community.",
                ),
                ("Carry out spot checks and shadow shifts with new carers",),
            ),
            "supported_living": Variant(
                ("Senior Support Worker",),
                ("Lead a small team supporting adults with learning disabilities.",),
            ),
        },
    ),
    Role(
        key="care_team_leader",
        weight=3,
        titles=("Care Team Leader", "Unit Team Leader"),
        employers=("care_provider", "council"),
        pay={
            "care_provider": Pay(13.50, 15.25, "HOUR"),
            "council": Pay(27269.0, 29093.0, "YEAR"),
        },
        hours=(37.5, 40.0),
        summary=(
            "We need a Team Leader to organise rotas, supervise carers and keep our care "
            "quality high.",
        ),
        duties=(
            "Plan rotas and cover for a team of care workers",
            "Carry out supervisions, spot checks and observations of practice",
            "Review care plans with people and their families",
            "Lead on safeguarding concerns and incident reporting",
            "Deliver care visits when needed",
            "Keep records up to date on the electronic care system",
        ),
        essential=(
            DIPLOMA_L3,
            ("Experience of supervising or leading a care team",),
            SAFEGUARDING,
            ENGLISH_MATHS_L2,
            COMPUTER,
            DRIVING_B,
            DBS_ENHANCED,
        ),
        desirable=(
            ("Level 5 Diploma in Leadership and Management for Adult Care (working towards)",),
            MEDICATION,
        ),
        variants={
            "home_care": Variant(("Homecare Team Leader", "Care Coordinator"), ()),
            "supported_living": Variant(("Team Leader - Supported Living",), ()),
            "council": Variant(("Reablement Team Leader",), ()),
        },
    ),
    Role(
        key="porter",
        weight=6,
        titles=("Porter", "Hospital Porter", "Portering Assistant", "General Porter - Nights"),
        employers=("nhs_trust",),
        pay={"nhs_trust": afc(2)},
        hours=(37.5, 37.5, 30.0),
        summary=(
            "Our portering team keeps the hospital moving. We are looking for reliable, "
            "friendly people to move patients, equipment and samples safely.",
        ),
        duties=(
            "Move patients in beds, trolleys and wheelchairs between wards and departments",
            "Deliver specimens, medical records, post and equipment",
            "Collect and dispose of clinical and domestic waste safely",
            "Deliver medical gas cylinders and change them safely",
            "Use the porter tracking system and radio to receive jobs",
            "Help with moving and handling of patients when asked",
            "Keep porter equipment clean in line with infection control procedures",
        ),
        essential=(
            MANUAL_HANDLING,
            CUSTOMER_SERVICE,
            ENGLISH_MATHS_L1,
            TEAMWORK,
            ("Able to walk long distances and stand for long periods",),
            DBS_BASIC,
        ),
        desirable=(
            ("Experience of working in a hospital",),
            ("Experience of using a handheld or radio system",),
            INFECTION_CONTROL,
        ),
    ),
    Role(
        key="pharmacy_assistant",
        weight=4,
        titles=(
            "Pharmacy Assistant",
            "Pharmacy Support Worker",
            "Pharmacy Services Assistant",
            "Apprentice Pharmacy Services Assistant",
        ),
        employers=("nhs_trust",),
        pay={"nhs_trust": afc(2)},
        hours=(37.5, 30.0, 22.5),
        summary=(
            "Join our hospital pharmacy team supporting the safe supply of medicines to wards "
            "and patients.",
            "An apprenticeship for someone who wants to start a career in pharmacy: you will "
            "study the Pharmacy Services Assistant apprenticeship (ST0299, Level 2) while you "
            "work.",
        ),
        duties=(
            "Assemble and label medicines for dispensing under the supervision of a pharmacist",
            "Receive and check deliveries and rotate stock",
            "Top up ward medicines stock and remove out-of-date items",
            "Enter orders and prescriptions on the pharmacy system accurately",
            "Answer telephone queries from wards and patients",
            "Keep the dispensary clean and tidy",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            DATA_ENTRY,
            COMMUNICATION,
            ("Accurate, methodical approach to work",),
            CONFIDENTIALITY,
        ),
        desirable=(
            ("Experience in a pharmacy or retail setting",),
            ("Level 2 Certificate in Pharmacy Service Skills",),
            COMPUTER,
            ("Awareness of controlled drugs procedures",),
        ),
    ),
    Role(
        key="admin_clerical",
        weight=8,
        titles=(
            "Administrative Assistant",
            "Clerical Officer",
            "Admin Assistant",
            "Medical Secretary Assistant",
            "Booking Clerk",
            "Apprentice Business Administrator",
        ),
        employers=("nhs_trust", "nhs_trust", "council", "gp_practice"),
        pay={
            "nhs_trust": afc(2),
            "council": Pay(24790.0, 25583.0, "YEAR"),
            "gp_practice": Pay(24000.0, 25500.0, "YEAR"),
        },
        hours=(37.5, 37.5, 30.0, 22.5),
        variants={
            "gp_practice": Variant(
                ("Practice Administrator", "Administrative Assistant", "Secretary / Administrator"),
                ("Our GP practice needs an organised administrator to support the practice team.",),
                ("Process incoming clinical correspondence and code it on the clinical system",),
            ),
            "council": Variant(
                ("Business Support Officer", "Administrative Assistant - Adult Social Care"),
                ("Support our adult social care teams with administration and data.",),
                ("Update case records on the social care system",),
            ),
        },
        summary=(
            "We are looking for an organised Administrative Assistant to support our "
            "outpatient booking team.",
            "A busy clerical role supporting clinicians and patients with appointments, "
            "letters and records.",
            "Start your career in administration with our Business Administrator "
            "apprenticeship (ST0070, Level 3).",
        ),
        duties=(
            "Book and rearrange patient appointments",
            "Type letters and documents using Microsoft Word",
            "Enter data onto the patient administration system accurately",
            "Answer telephone calls and emails and deal with queries",
            "Scan, file and retrieve records",
            "Take minutes at meetings",
            "Order stationery and keep spreadsheets up to date in Excel",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            COMPUTER,
            DATA_ENTRY,
            CUSTOMER_SERVICE,
            CONFIDENTIALITY,
            TIME_MANAGEMENT,
        ),
        desirable=(
            ("Experience of working in an office",),
            MEDICAL_TERMS,
            SYSTEMONE,
            ("RSA/OCR Text Processing or a Level 2 business administration qualification",),
        ),
    ),
    Role(
        key="medical_receptionist",
        weight=6,
        titles=("Medical Receptionist", "GP Receptionist", "Receptionist", "Care Navigator"),
        employers=("gp_practice", "gp_practice", "nhs_trust"),
        pay={"gp_practice": Pay(12.30, 13.40, "HOUR"), "nhs_trust": afc(2)},
        hours=(37.5, 30.0, 24.0, 16.0),
        summary=(
            "Our friendly practice is looking for a Receptionist to be the first point of "
            "contact for our patients.",
        ),
        variants={
            "nhs_trust": Variant(
                ("Outpatient Receptionist", "Clinic Receptionist"),
                (
                    "Join our outpatient reception team, welcoming patients and checking them "
                    "in for their appointments.",
                ),
            ),
        },
        duties=(
            "Greet patients at the front desk and on the telephone",
            "Book appointments and direct patients to the right service (care navigation)",
            "Process repeat prescription requests",
            "Register new patients and update records on the clinical system",
            "Scan and code incoming letters",
            "Deal with difficult situations calmly and kindly",
            "Keep the waiting area tidy and follow infection control guidance",
        ),
        essential=(
            CUSTOMER_SERVICE,
            COMPUTER,
            ENGLISH_MATHS_L2,
            CONFIDENTIALITY,
            COMMUNICATION,
        ),
        desirable=(SYSTEMONE, MEDICAL_TERMS, ("Experience in a healthcare reception",)),
    ),
    Role(
        key="ward_clerk",
        weight=4,
        titles=("Ward Clerk", "Ward Administrator", "Ward Receptionist"),
        employers=("nhs_trust",),
        pay={"nhs_trust": afc(2)},
        hours=(37.5, 30.0, 22.5),
        summary=(
            "The ward clerk keeps our ward organised: admitting patients on the system, "
            "managing notes and answering the phone.",
        ),
        duties=(
            "Admit, transfer and discharge patients on the patient administration system",
            "Prepare and maintain patient notes",
            "Answer the ward telephone and take messages",
            "Book transport and follow-up appointments",
            "Order ward stationery and supplies",
            "Greet visitors and direct them appropriately",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            COMPUTER,
            DATA_ENTRY,
            CUSTOMER_SERVICE,
            CONFIDENTIALITY,
        ),
        desirable=(MEDICAL_TERMS, SYSTEMONE, ("Previous experience as a ward clerk",)),
    ),
    Role(
        key="catering_assistant",
        weight=6,
        titles=(
            "Catering Assistant",
            "Kitchen Assistant",
            "Housekeeper (Ward Catering)",
            "Cook",
            "Kitchen Porter",
        ),
        employers=("nhs_trust", "care_provider", "council"),
        pay={
            "nhs_trust": afc(2),
            "care_provider": Pay(12.21, 12.90, "HOUR"),
            "council": Pay(24404.0, 24790.0, "YEAR"),
        },
        hours=(37.5, 30.0, 25.0, 20.0, 16.0),
        care_settings=("care_home",),
        summary=(
            "Our kitchen team prepares fresh, nutritious meals for patients, staff and "
            "visitors. We are looking for a Catering Assistant to join us.",
        ),
        variants={
            "care_home": Variant(
                ("Kitchen Assistant", "Cook", "Catering Assistant"),
                ("Help us serve home-cooked meals to our residents and support the cook.",),
                ("Prepare textured and fortified diets following IDDSI guidance",),
            ),
            "council": Variant(
                ("Catering Assistant - School Meals", "Kitchen Assistant"),
                ("Join our school meals service preparing healthy lunches.",),
            ),
        },
        duties=(
            "Prepare and serve food and drinks",
            "Wash up and keep the kitchen clean using the correct cleaning chemicals",
            "Record fridge and food temperatures",
            "Follow food hygiene and allergen procedures",
            "Take meal orders and help people who need support to eat",
            "Operate the till and take payments",
            "Receive and store deliveries",
        ),
        essential=(
            FOOD_HYGIENE,
            CUSTOMER_SERVICE,
            ENGLISH_MATHS_L1,
            TEAMWORK,
            (
                "Understanding of allergens and special diets",
                "Awareness of allergens",
            ),
        ),
        desirable=(
            ("Experience in a kitchen or catering environment",),
            COSHH,
            ("Level 2 Diploma in Professional Cookery",),
            ("Cash handling experience",),
        ),
    ),
    Role(
        key="domestic",
        weight=6,
        titles=("Domestic Assistant", "Ward Housekeeper", "Domestic Assistant - Evenings"),
        employers=("nhs_trust", "care_provider"),
        pay={"nhs_trust": afc(2), "care_provider": Pay(12.21, 12.60, "HOUR")},
        hours=(37.5, 30.0, 20.0, 15.0),
        care_settings=("care_home",),
        summary=(
            "Clean, safe wards matter. Join our domestic services team and help protect "
            "patients from infection.",
        ),
        variants={
            "care_home": Variant(
                ("Housekeeping Assistant", "Domestic Assistant", "Laundry Assistant"),
                (
                    "We are looking for a Housekeeping Assistant to keep our care home clean, "
                    "bright and welcoming.",
                ),
                ("Do laundry and return residents' clothing",),
            ),
            "nhs_trust": Variant(
                ("Domestic Assistant", "Ward Housekeeper", "Domestic Assistant - Evenings"),
                (
                    "Clean, safe wards matter. Join our domestic services team and help "
                    "protect patients from infection.",
                ),
                (
                    "Clean wards and clinical areas to the National Standards of Healthcare "
                    "Cleanliness",
                    "Carry out isolation and discharge cleans",
                ),
            ),
        },
        duties=(
            "Clean bedrooms, bathrooms and communal areas to the required standard",
            "Carry out deep cleans using the correct chemicals and colour-coded equipment",
            "Use machines such as floor scrubbers and vacuum cleaners",
            "Dispose of waste in line with policy",
            "Report repairs and hazards",
        ),
        essential=(
            COSHH,
            INFECTION_CONTROL,
            ENGLISH_MATHS_L1,
            TEAMWORK,
            ("Reliable and hardworking",),
        ),
        desirable=(
            ("Experience of cleaning in a healthcare, care or hotel setting",),
            MANUAL_HANDLING,
            ("British Institute of Cleaning Science (BICSc) training",),
        ),
    ),
    Role(
        key="driver",
        weight=5,
        titles=(
            "Ambulance Care Assistant",
            "Patient Transport Driver",
            "Ambulance Care Assistant - Patient Transport Service",
        ),
        employers=("nhs_trust", "council"),
        pay={"nhs_trust": afc(3), "council": Pay(24790.0, 25992.0, "YEAR")},
        hours=(37.5, 30.0),
        summary=(
            "Our Patient Transport Service takes patients to and from hospital appointments. "
            "We are looking for Ambulance Care Assistants who are safe drivers and caring "
            "people.",
        ),
        duties=(
            "Drive patient transport vehicles safely and on time",
            "Help patients in and out of vehicles using wheelchairs, carry chairs and stretchers",
            "Carry out vehicle checks at the start of each shift",
            "Record journeys on the in-vehicle computer",
            "Give basic first aid when needed",
            "Clean and restock the vehicle at the end of each shift",
        ),
        essential=(
            (
                "Full UK driving licence with category C1 (or willing to obtain it)",
                "Full UK driving licence with no more than 3 points",
                "Category D1 (minibus) entitlement on your licence",
                "Full UK manual driving licence held for at least two years",
            ),
            MOVING_HANDLING,
            CUSTOMER_SERVICE,
            ENGLISH_MATHS_L1,
            DBS_ENHANCED,
        ),
        desirable=(
            FIRST_AID,
            ("MiDAS minibus driver training",),
            ("Experience of driving for work",),
        ),
        variants={
            "council": Variant(
                ("Community Transport Driver", "Minibus Driver - Adult Day Services"),
                ("Drive our accessible minibuses taking adults to day services.",),
            )
        },
    ),
    Role(
        key="stores_assistant",
        weight=4,
        titles=("Stores Assistant", "Warehouse Operative", "Materials Management Assistant"),
        employers=("nhs_trust", "council"),
        pay={"nhs_trust": afc(2), "council": Pay(24404.0, 24790.0, "YEAR")},
        hours=(37.5, 37.5, 30.0),
        summary=(
            "Keep our wards stocked: our materials management team receives, stores and "
            "delivers supplies across the hospital.",
        ),
        variants={
            "council": Variant(
                ("Stores Operative", "Warehouse Operative - Community Equipment"),
                (
                    "Our community equipment store delivers beds, hoists and walking aids to "
                    "people's homes so they can leave hospital safely.",
                ),
                ("Clean and check returned equipment before it goes back into stock",),
            ),
        },
        duties=(
            "Receive, check and put away deliveries",
            "Pick and deliver orders to wards and departments",
            "Top up stock levels using handheld scanners",
            "Carry out stock counts and rotate stock",
            "Keep the warehouse clean, tidy and safe",
            "Enter stock movements on the computer system",
        ),
        essential=(
            MANUAL_HANDLING,
            ENGLISH_MATHS_L1,
            DATA_ENTRY,
            TEAMWORK,
        ),
        desirable=(
            (
                "Counterbalance forklift licence",
                "Forklift truck licence (or willing to train)",
            ),
            ("Experience of stock control in a warehouse",),
            DRIVING_B,
        ),
    ),
    Role(
        key="it_apprentice",
        weight=3,
        titles=(
            "IT Apprentice",
            "Apprentice IT Support Technician",
            "Digital Apprentice - Service Desk",
        ),
        employers=("nhs_trust", "council"),
        pay={"nhs_trust": afc(2), "council": Pay(21500.0, 23000.0, "YEAR")},
        hours=(37.5,),
        summary=(
            "Start a career in IT: our apprentices work on the service desk and study for the "
            "Level 3 Infrastructure Technician apprenticeship (ST0125).",
            "Join our digital team as an apprentice, fixing problems for staff and learning "
            "networks, devices and Microsoft 365.",
        ),
        duties=(
            "Log and resolve IT calls on the service desk",
            "Set up laptops, desktops, printers and phones",
            "Reset passwords and manage user accounts",
            "Troubleshoot hardware and software problems",
            "Support staff using Microsoft 365 and clinical systems",
            "Keep records of equipment and tickets",
        ),
        essential=(
            ENGLISH_MATHS_L2,
            ("Interest in computers and technology",),
            COMMUNICATION,
            CUSTOMER_SERVICE,
            ("Problem-solving skills",),
        ),
        variants={
            "council": Variant(
                ("IT Apprentice", "Apprentice IT Support Technician"),
                (
                    "Join the council's digital services team as an apprentice and study the "
                    "Level 3 Infrastructure Technician apprenticeship (ST0125).",
                ),
            ),
        },
        desirable=(
            ("Experience of building or fixing computers",),
            ("Knowledge of Windows and Microsoft 365",),
            ("A qualification in IT or computing",),
        ),
    ),
)
