"""Extraction quality on hand-labelled real NHS Jobs adverts (``make eval``).

Reads ``eval/nhs_jobs_labels.jsonl`` (one JSON object per line: ``source_file`` plus the
labels; no advert text, because the adverts carry no licence), finds each labelled advert in
``../shared/data/nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz`` by ``source_file``, turns its
escaped-HTML ``description`` into text with :func:`services.common.text.html_to_text`, runs
``services.taxonomy.extract(text=..., title=...)`` and prints, for each output:

- SOC 2020 unit group accuracy and role accuracy (``None`` must match ``null``);
- precision, recall and F1 for ``entry_level`` (positive class: entry level);
- precision, recall and F1 for each requirement flag and their micro-average. The
  extractor's ``dbs``/``registration`` strings and ``english_level``/``maths_level``
  count as "asked for" when they are not ``None``;
- skills micro precision, recall and F1, pooling skill ids over all adverts.

Missing targets never change the exit status: the script exits 0 after printing, 1 when the
data file is absent under ``CI=true`` (outside CI it prints why it skipped and exits 0), and
2 on real errors (unreadable labels, a labelled advert missing from the data file, no
``services.taxonomy`` package, an extractor that raises).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = REPO_ROOT / "eval" / "nhs_jobs_labels.jsonl"
DEFAULT_DATA = (
    REPO_ROOT.parent / "shared" / "data" / "nhs_jobs" / "nhs_jobs_2020_jobposting.jsonl.gz"
)

REQUIREMENT_FLAGS = (
    "driving_licence",
    "dbs",
    "english_maths",
    "registration",
    "experience_essential",
)
TARGETS = {"soc": 0.90, "entry_level_f1": 0.90, "requirements_f1": 0.90, "skills_f1": 0.75}

EXIT_OK = 0
EXIT_DATA_MISSING_IN_CI = 1
EXIT_ERROR = 2


class EvalError(Exception):
    """Something that makes the numbers meaningless: bad labels, missing adverts, a crash."""


@dataclass(frozen=True)
class AdvertLabel:
    """The human labels for one advert, as stored in the labels file."""

    source_file: str
    soc_code: str
    role: str | None
    entry_level: bool
    requirements: Mapping[str, bool]
    skills: frozenset[str]


@dataclass(frozen=True)
class Prediction:
    """The extractor's output reduced to the same shape as :class:`AdvertLabel`."""

    soc_code: str | None
    role: str | None
    entry_level: bool
    requirements: Mapping[str, bool]
    skills: frozenset[str]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 from counts; all three are 0.0 when undefined."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class Report:
    """Every figure the script prints."""

    n: int
    soc_accuracy: float
    role_accuracy: float
    entry_level: Scores
    requirements: Mapping[str, Scores]
    requirements_micro: Scores
    skills: Scores


class _Role(Protocol):
    id: str


class _Requirements(Protocol):
    driving_licence: bool
    dbs: str | None
    english_level: str | None
    maths_level: str | None
    registration: str | None
    experience_essential: bool


class _Skill(Protocol):
    id: str


class _Extraction(Protocol):
    soc_code: str | None
    role: _Role | None
    entry_level: bool
    requirements: _Requirements
    skills: Sequence[_Skill]


Extractor = Callable[..., Any]


def parse_label(record: Mapping[str, Any]) -> AdvertLabel:
    """One labels-file record as an :class:`AdvertLabel`; raises ``EvalError`` when malformed."""
    try:
        requirements = record["requirements"]
        flags = {flag: requirements[flag] for flag in REQUIREMENT_FLAGS}
        label = AdvertLabel(
            source_file=record["source_file"],
            soc_code=record["soc_code"],
            role=record["role"],
            entry_level=record["entry_level"],
            requirements=flags,
            skills=frozenset(record["skills"]),
        )
    except (KeyError, TypeError) as exc:
        raise EvalError(f"malformed label record {record!r}: {exc}") from exc
    if not all(isinstance(value, bool) for value in (label.entry_level, *flags.values())):
        raise EvalError(f"non-boolean flag in label for {label.source_file}")
    return label


def load_labels(path: Path) -> list[AdvertLabel]:
    """All labels in a JSONL file, in file order; blank lines are ignored."""
    labels: list[AdvertLabel] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{number}: not JSON: {exc}") from exc
            labels.append(parse_label(record))
    return labels


