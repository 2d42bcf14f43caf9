"""Train the SOC classifier: ``python -m services.taxonomy.train [--data PATH] [--out PATH]``.

Reads the real NHS Jobs adverts (``../shared/data/nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz``),
keeps only adverts OUTSIDE the evaluation and development pools (``sha256(source_file) % 10``
not 0 or 1; see ``eval/README.md`` and ``docs/QUALITY.md``), labels
them weakly with the title rules, and fits a TF-IDF + linear SVM on title + text. It also
counts in how many adverts each word occurs (the vocabulary of title spelling correction,
saved with the model). Fixed
seeds and sorted input make the result deterministic. The adverts themselves are never
written anywhere; only the fitted model is saved.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from services.taxonomy.classifier import KNOWN_MIN_ADVERTS, MODEL_PATH, model_input
from services.taxonomy.textview import plain_view
from services.taxonomy.titles import soc_from_title

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "nhs_jobs"
    / "nhs_jobs_2020_jobposting.jsonl.gz"
)
MIN_EXAMPLES = 5
_WORD = re.compile(r"[a-z]{5,}")
SEED = 20201130


def pool_of(source_file: str) -> int:
    """The pool number 0-9 of an advert: 0 is the evaluation pool, 1 the development pool."""
    return int(hashlib.sha256(source_file.encode()).hexdigest(), 16) % 10


def in_eval_pool(source_file: str) -> bool:
    """True for adverts reserved for evaluation (never train or tune on them)."""
    return pool_of(source_file) == 0


def in_dev_pool(source_file: str) -> bool:
    """True for adverts reserved for development (rules are tuned on them, never trained on)."""
    return pool_of(source_file) == 1


def read_adverts(path: Path) -> Iterator[dict[str, str]]:
    """``title``, ``description`` and ``source_file`` of each advert in the gzipped JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield {
                "title": str(record.get("title") or ""),
                "description": str(record.get("description") or ""),
                "source_file": str(record.get("source_file") or ""),
            }


def training_adverts(path: Path) -> list[dict[str, str]]:
    """Adverts outside the evaluation and development pools, sorted by ``source_file``."""
    return sorted(
        (
            advert
            for advert in read_adverts(path)
            if advert["source_file"] and pool_of(advert["source_file"]) not in (0, 1)
        ),
        key=lambda a: a["source_file"],
    )


def word_counts(adverts: list[dict[str, str]]) -> dict[str, int]:
    """In how many adverts (title or text) each word of five letters or more occurs, for
    words in at least ``KNOWN_MIN_ADVERTS`` adverts: the vocabulary of title spelling
    correction."""
    counts: Counter[str] = Counter()
    for advert in adverts:
        text = f"{advert['title']} {plain_view(advert['description'])}".lower()
        counts.update(set(_WORD.findall(text)))
    return {word: n for word, n in sorted(counts.items()) if n >= KNOWN_MIN_ADVERTS}


def weak_examples(adverts: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """Model inputs and weak SOC labels for the adverts a title rule recognises."""
    texts: list[str] = []
    labels: list[str] = []
    for advert in adverts:
        code, _ = soc_from_title(advert["title"])
        if not code:
            continue
        plain = " ".join(plain_view(advert["description"]).split())
        texts.append(model_input(advert["title"], plain))
        labels.append(code)
    counts = Counter(labels)
    keep = [i for i, label in enumerate(labels) if counts[label] >= MIN_EXAMPLES]
    return [texts[i] for i in keep], [labels[i] for i in keep]


def train(data: Path, out: Path) -> dict[str, float]:
    """Fit and save the classifier; returns held-out accuracy figures (training pool only)."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import train_test_split
    from sklearn.svm import LinearSVC

    adverts = training_adverts(data)
    texts, labels = weak_examples(adverts)
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=0.1, random_state=SEED, stratify=labels
    )

    def fit(xs: list[str], ys: list[str]) -> tuple[TfidfVectorizer, LinearSVC]:
        vectorizer = TfidfVectorizer(
            lowercase=True,
            ngram_range=(1, 2),
            min_df=3,
            max_features=12000,
            sublinear_tf=True,
            dtype=np.float32,
        )
        matrix = vectorizer.fit_transform(xs)
        model = LinearSVC(C=0.5, random_state=SEED)
        model.fit(matrix, ys)
        model.coef_ = model.coef_.astype(np.float32)
        return vectorizer, model

    vectorizer, model = fit(x_train, y_train)
    accuracy = float(np.mean(model.predict(vectorizer.transform(x_test)) == np.asarray(y_test)))
    vectorizer, model = fit(texts, labels)
    vectorizer.stop_words_ = None
    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {
            "vectorizer": vectorizer,
            "model": model,
            "classes": list(model.classes_),
            "word_counts": word_counts(adverts),
        },
        out,
        compress=3,
    )
    return {
        "examples": float(len(texts)),
        "classes": float(len(model.classes_)),
        "holdout_accuracy": accuracy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"advert file {args.data} is absent")
    figures = train(args.data, args.out)
    size = args.out.stat().st_size
    print(json.dumps({**figures, "model_bytes": size, "path": str(args.out)}))


if __name__ == "__main__":
    main()
