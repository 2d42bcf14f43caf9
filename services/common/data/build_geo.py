"""Rebuild the geography and deprivation tables in this folder from the shared reference data.

Run from the project root, with the shared data beside it::

    .venv/bin/python -m services.common.data.build_geo --shared ../shared/data

Inputs (read only, never shipped whole):

* ``postcodes/england_postcodes_onspd_nov2025.csv.gz``: ONS Postcode Directory, Nov 2025, every
  English postcode in ``pcd7`` form ("A9  9AA" padded to seven characters, "AA999AA" with no
  space at all) with latitude,
  longitude and ``lad25cd``. Terminated postcodes are included and cannot be told apart (the
  reduction has no termination date), so centroids count them too; CRLF line endings.
* ``deprivation/imd2025_england_ltla24.csv``: English Indices of Deprivation 2025 by 2024
  local authority (``ltla24_code``).

Outputs (all CSV, UTF-8, ``\\n`` line endings, sorted, so a rebuild diffs cleanly):

* ``postcode_sectors.csv``: ``sector,lat,lon,lad25cd,n_postcodes``. Mean position of the
  postcodes in a sector ("B15 2"), modal local authority (ties: lowest code).
* ``postcode_districts.csv``: the same per outward code / district ("B15").
* ``local_authorities.csv``: ``lad25cd,name,region``. The region comes from
  ``REGION_MEMBERS`` below, written from the ONS region membership of each county and unitary
  authority, and checked against a vote of postcode areas (the script prints every
  disagreement; each is a postcode area that crosses a region boundary).
* ``imd2025_lad.csv``: the few IMD 2025 figures Routeway uses, keyed by ``lad25cd``.
  Barnsley and Sheffield were recoded in 2025 (``E08000016`` -> ``E08000038``,
  ``E08000019`` -> ``E08000039``); ``RECODED_2025`` maps them and the script checks that the
  new codes hold the Barnsley (S70-S75) and Sheffield (S1-S14) postcode districts.
* ``../../demo/data/postcodes.csv``: a seeded sample of real full postcodes in the areas the
  demo feeds use (B, CV, WV, WS, DY, WR, NR), taken only from sectors with 30+ postcodes so
  that PO-box and large-user sectors are left out.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_DATA = HERE.parent.parent / "demo" / "data"

ONSPD = "postcodes/england_postcodes_onspd_nov2025.csv.gz"
IMD_LTLA = "deprivation/imd2025_england_ltla24.csv"

# 2024 IMD code -> 2025 ONSPD code for the two authorities recoded in 2025.
RECODED_2025: Mapping[str, str] = {"E08000016": "E08000038", "E08000019": "E08000039"}
# The post town districts that prove which new code is which (checked by the build).
RECODE_EVIDENCE: Mapping[str, tuple[str, ...]] = {
    "E08000038": ("S70", "S71", "S72", "S73", "S74", "S75"),  # Barnsley
    "E08000039": ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11"),  # Sheffield
}

DEMO_AREAS = ("B", "CV", "WV", "WS", "DY", "WR", "NR")
DEMO_PER_DISTRICT = 12
DEMO_MIN_SECTOR_SIZE = 30
DEMO_SEED = 20251101

# fmt: off
# ONS regions (ITL1) by local authority, written per county / metropolitan county / unitary
# authority. Names as the IMD 2025 local authority file spells them.
REGION_MEMBERS: Mapping[str, tuple[str, ...]] = {
    "North East": (
        "Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees", "Darlington",
        "County Durham", "Northumberland",
        # Tyne and Wear
        "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland", "Gateshead",
    ),
    "North West": (
        "Halton", "Warrington", "Blackburn with Darwen", "Blackpool", "Cheshire East",
        "Cheshire West and Chester", "Cumberland", "Westmorland and Furness",
        # Lancashire
        "Burnley", "Chorley", "Fylde", "Hyndburn", "Lancaster", "Pendle", "Preston",
        "Ribble Valley", "Rossendale", "South Ribble", "West Lancashire", "Wyre",
        # Greater Manchester
        "Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside",
        "Trafford", "Wigan",
        # Merseyside
        "Knowsley", "Liverpool", "St. Helens", "Sefton", "Wirral",
    ),
    "Yorkshire and The Humber": (
        "Kingston upon Hull, City of", "East Riding of Yorkshire", "North East Lincolnshire",
        "North Lincolnshire", "York", "North Yorkshire",
        # South Yorkshire
        "Barnsley", "Sheffield", "Doncaster", "Rotherham",
        # West Yorkshire
        "Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield",
    ),
    "East Midlands": (
        "Derby", "Leicester", "Rutland", "Nottingham", "North Northamptonshire",
        "West Northamptonshire",
        # Derbyshire
        "Amber Valley", "Bolsover", "Chesterfield", "Derbyshire Dales", "Erewash", "High Peak",
        "North East Derbyshire", "South Derbyshire",
        # Leicestershire
        "Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Melton",
        "North West Leicestershire", "Oadby and Wigston",
        # Lincolnshire
        "Boston", "East Lindsey", "Lincoln", "North Kesteven", "South Holland", "South Kesteven",
        "West Lindsey",
        # Nottinghamshire
        "Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood",
        "Rushcliffe",
    ),
    "West Midlands": (
        "Herefordshire, County of", "Telford and Wrekin", "Stoke-on-Trent", "Shropshire",
        # Staffordshire
        "Cannock Chase", "East Staffordshire", "Lichfield", "Newcastle-under-Lyme",
        "South Staffordshire", "Stafford", "Staffordshire Moorlands", "Tamworth",
        # Warwickshire
        "North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon", "Warwick",
        # Worcestershire
        "Bromsgrove", "Malvern Hills", "Redditch", "Worcester", "Wychavon", "Wyre Forest",
        # West Midlands metropolitan county
        "Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton",
    ),
    "East of England": (
        "Peterborough", "Luton", "Southend-on-Sea", "Thurrock", "Bedford", "Central Bedfordshire",
        # Cambridgeshire
        "Cambridge", "East Cambridgeshire", "Fenland", "Huntingdonshire", "South Cambridgeshire",
        # Essex
        "Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Colchester",
        "Epping Forest", "Harlow", "Maldon", "Rochford", "Tendring", "Uttlesford",
        # Hertfordshire
        "Broxbourne", "Dacorum", "Hertsmere", "North Hertfordshire", "Three Rivers", "Watford",
        "St Albans", "Welwyn Hatfield", "East Hertfordshire", "Stevenage",
        # Norfolk
        "Breckland", "Broadland", "Great Yarmouth", "King's Lynn and West Norfolk",
        "North Norfolk", "Norwich", "South Norfolk",
        # Suffolk
        "Babergh", "Ipswich", "Mid Suffolk", "East Suffolk", "West Suffolk",
    ),
    "London": (
        "City of London", "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden",
        "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham",
        "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington",
        "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton",
        "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets",
        "Waltham Forest", "Wandsworth", "Westminster",
    ),
    "South East": (
        "Medway", "Bracknell Forest", "West Berkshire", "Reading", "Slough",
        "Windsor and Maidenhead", "Wokingham", "Milton Keynes", "Brighton and Hove", "Portsmouth",
        "Southampton", "Isle of Wight", "Buckinghamshire",
        # East Sussex
        "Eastbourne", "Hastings", "Lewes", "Rother", "Wealden",
        # Hampshire
        "Basingstoke and Deane", "East Hampshire", "Eastleigh", "Fareham", "Gosport", "Hart",
        "Havant", "New Forest", "Rushmoor", "Test Valley", "Winchester",
        # Kent
        "Ashford", "Canterbury", "Dartford", "Dover", "Gravesham", "Maidstone", "Sevenoaks",
        "Folkestone and Hythe", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells",
        # Oxfordshire
        "Cherwell", "Oxford", "South Oxfordshire", "Vale of White Horse", "West Oxfordshire",
        # Surrey
        "Elmbridge", "Epsom and Ewell", "Guildford", "Mole Valley", "Reigate and Banstead",
        "Runnymede", "Spelthorne", "Surrey Heath", "Tandridge", "Waverley", "Woking",
        # West Sussex
        "Adur", "Arun", "Chichester", "Crawley", "Horsham", "Mid Sussex", "Worthing",
    ),
    "South West": (
        "Bath and North East Somerset", "Bristol, City of", "North Somerset",
        "South Gloucestershire", "Plymouth", "Torbay", "Swindon", "Cornwall", "Isles of Scilly",
        "Wiltshire", "Bournemouth, Christchurch and Poole", "Dorset", "Somerset",
        # Devon
        "East Devon", "Exeter", "Mid Devon", "North Devon", "South Hams", "Teignbridge",
        "Torridge", "West Devon",
        # Gloucestershire
        "Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury",
    ),
}
# fmt: on

# Postcode area -> region, only to cross-check REGION_MEMBERS: many areas cross a boundary.
AREA_REGION_CHECK: Mapping[str, str] = {
    area: region
    for region, areas in {
        "North East": "NE SR DH DL TS",
        "North West": "M BL OL SK WA WN L CH PR BB FY LA CA CW",
        "Yorkshire and The Humber": "BD HD HX HG HU DN LS S WF YO",
        "East Midlands": "DE NG LE LN NN",
        "West Midlands": "B CV DY HR ST TF WR WS WV SY",
        "East of England": "AL CB CM CO IP NR SG SS LU PE WD",
        "London": "E EC N NW SE SW W WC BR CR EN HA IG RM SM UB",
        "South East": "BN CT GU ME MK OX PO RG RH SL SO TN HP DA KT TW",
        "South West": "BA BH BS DT EX GL PL SN SP TA TQ TR",
    }.items()
    for area in areas.split()
}

IMD_FIELDS: Mapping[str, str] = {
    "imd_average_score": "imd_average_score",
    "imd_rank_of_average_score": "imd_rank_of_average_score",
    "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally": (
        "proportion_most_deprived_10pct"
    ),
    "imd_rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally": (
        "rank_of_proportion_most_deprived_10pct"
    ),
    "imd25_extent": "imd_extent",
}

_AREA = re.compile(r"[A-Z]+")


@dataclass
class _Accumulator:
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    count: int = 0
    lads: Counter[str] = field(default_factory=Counter)

    def add(self, lat: float, lon: float, lad: str) -> None:
        self.lat_sum += lat
        self.lon_sum += lon
        self.count += 1
        self.lads[lad] += 1

    def row(self, key: str) -> list[str]:
        modal = min(self.lads.items(), key=lambda item: (-item[1], item[0]))[0]
        return [
            key,
            f"{self.lat_sum / self.count:.5f}",
            f"{self.lon_sum / self.count:.5f}",
            modal,
            str(self.count),
        ]


@dataclass
class _Onspd:
    sectors: dict[str, _Accumulator]
    districts: dict[str, _Accumulator]
    area_votes: dict[str, Counter[str]]
    postcodes_by_sector: dict[str, list[str]]


def _read_onspd(path: Path) -> _Onspd:
    sectors: dict[str, _Accumulator] = defaultdict(_Accumulator)
    districts: dict[str, _Accumulator] = defaultdict(_Accumulator)
    area_votes: dict[str, Counter[str]] = defaultdict(Counter)
    demo: dict[str, list[str]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            postcode = row["postcode"].replace(" ", "")
            outward, inward = postcode[:-3], postcode[-3:]
            lat, lon, lad = float(row["latitude"]), float(row["longitude"]), row["lad25cd"]
            sector = f"{outward} {inward[0]}"
            sectors[sector].add(lat, lon, lad)
            districts[outward].add(lat, lon, lad)
            area = _AREA.match(outward)
            assert area is not None
            area_votes[lad][AREA_REGION_CHECK.get(area.group(), "?")] += 1
            if area.group() in DEMO_AREAS:
                demo[sector].append(f"{outward} {inward}")
    return _Onspd(sectors, districts, area_votes, demo)


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


def _district_sort_key(key: str) -> tuple[str, int, str]:
    match = re.fullmatch(r"([A-Z]+)(\d+)([A-Z]?)(.*)", key)
    assert match is not None, key
    return match.group(1), int(match.group(2)), match.group(3) + match.group(4)


def _check_recodes(districts_by_lad: Mapping[str, Counter[str]]) -> None:
    for new_code, expected in RECODE_EVIDENCE.items():
        found = districts_by_lad[new_code]
        missing = [d for d in expected if found[d] == 0]
        assert not missing, f"{new_code} lacks {missing}: the 2025 recode mapping is wrong"


def _local_authorities(
    imd_names: Mapping[str, str], onspd_lads: set[str], area_votes: Mapping[str, Counter[str]]
) -> list[list[str]]:
    code_of = {name: RECODED_2025.get(code, code) for code, name in imd_names.items()}
    region_of: dict[str, str] = {}
    for region, members in REGION_MEMBERS.items():
        for name in members:
            code = code_of[name]
            assert code not in region_of, f"{name} listed twice"
            region_of[code] = region
    assert set(region_of) == onspd_lads, sorted(set(region_of) ^ onspd_lads)
    for code in sorted(region_of):
        vote, count = area_votes[code].most_common(1)[0]
        if vote != region_of[code]:
            share = count / sum(area_votes[code].values())
            print(
                f"  check: {code} {imd_names.get(code) or code} is {region_of[code]}; "
                f"postcode areas vote {vote} ({share:.0%})"
            )
    name_of = {RECODED_2025.get(code, code): name for code, name in imd_names.items()}
    return [[code, name_of[code], region_of[code]] for code in sorted(region_of)]


def build(shared: Path, out: Path = HERE, demo_out: Path = DEMO_DATA) -> None:
    """Read the shared data under ``shared`` and (re)write every table this module describes."""
    onspd = _read_onspd(shared / ONSPD)
    _write_csv(
        out / "postcode_sectors.csv",
        ["sector", "lat", "lon", "lad25cd", "n_postcodes"],
        (
            acc.row(key)
            for key, acc in sorted(
                onspd.sectors.items(), key=lambda kv: _district_sort_key(kv[0].replace(" ", ""))
            )
        ),
    )
    _write_csv(
        out / "postcode_districts.csv",
        ["district", "lat", "lon", "lad25cd", "n_postcodes"],
        (
            acc.row(key)
            for key, acc in sorted(
                onspd.districts.items(), key=lambda kv: _district_sort_key(kv[0])
            )
        ),
    )

    districts_by_lad: dict[str, Counter[str]] = defaultdict(Counter)
    for district, acc in onspd.districts.items():
        for lad, count in acc.lads.items():
            districts_by_lad[lad][district] += count
    _check_recodes(districts_by_lad)

    with (shared / IMD_LTLA).open(encoding="utf-8", newline="") as handle:
        imd_rows = list(csv.DictReader(handle))
    imd_names = {row["ltla24_code"]: row["ltla24_name"] for row in imd_rows}
    _write_csv(
        out / "local_authorities.csv",
        ["lad25cd", "name", "region"],
        _local_authorities(imd_names, set(districts_by_lad), onspd.area_votes),
    )

    imd_out: list[list[str]] = []
    for row in imd_rows:
        code = row["ltla24_code"]
        values = [row[source] for source in IMD_FIELDS]
        values = [v[:-2] if v.endswith(".0") else v for v in values]  # ranks are written "6.0"
        imd_out.append([RECODED_2025.get(code, code), code, row["ltla24_name"], *values])
    _write_csv(
        out / "imd2025_lad.csv",
        ["lad25cd", "ltla24_code", "name", *IMD_FIELDS.values()],
        sorted(imd_out),
    )

    rng = random.Random(DEMO_SEED)
    by_district: dict[str, list[str]] = defaultdict(list)
    for sector, postcodes in onspd.postcodes_by_sector.items():
        if len(postcodes) >= DEMO_MIN_SECTOR_SIZE:
            by_district[sector.split()[0]].extend(sorted(postcodes))
    sample: list[list[str]] = []
    for district in sorted(by_district, key=_district_sort_key):
        pool = by_district[district]
        picked = rng.sample(pool, min(DEMO_PER_DISTRICT, len(pool)))
        sample.extend([postcode] for postcode in sorted(picked))
    demo_out.mkdir(parents=True, exist_ok=True)
    _write_csv(demo_out / "postcodes.csv", ["postcode"], sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    build(args.shared)


if __name__ == "__main__":
    main()
