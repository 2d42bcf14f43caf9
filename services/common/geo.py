"""Offline UK geography: postcode normalisation, centroids, regions and great-circle distance.

Data (see DATA.md): postcode-sector and district centroids reduced from the ONS Postcode
Directory (Nov 2025, England only), and a local authority -> ONS region table. The tables
load lazily on first use (``functools.cache``); importing this module does no I/O.

Precision, and what a lookup means:

* a full postcode ("B15 2TT") resolves to its **sector** centroid ("B15 2", the mean of its
  postcodes: typically within a kilometre or two of the address in a town, more in the
  country). Full postcodes are not shipped, so an unknown postcode in a known sector still
  resolves; a sector that is not in the table falls back to its district
  (``precision="district"``);
* an outward code ("B15") resolves to its **district** centroid;
* a sector ("B15 2") resolves to itself.

Quirks: postcodes outside England (Scotland, Wales, Northern Ireland, Crown dependencies)
are well formed but unknown, so ``lookup`` answers ``None``. Centroids include terminated
postcodes (the reduction cannot tell them apart). The local authority of a sector or district
is its modal one, so points near a boundary may carry the neighbouring authority and region.
A sector needs its space ("CV12" is district CV12, not sector "CV1 2"); a full postcode does
not ("B152TT" can only be "B15 2TT").
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

DATA_DIR = Path(__file__).resolve().parent / "data"

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)

Precision = Literal["sector", "district"]

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_NO_SPACE = re.compile(rf"({_OUTWARD})([0-9][A-Z]{{2}})")
_OUTWARD_ONLY = re.compile(_OUTWARD)
_INWARD = re.compile(r"[0-9][A-Z]{2}")
_SECTOR_DIGIT = re.compile(r"[0-9]")
_MAX_INPUT = 16  # longer than any postcode with generous spacing: junk


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """Where a postcode, sector or district is, and how precisely we know it."""

    lat: float
    lon: float
    lad_code: str | None
    region: str | None
    precision: Precision


@dataclass(frozen=True, slots=True)
class _Centroid:
    lat: float
    lon: float
    lad_code: str | None


def normalise_postcode(text: str) -> str | None:
    """Upper-case, single-spaced UK postcode, sector or outward code; ``None`` if not that shape.

    Accepts full postcodes ("b15 2tt", "B152TT"), sectors ("B15 2") and outward codes ("b15").
    Only the shape is checked: whether it exists is ``lookup``'s business.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    parts = text.upper().split()
    if len(parts) == 1:
        token = parts[0]
        full = _FULL_NO_SPACE.fullmatch(token)
        if full is not None:
            return f"{full.group(1)} {full.group(2)}"
        return token if _OUTWARD_ONLY.fullmatch(token) else None
    if len(parts) == 2:
        outward, inward = parts
        if _OUTWARD_ONLY.fullmatch(outward) and (
            _INWARD.fullmatch(inward) or _SECTOR_DIGIT.fullmatch(inward)
        ):
            return f"{outward} {inward}"
    return None


def _read_centroids(name: str, key_field: str) -> dict[str, _Centroid]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return {
            row[key_field]: _Centroid(float(row["lat"]), float(row["lon"]), row["lad25cd"] or None)
            for row in csv.DictReader(handle)
        }


@cache
def _sectors() -> dict[str, _Centroid]:
    return _read_centroids("postcode_sectors.csv", "sector")


@cache
def _districts() -> dict[str, _Centroid]:
    return _read_centroids("postcode_districts.csv", "district")


@cache
def _local_authorities() -> dict[str, tuple[str, str]]:
    with (DATA_DIR / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        return {row["lad25cd"]: (row["name"], row["region"]) for row in csv.DictReader(handle)}


def _point(centroid: _Centroid, precision: Precision) -> GeoPoint:
    return GeoPoint(
        lat=centroid.lat,
        lon=centroid.lon,
        lad_code=centroid.lad_code,
        region=region_of_lad(centroid.lad_code),
        precision=precision,
    )


def lookup(text: str) -> GeoPoint | None:
    """The centroid of a postcode's sector, or of an outward code's district; ``None`` if unknown.

    Never raises: junk, non-strings and places outside England all give ``None``.
    """
    normal = normalise_postcode(text)
    if normal is None:
        return None
    outward, _, inward = normal.partition(" ")
    if inward:
        sector = _sectors().get(f"{outward} {inward[0]}")
        if sector is not None:
            return _point(sector, "sector")
    district = _districts().get(outward)
    return None if district is None else _point(district, "district")


def region_of_lad(lad_code: str | None) -> str | None:
    """The ONS region of a local authority (``lad25cd``), or ``None`` if unknown."""
    if lad_code is None:
        return None
    entry = _local_authorities().get(lad_code)
    return None if entry is None else entry[1]


def local_authority_name(lad_code: str) -> str | None:
    """The name of a local authority (``lad25cd``), or ``None`` if unknown."""
    entry = _local_authorities().get(lad_code)
    return None if entry is None else entry[0]


def region_of(text: str) -> str | None:
    """The ONS region of a postcode, sector or outward code; ``None`` if unknown."""
    point = lookup(text)
    return None if point is None else point.region


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def haversine_km_many(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distances in km from one point to arrays of points (degrees), vectorised."""
    phi1 = math.radians(lat)
    phi2 = np.radians(np.asarray(lats, dtype=np.float64))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lons, dtype=np.float64) - lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
    return result


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """``(min_lat, max_lat, min_lon, max_lon)`` holding every point within ``radius_km``.

    For SQL prefilters (``lat BETWEEN ... AND lon BETWEEN ...``) before an exact distance.
    The longitude span is the circle's true widest extent (which lies poleward of ``lat``),
    not the span at ``lat`` itself, so no point inside the radius falls outside the box.
    Near a pole, or when the circle would wrap, longitude spans the whole -180..180.
    The box does not wrap across the antimeridian (irrelevant for the UK).
    """
    radius_km = max(0.0, radius_km)
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(lat))
    sin_angular = math.sin(min(angular, math.pi / 2))
    if angular >= math.pi / 2 or sin_angular >= cos_lat or max_lat >= 90.0 or min_lat <= -90.0:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(sin_angular / cos_lat))
    return min_lat, max_lat, max(-180.0, lon - dlon), min(180.0, lon + dlon)
