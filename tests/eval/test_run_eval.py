"""Scoring and plumbing of ``eval/run_eval.py`` on small fixtures written here.

The script lives outside the packages (it is run as ``python eval/run_eval.py``), so it is
loaded from its path.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "eval" / "run_eval.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("routeway_run_eval", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


run_eval = _load()

NO_FLAGS = dict.fromkeys(run_eval.REQUIREMENT_FLAGS, False)


def label(source_file: str = "data/1.json", **overrides: Any) -> Any:
    record = {
        "source_file": source_file,
        "soc_code": "6131",
        "role": "hcsw",
        "entry_level": True,
        "requirements": {**NO_FLAGS, "dbs": True},
        "skills": ["communication", "personal_care"],
    }
    record.update(overrides)
    return run_eval.parse_label(record)


def extraction(**overrides: Any) -> SimpleNamespace:
    requirements = SimpleNamespace(
        driving_licence=False,
        dbs="enhanced",
        english_level=None,
        maths_level=None,
        registration=None,
        experience_essential=False,
    )
    values: dict[str, Any] = {
        "soc_code": "6131",
        "role": SimpleNamespace(id="hcsw", confidence=0.9),
        "entry_level": True,
        "requirements": requirements,
        "skills": [SimpleNamespace(id="communication"), SimpleNamespace(id="manual_handling")],
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_scores_from_counts() -> None:
    s = run_eval.Scores(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    empty = run_eval.Scores(0, 0, 0)
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)
    assert s + run_eval.Scores(1, 2, 3) == run_eval.Scores(4, 3, 5)


def test_binary_and_set_counts() -> None:
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    assert run_eval.binary_scores(pairs) == run_eval.Scores(tp=2, fp=1, fn=1)
    gold, predicted = frozenset({"a", "b", "c"}), frozenset({"b", "c", "d", "e"})
    assert run_eval.set_scores(gold, predicted) == run_eval.Scores(tp=2, fp=2, fn=1)


def test_prediction_reduces_strings_to_flags() -> None:
    result = extraction(
        role=None,
        requirements=SimpleNamespace(
            driving_licence=True,
            dbs=None,
            english_level=None,
            maths_level="Level 2",
            registration="NMC",
            experience_essential=False,
        ),
    )
    prediction = run_eval.to_prediction(result)
    assert prediction.role is None
    assert prediction.requirements == {
        "driving_licence": True,
        "dbs": False,
        "english_maths": True,
        "registration": True,
        "experience_essential": False,
    }
    assert prediction.skills == {"communication", "manual_handling"}


def test_evaluate_counts_each_output() -> None:
    labels = [
        label("data/1.json"),
        label("data/2.json", soc_code="2237", role=None, entry_level=False),
    ]
    predictions = [
        run_eval.to_prediction(extraction()),
        run_eval.to_prediction(extraction(soc_code="2231", role=None, entry_level=True)),
    ]
    report = run_eval.evaluate(labels, predictions)
    assert report.n == 2
    assert report.soc_accuracy == pytest.approx(0.5)
    assert report.role_accuracy == pytest.approx(1.0)
    assert report.entry_level == run_eval.Scores(tp=1, fp=1, fn=0)
    assert report.requirements["dbs"] == run_eval.Scores(tp=2, fp=0, fn=0)
    assert report.requirements_micro == run_eval.Scores(tp=2, fp=0, fn=0)
    assert report.skills == run_eval.Scores(tp=2, fp=2, fn=2)
    text = run_eval.format_report(report)
    assert "SOC 2020 accuracy      0.500" in text
    assert "below target 0.90" in text


def test_parse_label_rejects_missing_and_non_boolean_fields() -> None:
    with pytest.raises(run_eval.EvalError):
        run_eval.parse_label({"source_file": "data/1.json"})
    with pytest.raises(run_eval.EvalError):
        label(entry_level="yes")


def _write_fixture(
    tmp_path: Path, adverts: list[dict[str, Any]], labels: list[dict[str, Any]]
) -> tuple[Path, Path]:
    data = tmp_path / "adverts.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        for advert in adverts:
            handle.write(json.dumps(advert) + "\n")
    labels_path = tmp_path / "labels.jsonl"
    labels_path.write_text("".join(json.dumps(r) + "\n" for r in labels), encoding="utf-8")
    return labels_path, data


LABEL_RECORD: dict[str, Any] = {
    "source_file": "data/2.json",
    "soc_code": "9223",
    "role": None,
    "entry_level": True,
    "requirements": NO_FLAGS,
    "skills": [],
}


def test_run_feeds_plain_text_to_the_extractor(tmp_path: Path) -> None:
    adverts = [
        {"source_file": "data/1.json", "title": "Porter", "description": "&lt;p&gt;x&lt;/p&gt;"},
        {
            "source_file": "data/2.json",
            "title": "Ward Domestic &amp; Cleaner",
            "description": "&lt;p&gt;Cleaning wards.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;DBS&lt;/li&gt;&lt;/ul&gt;",
        },
    ]
    labels_path, data = _write_fixture(tmp_path, adverts, [LABEL_RECORD])
    seen: list[tuple[str, str]] = []

    def fake_extract(*, text: str, title: str) -> SimpleNamespace:
        seen.append((title, text))
        return extraction(soc_code="9223", role=None, skills=[])

    report = run_eval.run(labels_path, data, extractor=fake_extract)
    [(title, text)] = seen
    assert title == "Ward Domestic & Cleaner"
    assert "<" not in text and "&lt;" not in text
    assert text.startswith("Cleaning wards.") and text.endswith("- DBS")
    assert report.soc_accuracy == 1.0
    assert report.requirements["dbs"] == run_eval.Scores(tp=0, fp=1, fn=0)


def test_run_fails_when_a_labelled_advert_is_missing(tmp_path: Path) -> None:
    labels_path, data = _write_fixture(tmp_path, [], [LABEL_RECORD])
    with pytest.raises(run_eval.EvalError, match="not in"):
        run_eval.run(labels_path, data, extractor=lambda **_: extraction())


def test_main_skips_without_data_and_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = ["--data", str(tmp_path / "absent.jsonl.gz"), "--labels", str(tmp_path / "l.jsonl")]
    monkeypatch.delenv("CI", raising=False)
    assert run_eval.main(absent) == 0
    assert "skipped" in capsys.readouterr().out
    monkeypatch.setenv("CI", "true")
    assert run_eval.main(absent) == 1


def test_main_reports_errors_with_status_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    labels_path, data = _write_fixture(tmp_path, [], [LABEL_RECORD])
    assert run_eval.main(["--labels", str(labels_path), "--data", str(data)]) == 2
