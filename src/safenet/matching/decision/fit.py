"""Fitting the calibration: a logistic regression on labelled decisions, weights kept >= 0.

Platt scaling fits ``sigmoid(a * s + b)`` to one score; here each factor gets its
own slope (a logistic regression on the factor values), so that the combined
score is a calibrated probability and each factor's share of it can be shown.
Every slope is constrained to be >= 0 (projected Newton steps with an active
set): the factor values are oriented so that this makes agreeing evidence raise
the score and contradicting evidence lower it, whatever the data. A small ridge
(``l2``) keeps the fit stable when a factor is rare.

Pure numpy, deterministic; :mod:`safenet.bench.match_fit` runs it on a generated
corpus and writes ``calibration.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from safenet.matching.decision.types import FEATURES

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Fit:
    """The fitted intercept and weights, and how well they fit."""

    intercept: float
    weights: dict[str, float]
    log_loss: float
    brier: float
    samples: int
    positives: int
    iterations: int


def _loss(x: Floats, y: Floats, beta: Floats, l2: float) -> float:
    z = x @ beta
    # log(1 + e^z) - y z, computed without overflow
    nll = np.logaddexp(0.0, z) - y * z
    return float(nll.sum() + 0.5 * l2 * float(beta[1:] @ beta[1:]))


def fit_logistic(
    rows: Sequence[Sequence[float]],
    labels: Sequence[bool],
    *,
    tie: Sequence[Sequence[str]] = (),
    l2: float = 1e-2,
    max_iterations: int = 200,
) -> Fit:
    """Intercept and non-negative weights (one per factor of :data:`FEATURES`) for the rows.

    Each group in ``tie`` shares one weight (its factors' values are summed).
    """
    if len(rows) != len(labels):
        raise ValueError(f"{len(rows)} rows but {len(labels)} labels")
    if not rows:
        raise ValueError("no samples to fit")
    features = np.asarray(rows, dtype=np.float64)
    if features.shape[1] != len(FEATURES):
        raise ValueError(f"rows have {features.shape[1]} values, expected {len(FEATURES)}")
    groups = _groups(tie)
    columns = np.stack(
        [features[:, [FEATURES.index(f) for f in group]].sum(axis=1) for group in groups], axis=1
    )
    x = np.hstack([np.ones((len(rows), 1)), columns])
    y = np.asarray(labels, dtype=np.float64)
    beta = np.zeros(x.shape[1])
    ridge = np.full(x.shape[1], l2)
    ridge[0] = 1e-9  # the intercept is not shrunk
    loss = _loss(x, y, beta, l2)
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported below
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (p - y) + ridge * beta
        hess = (x * (p * (1.0 - p))[:, None]).T @ x + np.diag(ridge)
        # Active set: a weight at its bound whose gradient pushes it below stays there.
        free = np.ones(x.shape[1], dtype=bool)
        free[1:] = ~((beta[1:] <= 0.0) & (grad[1:] > 0.0))
        step = np.zeros_like(beta)
        step[free] = np.linalg.solve(hess[np.ix_(free, free)], grad[free])
        t = 1.0
        while True:
            candidate = beta - t * step
            candidate[1:] = np.maximum(candidate[1:], 0.0)
            new_loss = _loss(x, y, candidate, l2)
            if new_loss <= loss or t < 1e-8:
                break
            t *= 0.5
        converged = loss - new_loss < 1e-10 * max(1.0, abs(loss))
        beta, loss = candidate, new_loss
        if converged:
            break
    p = 1.0 / (1.0 + np.exp(-(x @ beta)))
    weights = {name: float(w) for group, w in zip(groups, beta[1:], strict=True) for name in group}
    return Fit(
        intercept=float(beta[0]),
        weights={name: weights[name] for name in FEATURES},
        log_loss=float(loss) / len(rows),
        brier=float(np.mean((p - y) ** 2)),
        samples=len(rows),
        positives=int(y.sum()),
        iterations=iterations,
    )


def _groups(tie: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """The factors in fitting order, tied ones together."""
    tied: dict[str, tuple[str, ...]] = {}
    for group in tie:
        for name in group:
            if name not in FEATURES:
                raise ValueError(f"cannot tie unknown factor {name!r}")
            if name in tied:
                raise ValueError(f"factor {name!r} is tied twice")
            tied[name] = tuple(group)
    out: list[tuple[str, ...]] = []
    for name in FEATURES:
        group = tied.get(name, (name,))
        if group not in out:
            out.append(group)
    return out
