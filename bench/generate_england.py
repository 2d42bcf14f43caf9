"""England-scale synthetic data for the matching benchmark: vacancies, courses, jobseekers.

Deterministic (one seeded ``numpy.random.Generator``) and vectorised, so the full scale
(250,000 open vacancies, 30,000 courses with 100,000 presentations, 500,000 jobseekers) takes
seconds, and is saved under ``bench/out/`` (gitignored) for reuse:
``england_<seed>_<scale>.npz`` (vacancies and jobseekers as arrays) plus
``england_<seed>_<scale>_courses.pkl`` (course records).

Realism, and where it comes from:

* **Places**: every vacancy, course venue and jobseeker is a postcode sector centroid
  (``services/common/data/postcode_sectors.csv``, reduced from the ONS Postcode Directory,
  OGL) drawn with probability proportional to its number of postcodes, then jittered by about
  a kilometre; so London, Birmingham and Manchester are dense and Cumbria is sparse.
* **Skills**: vacancies follow role profiles (``services/taxonomy/data/roles.json`` when
  present, else a small built-in list), weighted towards the roles that dominate NHS and
  social-care hiring (care workers and healthcare support workers); an advert names about
  two thirds of its role's essential skills and half its desirable ones. Jobseekers who did
  a role before (seven in ten) carry most of its essential skills and a third of its
  desirable ones, plus general skills.
* **Requirements, hours and patterns** follow the role (English/maths levels, licence
  category, registration), with full-time and part-time hours and shift patterns mixed.
* **Courses** come from templates of real provision (ESOL Entry 1-3, Functional Skills
  English and maths Entry 3 to Level 2, GCSEs, the Care Certificate, Level 2/3 diplomas,
  apprenticeships ST0216/ST0217/ST0299, licence C1/D1 training, food hygiene, first aid ...)
  with their entry requirements chained as colleges chain them, funding as it usually is,
  and start dates from two months ago to a year ahead (some runs are in the past on
  purpose, and some are online).

Run ``python -m bench.generate_england --help``.
"""

from __future__ import annotations

import argparse
import csv
import json
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from services.matching.engine.types import (
    CourseDoc,
    PresentationDoc,
    Profile,
    Requirements,
    VacancyDoc,
)

ROOT: Final = Path(__file__).resolve().parents[1]
OUT_DIR: Final = ROOT / "bench" / "out"
SECTORS_CSV: Final = ROOT / "services" / "common" / "data" / "postcode_sectors.csv"
SHARED_SECTORS_CSV: Final = (
    ROOT.parent / "shared" / "data" / "postcodes" / "england_postcode_sector_centroids.csv"
)
AUTHORITIES_CSV: Final = ROOT / "services" / "common" / "data" / "local_authorities.csv"
ROLES_JSON: Final = ROOT / "services" / "taxonomy" / "data" / "roles.json"

TODAY: Final = date(2026, 1, 5)
N_VACANCIES: Final = 250_000
N_COURSES: Final = 30_000
N_PRESENTATIONS: Final = 100_000
N_JOBSEEKERS: Final = 500_000

LEVELS: Final = ("entry1", "entry2", "entry3", "level1", "level2", "level3")
LICENCES: Final = ("", "B", "C1", "D1", "C", "D", "BE")
PATTERNS: Final = ("full_time", "part_time", "shifts", "nights", "weekends", "bank", "flexible")
GENERAL_SKILLS: Final = (
    "teamwork", "verbal-communication", "customer-service", "time-management", "reliability",
    "empathy", "problem-solving", "microsoft-office", "email", "data-entry", "telephone-skills",
    "active-listening", "written-communication", "cash-handling", "cleaning", "cooking",
    "attention-to-detail", "adaptability", "digital-skills", "confidentiality",
)  # fmt: skip

