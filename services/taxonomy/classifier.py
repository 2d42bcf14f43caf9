"""A small TF-IDF + linear SOC classifier for titles the rules in :mod:`titles` do not know.

Trained by ``python -m services.taxonomy.train`` on weak labels (the title rules applied to
real adverts outside the evaluation pool) and saved with joblib to
``data/soc_classifier.joblib`` (a few MB). Loaded lazily on first use; when the file is
missing the classifier abstains and ``extract`` falls back to context rules.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from services.taxonomy.loader import DATA_DIR

MODEL_PATH = DATA_DIR / "soc_classifier.joblib"
KNOWN_MIN_ADVERTS = 10
TARGET_MIN_ADVERTS = 30


def model_input(title: str, plain_text: str, max_chars: int = 4000) -> str:
    """The text the model sees: the title three times (it matters most) plus the advert."""
    return f"{title} {title} {title} {plain_text[:max_chars]}"


@dataclass(frozen=True)
class SocClassifier:
    """A fitted vectoriser and linear model with their class labels.

    :meth:`predict` computes the TF-IDF features and the linear scores itself (the same
    arithmetic as ``vectorizer.transform`` + ``model.decision_function`` for the settings
    ``train`` uses: word uni/bigrams, sublinear tf, idf, l2 norm), which takes a few
    hundredths of the time sklearn's general code needs for one document.
    :meth:`predict_sklearn` is the reference.
    """

    vectorizer: Any
    model: Any
    classes: tuple[str, ...]
    # words of 5+ letters in at least KNOWN_MIN_ADVERTS / TARGET_MIN_ADVERTS training adverts,
    # for title spelling correction (:func:`services.taxonomy.titles.correct_spelling`)
    known_words: frozenset[str] = frozenset()
    target_words: frozenset[str] = frozenset()

    @functools.cached_property
    def _lean(self) -> tuple[dict[str, int], Any, Any, Any, Any] | None:
        v = self.vectorizer
        supported = (
            v.analyzer == "word"
            and v.lowercase
            and v.preprocessor is None
            and v.tokenizer is None
            and v.stop_words is None
            and v.strip_accents is None
            and v.ngram_range in ((1, 1), (1, 2))
            and v.use_idf
            and v.norm == "l2"
            and not v.binary
        )
        if not supported:
            return None
        return (
            dict(v.vocabulary_),
            re.compile(v.token_pattern),
            np.asarray(v.idf_, dtype=np.float64),
            np.ascontiguousarray(np.asarray(self.model.coef_, dtype=np.float64).T),
            np.asarray(self.model.intercept_, dtype=np.float64),
        )

    def scores(self, title: str, plain_text: str) -> Any:
        """Decision scores per class for one advert."""
        lean = self._lean
        if lean is None:
            return self.sklearn_scores(title, plain_text)
        vocabulary, token_pattern, idf, coef_t, intercept = lean
        tokens = token_pattern.findall(model_input(title, plain_text).lower())
        terms = Counter(tokens)
        if self.vectorizer.ngram_range == (1, 2):
            terms.update(map(" ".join, itertools.pairwise(tokens)))
        counts: dict[int, int] = {}
        for term, count in terms.items():
            index = vocabulary.get(term)
            if index is not None:
                counts[index] = count
        if not counts:
            return intercept.copy()
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.vectorizer.sublinear_tf:
            values = np.log(values) + 1.0
        values *= idf[columns]
        values /= np.sqrt(np.dot(values, values))
        return values @ coef_t[columns] + intercept

    def sklearn_scores(self, title: str, plain_text: str) -> Any:
        """Decision scores per class through sklearn (the reference for :meth:`scores`)."""
        features = self.vectorizer.transform([model_input(title, plain_text)])
        return np.asarray(self.model.decision_function(features), dtype=np.float64).ravel()

    def predict(self, title: str, plain_text: str) -> tuple[str, float]:
        """``(soc_code, confidence)`` with a softmax-style confidence over decision scores."""
        return self._pick(self.scores(title, plain_text))

    def predict_sklearn(self, title: str, plain_text: str) -> tuple[str, float]:
        """:meth:`predict` through sklearn's own transform and decision function."""
        return self._pick(self.sklearn_scores(title, plain_text))

    def _pick(self, scores: Any) -> tuple[str, float]:
        best = int(np.argmax(scores))
        exp = np.exp(scores - scores[best])
        return str(self.classes[best]), float(1.0 / exp.sum())


@functools.cache
def load_classifier(path: Path = MODEL_PATH) -> SocClassifier | None:
    """The saved classifier, or ``None`` when it has not been trained."""
    if not path.exists():
        return None
    import joblib

    payload = joblib.load(path)
    counts: dict[str, int] = payload.get("word_counts", {})
    return SocClassifier(
        payload["vectorizer"],
        payload["model"],
        tuple(payload["classes"]),
        known_words=frozenset(w for w, n in counts.items() if n >= KNOWN_MIN_ADVERTS),
        target_words=frozenset(w for w, n in counts.items() if n >= TARGET_MIN_ADVERTS),
    )
