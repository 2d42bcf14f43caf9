"""Employers the demo feeds use: real NHS trust and council names, invented care providers
and GP practices.

NHS trust and council names are public facts (each really serves the towns listed); nothing
else about them here is real: the vacancies and courses attached to them are invented for
the demo. Care providers and GP practices are invented names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EmployerKind = Literal["nhs_trust", "care_provider", "gp_practice", "council"]


@dataclass(frozen=True, slots=True)
class Employer:
    """An organisation that advertises demo vacancies, and the towns it works in."""

    name: str
    kind: EmployerKind
    towns: tuple[str, ...]
    website: str
    setting: str | None = None  # care providers: "home_care", "care_home" or "supported_living"
    only_roles: tuple[str, ...] = ()  # role keys this employer advertises; empty means any


_AMBULANCE_ROLES = ("driver", "admin_clerical", "stores_assistant", "it_apprentice")


def _site(slug: str) -> str:
    return f"https://{slug}.example.org.uk"


NHS_TRUSTS: tuple[Employer, ...] = (
    Employer(
        "University Hospitals Birmingham NHS Foundation Trust",
        "nhs_trust",
        ("Birmingham", "Sutton Coldfield", "Solihull", "Chelmsley Wood"),
        _site("uhb-demo"),
    ),
    Employer(
        "Sandwell and West Birmingham Hospitals NHS Trust",
        "nhs_trust",
        ("West Bromwich", "Smethwick", "Birmingham", "Oldbury"),
        _site("swbh-demo"),
    ),
    Employer(
        "Birmingham Community Healthcare NHS Foundation Trust",
        "nhs_trust",
        ("Birmingham", "Sutton Coldfield"),
        _site("bchc-demo"),
    ),
    Employer(
        "Birmingham and Solihull Mental Health NHS Foundation Trust",
        "nhs_trust",
        ("Birmingham", "Solihull"),
        _site("bsmhft-demo"),
    ),
    Employer(
        "Birmingham Women's and Children's NHS Foundation Trust",
        "nhs_trust",
        ("Birmingham",),
        _site("bwc-demo"),
    ),
    Employer(
        "University Hospitals Coventry and Warwickshire NHS Trust",
        "nhs_trust",
        ("Coventry", "Rugby"),
        _site("uhcw-demo"),
    ),
    Employer(
        "Coventry and Warwickshire Partnership NHS Trust",
        "nhs_trust",
        ("Coventry", "Nuneaton", "Leamington Spa", "Warwick"),
        _site("cwpt-demo"),
    ),
    Employer(
        "George Eliot Hospital NHS Trust",
        "nhs_trust",
        ("Nuneaton", "Bedworth"),
        _site("geh-demo"),
    ),
    Employer(
        "The Royal Wolverhampton NHS Trust",
        "nhs_trust",
        ("Wolverhampton", "Bilston", "Willenhall"),
        _site("rwt-demo"),
    ),
    Employer(
        "Walsall Healthcare NHS Trust",
        "nhs_trust",
        ("Walsall", "Aldridge", "Willenhall"),
        _site("walsall-demo"),
    ),
    Employer(
        "The Dudley Group NHS Foundation Trust",
        "nhs_trust",
        ("Dudley", "Brierley Hill", "Stourbridge"),
        _site("dgft-demo"),
    ),
    Employer(
        "Black Country Healthcare NHS Foundation Trust",
        "nhs_trust",
        ("Dudley", "Walsall", "Wolverhampton", "West Bromwich"),
        _site("bchft-demo"),
    ),
    Employer(
        "Worcestershire Acute Hospitals NHS Trust",
        "nhs_trust",
        ("Worcester", "Redditch", "Kidderminster"),
        _site("wah-demo"),
    ),
    Employer(
        "Herefordshire and Worcestershire Health and Care NHS Trust",
        "nhs_trust",
        ("Worcester", "Malvern", "Evesham", "Bromsgrove"),
        _site("hacw-demo"),
    ),
    Employer(
        "Norfolk and Norwich University Hospitals NHS Foundation Trust",
        "nhs_trust",
        ("Norwich", "Cromer"),
        _site("nnuh-demo"),
    ),
    Employer(
        "James Paget University Hospitals NHS Foundation Trust",
        "nhs_trust",
        ("Great Yarmouth", "Lowestoft"),
        _site("jpuh-demo"),
    ),
    Employer(
        "Norfolk Community Health and Care NHS Trust",
        "nhs_trust",
        ("Norwich", "North Walsham", "Dereham", "Fakenham"),
        _site("nchc-demo"),
    ),
    Employer(
        "West Midlands Ambulance Service University NHS Foundation Trust",
        "nhs_trust",
        ("Birmingham", "Coventry", "Wolverhampton", "Dudley", "Worcester"),
        _site("wmas-demo"),
        only_roles=_AMBULANCE_ROLES,
    ),
    Employer(
        "East of England Ambulance Service NHS Trust",
        "nhs_trust",
        ("Norwich", "Great Yarmouth", "Dereham"),
        _site("eeast-demo"),
        only_roles=_AMBULANCE_ROLES,
    ),
)

COUNCILS: tuple[Employer, ...] = (
    Employer("Birmingham City Council", "council", ("Birmingham",), _site("bcc-demo")),
    Employer("Coventry City Council", "council", ("Coventry",), _site("coventry-demo")),
    Employer("City of Wolverhampton Council", "council", ("Wolverhampton",), _site("cwc-demo")),
    Employer("Walsall Council", "council", ("Walsall",), _site("walsallcouncil-demo")),
    Employer(
        "Dudley Metropolitan Borough Council",
        "council",
        ("Dudley", "Stourbridge"),
        _site("dmbc-demo"),
    ),
    Employer(
        "Worcestershire County Council",
        "council",
        ("Worcester", "Kidderminster", "Redditch"),
        _site("worcs-demo"),
    ),
    Employer(
        "Norfolk County Council", "council", ("Norwich", "Great Yarmouth"), _site("norfolk-demo")
    ),
)

_HOME, _RESIDENTIAL, _SUPPORTED = "home_care", "care_home", "supported_living"
_CARE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Brookfield Home Care", _HOME, ("Birmingham", "Solihull")),
    ("Moseley Lodge Care Home", _RESIDENTIAL, ("Birmingham",)),
    ("Kingfisher Court Nursing Home", _RESIDENTIAL, ("Sutton Coldfield",)),
    ("Silver Birch Supported Living", _SUPPORTED, ("Birmingham", "West Bromwich")),
    ("Harmony Homecare Midlands", _HOME, ("West Bromwich", "Oldbury", "Smethwick")),
    ("Rowan House Residential Care", _RESIDENTIAL, ("Halesowen",)),
    ("Spon End Home Support", _HOME, ("Coventry",)),
    ("Arden Meadows Care Home", _RESIDENTIAL, ("Coventry", "Kenilworth")),
    ("Riverside Reablement Services", _HOME, ("Nuneaton", "Bedworth", "Rugby")),
    ("Swan Lane Care Centre", _RESIDENTIAL, ("Leamington Spa", "Warwick")),
    ("Penn Fields Nursing Home", _RESIDENTIAL, ("Wolverhampton",)),
    ("Black Country Homecare Partnership", _HOME, ("Wolverhampton", "Bilston", "Willenhall")),
    ("Arboretum View Care Home", _RESIDENTIAL, ("Walsall",)),
    ("Hollybank Domiciliary Care", _HOME, ("Walsall", "Aldridge", "Cannock")),
    ("Castle Hill Care Home", _RESIDENTIAL, ("Dudley",)),
    ("Mary Stevens House", _RESIDENTIAL, ("Stourbridge",)),
    ("Lye Valley Home Care", _HOME, ("Stourbridge", "Brierley Hill", "Kingswinford")),
    ("Severnside Care Home", _RESIDENTIAL, ("Worcester",)),
    ("Malvern Hills Homecare", _HOME, ("Malvern", "Worcester")),
    ("Vale of Evesham Supported Living", _SUPPORTED, ("Evesham", "Pershore")),
    ("Wyre Forest Care at Home", _HOME, ("Kidderminster", "Stourport-on-Severn")),
    ("Salt Way Residential Home", _RESIDENTIAL, ("Droitwich Spa",)),
    ("Oak Tree Lodge Care Home", _RESIDENTIAL, ("Redditch", "Bromsgrove")),
    ("Wensum Valley Home Care", _HOME, ("Norwich", "Aylsham")),
    ("Eaton Park Care Home", _RESIDENTIAL, ("Norwich",)),
    ("Broadland Community Support", _SUPPORTED, ("Norwich", "North Walsham", "Wymondham")),
    ("Seaview Nursing Home", _RESIDENTIAL, ("Cromer",)),
    ("Yare Homecare", _HOME, ("Great Yarmouth", "Lowestoft")),
    ("Breckland Home Care Partnership", _HOME, ("Dereham", "Attleborough", "Fakenham")),
)

_GP: tuple[tuple[str, str], ...] = (
    ("Harborne Lane Medical Practice", "Birmingham"),
    ("Small Heath Family Health Centre", "Birmingham"),
    ("Four Oaks Surgery", "Sutton Coldfield"),
    ("Shirley Road Surgery", "Solihull"),
    ("Hill Top Medical Centre", "West Bromwich"),
    ("Earlsdon Park Surgery", "Coventry"),
    ("Tile Hill Health Centre", "Coventry"),
    ("Tettenhall Road Practice", "Wolverhampton"),
    ("Caldmore Green Surgery", "Walsall"),
    ("Netherton Health Centre", "Dudley"),
    ("St John's Medical Practice", "Worcester"),
    ("Priory Gate Surgery", "Malvern"),
    ("Riverside Medical Practice", "Norwich"),
    ("Unthank Road Surgery", "Norwich"),
    ("Gorleston Health Centre", "Great Yarmouth"),
)

CARE_PROVIDERS: tuple[Employer, ...] = tuple(
    Employer(name, "care_provider", towns, _site(name.lower().replace(" ", "-")), setting)
    for name, setting, towns in _CARE
)
GP_PRACTICES: tuple[Employer, ...] = tuple(
    Employer(name, "gp_practice", (town,), _site(name.lower().replace(" ", "-").replace("'", "")))
    for name, town in _GP
)

EMPLOYERS: tuple[Employer, ...] = NHS_TRUSTS + COUNCILS + CARE_PROVIDERS + GP_PRACTICES