# How often each role is advertised, relative to a weight of 1 (care and HCSW dominate).
ROLE_WEIGHTS: Final[dict[str, float]] = {
    "care-worker": 30.0, "healthcare-support-worker": 22.0, "domiciliary-care-worker": 14.0,
    "support-worker-learning-disability": 8.0, "senior-care-worker": 5.0,
    "domestic-assistant": 5.0, "admin-assistant": 6.0, "catering-assistant": 4.0,
    "porter": 3.0, "medical-receptionist": 3.0, "registered-nurse": 8.0,
    "mental-health-support-worker": 3.0, "ward-clerk": 2.0, "pharmacy-assistant": 1.5,
    "driver": 1.5, "stores-warehouse-assistant": 1.5, "cook": 2.0,
    "senior-healthcare-support-worker": 2.0, "medical-secretary": 2.0,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """A role profile as the generator uses it."""

    id: str
    title: str
    sector: str
    band: str | None
    entry_level: bool
    essential: tuple[str, ...]
    desirable: tuple[str, ...]
    english: str | None
    maths: str | None
    licence: str | None
    registration: str | None
    dbs: str | None


_BUILTIN_ROLES: Final = (
    RoleSpec("care-worker", "Care Worker", "social_care", None, True,
             ("personal-care", "verbal-communication", "empathy", "safeguarding-adults",
              "moving-and-handling", "person-centred-care", "teamwork"),
             ("care-certificate", "dementia-care", "medication-administration"),
             None, None, None, None, "enhanced"),
    RoleSpec("healthcare-support-worker", "Healthcare Support Worker", "nhs", "2", True,
             ("personal-care", "infection-prevention-control", "moving-and-handling",
              "clinical-observations", "basic-life-support", "literacy", "numeracy"),
             ("care-certificate", "phlebotomy", "ecg"), "level1", "level1", None, None,
             "enhanced"),
    RoleSpec("domiciliary-care-worker", "Domiciliary Care Worker", "social_care", None, True,
             ("personal-care", "domiciliary-care", "lone-working", "safeguarding-adults"),
             ("care-certificate",), None, None, "B", None, "enhanced"),
    RoleSpec("porter", "Porter", "nhs", "2", True,
             ("portering", "moving-and-handling", "customer-service", "teamwork"),
             ("patient-moving-equipment",), None, None, None, None, "standard"),
    RoleSpec("admin-assistant", "Administrative Assistant", "nhs", "2", True,
             ("administration", "microsoft-office", "data-entry", "telephone-skills"),
             ("medical-terminology",), "level2", "level2", None, None, "basic"),
    RoleSpec("catering-assistant", "Catering Assistant", "nhs", "2", True,
             ("food-hygiene", "catering", "food-service", "kitchen-cleaning"),
             ("allergen-awareness",), None, None, None, None, "standard"),
    RoleSpec("driver", "Driver", "nhs", "2", True,
             ("vehicle-checks", "route-planning", "customer-service"), ("van-driving",),
             None, None, "B", None, "standard"),
    RoleSpec("registered-nurse", "Staff Nurse", "nhs", "5", False,
             ("clinical-observations", "medication-administration", "care-planning"),
             ("mentoring-students",), "level2", "level2", None, "NMC", "enhanced"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CourseTemplate:
    """A kind of course as colleges and training providers run it."""

    key: str
    title: str
    qualification_type: str
    level: int | None
    skills: tuple[str, ...]
    grants: tuple[str, ...]
    entry: tuple[str, ...]
    weeks: tuple[float, float]
    cost: float
    funding: tuple[str, ...]
    online_share: float
    weight: float


TEMPLATES: Final = (
    CourseTemplate("esol-e1", "ESOL Entry 1", "esol", 0, ("english-entry1",), ("english:entry1",), (), (20, 33), 450, ("fully_funded",), 0.05, 3),
    CourseTemplate("esol-e2", "ESOL Entry 2", "esol", 0, ("english-entry2",), ("english:entry2",), ("english:entry1",), (20, 33), 450, ("fully_funded",), 0.05, 3),
    CourseTemplate("esol-e3", "ESOL Entry 3", "esol", 0, ("english-entry3",), ("english:entry3",), ("english:entry2",), (20, 33), 450, ("fully_funded",), 0.05, 3),
    CourseTemplate("fs-eng-e3", "Functional Skills English Entry 3", "functional_skills", 0, ("literacy",), ("english:entry3",), ("english:entry2",), (10, 20), 300, ("fully_funded",), 0.2, 2),
    CourseTemplate("fs-eng-l1", "Functional Skills English Level 1", "functional_skills", 1, ("literacy", "written-communication"), ("english:level1",), ("english:entry3",), (10, 24), 350, ("fully_funded",), 0.25, 5),
    CourseTemplate("fs-eng-l2", "Functional Skills English Level 2", "functional_skills", 2, ("literacy", "written-communication"), ("english:level2",), ("english:level1",), (12, 30), 400, ("fully_funded",), 0.25, 4),
    CourseTemplate("fs-maths-e3", "Functional Skills Maths Entry 3", "functional_skills", 0, ("numeracy",), ("maths:entry3",), ("maths:entry2",), (10, 20), 300, ("fully_funded",), 0.2, 2),
    CourseTemplate("fs-maths-l1", "Functional Skills Maths Level 1", "functional_skills", 1, ("numeracy",), ("maths:level1",), ("maths:entry3",), (10, 24), 350, ("fully_funded",), 0.25, 4),
    CourseTemplate("fs-maths-l2", "Functional Skills Maths Level 2", "functional_skills", 2, ("numeracy",), ("maths:level2",), ("maths:level1",), (12, 30), 400, ("fully_funded",), 0.25, 4),
    CourseTemplate("gcse-eng", "GCSE English Language", "other", 2, ("literacy", "written-communication"), ("english:level2",), ("english:level1",), (30, 36), 600, ("fully_funded",), 0.1, 2),
    CourseTemplate("gcse-maths", "GCSE Maths", "other", 2, ("numeracy",), ("maths:level2",), ("maths:level1",), (30, 36), 600, ("fully_funded",), 0.1, 2),
    CourseTemplate("care-cert", "Care Certificate", "care_certificate", 2, ("person-centred-care", "safeguarding-adults", "infection-prevention-control", "moving-and-handling", "equality-and-diversity", "basic-life-support", "personal-care"), ("care_certificate",), (), (6, 12), 150, ("fully_funded", "employer_paid"), 0.3, 6),
    CourseTemplate("swap-care", "Sector-based Work Academy: Health and Social Care", "short_course", 1, ("personal-care", "safeguarding-adults", "verbal-communication", "empathy", "teamwork", "dementia-care"), (), (), (2, 6), 0, ("fully_funded",), 0.0, 5),
    CourseTemplate("swap-facilities", "Sector-based Work Academy: Hospital Facilities", "short_course", 1, ("portering", "cleaning", "clinical-cleaning", "customer-service", "moving-and-handling"), (), (), (2, 6), 0, ("fully_funded",), 0.0, 2),
    CourseTemplate("dip-care-l2", "Level 2 Diploma in Care", "diploma", 2, ("care-planning", "nvq-health-social-care", "dementia-care", "nutrition-and-hydration", "pressure-area-care", "clinical-record-keeping", "end-of-life-care", "person-centred-care"), ("level2_diploma_care",), ("english:level1", "maths:entry3"), (30, 52), 900, ("adult_skills_fund", "advanced_learner_loan"), 0.1, 5),
    CourseTemplate("dip-care-l3", "Level 3 Diploma in Adult Care", "diploma", 3, ("medication-administration", "positive-behaviour-support", "care-planning", "risk-assessment", "mental-capacity-act"), ("level3_diploma_care",), ("english:level1", "maths:level1", "care_certificate"), (40, 60), 2400, ("advanced_learner_loan", "employer_paid"), 0.1, 3),
    CourseTemplate("appr-hcsw", "Healthcare Support Worker Apprenticeship (ST0216)", "apprenticeship", 2, ("clinical-observations", "personal-care", "infection-prevention-control", "basic-life-support", "clinical-record-keeping", "nutrition-and-hydration", "moving-and-handling"), ("english:level1", "maths:level1", "care_certificate"), ("english:entry3", "maths:entry3", "age:16"), (52, 60), 0, ("apprenticeship_levy",), 0.0, 3),
    CourseTemplate("appr-shcsw", "Senior Healthcare Support Worker Apprenticeship (ST0217)", "apprenticeship", 3, ("clinical-observations", "phlebotomy", "ecg", "blood-glucose-monitoring", "wound-care"), ("english:level2", "maths:level2"), ("english:level1", "maths:level1", "care_certificate"), (78, 78), 0, ("apprenticeship_levy",), 0.0, 1.5),
    CourseTemplate("appr-pharm", "Pharmacy Services Assistant Apprenticeship (ST0299)", "apprenticeship", 2, ("pharmacy-dispensing", "pharmacy-stock", "prescription-processing", "customer-service"), ("english:level1", "maths:level1"), ("english:entry3", "maths:entry3"), (52, 56), 0, ("apprenticeship_levy",), 0.0, 1),
    CourseTemplate("bus-admin-l2", "Level 2 Certificate in Business Administration", "certificate", 2, ("administration", "microsoft-office", "data-entry", "filing", "telephone-skills", "minute-taking"), (), ("english:entry3",), (16, 30), 700, ("adult_skills_fund",), 0.35, 4),
    CourseTemplate("med-recept", "Level 2 Certificate for Medical Receptionists", "certificate", 2, ("reception-duties", "appointment-scheduling", "patient-registration", "medical-terminology", "confidentiality", "information-governance"), (), ("english:level1",), (10, 20), 550, ("adult_skills_fund", "self_funded"), 0.5, 2),
    CourseTemplate("digital", "Essential Digital Skills", "certificate", 1, ("digital-skills", "email", "microsoft-word", "microsoft-excel", "data-entry"), (), (), (8, 16), 250, ("fully_funded",), 0.4, 4),
    CourseTemplate("food-hyg", "Level 2 Food Hygiene and Safety", "award", 2, ("food-hygiene", "haccp", "allergen-awareness", "food-temperature-control"), (), (), (1, 1), 25, ("self_funded", "fully_funded"), 0.6, 3),
    CourseTemplate("catering-l2", "Level 2 Diploma in Food Production and Cooking", "diploma", 2, ("cooking", "catering", "food-service", "special-diets", "kitchen-cleaning", "bulk-cooking"), (), ("english:entry3",), (30, 36), 900, ("adult_skills_fund",), 0.0, 2),
    CourseTemplate("first-aid", "First Aid at Work", "award", 3, ("first-aid", "basic-life-support"), (), (), (1, 1), 220, ("self_funded", "employer_paid"), 0.0, 3),
    CourseTemplate("moving", "Moving and Handling of People", "short_course", None, ("moving-and-handling", "patient-moving-equipment", "hoist-use"), (), (), (1, 1), 60, ("self_funded", "fully_funded"), 0.2, 2),
    CourseTemplate("cleaning", "Level 2 Certificate in Cleaning and Support Services", "certificate", 2, ("cleaning", "clinical-cleaning", "coshh", "colour-coding", "waste-management", "deep-cleaning"), (), (), (6, 12), 300, ("adult_skills_fund",), 0.1, 2),
    CourseTemplate("dementia", "Level 2 Certificate in Dementia Care", "certificate", 2, ("dementia-care", "person-centred-care"), (), ("english:entry3",), (8, 12), 0, ("fully_funded",), 0.6, 3),
    CourseTemplate("mh-aware", "Level 2 Certificate in Mental Health Awareness", "certificate", 2, ("mental-health-awareness", "mental-capacity-act"), (), ("english:entry3",), (8, 12), 0, ("fully_funded",), 0.6, 2),
    CourseTemplate("phleb", "Phlebotomy Training", "short_course", None, ("phlebotomy", "specimen-collection", "infection-prevention-control"), (), ("age:18",), (1, 2), 350, ("self_funded",), 0.0, 1),
    CourseTemplate("forklift", "Counterbalance Forklift Training", "short_course", None, ("forklift-operation", "warehouse-operations", "stock-control"), (), ("age:18",), (1, 1), 450, ("self_funded", "fully_funded"), 0.0, 1),
    CourseTemplate("driving-b", "Driving Lessons and Test (Category B)", "short_course", None, ("defensive-driving",), ("licence:B",), ("age:17",), (10, 20), 1500, ("self_funded",), 0.0, 1.5),
    CourseTemplate("licence-c1", "Category C1 Licence Training", "short_course", None, ("vehicle-checks", "defensive-driving"), ("licence:C1",), ("licence:B", "age:18"), (1, 3), 1400, ("self_funded", "fully_funded"), 0.0, 1),
    CourseTemplate("licence-d1", "Minibus (D1) Licence Training", "short_course", None, ("minibus-driving", "vehicle-checks"), ("licence:D1",), ("licence:B", "age:21"), (1, 3), 1200, ("self_funded",), 0.0, 0.5),
    CourseTemplate("security", "SIA Door Supervisor Licence Training", "award", 2, ("security-services", "conflict-resolution"), (), ("age:18",), (1, 2), 250, ("self_funded", "fully_funded"), 0.0, 1),
)  # fmt: skip


@dataclass(slots=True)
class EnglandData:
    """The generated data as arrays (vacancies, jobseekers) and records (courses)."""

    arrays: dict[str, npt.NDArray[Any]]
    meta: dict[str, Any]
    courses: list[CourseDoc]

    @property
    def today(self) -> date:
        """The 'today' the data was generated for."""
        return date.fromisoformat(self.meta["today"])

    @property
    def n_vacancies(self) -> int:
        return int(self.arrays["v_lat"].size)

    @property
    def n_jobseekers(self) -> int:
        return int(self.arrays["j_lat"].size)

    def vacancy_docs(self) -> list[VacancyDoc]:
        """Every vacancy as a ``VacancyDoc``."""
        a, skills, roles = self.arrays, self.meta["skills"], self.meta["roles"]
        employers, regions = self.meta["employers"], self.meta["regions"]
        ess_ptr, ess = a["v_ess_ptr"], a["v_ess"]
        des_ptr, des = a["v_des_ptr"], a["v_des"]
        closing0 = self.today.toordinal()
        docs: list[VacancyDoc] = []
        columns = zip(
            a["v_lat"].tolist(), a["v_lon"].tolist(), a["v_role"].tolist(),
            a["v_english"].tolist(), a["v_maths"].tolist(), a["v_licence"].tolist(),
            a["v_registration"].tolist(), a["v_hours"].tolist(), a["v_patterns"].tolist(),
            a["v_closing"].tolist(), a["v_employer"].tolist(), a["v_region"].tolist(),
            a["v_night"].tolist(), strict=True,
        )  # fmt: skip
        ess_ptr_l, des_ptr_l = ess_ptr.tolist(), des_ptr.tolist()
        ess_l, des_l = ess.tolist(), des.tolist()
        requirement_cache: dict[tuple[int, int, int, str | None, str | None], Requirements] = {}
        for i, (
            lat,
            lon,
            role_i,
            eng,
            mat,
            lic,
            reg,
            hours,
            bits,
            closing,
            emp,
            region,
            night,
        ) in enumerate(columns):
            role = roles[role_i]
            key = (eng, mat, lic, role["registration"] if reg else None, role["dbs"])
            requirements = requirement_cache.get(key)
            if requirements is None:
                requirements = Requirements(
                    dbs=role["dbs"],
                    driving_licence=LICENCES[lic] or None,
                    english_level=LEVELS[eng - 1] if eng else None,
                    maths_level=LEVELS[mat - 1] if mat else None,
                    registration=role["registration"] if reg else None,
                )
                requirement_cache[key] = requirements
            docs.append(
                VacancyDoc(
                    id=f"vac_{i:07d}",
                    title=role["title"] + (" - Nights" if night else ""),
                    employer=employers[emp],
                    role=role["id"],
                    lat=lat,
                    lon=lon,
                    essential_skills=[skills[s] for s in ess_l[ess_ptr_l[i] : ess_ptr_l[i + 1]]],
                    desirable_skills=[skills[s] for s in des_l[des_ptr_l[i] : des_ptr_l[i + 1]]],
                    requirements=requirements,
                    hours_per_week=hours,
                    working_pattern=[p for b, p in enumerate(PATTERNS) if bits >> b & 1],
                    band=role["band"],
                    entry_level=role["entry_level"],
                    closing_date=date.fromordinal(closing0 + closing),
                    region=regions[region],
                )
            )
        return docs

    def profile(self, i: int) -> Profile:
        """Jobseeker ``i`` as a ``Profile``."""
        a, skills = self.arrays, self.meta["skills"]
        ptr = a["j_skill_ptr"]
        eng, mat = int(a["j_english"][i]), int(a["j_maths"][i])
        hours = float(a["j_hours"][i])
        bits = int(a["j_patterns"][i])
        available = int(a["j_available"][i])
        licence = LICENCES[int(a["j_licence"][i])]
        return Profile(
            skills=[skills[s] for s in a["j_skills"][ptr[i] : ptr[i + 1]].tolist()],
            english_level=LEVELS[eng - 1] if eng else None,
            maths_level=LEVELS[mat - 1] if mat else None,
            driving_licence=licence or False,
            lat=float(a["j_lat"][i]),
            lon=float(a["j_lon"][i]),
            max_travel_km=float(a["j_travel"][i]),
            hours_per_week=None if np.isnan(hours) else hours,
            patterns=[p for b, p in enumerate(PATTERNS) if bits >> b & 1],
            available_from=self.today + timedelta(days=available) if available >= 0 else None,
            age=int(a["j_age"][i]),
            qualifications=[],
        )


def load_roles(path: Path = ROLES_JSON) -> list[RoleSpec]:
    """Role profiles from the taxonomy's roles.json, or the built-in list when it is absent."""
    if not path.exists():
        return list(_BUILTIN_ROLES)
    raw = json.loads(path.read_text(encoding="utf-8"))
    roles: list[RoleSpec] = []
    for item in raw.get("roles", raw if isinstance(raw, list) else []):
        req = item.get("requirements") or {}
        roles.append(
            RoleSpec(
                id=item["id"],
                title=item.get("title", item["id"]),
                sector=item.get("sector", "nhs"),
                band=None if item.get("band") is None else str(item["band"]),
                entry_level=bool(item.get("entry_level", True)),
                essential=tuple(_skill_ids(item.get("essential_skills", ()))),
                desirable=tuple(_skill_ids(item.get("desirable_skills", ()))),
                english=req.get("english_level"),
                maths=req.get("maths_level"),
                licence=req.get("driving_licence"),
                registration=req.get("registration"),
                dbs=req.get("dbs"),
            )
        )
    return roles or list(_BUILTIN_ROLES)


def _skill_ids(values: Sequence[Any]) -> list[str]:
    return [v["id"] if isinstance(v, dict) else str(v) for v in values]


def _read_places() -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]
]:
    path = SECTORS_CSV if SECTORS_CSV.exists() else SHARED_SECTORS_CSV
    lats: list[float] = []
    lons: list[float] = []
    weights: list[float] = []
    lads: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lats.append(float(row.get("lat") or row["latitude"]))
            lons.append(float(row.get("lon") or row["longitude"]))
            weights.append(float(row["n_postcodes"]))
            lads.append(row.get("lad25cd") or row.get("main_lad25cd") or "")
    w = np.asarray(weights)
    return np.asarray(lats), np.asarray(lons), w / w.sum(), lads


def _read_authorities() -> dict[str, tuple[str, str]]:
    if not AUTHORITIES_CSV.exists():
        return {}
    with AUTHORITIES_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["lad25cd"]: (row["name"], row["region"]) for row in csv.DictReader(handle)}


