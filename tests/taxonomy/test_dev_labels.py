"""The development labels file: well formed, drawn from the development pool only, and
disjoint from the evaluation set (so tuning never touches the held-out adverts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run_eval import REQUIREMENT_FLAGS, load_labels
from services.taxonomy import load_taxonomy
from services.taxonomy.train import in_dev_pool, in_eval_pool

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
DEV_LABELS = EVAL_DIR / "nhs_jobs_dev_labels.jsonl"
EVAL_LABELS = EVAL_DIR / "nhs_jobs_labels.jsonl"


def test_dev_labels_parse_and_use_known_ids() -> None:
    labels = load_labels(DEV_LABELS)
    assert len(labels) >= 100
    taxonomy = load_taxonomy()
    for label in labels:
        assert set(label.requirements) == set(REQUIREMENT_FLAGS)
        assert label.soc_code.isdigit() and len(label.soc_code) == 4
        assert label.role is None or taxonomy.get_role(label.role) is not None
        for skill_id in label.skills:
            assert taxonomy.get_skill(skill_id) is not None, (label.source_file, skill_id)


def test_dev_labels_hold_no_advert_text() -> None:
    allowed = {"source_file", "soc_code", "role", "entry_level", "requirements", "skills"}
    for line in DEV_LABELS.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == allowed


def test_dev_adverts_come_from_the_dev_pool_only() -> None:
    dev = [label.source_file for label in load_labels(DEV_LABELS)]
    assert len(dev) == len(set(dev))
    assert all(in_dev_pool(source) and not in_eval_pool(source) for source in dev)
    held_out = {label.source_file for label in load_labels(EVAL_LABELS)}
    assert not held_out & set(dev)


READERS = EVAL_DIR / "nhs_jobs_soc_readers.jsonl"


READERS_POOLS_2_9 = EVAL_DIR / "nhs_jobs_soc2_readers.jsonl"
READERS_FINAL = EVAL_DIR / "nhs_jobs_soc3_readers.jsonl"
READERS_LAST = EVAL_DIR / "nhs_jobs_soc4_readers.jsonl"
READERS_SCORED_ONLY = EVAL_DIR / "nhs_jobs_soc5_readers.jsonl"


def test_the_two_reader_samples_are_disjoint() -> None:
    from eval.readers import load_readers

    paths = (READERS, READERS_POOLS_2_9, READERS_FINAL, READERS_LAST, READERS_SCORED_ONLY)
    samples = [set(load_readers(path)) for path in paths]
    assert sum(map(len, samples)) == len(set().union(*samples)) == 1000


@pytest.mark.parametrize(
    "path", [READERS, READERS_POOLS_2_9, READERS_FINAL, READERS_LAST, READERS_SCORED_ONLY]
)
def test_two_reader_samples_stay_out_of_the_held_out_set(path: Path) -> None:
    from eval.readers import load_readers

    readers = load_readers(path)
    assert len(readers) == 200
    first_sample = {label.source_file for label in load_labels(DEV_LABELS)}
    assert not any(in_eval_pool(source) for source in readers)
    assert not first_sample & set(readers)
    if path == READERS:
        assert all(in_dev_pool(source) for source in readers)
        assert all(record.requirements is not None for record in readers.values())
    for record in readers.values():
        for reader in record.soc:
            assert reader.soc_code.isdigit() and len(reader.soc_code) == 4
            assert isinstance(reader.entry_level, bool)
    reader_fields = {"soc_code", "alt_soc", "sure", "entry_level"}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record) <= {"source_file", "readers", "requirement_readers"}
        assert all(set(r) == reader_fields for r in record["readers"])
        for flags in record.get("requirement_readers", []):
            assert set(flags) == set(REQUIREMENT_FLAGS) | {"sure"}


def test_reader_agreement_counts_consensus_only_where_readers_agree() -> None:
    from eval.readers import ReaderLabel, ReaderRecord, agreement
    from eval.run_eval import Prediction

    def reader(code: str, entry: bool) -> ReaderLabel:
        return ReaderLabel(soc_code=code, alt_soc=None, sure=True, entry_level=entry)

    def flags(**true: bool) -> dict[str, bool]:
        return {flag: true.get(flag, False) for flag in REQUIREMENT_FLAGS}

    def predicted(code: str, entry: bool, **true: bool) -> Prediction:
        return Prediction(code, None, entry, flags(**true), frozenset())

    readers = {
        "a": ReaderRecord(
            (reader("2237", False), reader("2237", False)), (flags(dbs=True), flags(dbs=True))
        ),
        "b": ReaderRecord(
            (reader("2233", False), reader("2237", True)), (flags(dbs=True), flags())
        ),
        "c": ReaderRecord((reader("6131", True), reader("6131", True)), None),
    }
    result = agreement(
        readers,
        {
            "a": predicted("2237", False, dbs=True, registration=True),
            "b": predicted("2233", False),
            "c": predicted("6135", False),
        },
    )
    assert (result.readers_soc, result.consensus_n, result.extractor_soc_consensus) == (2, 2, 1)
    assert result.extractor_soc_each == 3  # a twice, b once, c never
    assert (result.entry_consensus_n, result.extractor_entry_consensus) == (2, 1)
    assert result.requirements_n == 2 and result.flags is not None
    assert result.readers_flags is not None and result.readers_flags["dbs"] == 1  # b disagrees
    assert (result.flags["dbs"].tp, result.flags["dbs"].fp) == (1, 0)
    assert result.flags["registration"].fp == 1  # predicted, no reader said so


def test_second_skills_reader_covers_the_dev_set_with_known_ids() -> None:
    from eval.readers import load_second_reader_skills, skills_agreement

    second = load_second_reader_skills(EVAL_DIR / "nhs_jobs_dev_skills_reader2.jsonl")
    first = {label.source_file: label.skills for label in load_labels(DEV_LABELS)}
    assert set(second) == set(first)
    taxonomy = load_taxonomy()
    assert all(taxonomy.get_skill(s) is not None for ids in second.values() for s in ids)
    scores = skills_agreement(
        {"a": frozenset({"x", "y"})}, {"a": frozenset({"x"})}, {"a": frozenset({"y", "z"})}
    )

    def counts(name: str) -> tuple[int, int, int]:
        return (scores[name].tp, scores[name].fp, scores[name].fn)

    assert counts("second reader vs first reader") == (1, 0, 1)
    assert counts("extractor vs second reader") == (0, 2, 1)
