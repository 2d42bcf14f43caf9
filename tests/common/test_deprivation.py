"""IMD 2025 by postcode: the join, the Barnsley/Sheffield recodes and the most-deprived rule."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.common import deprivation, geo

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_blackpool_is_most_deprived() -> None:
    result = deprivation.deprivation_of("fy1 4aa")
    assert result is not None
    assert result.lad_name == "Blackpool"
    assert result.imd_rank_of_average_score == 1
    assert result.in_most_deprived_area is True
    assert 0.0 < result.proportion_most_deprived_10pct <= 1.0


def test_outward_codes_and_sectors_work_like_postcodes() -> None:
    full = deprivation.deprivation_of("B15 2TT")
    assert full is not None
    assert full == deprivation.deprivation_of("B15")
    assert full == deprivation.deprivation_of("B15 2")
    assert full.lad_code == "E08000025"
    assert full.lad_name == "Birmingham"


@pytest.mark.parametrize("raw", ["", "junk", "EH1 1YZ", "ZZ9 9ZZ", "B15 2T"])
def test_unknown_or_junk_is_none(raw: str) -> None:
    assert deprivation.deprivation_of(raw) is None


@pytest.mark.parametrize(
    ("postcode", "code", "name"),
    [("S70 2TA", "E08000038", "Barnsley"), ("S1 2HE", "E08000039", "Sheffield")],
)
def test_recoded_authorities_resolve(postcode: str, code: str, name: str) -> None:
    result = deprivation.deprivation_of(postcode)
    assert result is not None
    assert (result.lad_code, result.lad_name) == (code, name)


def test_every_local_authority_has_a_deprivation_summary() -> None:
    lads = set(geo._local_authorities())
    assert lads == set(deprivation._table())
    assert all(deprivation.deprivation_of_lad(code) is not None for code in lads)
    assert deprivation.deprivation_of_lad("E99999999") is None


def test_most_deprived_rule_flags_the_top_tenth_by_rank() -> None:
    table = deprivation._table().values()
    n = deprivation.ranked_local_authorities()
    assert n == len(table)
    assert sorted(d.imd_rank_of_average_score for d in table) == list(range(1, n + 1))
    flagged = [d for d in table if d.in_most_deprived_area]
    assert len(flagged) == math.floor(deprivation.MOST_DEPRIVED_SHARE * n)
    worst_flag_rank = max(d.imd_rank_of_average_score for d in flagged)
    assert all(d.imd_rank_of_average_score > worst_flag_rank for d in table if d not in flagged)


def test_rank_follows_score() -> None:
    by_rank = sorted(deprivation._table().values(), key=lambda d: d.imd_rank_of_average_score)
    scores = [d.imd_average_score for d in by_rank]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.realdata
def test_shipped_table_matches_the_source() -> None:
    path = SHARED / "deprivation" / "imd2025_england_ltla24.csv"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (required under CI=true)")
        pytest.skip(f"{path} is absent: reference data not available here")
    recoded = {"E08000016": "E08000038", "E08000019": "E08000039"}
    with path.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    assert len(source) == deprivation.ranked_local_authorities()
    for row in source:
        shipped = deprivation.deprivation_of_lad(
            recoded.get(row["ltla24_code"], row["ltla24_code"])
        )
        assert shipped is not None
        assert shipped.lad_name == row["ltla24_name"]
        assert shipped.imd_rank_of_average_score == float(row["imd_rank_of_average_score"])
        assert shipped.imd_average_score == float(row["imd_average_score"])
        assert shipped.proportion_most_deprived_10pct == float(
            row["imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]
        )


def test_import_does_no_io() -> None:
    code = "import services.common.deprivation as d; assert d._table.cache_info().currsize == 0"
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
