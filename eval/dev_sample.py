"""The development (tuning) sample of real NHS Jobs adverts, for labelling and error analysis.

An advert is in the DEV pool iff ``int(sha256(source_file), 16) % 10 == 1`` (the evaluation
pool is ``% 10 == 0``; the SOC classifier trains on the remaining 80 %). The pool, sorted by
``source_file``, is sampled with ``random.Random(DEV_SEED).sample(pool, DEV_SIZE)``.

``python eval/dev_sample.py`` prints the sampled ``source_file`` ids, one a line;
``--show`` prints each advert as the labeller reads it (title, salary, plain text) to the
terminal. Nothing here writes advert text to disk: the adverts carry no licence.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    REPO_ROOT.parent / "shared" / "data" / "nhs_jobs" / "nhs_jobs_2020_jobposting.jsonl.gz"
)
DEV_SEED = 2027
DEV_SIZE = 120
# A second development sample, labelled for SOC 2020 and entry level only by two readers each:
# pool 1 without the first sample, sorted by source_file, then Random(SOC_SEED).sample(.., SOC_SIZE).
SOC_SEED = 2028
SOC_SIZE = 200
# A third sample, coded the same way, from the training pools 2-9 (never labelled before):
# sorted by source_file, then Random(SOC2_SEED).sample(.., SOC_SIZE).
SOC2_SEED = 2029
# A fourth, scored once after all tuning (never used to tune): pools 2-9 without the third
# sample, sorted by source_file, then Random(SOC3_SEED).sample(.., SOC_SIZE).
SOC3_SEED = 2030
SOC4_SEED = 2031
SOC5_SEED = 2032


def pool_of(source_file: str) -> int:
    """The pool number (0-9) of an advert: 0 is evaluation, 1 is development."""
    return int(hashlib.sha256(source_file.encode()).hexdigest(), 16) % 10


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every advert record of the gzipped JSONL feed."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def dev_sample(path: Path, size: int = DEV_SIZE, seed: int = DEV_SEED) -> list[dict[str, Any]]:
    """The sampled development adverts, in sample order."""
    pool = sorted(
        (r for r in read_records(path) if r.get("source_file") and pool_of(r["source_file"]) == 1),
        key=lambda r: str(r["source_file"]),
    )
    return random.Random(seed).sample(pool, min(size, len(pool)))


def soc_sample(path: Path, size: int = SOC_SIZE) -> list[dict[str, Any]]:
    """The second development sample (SOC and entry level only), disjoint from the first."""
    first = {r["source_file"] for r in dev_sample(path)}
    pool = sorted(
        (
            r
            for r in read_records(path)
            if r.get("source_file")
            and pool_of(r["source_file"]) == 1
            and r["source_file"] not in first
        ),
        key=lambda r: str(r["source_file"]),
    )
    return random.Random(SOC_SEED).sample(pool, min(size, len(pool)))


def soc2_sample(path: Path, size: int = SOC_SIZE) -> list[dict[str, Any]]:
    """The two-reader sample from the training pools 2-9."""
    pool = sorted(
        (r for r in read_records(path) if r.get("source_file") and pool_of(r["source_file"]) >= 2),
        key=lambda r: str(r["source_file"]),
    )
    return random.Random(SOC2_SEED).sample(pool, min(size, len(pool)))


def soc3_sample(path: Path, size: int = SOC_SIZE) -> list[dict[str, Any]]:
    """The fourth two-reader sample: pools 2-9 without :func:`soc2_sample`."""
    return _later_sample(path, size, SOC3_SEED, soc2_sample(path))


def soc4_sample(path: Path, size: int = SOC_SIZE) -> list[dict[str, Any]]:
    """The fifth two-reader sample: pools 2-9 without the two before it."""
    return _later_sample(path, size, SOC4_SEED, soc2_sample(path) + soc3_sample(path))


def soc5_sample(path: Path, size: int = SOC_SIZE) -> list[dict[str, Any]]:
    """The sixth two-reader sample (scored only, never tuned on): pools 2-9 without the others."""
    earlier = soc2_sample(path) + soc3_sample(path) + soc4_sample(path)
    return _later_sample(path, size, SOC5_SEED, earlier)


def _later_sample(
    path: Path, size: int, seed: int, earlier: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    seen = {r["source_file"] for r in earlier}
    pool = sorted(
        (
            r
            for r in read_records(path)
            if r.get("source_file")
            and pool_of(r["source_file"]) >= 2
            and r["source_file"] not in seen
        ),
        key=lambda r: str(r["source_file"]),
    )
    return random.Random(seed).sample(pool, min(size, len(pool)))


def _salary(record: dict[str, Any]) -> str:
    salary = record.get("baseSalary")
    value = salary.get("value") if isinstance(salary, dict) else None
    if not isinstance(value, dict):
        return str(salary or "")
    low, high = value.get("minValue"), value.get("maxValue", value.get("value"))
    return f"{low}-{high} {value.get('unitText') or ''}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the sample's ids (or, with ``--show``, the adverts themselves)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument(
        "--set",
        choices=("dev", "soc", "soc2", "soc3", "soc4", "soc5"),
        default="dev",
        help="which development sample",
    )
    parser.add_argument("--chars", type=int, default=None, help="print at most this much text")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=None)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    from services.common.text import html_to_text

    if args.set == "soc":
        sample = soc_sample(args.data, args.size or SOC_SIZE)
    elif args.set == "soc2":
        sample = soc2_sample(args.data, args.size or SOC_SIZE)
    elif args.set == "soc3":
        sample = soc3_sample(args.data, args.size or SOC_SIZE)
    elif args.set == "soc4":
        sample = soc4_sample(args.data, args.size or SOC_SIZE)
    elif args.set == "soc5":
        sample = soc5_sample(args.data, args.size or SOC_SIZE)
    else:
        sample = dev_sample(args.data, args.size or DEV_SIZE)
    for number, record in enumerate(sample[args.start : args.stop], start=args.start):
        if not args.show:
            print(record["source_file"])
            continue
        title = html_to_text(record.get("title") or "")
        print(f"=== #{number} {record['source_file']} | {title} | {_salary(record)}")
        print(html_to_text(record.get("description") or "")[: args.chars])
    return 0


if __name__ == "__main__":
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
