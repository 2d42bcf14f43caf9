"""Area deprivation for a postcode, from the English Indices of Deprivation 2025 (offline).

Data (see DATA.md): ``data/imd2025_lad.csv``, the IMD 2025 local authority summary reduced to
the figures used here and keyed by the 2025 local authority code (``lad25cd``) that the
postcode tables carry. Loaded lazily on first use; importing this module does no I/O.

Why local authority and not neighbourhood: IMD is published per LSOA (about 1,500 people),
but the shipped postcode tables stop at the sector, which has no LSOA, so a postcode is placed
in its sector's (or district's) modal local authority and gets that authority's summary.
That makes the flag below an *area* signal, not a statement about the person's street.

``in_most_deprived_area`` is defined as: the local authority ranks among the most deprived
10% of English local authorities on the IMD 2025 **rank of average score** (rank 1 = most
deprived), i.e. ``imd_rank_of_average_score <= 0.10 * N`` with ``N`` the number of ranked
authorities (296 in IMD 2025, so ranks 1 to 29). ``proportion_most_deprived_10pct`` (the
share of the authority's LSOAs in the national most deprived decile) is returned alongside
so callers can apply a finer rule if they need one.

Quirk: Barnsley and Sheffield were recoded in 2025 (E08000016 -> E08000038 and
E08000019 -> E08000039); the shipped table already carries the new codes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from services.common import geo

MOST_DEPRIVED_SHARE = 0.10
IMD_TABLE = geo.DATA_DIR / "imd2025_lad.csv"


@dataclass(frozen=True, slots=True)
class Deprivation:
    """IMD 2025 summary of the local authority a postcode lies in."""

    lad_code: str
    lad_name: str
    imd_average_score: float
    imd_rank_of_average_score: int
    proportion_most_deprived_10pct: float
    in_most_deprived_area: bool


@cache
def _table() -> dict[str, Deprivation]:
    with IMD_TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cutoff = MOST_DEPRIVED_SHARE * len(rows)
    return {
        row["lad25cd"]: Deprivation(
            lad_code=row["lad25cd"],
            lad_name=row["name"],
            imd_average_score=float(row["imd_average_score"]),
            imd_rank_of_average_score=int(row["imd_rank_of_average_score"]),
            proportion_most_deprived_10pct=float(row["proportion_most_deprived_10pct"]),
            in_most_deprived_area=int(row["imd_rank_of_average_score"]) <= cutoff,
        )
        for row in rows
    }


def ranked_local_authorities() -> int:
    """How many local authorities IMD 2025 ranks (the ``N`` of the most-deprived rule)."""
    return len(_table())


def deprivation_of_lad(lad_code: str) -> Deprivation | None:
    """The IMD 2025 summary of a local authority (``lad25cd``), or ``None`` if unknown."""
    return _table().get(lad_code)


def deprivation_of(postcode: str) -> Deprivation | None:
    """The IMD 2025 summary for a postcode, sector or outward code; ``None`` if unknown."""
    point = geo.lookup(postcode)
    if point is None or point.lad_code is None:
        return None
    return deprivation_of_lad(point.lad_code)
