"""A coarse spatial grid over rows of points: latitude bands, longitude-sorted within a band.

Rows ``[0, n_sorted)`` of a table are kept in grid order: sorted by (band, longitude) where a
band is ``BAND_DEG`` (0.05 degrees, about 5.6 km) of latitude. One float key per row,
``band * 1000 + (lon + 180)``, is then sorted too, so the rows of every band that fall in a
longitude range are one contiguous slice found with two vectorised ``searchsorted`` calls.
A query for a circle turns into a handful of slices (one per band it crosses: about eleven
for 30 km), gathered without a Python loop. Rows appended after the last compaction (the
unsorted tail) are checked by a plain bounding-box scan. Only the box is tested here: the
caller computes exact distances on what comes back.

Exact distances use unit vectors stored per row (``unit_vectors``): the straight-line chord
between two points on the unit sphere is a few multiply-adds, comparing it with the chord of
the radius filters without trigonometry, and ``2 R asin(chord / 2)`` is then the great-circle
distance (the haversine distance, computed another way) for the rows kept.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from services.common.geo import EARTH_RADIUS_KM, bounding_box

BAND_DEG: Final = 0.05
_BAND_STRIDE: Final = 1000.0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def band_of(lat: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The latitude band of each point (an integer; bands are ``BAND_DEG`` tall)."""
    return np.floor((np.asarray(lat, dtype=np.float64) + 90.0) / BAND_DEG).astype(np.int64)


def grid_key(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """The sort key that puts rows in grid order (band, then longitude)."""
    return band_of(lat).astype(np.float64) * _BAND_STRIDE + (
        np.asarray(lon, dtype=np.float64) + 180.0
    )


def grid_order(lat: npt.ArrayLike, lon: npt.ArrayLike) -> IntArray:
    """Row positions in grid order (stable, so equal keys keep their input order)."""
    return np.argsort(grid_key(lat, lon), kind="stable").astype(np.int64)


def ranges_to_rows(starts: IntArray, stops: IntArray) -> IntArray:
    """The concatenation of ``arange(start, stop)`` for each pair, without a Python loop."""
    lengths = np.maximum(stops - starts, 0)
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def box_rows_sorted(keys: FloatArray, lat: float, lon: float, radius_km: float) -> IntArray:
    """Rows of the grid-sorted prefix (whose keys are ``keys``) inside the circle's box."""
    if keys.size == 0:
        return np.empty(0, dtype=np.int64)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    bands = np.arange(int(band_of(min_lat)), int(band_of(max_lat)) + 1, dtype=np.int64).astype(
        np.float64
    )
    low = np.searchsorted(keys, bands * _BAND_STRIDE + (min_lon + 180.0), side="left")
    high = np.searchsorted(keys, bands * _BAND_STRIDE + (max_lon + 180.0), side="right")
    return ranges_to_rows(low.astype(np.int64), high.astype(np.int64))


def box_rows_scan(
    lats: FloatArray, lons: FloatArray, lat: float, lon: float, radius_km: float
) -> IntArray:
    """Positions among ``lats``/``lons`` inside the circle's bounding box (a straight scan)."""
    if lats.size == 0:
        return np.empty(0, dtype=np.int64)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    inside = (lats >= min_lat) & (lats <= max_lat) & (lons >= min_lon) & (lons <= max_lon)
    return np.flatnonzero(inside).astype(np.int64)


def finite_point(lat: float | None, lon: float | None) -> bool:
    """True when both coordinates are present and finite."""
    return lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon)


def unit_vectors(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Points (degrees) as ``x, y, z`` on the unit sphere."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)


def within(
    lat: float,
    lon: float,
    radius_km: float,
    xs: FloatArray,
    ys: FloatArray,
    zs: FloatArray,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Which points (as unit vectors) lie within ``radius_km``, and their distances in km.

    Distances are great-circle kilometres for the points inside, NaN for the others.
    """
    x0, y0, z0 = (float(v) for v in unit_vectors(lat, lon))
    dx, dy, dz = xs - x0, ys - y0, zs - z0
    chord2 = dx * dx + dy * dy + dz * dz
    angle = min(max(radius_km, 0.0) / EARTH_RADIUS_KM, math.pi)
    inside = chord2 <= (2.0 * math.sin(angle / 2.0)) ** 2 * (1.0 + 1e-12)
    distance = np.full(chord2.shape, np.nan)
    distance[inside] = (
        2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(chord2[inside]) / 2.0, 1.0))
    )
    return inside, distance
