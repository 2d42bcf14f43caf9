"""The ONS region of a point: the region of the nearest postcode sector centroid.

The match index keeps vacancies and course runs as points, not postcodes, so region reports
place a point by the nearest of the ~10,000 sector centroids shipped in
``services/common/data/postcode_sectors.csv`` (the same table ``geo.lookup`` reads) and take
that sector's modal local authority's region. A vacancy or venue geocoded from its postcode
sits exactly on its sector's centroid, so for them this gives the region ``geo`` gives; a
point between sectors near a regional boundary may land on either side. Points further than
``MAX_KM`` from every English sector (Wales, Scotland, offshore) have no region.

The k-d tree works on unit vectors (3-D), so nearest-by-chord is nearest-by-great-circle.
Built once, lazily, on first use.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from services.common import geo

MAX_KM: Final = 25.0
SECTORS_CSV: Final = geo.DATA_DIR / "postcode_sectors.csv"


def _unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    return np.stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)), axis=-1)


@cache
def _tree() -> tuple[cKDTree, npt.NDArray[np.int16], tuple[str, ...]]:
    lats: list[float] = []
    lons: list[float] = []
    region_names: dict[str, int] = {}
    codes: list[int] = []
    with SECTORS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            region = geo.region_of_lad(row["lad25cd"] or None)
            if region is None:
                continue
            lats.append(float(row["lat"]))
            lons.append(float(row["lon"]))
            codes.append(region_names.setdefault(region, len(region_names)))
    names = tuple(sorted(region_names, key=region_names.__getitem__))
    return cKDTree(_unit_vectors(lats, lons)), np.asarray(codes, dtype=np.int16), names


def region_indexes(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.int16]:
    """Per point, the position of its region in ``region_names()``; -1 for none."""
    lat_array = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_array = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    found = np.full(lat_array.size, -1, dtype=np.int16)
    finite = np.isfinite(lat_array) & np.isfinite(lon_array)
    if not finite.any():
        return found
    tree, codes, _names = _tree()
    chord = 2 * math.sin(MAX_KM / geo.EARTH_RADIUS_KM / 2)
    distance, nearest = tree.query(
        _unit_vectors(lat_array[finite], lon_array[finite]), k=1, distance_upper_bound=chord
    )
    hit = np.isfinite(distance)
    placed = np.full(hit.size, -1, dtype=np.int16)
    placed[hit] = codes[nearest[hit]]
    found[finite] = placed
    return found


def region_names() -> tuple[str, ...]:
    """The regions ``region_indexes`` points into."""
    return _tree()[2]


def regions_at(lat: npt.ArrayLike, lon: npt.ArrayLike) -> list[str | None]:
    """The region of each point (``None`` when no English sector is within ``MAX_KM``)."""
    names = region_names()
    return [names[i] if i >= 0 else None for i in region_indexes(lat, lon).tolist()]


def region_at(lat: float, lon: float) -> str | None:
    """The region of one point (see ``regions_at``)."""
    return regions_at([lat], [lon])[0]


def in_region(lat: npt.ArrayLike, lon: npt.ArrayLike, region: str) -> npt.NDArray[np.bool_]:
    """Which points lie in ``region``, vectorised (for reports over many points)."""
    names = region_names()
    indexes = region_indexes(lat, lon)
    if region not in names:
        return np.zeros(indexes.size, dtype=np.bool_)
    return np.asarray(indexes == names.index(region), dtype=np.bool_)
