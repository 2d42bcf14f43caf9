"""Extraction throughput on real NHS Jobs adverts: ``python bench/bench_extraction.py [N]``.

Reads ``../shared/data/nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz`` (fields ``title``,
``description`` as escaped HTML, ``source_file`` as id), runs
:func:`services.taxonomy.extract` on the first N adverts (default 2000) in one process on
one core, and prints adverts per second. The adverts are read in place, never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from services.taxonomy import extract, load_taxonomy  # noqa: E402
from services.taxonomy.classifier import load_classifier  # noqa: E402

DEFAULT_DATA = (
    REPO_ROOT.parent / "shared" / "data" / "nhs_jobs" / "nhs_jobs_2020_jobposting.jsonl.gz"
)


def read_adverts(path: Path, limit: int) -> list[tuple[str, str, str]]:
    """``(source_file, title, description)`` of the first ``limit`` adverts."""
    adverts: list[tuple[str, str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            adverts.append(
                (
                    str(record.get("source_file", "")),
                    str(record.get("title") or ""),
                    str(record.get("description") or ""),
                )
            )
            if len(adverts) >= limit:
                break
    return adverts


def main() -> None:
    parser = argparse.ArgumentParser(description="extraction adverts/second")
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"advert file {args.data} is absent")
    adverts = read_adverts(args.data, args.n)
    load_taxonomy()
    load_classifier()
    extract("warm up", title="Healthcare Assistant")
    skills = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for _source_file, title, description in adverts:
        skills += len(extract(description, title=title).skills)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    count = len(adverts)
    print(
        f"{count} adverts: {count / elapsed:.0f} adverts/second wall ({elapsed:.2f}s), "
        f"{count / cpu:.0f} adverts/second of CPU time ({cpu:.2f}s); "
        f"{skills / max(count, 1):.1f} skills/advert"
    )


if __name__ == "__main__":
    main()
