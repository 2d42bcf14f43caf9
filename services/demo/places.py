"""Towns of the demo regions and a seeded sample of their real postcodes.

``data/postcodes.csv`` holds real full postcodes (ONS Postcode Directory, Nov 2025, OGL v3)
sampled by ``services/common/data/build_geo.py`` from the B, CV, WV, WS, DY, WR and NR areas:
up to 12 per district, only from sectors with 30 or more postcodes (no PO-box sectors). The
demo feeds place every vacancy and course venue on one of these, so each resolves with
``services.common.geo.lookup``. Loaded lazily; importing does no I/O.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

POSTCODE_SAMPLE = Path(__file__).resolve().parent / "data" / "postcodes.csv"


@dataclass(frozen=True, slots=True)
class Town:
    """A town the demo uses, its county (``addressRegion``) and its postcode districts."""

    name: str
    county: str
    districts: tuple[str, ...]


_TOWN_LIST: tuple[Town, ...] = (
    Town(
        "Birmingham",
        "West Midlands",
        (
            "B1", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12", "B13", "B14", "B15",
            "B16", "B17", "B18", "B19", "B20", "B21", "B23", "B24", "B25", "B26", "B27", "B28",
            "B29", "B30", "B31", "B32", "B33", "B34", "B35", "B36", "B38", "B42", "B44", "B45",
        ),
    ),
    Town("Sutton Coldfield", "West Midlands", ("B72", "B73", "B74", "B75", "B76")),
    Town("Solihull", "West Midlands", ("B90", "B91", "B92")),
    Town("Chelmsley Wood", "West Midlands", ("B37",)),
    Town("West Bromwich", "West Midlands", ("B70", "B71")),
    Town("Oldbury", "West Midlands", ("B68", "B69")),
    Town("Smethwick", "West Midlands", ("B66", "B67")),
    Town("Halesowen", "West Midlands", ("B62", "B63")),
    Town("Coventry", "West Midlands", ("CV1", "CV2", "CV3", "CV4", "CV5", "CV6")),
    Town("Nuneaton", "Warwickshire", ("CV10", "CV11")),
    Town("Bedworth", "Warwickshire", ("CV12",)),
    Town("Rugby", "Warwickshire", ("CV21", "CV22")),
    Town("Leamington Spa", "Warwickshire", ("CV31", "CV32")),
    Town("Warwick", "Warwickshire", ("CV34",)),
    Town("Kenilworth", "Warwickshire", ("CV8",)),
    Town("Wolverhampton", "West Midlands", ("WV1", "WV2", "WV3", "WV4", "WV6", "WV10", "WV11")),
    Town("Bilston", "West Midlands", ("WV14",)),
    Town("Willenhall", "West Midlands", ("WV12", "WV13")),
    Town("Walsall", "West Midlands", ("WS1", "WS2", "WS3", "WS4", "WS5")),
    Town("Aldridge", "West Midlands", ("WS9",)),
    Town("Wednesbury", "West Midlands", ("WS10",)),
    Town("Cannock", "Staffordshire", ("WS11", "WS12")),
    Town("Lichfield", "Staffordshire", ("WS13", "WS14")),
    Town("Dudley", "West Midlands", ("DY1", "DY2", "DY3")),
    Town("Tipton", "West Midlands", ("DY4",)),
    Town("Brierley Hill", "West Midlands", ("DY5",)),
    Town("Kingswinford", "West Midlands", ("DY6",)),
    Town("Stourbridge", "West Midlands", ("DY8", "DY9")),
    Town("Kidderminster", "Worcestershire", ("DY10", "DY11")),
    Town("Stourport-on-Severn", "Worcestershire", ("DY13",)),
    Town("Bromsgrove", "Worcestershire", ("B60", "B61")),
    Town("Redditch", "Worcestershire", ("B97", "B98")),
    Town("Worcester", "Worcestershire", ("WR1", "WR2", "WR3", "WR4", "WR5")),
    Town("Malvern", "Worcestershire", ("WR13", "WR14")),
    Town("Droitwich Spa", "Worcestershire", ("WR9",)),
    Town("Evesham", "Worcestershire", ("WR11",)),
    Town("Pershore", "Worcestershire", ("WR10",)),
    Town("Norwich", "Norfolk", ("NR1", "NR2", "NR3", "NR4", "NR5", "NR6", "NR7")),
    Town("Great Yarmouth", "Norfolk", ("NR30", "NR31")),
    Town("Lowestoft", "Suffolk", ("NR32", "NR33")),
    Town("Cromer", "Norfolk", ("NR27",)),
    Town("North Walsham", "Norfolk", ("NR28",)),
    Town("Dereham", "Norfolk", ("NR19", "NR20")),
    Town("Wymondham", "Norfolk", ("NR18",)),
    Town("Fakenham", "Norfolk", ("NR21",)),
    Town("Aylsham", "Norfolk", ("NR11",)),
    Town("Attleborough", "Norfolk", ("NR17",)),
)  # fmt: skip

TOWNS: dict[str, Town] = {town.name: town for town in _TOWN_LIST}


@cache
def postcodes_by_district() -> dict[str, tuple[str, ...]]:
    """The shipped sample of real postcodes, grouped by outward code."""
    grouped: dict[str, list[str]] = defaultdict(list)
    with POSTCODE_SAMPLE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped[row["postcode"].split()[0]].append(row["postcode"])
    return {district: tuple(codes) for district, codes in grouped.items()}


def pick_postcode(rng: random.Random, town: Town) -> str:
    """A real postcode in one of ``town``'s districts, chosen with ``rng``."""
    district = rng.choice(town.districts)
    return rng.choice(postcodes_by_district()[district])


def site_postcode(organisation: str, town_name: str) -> str:
    """The fixed postcode of ``organisation``'s site in ``town_name``.

    Seeded by the two names only, so a site stays put whatever seed a feed uses and both demo
    feeds put the same trust in the same place.
    """
    return pick_postcode(random.Random(f"{organisation}|{town_name}"), TOWNS[town_name])
