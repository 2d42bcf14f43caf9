"""Run every benchmark in bench/ one after another (``make bench``); each prints its own table.

Each benchmark is also runnable on its own (see docs/BENCHMARKS.md for the exact commands and
the figures recorded). England-scale runs take minutes and several GB of memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("bench_extraction", "bench_ingest", "bench_gateway", "bench_matching", "bench_shortlist")


def main() -> int:
    """Run the benchmarks that exist; the exit code is the number that failed."""
    failed = 0
    for name in ORDER:
        script = HERE / f"{name}.py"
        if not script.exists():
            continue
        print(f"\n## {name}\n", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, check=False)
        failed += result.returncode != 0
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
