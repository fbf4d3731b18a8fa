"""The learned part of the extractive answerer: two small logistic regressions, read from a JSON file.

One ranks candidate sentences (does this sentence answer the question?), the other decides whether the
retrieved evidence answers the question at all (answer or refuse). Both are linear over named features
(kb/answer/features.py), so a person can read what they learned (docs/evaluation.md prints the weights), and
inference is a dot product: no scikit-learn at run time. `python -m kb train` refits them (kb/cli/training.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("models") / "answer_model.json"


@dataclass
class LinearModel:
    """Standardised logistic regression: p = sigmoid(intercept + sum(coef * (x - mean) / scale))."""

    names: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def logit(self, features: dict[str, float]) -> float:
        z = self.intercept
        for name, m, s, c in zip(self.names, self.mean, self.scale, self.coef):
            z += c * (float(features.get(name, 0.0)) - m) / (s or 1.0)
        return z

    def neutral(self, name: str) -> float:
        """The value at which a feature moves the logit neither way (its training mean)."""
        return self.mean[self.names.index(name)] if name in self.names else 0.0

    def prob(self, features: dict[str, float]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def to_dict(self) -> dict:
        return {
            "names": self.names,
            "mean": [round(x, 6) for x in self.mean],
            "scale": [round(x, 6) for x in self.scale],
            "coef": [round(x, 6) for x in self.coef],
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        return cls(d["names"], d["mean"], d["scale"], d["coef"], d["intercept"])


@dataclass
class AnswerModel:
    """Sentence ranker, answerability classifier, and the refusal threshold calibrated for it."""

    sentence: LinearModel
    answerable: LinearModel
    threshold: float
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence.to_dict(),
            "answerable": self.answerable.to_dict(),
            "threshold": round(self.threshold, 6),
            "meta": self.meta,
        }

    def save(self, path: Path = MODEL_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerModel:
        """The shipped (or a retrained) model; a missing or broken file is an error, never a silent default."""
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                LinearModel.from_dict(d["sentence"]),
                LinearModel.from_dict(d["answerable"]),
                float(d["threshold"]),
                d.get("meta", {}),
            )
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise RuntimeError(f"答案模型文件无法读取（{path}）：{exc}；运行 python -m kb train 重新训练") from exc
