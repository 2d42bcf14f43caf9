"""SOC 2020, entry level and requirement flags on the two-reader development samples
(``make eval``).

``eval/nhs_jobs_soc_readers.jsonl`` holds, for 200 real adverts of the development pool (the
second sample of ``eval/dev_sample.py``: ``--set soc``), the SOC 2020 unit group and entry level
that **two readers** gave each advert independently, without the extractor's output and without
the project's nurse guideline (only the SOC 2020 unit groups), and the five requirement flags
that two other readers gave each advert under the requirements guideline of ``eval/README.md``.
``eval/nhs_jobs_soc2_readers.jsonl`` holds SOC and entry level for 200 adverts of pools 2-9
(``--set soc2``). Each file measures two things:

- how often two careful readers agree (the ceiling any coder can expect on such adverts);
- how often ``services.taxonomy.extract`` agrees with them: with each reader, and with the
  consensus where both readers gave the same answer (precision, recall and F1 for the flags).

``--skills eval/nhs_jobs_dev_skills_reader2.jsonl`` instead compares a second reader's skill
labels for the 120 development adverts with the first reader's (``nhs_jobs_dev_labels.jsonl``)
and the extractor with both: how far apart two careful readers are on skills.

Like ``run_eval.py`` it reads the adverts from ``../shared/data`` at run time; the labels files
hold ids and labels only. Exit status as in ``run_eval.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
DEFAULT_READERS = EVAL_DIR / "nhs_jobs_soc_readers.jsonl"

if str(EVAL_DIR) not in sys.path:
    sys.path.insert(0, str(EVAL_DIR))

from run_eval import (  # noqa: E402
    DEFAULT_DATA,
    DEFAULT_LABELS,
    EXIT_ERROR,
    EXIT_OK,
    REQUIREMENT_FLAGS,
    Prediction,
    Scores,
    binary_scores,
    data_missing_status,
    load_adverts,
    load_labels,
    predict,
    set_scores,
)

DEV_LABELS = DEFAULT_LABELS.with_name("nhs_jobs_dev_labels.jsonl")


@dataclass(frozen=True)
class ReaderLabel:
    """One reader's SOC code and entry level for one advert."""

    soc_code: str
    alt_soc: str | None
    sure: bool
    entry_level: bool


@dataclass(frozen=True)
class ReaderRecord:
    """Two readers' SOC labels and, where read, two readers' requirement flags."""

    soc: tuple[ReaderLabel, ReaderLabel]
    requirements: tuple[Mapping[str, bool], Mapping[str, bool]] | None


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
    requirements_n: int = 0
    readers_flags: Mapping[str, int] | None = None
    flags: Mapping[str, Scores] | None = None


def _flags(record: Mapping[str, Any]) -> Mapping[str, bool]:
    flags = {flag: record[flag] for flag in REQUIREMENT_FLAGS}
    if not all(isinstance(value, bool) for value in flags.values()):
        raise ValueError(f"non-boolean requirement flag in {record!r}")
    return flags


def load_readers(path: Path) -> dict[str, ReaderRecord]:
    """``source_file -> ReaderRecord``; raises ``ValueError`` when malformed."""
    out: dict[str, ReaderRecord] = {}
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
        flags = record.get("requirement_readers")
        if flags is not None and (not isinstance(flags, list) or len(flags) != 2):
            raise ValueError(f"{path}:{number}: expected two requirement readers")
        requirements = (_flags(flags[0]), _flags(flags[1])) if flags else None
        out[str(record["source_file"])] = ReaderRecord((a, b), requirements)
    return out


