"""Fitting the calibration: non-negative weights, tied factors, clear errors."""

from __future__ import annotations

import math
import random

import pytest

from safenet.matching.decision import FEATURES
from safenet.matching.decision.fit import fit_logistic


def _samples(weights: dict[str, float], intercept: float, n: int, seed: int = 3):
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        row = [rng.gauss(0, 1) for _ in FEATURES]
        z = intercept + sum(weights.get(f, 0.0) * v for f, v in zip(FEATURES, row, strict=True))
        rows.append(row)
        labels.append(rng.random() < 1 / (1 + math.exp(-z)))
    return rows, labels


def test_fit_recovers_a_known_model() -> None:
    truth = {"plate": 1.5, "colour": 0.8, "support": 2.0}
    rows, labels = _samples(truth, -0.5, 6000)
    fit = fit_logistic(rows, labels, l2=1e-3)
    for name in FEATURES:
        assert fit.weights[name] == pytest.approx(truth.get(name, 0.0), abs=0.15)
    assert fit.intercept == pytest.approx(-0.5, abs=0.15)
    assert fit.samples == 6000
    assert 0 < fit.brier < 0.25


def test_a_factor_that_points_the_wrong_way_gets_weight_zero() -> None:
    rows, labels = _samples({"plate": 1.0, "type": -1.5}, 0.0, 4000)
    fit = fit_logistic(rows, labels)
    assert fit.weights["type"] == 0.0
    assert fit.weights["plate"] > 0.5
    assert all(w >= 0 for w in fit.weights.values())


def test_tied_factors_share_one_weight() -> None:
    rows, labels = _samples({"support": 1.0, "against": 1.0}, 0.0, 4000)
    fit = fit_logistic(rows, labels, tie=[("support", "against")])
    assert fit.weights["support"] == fit.weights["against"] == pytest.approx(1.0, abs=0.2)


def test_fit_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="no samples"):
        fit_logistic([], [])
    with pytest.raises(ValueError, match="2 rows but 1 labels"):
        fit_logistic([[0.0] * len(FEATURES)] * 2, [True])
    with pytest.raises(ValueError, match="unknown factor 'speed'"):
        fit_logistic([[0.0] * len(FEATURES)], [True], tie=[("speed", "plate")])
