"""Course ingest throughput through the API (``python -m bench.bench_courses``).

Ingests, into a fresh embedded system, the demo XCRI-CAP catalogue (generated, with several
presentations per course) and the two real catalogues in ../shared/data (IfA apprenticeship
standards, DHSC adult social care training), each twice: the first run creates every course
(enrichment included: place, grants, skills taught, roles led to), the second finds every course
unchanged. Prints a markdown table of courses per second.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _feeds(copies: int) -> list[tuple[str, str, bytes]]:
    from services.demo.courses import demo_courses_xcri

    feeds = [("demo XCRI-CAP", "xcri-cap", demo_courses_xcri(today=date(2026, 11, 23)))]
    for label, fmt, path in (
        (
            "IfA standards (real)",
            "ifa-standards",
            SHARED / "apprenticeships/ifa_standards_and_frameworks_2018.jsonl",
        ),
        (
            "DHSC care training (real)",
            "dhsc-care",
            SHARED / "social_care/dhsc_adult_social_care_skills_and_training.json",
        ),
    ):
        if path.exists():
            feeds.append((label, fmt, path.read_bytes()))
        else:
            print(f"skipping {label}: {path} is absent")
    return feeds * copies if copies > 1 else feeds


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    from gateway.app import create_app
    from services.common.settings import Settings
    from tests.conftest import make_key

    data_dir = Path(tempfile.mkdtemp(prefix="routeway-bench-courses-"))
    try:
        settings = Settings(data_dir=data_dir, demo_data=False, log_level="WARNING")
        headers = {"Authorization": f"Bearer {make_key(settings, 'admin')}"}
        rows = []
        with TestClient(create_app(settings)) as client:
            for label, fmt, body in _feeds(1):
                for attempt in ("new", "unchanged"):
                    started = time.perf_counter()
                    response = client.post(
                        f"/v1/ingest/courses?source=bench-{fmt}&format={fmt}",
                        headers=headers,
                        content=body,
                    )
                    seconds = time.perf_counter() - started
                    counts = response.json()["counts"]
                    done = counts["created"] + counts["updated"] + counts["unchanged"]
                    rows.append(
                        (
                            label,
                            attempt,
                            done,
                            counts["rejected"],
                            seconds,
                            done / seconds if seconds else 0,
                        )
                    )
        print("| feed | run | courses | rejected | seconds | courses/s |")
        print("|---|---|--:|--:|--:|--:|")
        for label, attempt, done, rejected, seconds, rate in rows:
            print(f"| {label} | {attempt} | {done} | {rejected} | {seconds:.2f} | {rate:,.0f} |")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