def agreement(
    readers: Mapping[str, ReaderRecord], predicted: Mapping[str, Prediction]
) -> Agreement:
    """Count agreements with the readers, and score the flags against their consensus."""
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
    readers_flags = dict.fromkeys(REQUIREMENT_FLAGS, 0)
    pairs: dict[str, list[tuple[bool, bool]]] = {flag: [] for flag in REQUIREMENT_FLAGS}
    requirements_n = 0
    for source_file, record in readers.items():
        a, b = record.soc
        found = predicted[source_file]
        counts["extractor_soc_each"] += (found.soc_code == a.soc_code) + (
            found.soc_code == b.soc_code
        )
        if a.soc_code == b.soc_code:
            counts["readers_soc"] += 1
            counts["consensus_n"] += 1
            counts["extractor_soc_consensus"] += found.soc_code == a.soc_code
        if a.entry_level == b.entry_level:
            counts["readers_entry"] += 1
            counts["entry_consensus_n"] += 1
            counts["extractor_entry_consensus"] += found.entry_level == a.entry_level
        if record.requirements is None:
            continue
        requirements_n += 1
        first, second = record.requirements
        for flag in REQUIREMENT_FLAGS:
            if first[flag] == second[flag]:
                readers_flags[flag] += 1
                pairs[flag].append((first[flag], found.requirements[flag]))
    flags = {flag: binary_scores(pairs[flag]) for flag in REQUIREMENT_FLAGS}
    return Agreement(
        n=len(readers),
        **counts,
        requirements_n=requirements_n,
        readers_flags=readers_flags if requirements_n else None,
        flags=flags if requirements_n else None,
    )


def format_agreement(result: Agreement, name: str) -> str:
    """The printed report."""

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a"

    lines = [
        f"{name}: {result.n} development adverts coded by two readers",
        f"  readers agree (SOC)             {share(result.readers_soc, result.n)}",
        f"  extractor = each reader (SOC)   {share(result.extractor_soc_each, 2 * result.n)}",
        "  extractor = consensus (SOC)     "
        + share(result.extractor_soc_consensus, result.consensus_n),
        f"  readers agree (entry level)     {share(result.readers_entry, result.n)}",
        "  extractor = consensus (entry)   "
        + share(result.extractor_entry_consensus, result.entry_consensus_n),
    ]
    if result.flags is not None and result.readers_flags is not None:
        lines.append(
            f"  requirement flags, {result.requirements_n} adverts, against the consensus:"
        )
        for flag, s in result.flags.items():
            agreed = share(result.readers_flags[flag], result.requirements_n)
            lines.append(
                f"    {flag:22s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
                f"  (tp {s.tp}, fp {s.fp}, fn {s.fn}; readers agree {agreed})"
            )
        micro = sum(result.flags.values(), Scores(0, 0, 0))
        lines.append(
            f"    {'micro-average':22s} P {micro.precision:.3f}  R {micro.recall:.3f}"
            f"  F1 {micro.f1:.3f}  (tp {micro.tp}, fp {micro.fp}, fn {micro.fn})"
        )
    return "\n".join(lines)


def load_second_reader_skills(path: Path) -> dict[str, frozenset[str]]:
    """``source_file -> skill ids`` from a second reader's skills file."""
    out: dict[str, frozenset[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out[str(record["source_file"])] = frozenset(record["skills"])
    return out


def skills_agreement(
    first: Mapping[str, frozenset[str]],
    second: Mapping[str, frozenset[str]],
    predicted: Mapping[str, frozenset[str]],
) -> dict[str, Scores]:
    """Micro scores of the second reader and of the extractor against each reader."""

    def pooled(gold: Mapping[str, frozenset[str]], found: Mapping[str, frozenset[str]]) -> Scores:
        return sum((set_scores(gold[s], found[s]) for s in second), Scores(0, 0, 0))

    return {
        "second reader vs first reader": pooled(first, second),
        "extractor vs first reader": pooled(first, predicted),
        "extractor vs second reader": pooled(second, predicted),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--readers", type=Path, default=DEFAULT_READERS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--skills", type=Path, default=None, help="a second reader's skills")
    args = parser.parse_args(argv)
    missing = data_missing_status(args.data)
    if missing is not None:
        return missing
    if args.skills is not None:
        second = load_second_reader_skills(args.skills)
        first = {label.source_file: label.skills for label in load_labels(DEV_LABELS)}
        found = {s: p.skills for s, p in predict(load_adverts(args.data, second)).items()}
        print(f"Skills on {len(second)} development adverts labelled by two readers (micro)")
        for name, s in skills_agreement(first, second, found).items():
            print(
                f"  {name:30s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
                f"  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
            )
        return EXIT_OK
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
    predicted = predict(adverts)
    print(format_agreement(agreement(readers, predicted), args.readers.name))
    return EXIT_OK


if __name__ == "__main__":
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