def _csr(
    rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n_rows: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    keep = np.ones(rows.size, dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols = rows[keep], cols[keep]
    ptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=ptr[1:])
    return ptr, cols.astype(np.int32)


def _points(
    rng: np.random.Generator,
    n: int,
    place_lat: npt.NDArray[np.float64],
    place_lon: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    jitter_km: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    which = rng.choice(place_lat.size, size=n, p=weights)
    lat = place_lat[which] + rng.normal(0.0, jitter_km / 111.0, n)
    lon = place_lon[which] + rng.normal(0.0, jitter_km / 70.0, n)
    return np.round(lat, 5), np.round(lon, 5), which


def _level_code(level: str | None) -> int:
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def generate(
    seed: int = 7,
    scale: float = 1.0,
    today: date = TODAY,
) -> EnglandData:
    """Generate the data (``scale`` shrinks every count, e.g. 0.01 for a quick run)."""
    rng = np.random.default_rng(seed)
    n_vac = max(int(N_VACANCIES * scale), 10)
    n_courses = max(int(N_COURSES * scale), len(TEMPLATES))
    n_runs = max(int(N_PRESENTATIONS * scale), n_courses)
    n_seekers = max(int(N_JOBSEEKERS * scale), 10)
    roles = load_roles()
    place_lat, place_lon, weights, place_lad = _read_places()
    authorities = _read_authorities()
    lad_names = sorted(set(place_lad))
    lad_index = {code: i for i, code in enumerate(lad_names)}
    place_lad_i = np.asarray([lad_index[code] for code in place_lad])
    regions = sorted({region for _, region in authorities.values()} | {"Unknown"})
    lad_region = np.asarray(
        [regions.index(authorities.get(code, ("", "Unknown"))[1]) for code in lad_names]
    )

    skills_vocab: dict[str, int] = {}

    def code(skill: str) -> int:
        return skills_vocab.setdefault(skill, len(skills_vocab))

    role_w = np.asarray([ROLE_WEIGHTS.get(r.id, 1.0 if r.entry_level else 0.5) for r in roles])
    role_w = role_w / role_w.sum()

    # --- vacancies ---
    v_lat, v_lon, v_place = _points(rng, n_vac, place_lat, place_lon, weights, 1.0)
    v_role = rng.choice(len(roles), size=n_vac, p=role_w)
    ess_rows: list[npt.NDArray[np.int64]] = []
    ess_cols: list[npt.NDArray[np.int64]] = []
    des_rows: list[npt.NDArray[np.int64]] = []
    des_cols: list[npt.NDArray[np.int64]] = []
    v_english = np.zeros(n_vac, np.int8)
    v_maths = np.zeros(n_vac, np.int8)
    v_licence = np.zeros(n_vac, np.int8)
    v_registration = np.zeros(n_vac, np.int8)
    for r, role in enumerate(roles):
        rows = np.flatnonzero(v_role == r)
        if rows.size == 0:
            continue
        for source, p, out_rows, out_cols in (
            (role.essential, 0.65, ess_rows, ess_cols),
            (role.desirable, 0.5, des_rows, des_cols),
        ):
            if not source:
                continue
            codes = np.asarray([code(s) for s in source])
            hit = rng.random((rows.size, codes.size)) < p
            i, j = np.nonzero(hit)
            out_rows.append(rows[i])
            out_cols.append(codes[j])
        # Most adverts state the role's checks; some leave them out.
        stated = rng.random(rows.size) < 0.8
        v_english[rows] = np.where(stated, _level_code(role.english), 0)
        v_maths[rows] = np.where(stated, _level_code(role.maths), 0)
        if role.licence:
            v_licence[rows] = LICENCES.index(role.licence) if role.licence in LICENCES else 1
        v_registration[rows] = 1 if role.registration else 0
    general = np.asarray([code(s) for s in GENERAL_SKILLS])
    extra = rng.integers(0, 3, n_vac)
    extra_rows = np.repeat(np.arange(n_vac), extra)
    des_rows.append(extra_rows)
    des_cols.append(general[rng.integers(0, general.size, extra_rows.size)])
    v_ess_ptr, v_ess = _csr(np.concatenate(ess_rows), np.concatenate(ess_cols), n_vac)
    des_r, des_c = np.concatenate(des_rows), np.concatenate(des_cols)
    # a skill both essential and desirable stays essential
    ess_keys = np.repeat(np.arange(n_vac), np.diff(v_ess_ptr)) * 100_000 + v_ess
    keep = ~np.isin(des_r * 100_000 + des_c, ess_keys)
    v_des_ptr, v_des = _csr(des_r[keep], des_c[keep], n_vac)
    full_time = rng.random(n_vac) < 0.55
    part_hours = rng.choice([16.0, 20.0, 22.5, 24.0, 30.0], size=n_vac)
    v_hours = np.where(full_time, 37.5, part_hours).astype(np.float32)
    v_hours[rng.random(n_vac) < 0.1] = np.nan
    bits = np.where(full_time, 1, 2).astype(np.int64)
    for b, share in ((2, 0.45), (3, 0.15), (4, 0.35), (5, 0.1), (6, 0.05)):
        bits |= (rng.random(n_vac) < share).astype(np.int64) << b
    v_night = ((bits >> 3) & 1).astype(bool) & (rng.random(n_vac) < 0.3)
    v_closing = rng.integers(0, 45, n_vac).astype(np.int32)
    lad_of_vac = place_lad_i[v_place]
    nhs = np.asarray([roles[r].sector == "nhs" for r in range(len(roles))])[v_role]
    suffixes = ("Care Services", "Homecare", "Care Homes", "Support Services", "Care Group")
    employers = [
        f"{authorities.get(code_, (code_, ''))[0]} {kind}"
        for code_ in lad_names
        for kind in ("NHS Foundation Trust", "Community Health NHS Trust", *suffixes)
    ]
    per_lad = 2 + len(suffixes)
    v_employer = lad_of_vac * per_lad + np.where(
        nhs, rng.integers(0, 2, n_vac), 2 + rng.integers(0, len(suffixes), n_vac)
    )
    v_region = lad_region[lad_of_vac]

    # --- courses and presentations ---
    t_w = np.asarray([t.weight for t in TEMPLATES])
    c_template = rng.choice(len(TEMPLATES), size=n_courses, p=t_w / t_w.sum())
    provider_lat, provider_lon, _ = _points(
        rng, max(n_courses // 15, 50), place_lat, place_lon, weights, 0.5
    )
    c_provider = rng.integers(0, provider_lat.size, n_courses)
    runs_per_course = 1 + np.bincount(
        rng.integers(0, n_courses, n_runs - n_courses), minlength=n_courses
    )
    courses: list[CourseDoc] = []
    start_offsets = rng.integers(-60, 365, n_runs)
    duration_u = rng.random(n_runs)
    online_u = rng.random(n_runs)
    funding_u = rng.random(n_courses)
    run_at = 0
    for c in range(n_courses):
        template = TEMPLATES[int(c_template[c])]
        provider = int(c_provider[c])
        runs: list[PresentationDoc] = []
        for _ in range(int(runs_per_course[c])):
            low, high = template.weeks
            weeks = float(round(low + (high - low) * duration_u[run_at]))
            start = today + timedelta(days=int(start_offsets[run_at]))
            online = online_u[run_at] < template.online_share
            runs.append(
                PresentationDoc(
                    start_date=start,
                    end_date=start + timedelta(days=int(weeks * 7) - 1),
                    duration_weeks=weeks,
                    lat=None if online else float(provider_lat[provider]),
                    lon=None if online else float(provider_lon[provider]),
                    attendance="daytime",
                    mode="online" if online else "classroom",
                )
            )
            run_at += 1
        for skill in template.skills:
            code(skill)
        funding = template.funding[int(funding_u[c] * len(template.funding))]
        courses.append(
            CourseDoc(
                id=f"crs_{c:06d}",
                title=template.title,
                provider_name=f"Provider {provider:05d}",
                qualification_type=template.qualification_type,
                level=template.level,
                skills_taught=list(template.skills),
                grants=list(template.grants),
                entry_requirements=list(template.entry),
                presentations=runs,
                cost=template.cost,
                funding=funding,
                hours_per_week=None,
                leads_to=[],
            )
        )

    # --- jobseekers ---
    j_lat, j_lon, _ = _points(rng, n_seekers, place_lat, place_lon, weights, 1.5)
    background = rng.choice(len(roles), size=n_seekers, p=role_w)
    has_background = rng.random(n_seekers) < 0.7
    s_rows: list[npt.NDArray[np.int64]] = []
    s_cols: list[npt.NDArray[np.int64]] = []
    for r, role in enumerate(roles):
        rows = np.flatnonzero((background == r) & has_background)
        for source, p in ((role.essential, 0.85), (role.desirable, 0.35)):
            if rows.size == 0 or not source:
                continue
            codes = np.asarray([code(s) for s in source])
            i, j = np.nonzero(rng.random((rows.size, codes.size)) < p)
            s_rows.append(rows[i])
            s_cols.append(codes[j])
    n_general = rng.integers(1, 7, n_seekers)
    g_rows = np.repeat(np.arange(n_seekers), n_general)
    s_rows.append(g_rows)
    s_cols.append(general[rng.integers(0, general.size, g_rows.size)])
    j_ptr, j_skills = _csr(np.concatenate(s_rows), np.concatenate(s_cols), n_seekers)
    j_english = rng.choice(7, size=n_seekers, p=[0.05, 0.03, 0.05, 0.08, 0.22, 0.47, 0.10]).astype(
        np.int8
    )
    j_maths = rng.choice(7, size=n_seekers, p=[0.05, 0.03, 0.06, 0.11, 0.27, 0.40, 0.08]).astype(
        np.int8
    )
    j_licence = rng.choice(
        len(LICENCES), size=n_seekers, p=[0.38, 0.55, 0.03, 0.02, 0.01, 0.005, 0.005]
    ).astype(np.int8)
    j_travel = rng.choice(
        [5.0, 8.0, 10.0, 15.0, 20.0, 30.0], size=n_seekers, p=[0.1, 0.1, 0.25, 0.25, 0.2, 0.1]
    )
    j_hours = rng.choice(
        [np.nan, 16.0, 20.0, 24.0, 30.0, 37.5], size=n_seekers, p=[0.35, 0.1, 0.1, 0.1, 0.1, 0.25]
    )
    j_patterns = np.zeros(n_seekers, np.int64)
    choosy = rng.random(n_seekers) < 0.6
    for b, share in ((0, 0.5), (1, 0.45), (2, 0.4), (3, 0.15), (4, 0.35), (6, 0.2)):
        j_patterns |= ((rng.random(n_seekers) < share) & choosy).astype(np.int64) << b
    j_age = np.clip(rng.normal(36, 12, n_seekers), 16, 66).astype(np.int16)
    j_available = np.where(rng.random(n_seekers) < 0.7, -1, rng.integers(0, 90, n_seekers)).astype(
        np.int16
    )

    arrays: dict[str, npt.NDArray[Any]] = {
        "v_lat": v_lat, "v_lon": v_lon, "v_role": v_role.astype(np.int16),
        "v_ess_ptr": v_ess_ptr, "v_ess": v_ess, "v_des_ptr": v_des_ptr, "v_des": v_des,
        "v_english": v_english, "v_maths": v_maths, "v_licence": v_licence,
        "v_registration": v_registration, "v_hours": v_hours, "v_patterns": bits,
        "v_night": v_night, "v_closing": v_closing, "v_employer": v_employer.astype(np.int32),
        "v_region": v_region.astype(np.int16),
        "j_lat": j_lat, "j_lon": j_lon, "j_skill_ptr": j_ptr, "j_skills": j_skills,
        "j_english": j_english, "j_maths": j_maths, "j_licence": j_licence,
        "j_travel": j_travel, "j_hours": j_hours, "j_patterns": j_patterns, "j_age": j_age,
        "j_available": j_available,
    }  # fmt: skip
    meta = {
        "seed": seed,
        "scale": scale,
        "today": today.isoformat(),
        "skills": sorted(skills_vocab, key=skills_vocab.__getitem__),
        "roles": [
            {
                "id": r.id,
                "title": r.title,
                "band": r.band,
                "entry_level": r.entry_level,
                "registration": r.registration,
                "dbs": r.dbs,
            }
            for r in roles
        ],
        "employers": employers,
        "regions": regions,
        "places": "services/common/data/postcode_sectors.csv"
        if SECTORS_CSV.exists()
        else str(SHARED_SECTORS_CSV),
    }
    return EnglandData(arrays, meta, courses)


def paths(seed: int, scale: float, out_dir: Path = OUT_DIR) -> tuple[Path, Path]:
    """Where one dataset is saved: the arrays file and the courses file."""
    stem = f"england_{seed}_{scale:g}"
    return out_dir / f"{stem}.npz", out_dir / f"{stem}_courses.pkl"


def save(data: EnglandData, out_dir: Path = OUT_DIR) -> tuple[Path, Path]:
    """Write the dataset (compressed npz + pickle) and return the two paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays_path, courses_path = paths(data.meta["seed"], data.meta["scale"], out_dir)
    payload: dict[str, Any] = {"meta": np.asarray(json.dumps(data.meta)), **data.arrays}
    np.savez_compressed(arrays_path, **payload)
    with courses_path.open("wb") as handle:
        pickle.dump(data.courses, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return arrays_path, courses_path


def load(seed: int = 7, scale: float = 1.0, out_dir: Path = OUT_DIR) -> EnglandData:
    """Read a dataset written by ``save``."""
    arrays_path, courses_path = paths(seed, scale, out_dir)
    with np.load(arrays_path) as stored:
        arrays = {name: stored[name] for name in stored.files if name != "meta"}
        meta = json.loads(str(stored["meta"]))
    with courses_path.open("rb") as handle:
        courses = pickle.load(handle)  # our own file, written by save()
    return EnglandData(arrays, meta, courses)


def ensure(seed: int = 7, scale: float = 1.0, out_dir: Path = OUT_DIR) -> EnglandData:
    """Load the dataset if it was saved before, else generate and save it."""
    arrays_path, courses_path = paths(seed, scale, out_dir)
    if arrays_path.exists() and courses_path.exists():
        return load(seed, scale, out_dir)
    data = generate(seed, scale)
    save(data, out_dir)
    return data


def main() -> None:
    """Command line: generate and save one dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = England scale")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    started = time.perf_counter()
    data = generate(args.seed, args.scale)
    took = time.perf_counter() - started
    arrays_path, courses_path = save(data, args.out)
    runs = sum(len(c.presentations) for c in data.courses)
    print(
        f"{data.n_vacancies:,} vacancies, {len(data.courses):,} courses ({runs:,} presentations), "
        f"{data.n_jobseekers:,} jobseekers in {took:.1f} s -> {arrays_path}, {courses_path}"
    )


if __name__ == "__main__":
    main()
