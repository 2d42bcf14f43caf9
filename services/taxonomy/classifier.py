"""A small TF-IDF + linear SOC classifier for titles the rules in :mod:`titles` do not know.

Trained by ``python -m services.taxonomy.train`` on weak labels (the title rules applied to
real adverts outside the evaluation pool) and saved with joblib to
``data/soc_classifier.joblib`` (a few MB). Loaded lazily on first use; when the file is
missing the classifier abstains and ``extract`` falls back to context rules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from services.taxonomy.loader import DATA_DIR

MODEL_PATH = DATA_DIR / "soc_classifier.joblib"


def model_input(title: str, plain_text: str, max_chars: int = 4000) -> str:
    """The text the model sees: the title three times (it matters most) plus the advert."""
    return f"{title} {title} {title} {plain_text[:max_chars]}"


@dataclass(frozen=True)
class SocClassifier:
    """A fitted vectoriser and linear model with their class labels."""

    vectorizer: Any
    model: Any
    classes: tuple[str, ...]

    def predict(self, title: str, plain_text: str) -> tuple[str, float]:
        """``(soc_code, confidence)`` with a softmax-style confidence over decision scores."""
        features = self.vectorizer.transform([model_input(title, plain_text)])
        scores = np.asarray(self.model.decision_function(features)).ravel()
        best = int(np.argmax(scores))
        exp = np.exp(scores - scores[best])
        return self.classes[best], float(1.0 / exp.sum())


@functools.cache
def load_classifier(path: Path = MODEL_PATH) -> SocClassifier | None:
    """The saved classifier, or ``None`` when it has not been trained."""
    if not path.exists():
        return None
    import joblib

    payload = joblib.load(path)
    return SocClassifier(payload["vectorizer"], payload["model"], tuple(payload["classes"]))
