"""Extraction throughput on real NHS Jobs adverts: ``python bench/bench_extraction.py [N]``.

Reads ``../shared/data/nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz`` (fields ``title``,
``description`` as escaped HTML, ``source_file`` as id) and runs
:func:`services.taxonomy.extract` on the first N adverts (default 2000) in one process on
one core, twice: on the plain text the ingest adapters pass it
(``services.common.text.html_to_text``, not timed) and on the raw escaped HTML. It prints
milliseconds of CPU time per advert and adverts per second for each. Title caches start
cold, as for a feed of new adverts. The adverts are read in place, never copied.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from services.common.text import html_to_text  # noqa: E402
from services.taxonomy import extract, load_taxonomy  # noqa: E402
from services.taxonomy.classifier import load_classifier  # noqa: E402
from services.taxonomy.titles import soc_from_title  # noqa: E402

_guess_role = importlib.import_module("services.taxonomy.extract")._guess_role

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
    plain = [(html_to_text(title), html_to_text(description)) for _, title, description in adverts]
    raw = [(title, description) for _, title, description in adverts]
    load_taxonomy()
    load_classifier()
    extract("warm up", title="Healthcare Assistant")
    for name, inputs in (("plain text (as ingest)", plain), ("raw escaped HTML", raw)):
        _clear_caches()
        skills = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        for title, text in inputs:
            skills += len(extract(text, title=title).skills)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        count = len(inputs)
        print(
            f"{name}: {count} adverts, {1000 * cpu / count:.2f} ms CPU/advert, "
            f"{count / cpu:.0f} adverts/second of CPU time ({cpu:.2f}s), "
            f"{count / elapsed:.0f} wall; {skills / max(count, 1):.1f} skills/advert"
        )
    print(f"load average {os.getloadavg()[0]:.2f}")


def _clear_caches() -> None:
    """Start each pass with cold per-title caches, as a feed of new adverts would."""
    soc_from_title.cache_clear()
    _guess_role.cache_clear()


if __name__ == "__main__":
    main()
