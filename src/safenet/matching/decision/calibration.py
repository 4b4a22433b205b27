"""The calibrated score: the factors combined into a probability-like number, from a data file.

The score is a logistic model over the factors of
:mod:`safenet.matching.decision.evidence`::

    score = sigmoid(intercept + sum(weight[f] * value[f]))

fitted by :mod:`safenet.matching.decision.fit` (Platt scaling with one slope per
factor: a logistic regression on labelled decisions of a generated corpus), every
weight constrained to be >= 0. Each factor's value is oriented so that evidence
for the wanted vehicle is positive (``against`` is stored negative), so with
non-negative weights agreeing evidence can only raise the score and contradicting
evidence only lower it -- the property tests hold this for any fitted file.

The fitted parameters live in ``calibration.json`` beside this module, with the
corpus they were fitted on, the surfacing threshold chosen on it and the rule
that chose it. docs/matching.md ("Decisions") says how to refit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from safenet.matching.decision.evidence import sigmoid
from safenet.matching.decision.types import FEATURES, Features

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Fitted weights of the factors, the intercept and the surfacing threshold."""

    intercept: float
    weights: Mapping[str, float]
    surface_at: float
    method: str = ""
    fitted_on: Mapping[str, Any] = field(default_factory=dict)
    traffic_reference: float | None = None
    """The fitting corpus's mean crowd (look-alike passes near an entry in the last
    hour, at its samples); None: no traffic prior."""

    def __post_init__(self) -> None:
        missing = [f for f in FEATURES if f not in self.weights]
        if missing:
            raise ValueError(f"calibration weights lack factor(s) {', '.join(missing)}")
        unknown = [f for f in self.weights if f not in FEATURES]
        if unknown:
            raise ValueError(f"calibration weights name unknown factor(s) {', '.join(unknown)}")
        for name, value in self.weights.items():
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight of {name} must be a finite number >= 0, got {value!r}")
        if not math.isfinite(self.intercept):
            raise ValueError(f"intercept must be finite, got {self.intercept!r}")
        if not 0.0 <= self.surface_at <= 1.0:
            raise ValueError(f"surface_at must be between 0 and 1, got {self.surface_at!r}")
        ref = self.traffic_reference
        if ref is not None and (not math.isfinite(ref) or ref < 0):
            raise ValueError(f"traffic_reference must be a number >= 0, got {ref!r}")

    def traffic_prior(self, crowd: int) -> float:
        """How much busier look-alike traffic than the fitting corpus's lowers the log-odds.

        ``log((1 + ref) / (1 + crowd))`` when ``crowd`` exceeds the reference, else 0:
        more real look-alike cars about make any one read of the entry less likely
        its own car; it never raises a score.
        """
        ref = self.traffic_reference
        if ref is None or crowd <= ref:
            return 0.0
        return math.log((1.0 + ref) / (1.0 + crowd))

    def contributions(self, features: Features) -> dict[str, float]:
        """Each factor's share of the log-odds (``base`` is the intercept)."""
        out = {"base": self.intercept + self.traffic_prior(features.crowd)}
        for name, value in zip(FEATURES, features.vector(), strict=True):
            out[name] = self.weights[name] * value
        return out

    def score(self, features: Features) -> float:
        """The calibrated probability that the read is the entry's vehicle."""
        return sigmoid(sum(self.contributions(features).values()))

    def to_json(self) -> dict[str, Any]:
        """The calibration as the data file holds it."""
        return {
            "method": self.method,
            "intercept": self.intercept,
            "weights": {f: self.weights[f] for f in FEATURES},
            "surface_at": self.surface_at,
            "traffic_reference": self.traffic_reference,
            "fitted_on": dict(self.fitted_on),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        """A calibration from the data file's object; raises ValueError naming the field."""
        try:
            weights = {str(k): float(v) for k, v in dict(data["weights"]).items()}
            return cls(
                intercept=float(data["intercept"]),
                weights=weights,
                surface_at=float(data["surface_at"]),
                method=str(data.get("method", "")),
                fitted_on=dict(data.get("fitted_on", {})),
                traffic_reference=(
                    None
                    if data.get("traffic_reference") is None
                    else float(data["traffic_reference"])
                ),
            )
        except KeyError as exc:
            raise ValueError(f"calibration lacks the field {exc.args[0]!r}") from None
        except (TypeError, AttributeError) as exc:
            raise ValueError(f"calibration is malformed: {exc}") from None


def default_calibration() -> Calibration:
    """The calibration shipped with safenet (``calibration.json`` in this package)."""
    text = (
        resources.files("safenet.matching.decision").joinpath(CALIBRATION_FILE).read_text("utf-8")
    )
    return Calibration.from_json(json.loads(text))