def load_adverts(path: Path, wanted: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The advert records of ``wanted`` source files from the gzipped JSONL feed."""
    remaining = set(wanted)
    found: dict[str, dict[str, Any]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not remaining:
                break
            record = json.loads(line)
            source_file = record.get("source_file")
            if source_file in remaining:
                found[source_file] = record
                remaining.discard(source_file)
    return found


def to_prediction(extraction: _Extraction) -> Prediction:
    """The extractor's rich result reduced to booleans, ids and codes."""
    req = extraction.requirements
    return Prediction(
        soc_code=extraction.soc_code,
        role=extraction.role.id if extraction.role is not None else None,
        entry_level=bool(extraction.entry_level),
        requirements={
            "driving_licence": bool(req.driving_licence),
            "dbs": req.dbs is not None,
            "english_maths": req.english_level is not None or req.maths_level is not None,
            "registration": req.registration is not None,
            "experience_essential": bool(req.experience_essential),
        },
        skills=frozenset(skill.id for skill in extraction.skills),
    )


def binary_scores(pairs: Iterable[tuple[bool, bool]]) -> Scores:
    """Counts for (gold, predicted) boolean pairs, true being the positive class."""
    tp = fp = fn = 0
    for gold, predicted in pairs:
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    return Scores(tp, fp, fn)


def set_scores(gold: frozenset[str], predicted: frozenset[str]) -> Scores:
    """Counts for one advert's gold and predicted skill ids."""
    return Scores(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def evaluate(labels: Sequence[AdvertLabel], predictions: Sequence[Prediction]) -> Report:
    """Every metric over paired labels and predictions (same order, same length)."""
    if len(labels) != len(predictions):
        raise EvalError("labels and predictions differ in length")
    n = len(labels)
    pairs = list(zip(labels, predictions, strict=True))
    requirements = {
        flag: binary_scores((g.requirements[flag], p.requirements[flag]) for g, p in pairs)
        for flag in REQUIREMENT_FLAGS
    }
    micro = Scores(0, 0, 0)
    for scores in requirements.values():
        micro = micro + scores
    skills = Scores(0, 0, 0)
    for gold, predicted in pairs:
        skills = skills + set_scores(gold.skills, predicted.skills)
    return Report(
        n=n,
        soc_accuracy=sum(g.soc_code == p.soc_code for g, p in pairs) / n if n else 0.0,
        role_accuracy=sum(g.role == p.role for g, p in pairs) / n if n else 0.0,
        entry_level=binary_scores((g.entry_level, p.entry_level) for g, p in pairs),
        requirements=requirements,
        requirements_micro=micro,
        skills=skills,
    )


def format_report(report: Report) -> str:
    """The report as a plain-text table, with the targets the extractor aims at."""

    def mark(value: float, target: float) -> str:
        return "meets target" if value >= target else f"below target {target:.2f}"

    def row(name: str, s: Scores) -> str:
        return (
            f"  {name:<22} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
            f"  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
        )

    lines = [
        f"Extraction evaluation on {report.n} labelled NHS Jobs adverts",
        f"  SOC 2020 accuracy      {report.soc_accuracy:.3f}  "
        f"{mark(report.soc_accuracy, TARGETS['soc'])}",
        f"  role accuracy          {report.role_accuracy:.3f}",
        row("entry level", report.entry_level)
        + f"  {mark(report.entry_level.f1, TARGETS['entry_level_f1'])}",
        "Requirement flags:",
        *(row(flag, scores) for flag, scores in report.requirements.items()),
        row("micro-average", report.requirements_micro)
        + f"  {mark(report.requirements_micro.f1, TARGETS['requirements_f1'])}",
        "Skills (micro over adverts):",
        row("skills", report.skills) + f"  {mark(report.skills.f1, TARGETS['skills_f1'])}",
    ]
    return "\n".join(lines)


def _load_extractor() -> Extractor:
    try:
        from services.taxonomy import extract  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        raise EvalError(f"cannot import services.taxonomy.extract: {exc}") from exc
    return extract  # type: ignore[no-any-return,unused-ignore]


def run(labels_path: Path, data_path: Path, extractor: Extractor | None = None) -> Report:
    """Load labels and adverts, run the extractor on each advert, and score it."""
    labels = load_labels(labels_path)
    adverts = load_adverts(data_path, (label.source_file for label in labels))
    missing = [label.source_file for label in labels if label.source_file not in adverts]
    if missing:
        raise EvalError(f"{len(missing)} labelled adverts are not in {data_path}: {missing[:5]}")
    predicted = predict(adverts, extractor)
    return evaluate(labels, [predicted[label.source_file] for label in labels])


def predict(
    adverts: Mapping[str, Mapping[str, Any]], extractor: Extractor | None = None
) -> dict[str, Prediction]:
    """The extractor's reduced output for each advert (title and description as plain text)."""
    from services.common.text import html_to_text

    extract = extractor if extractor is not None else _load_extractor()
    predicted: dict[str, Prediction] = {}
    for source_file, advert in adverts.items():
        text = html_to_text(advert.get("description") or "")
        title = html_to_text(advert.get("title") or "")
        try:
            extraction = extract(text=text, title=title)
        except Exception as exc:
            raise EvalError(f"extract() failed on {source_file}: {exc!r}") from exc
        predicted[source_file] = to_prediction(extraction)
    return predicted


def data_missing_status(data: Path) -> int | None:
    """``None`` when the advert file exists; else say why nothing was evaluated and return the
    exit status (an error only under ``CI=true``)."""
    if data.exists():
        return None
    message = f"NHS Jobs data file {data} is absent"
    if os.environ.get("CI") == "true":
        print(f"error: {message} (required under CI=true)", file=sys.stderr)
        return EXIT_DATA_MISSING_IN_CI
    print(f"skipped: {message}; nothing to evaluate")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)

    missing = data_missing_status(args.data)
    if missing is not None:
        return missing
    try:
        report = run(args.labels, args.data)
    except (EvalError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(format_report(report))
    return EXIT_OK


if __name__ == "__main__":
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
