"""Postcode normalisation, centroid lookup, regions, distances and bounding boxes."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common import geo

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (required under CI=true)")
        pytest.skip(f"{path} is absent: reference data not available here")
    return path


# --- normalise_postcode -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("b15 2tt", "B15 2TT"),
        ("B152TT", "B15 2TT"),
        ("  b15\t  2tt ", "B15 2TT"),
        ("ec1a1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("cv12 3ab", "CV12 3AB"),
        ("CV123AB", "CV12 3AB"),
        ("CV1 2AB", "CV1 2AB"),
        ("b15", "B15"),
        ("Sw1a", "SW1A"),
        ("b15 2", "B15 2"),
        ("NR1 3", "NR1 3"),
    ],
)
def test_normalise_accepts_postcodes_sectors_and_outward_codes(raw: str, expected: str) -> None:
    assert geo.normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "junk",
        "12345",
        "B15 2T",
        "B15 22T",
        "B15 2TTT",
        "B152",  # a sector needs its space
        "B1 5 2TT",
        "ABC1 2TT",
        "B15-2TT",
        "1B5 2TT",
        "B15 2TT and more words",
        "x" * 200,
    ],
)
def test_normalise_rejects_junk(raw: str) -> None:
    assert geo.normalise_postcode(raw) is None


@given(st.text(max_size=30))
def test_normalise_never_raises_and_is_idempotent(raw: str) -> None:
    normal = geo.normalise_postcode(raw)
    if normal is not None:
        assert normal == normal.upper().strip()
        assert "  " not in normal
        assert geo.normalise_postcode(normal) == normal


@given(st.text(max_size=30))
def test_lookup_never_raises(raw: str) -> None:
    point = geo.lookup(raw)
    assert point is None or isinstance(point, geo.GeoPoint)


# --- lookup and regions -------------------------------------------------------------------


def test_full_postcode_resolves_to_its_sector() -> None:
    full = geo.lookup("b15 2tt")
    sector = geo.lookup("B15 2")
    assert full is not None and sector is not None
    assert full == sector
    assert full.precision == "sector"
    assert full.lad_code == "E08000025"  # Birmingham
    assert full.region == "West Midlands"


def test_outward_code_resolves_to_its_district_near_its_sectors() -> None:
    district = geo.lookup("B15")
    sector = geo.lookup("B15 2TT")
    assert district is not None and sector is not None
    assert district.precision == "district"
    assert district != sector
    assert geo.haversine_km(district.lat, district.lon, sector.lat, sector.lon) < 3.0


def test_unknown_sector_in_known_district_falls_back_to_district() -> None:
    point = geo.lookup("B99 9ZZ")
    assert point is not None
    assert point.precision == "district"
    assert point == geo.lookup("B99")


@pytest.mark.parametrize("raw", ["EH1 1YZ", "CF10 1AA", "BT1 1AA", "ZZ9 9ZZ", "QQ1", "not a place"])
def test_outside_england_or_unknown_is_none(raw: str) -> None:
    assert geo.lookup(raw) is None
    assert geo.region_of(raw) is None


@pytest.mark.parametrize(
    ("postcode", "region"),
    [
        ("NR1 3SR", "East of England"),  # Norwich
        ("WR5 1DD", "West Midlands"),  # Worcester
        ("M1 1AE", "North West"),
        ("LS1 4AP", "Yorkshire and The Humber"),
        ("NE1 4LP", "North East"),
        ("NG1 5FW", "East Midlands"),
        ("SW1A 1AA", "London"),
        ("OX1 2JD", "South East"),
        ("BS1 5TR", "South West"),
        # Postcode areas that cross region boundaries: the region follows the authority.
        ("S40 1LA", "East Midlands"),  # Chesterfield, in the Sheffield postcode area
        ("RM17 6SL", "East of England"),  # Thurrock, in the Romford postcode area
        ("TW9 1DN", "London"),  # Richmond upon Thames, in the Twickenham area
        ("HP1 1BB", "East of England"),  # Hemel Hempstead (Dacorum)
        ("S70 2TA", "Yorkshire and The Humber"),  # Barnsley, recoded in 2025
    ],
)
def test_region_of_known_places(postcode: str, region: str) -> None:
    assert geo.region_of(postcode) == region


def test_every_local_authority_in_the_centroids_has_a_known_region() -> None:
    lads = {point.lad_code for point in geo._sectors().values()}
    lads |= {point.lad_code for point in geo._districts().values()}
    regions = {geo.region_of_lad(lad) for lad in lads}
    assert regions == set(geo.REGIONS)


def test_local_authority_table_has_the_expected_shape() -> None:
    table = geo._local_authorities()
    assert len(table) == 296
    london = [code for code, (_name, region) in table.items() if region == "London"]
    assert len(london) == 33
    assert all(code.startswith("E09") for code in london)
    assert geo.local_authority_name("E08000038") == "Barnsley"
    assert geo.local_authority_name("E99999999") is None
    assert geo.region_of_lad(None) is None


def test_import_does_no_io() -> None:
    code = (
        "import services.common.geo as g; "
        "assert g._sectors.cache_info().currsize == 0; "
        "assert g._districts.cache_info().currsize == 0; "
        "assert g._local_authorities.cache_info().currsize == 0"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


@pytest.mark.realdata
def test_sector_centroids_agree_with_the_reference_centroids() -> None:
    path = _shared_file("postcodes/england_postcode_sector_centroids.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reference = list(csv.DictReader(handle))
    sectors = geo._sectors()
    assert len(sectors) == len(reference)
    far = other_lad = 0
    for row in reference:
        ours = sectors[row["postcode_sector"]]
        distance = geo.haversine_km(
            ours.lat, ours.lon, float(row["latitude"]), float(row["longitude"])
        )
        far += distance > 0.05
        other_lad += ours.lad_code != row["main_lad25cd"]
    assert far == 0
    # Only sectors split evenly between two authorities may break the tie differently.
    assert other_lad <= len(reference) // 1000


# --- distances ----------------------------------------------------------------------------


def test_haversine_known_distances() -> None:
    assert geo.haversine_km(52.0, -1.0, 52.0, -1.0) == 0.0
    one_degree = 2 * math.pi * geo.EARTH_RADIUS_KM / 360
    assert geo.haversine_km(52.0, -1.0, 53.0, -1.0) == pytest.approx(one_degree, rel=1e-9)
    # Birmingham New Street to Norwich station: about 217 km as the crow flies.
    assert geo.haversine_km(52.4778, -1.8983, 52.6270, 1.3068) == pytest.approx(218, abs=5)


lat_st = st.floats(min_value=49.0, max_value=61.0)
lon_st = st.floats(min_value=-8.0, max_value=2.0)


@given(lat_st, lon_st, lat_st, lon_st)
def test_haversine_is_symmetric_and_non_negative(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    there = geo.haversine_km(lat1, lon1, lat2, lon2)
    back = geo.haversine_km(lat2, lon2, lat1, lon1)
    assert there >= 0.0
    assert there == pytest.approx(back, abs=1e-9)


def test_haversine_many_matches_the_scalar_version() -> None:
    rng = np.random.default_rng(3)
    lats = rng.uniform(49.9, 55.8, size=500)
    lons = rng.uniform(-5.7, 1.8, size=500)
    many = geo.haversine_km_many(52.48, -1.90, lats, lons)
    assert many.shape == (500,)
    assert many.dtype == np.float64
    single = [geo.haversine_km(52.48, -1.90, a, b) for a, b in zip(lats, lons, strict=True)]
    np.testing.assert_allclose(many, single, rtol=1e-12, atol=1e-9)
    assert geo.haversine_km_many(52.0, -1.0, np.array([]), np.array([])).shape == (0,)


# --- bounding boxes -----------------------------------------------------------------------


def _destination(lat: float, lon: float, bearing: float, distance_km: float) -> tuple[float, float]:
    phi1, lambda1, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
    delta = distance_km / geo.EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)


@given(lat_st, lon_st, st.floats(min_value=0.1, max_value=400.0))
def test_bounding_box_contains_the_whole_circle(lat: float, lon: float, radius: float) -> None:
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius)
    assert min_lat < lat < max_lat
    assert min_lon < lon < max_lon
    for bearing in range(0, 360, 5):
        plat, plon = _destination(lat, lon, bearing, radius * 0.999999)
        assert min_lat <= plat <= max_lat
        assert min_lon <= plon <= max_lon


def test_bounding_box_is_tight_in_latitude() -> None:
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(52.0, -1.0, 10.0)
    north = _destination(52.0, -1.0, 0.0, 10.0)[0]
    assert max_lat == pytest.approx(north, abs=1e-9)
    assert (max_lon - min_lon) > (max_lat - min_lat)  # a degree of longitude is shorter here


def test_bounding_box_near_the_pole_spans_all_longitudes() -> None:
    assert geo.bounding_box(89.9, 10.0, 50.0)[2:] == (-180.0, 180.0)
    assert geo.bounding_box(52.0, -1.0, 0.0) == (52.0, 52.0, -1.0, -1.0)
