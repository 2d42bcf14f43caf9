"""SOC 2020 and entry level on the two-reader development sample (``make eval``).

``eval/nhs_jobs_soc_readers.jsonl`` holds, for 200 real adverts of the development pool (the
second sample of ``eval/dev_sample.py``: ``--set soc``), the SOC 2020 unit group and entry level
that **two readers** gave each advert independently, without the extractor's output and without
the project's nurse guideline (only the SOC 2020 unit groups).
``eval/nhs_jobs_soc2_readers.jsonl`` holds the same for 200 adverts of pools 2-9 (``--set soc2``).
Each file measures two things:

- how often two careful readers agree (the ceiling any coder can expect on such adverts);
- how often ``services.taxonomy.extract`` agrees with them: with each reader, and with the
  consensus where both readers gave the same code.

Like ``run_eval.py`` it reads the adverts from ``../shared/data`` at run time; the labels file
holds ids and labels only. Exit status as in ``run_eval.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
DEFAULT_READERS = EVAL_DIR / "nhs_jobs_soc_readers.jsonl"


@dataclass(frozen=True)
class ReaderLabel:
    """One reader's codes for one advert."""

    soc_code: str
    alt_soc: str | None
    sure: bool
    entry_level: bool


@dataclass(frozen=True)
class Agreement:
    """Agreement counts between the readers and the extractor."""

    n: int
    readers_soc: int
    readers_entry: int
    extractor_soc_each: int
    consensus_n: int
    extractor_soc_consensus: int
    entry_consensus_n: int
    extractor_entry_consensus: int


def load_readers(path: Path) -> dict[str, tuple[ReaderLabel, ReaderLabel]]:
    """``source_file -> (reader A, reader B)``; raises ``ValueError`` when malformed."""
    out: dict[str, tuple[ReaderLabel, ReaderLabel]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record: dict[str, Any] = json.loads(line)
        readers = record.get("readers")
        if not isinstance(readers, list) or len(readers) != 2:
            raise ValueError(f"{path}:{number}: expected two readers")
        a, b = (
            ReaderLabel(str(r["soc_code"]), r.get("alt_soc"), bool(r["sure"]), r["entry_level"])
            for r in readers
        )
        out[str(record["source_file"])] = (a, b)
    return out


def agreement(
    readers: dict[str, tuple[ReaderLabel, ReaderLabel]],
    predicted: dict[str, tuple[str | None, bool]],
) -> Agreement:
    """Count agreements; ``predicted`` maps each source file to ``(soc_code, entry_level)``."""
    counts = dict.fromkeys(
        (
            "readers_soc",
            "readers_entry",
            "extractor_soc_each",
            "consensus_n",
            "extractor_soc_consensus",
            "entry_consensus_n",
            "extractor_entry_consensus",
        ),
        0,
    )
    for source_file, (a, b) in readers.items():
        soc, entry = predicted[source_file]
        counts["extractor_soc_each"] += (soc == a.soc_code) + (soc == b.soc_code)
        if a.soc_code == b.soc_code:
            counts["readers_soc"] += 1
            counts["consensus_n"] += 1
            counts["extractor_soc_consensus"] += soc == a.soc_code
        if a.entry_level == b.entry_level:
            counts["readers_entry"] += 1
            counts["entry_consensus_n"] += 1
            counts["extractor_entry_consensus"] += entry == a.entry_level
    return Agreement(n=len(readers), **counts)


def format_agreement(result: Agreement) -> str:
    """The printed report."""

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a"

    return "\n".join(
        [
            f"SOC 2020 on {result.n} development adverts coded by two readers",
            f"  readers agree (SOC)             {share(result.readers_soc, result.n)}",
            f"  extractor = each reader (SOC)   {share(result.extractor_soc_each, 2 * result.n)}",
            "  extractor = consensus (SOC)     "
            + share(result.extractor_soc_consensus, result.consensus_n),
            f"  readers agree (entry level)     {share(result.readers_entry, result.n)}",
            "  extractor = consensus (entry)   "
            + share(result.extractor_entry_consensus, result.entry_consensus_n),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    from run_eval import DEFAULT_DATA, EXIT_ERROR, EXIT_OK, data_missing_status, load_adverts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--readers", type=Path, default=DEFAULT_READERS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    missing = data_missing_status(args.data)
    if missing is not None:
        return missing
    from services.common.text import html_to_text
    from services.taxonomy import extract

    try:
        readers = load_readers(args.readers)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    adverts = load_adverts(args.data, readers)
    if len(adverts) != len(readers):
        print(
            f"error: {len(readers) - len(adverts)} adverts missing from {args.data}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    predicted: dict[str, tuple[str | None, bool]] = {}
    for source_file, advert in adverts.items():
        found = extract(
            text=html_to_text(advert.get("description") or ""),
            title=html_to_text(advert.get("title") or ""),
        )
        predicted[source_file] = (found.soc_code, found.entry_level)
    print(format_agreement(agreement(readers, predicted)))
    return EXIT_OK


if __name__ == "__main__":
    for path in (REPO_ROOT, EVAL_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    sys.exit(main())
