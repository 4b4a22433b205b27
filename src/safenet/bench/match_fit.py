"""Refit the decision chain's calibration on generator A and choose its surfacing threshold.

::

    python -m safenet.bench.match_fit [--reads N] [--write]

1. Generate a grid-city corpus (:mod:`safenet.bench.match_journey_grid`) with
   :data:`FIT_SEED`, a seed the benchmark never uses, at 1,000 entries.
2. Run the chain with nothing surfacing (every candidate held to the end of its
   hold), so each candidate gives two samples whatever the calibration: its
   factors when it was read, and when its hold ran out. Label: the read was the
   entry's own car.
3. Fit the logistic model (:mod:`safenet.matching.decision.fit`).
4. Measure the traffic reference: the mean crowd (look-alike passes near the
   entry in the last hour) over those samples, the traffic the intercept holds.
5. Choose ``surface_at``: the lowest value of :data:`THRESHOLD_GRID` at which the
   fit corpus shows at most :data:`FIT_FALSE_PER_M` false surfaced lines per
   million reads (half the target of 10, as margin for corpora we did not make),
   or, when no value gets there, the lowest with the fewest.
6. With ``--write``, store it all in ``safenet/matching/decision/calibration.json``.

Generator B (:mod:`safenet.bench.match_journey_roads`) is never used here.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safenet.bench.match_decide import figures, prepare, run_chain
from safenet.bench.match_journey import JourneyCorpus, Role
from safenet.bench.match_journey_grid import grid_corpus
from safenet.matching.decision import FEATURES, Calibration, Decision, Rule
from safenet.matching.decision.fit import fit_logistic

FIT_SEED = 1001
FIT_ENTRIES = 1_000
FIT_READS = 1_000_000
FIT_FALSE_PER_M = 5.0
THRESHOLD_GRID = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
TIED = ("support", "against")
"""Fitted with one weight: a read of the wanted plate and an equally sure read of
another plate cancel, whatever the fitting corpus's mix of wanted cars and look-alikes."""
_SAMPLED = {
    Rule.SURFACED,
    Rule.HELD,
    Rule.CORROBORATED,
    Rule.NOT_CORROBORATED,
    Rule.EXACT_CONTRADICTED,
    Rule.EXACT_UNSURE,
    Rule.EXACT_AMBIGUOUS,
    Rule.LOOKALIKES,
    Rule.EXACT_LOOKALIKE,
    Rule.EXACT_ELSEWHERE,
}
_FILE = Path(__file__).resolve().parent.parent / "matching" / "decision" / "calibration.json"


def samples(corpus: JourneyCorpus, decisions: list[Decision]) -> tuple[list[Any], list[bool]]:
    """Factor rows and labels of every weighed candidate decision."""
    position = {r.id: i for i, r in enumerate(corpus.reads)}
    rows: list[Any] = []
    labels: list[bool] = []
    for d in decisions:
        if d.rule not in _SAMPLED:
            continue
        truth = corpus.vehicles[corpus.vehicle_of[position[d.read_id]]]
        rows.append(d.features.vector())
        labels.append(truth.role is Role.WANTED and truth.entry_id == d.entry_id)
    return rows, labels


def traffic_reference(decisions: list[Decision]) -> float:
    """The fitting corpus's mean crowd over the decisions it is fitted on."""
    crowds = [d.features.crowd for d in decisions if d.rule in _SAMPLED]
    return round(sum(crowds) / len(crowds), 4) if crowds else 0.0


def fit(reads: int = FIT_READS) -> tuple[Calibration, list[dict[str, Any]]]:
    """The fitted calibration and the threshold grid it was chosen on."""
    corpus = grid_corpus(FIT_ENTRIES, reads, FIT_SEED)
    prepared = prepare(corpus)
    _, decisions, _ = run_chain(prepared, None, surface_at=1.0)
    rows, labels = samples(corpus, decisions)
    result = fit_logistic(rows, labels, tie=[TIED])
    reference = traffic_reference(decisions)
    draft = Calibration(
        result.intercept, result.weights, surface_at=0.5, traffic_reference=reference
    )
    grid: list[dict[str, Any]] = []
    for threshold in THRESHOLD_GRID:
        lines, _, _ = run_chain(prepared, draft, surface_at=threshold)
        grid.append({"threshold": threshold, **figures(corpus, lines)})
    fewest = min(row["false per M"] for row in grid)
    chosen = next(
        row["threshold"] for row in grid if row["false per M"] <= max(FIT_FALSE_PER_M, fewest)
    )
    calibration = Calibration(
        result.intercept,
        result.weights,
        surface_at=chosen,
        traffic_reference=reference,
        method=(
            "logistic regression on the factors (Platt scaling with one slope per factor), "
            "weights constrained >= 0, support and against tied, ridge 0.01; fitted by "
            "safenet.bench.match_fit"
        ),
        fitted_on={
            "generator": "A (safenet.bench.match_journey_grid)",
            "seed": FIT_SEED,
            "entries": FIT_ENTRIES,
            "reads": len(corpus.reads),
            "samples": result.samples,
            "positives": result.positives,
            "log_loss": round(result.log_loss, 5),
            "brier": round(result.brier, 5),
            "threshold_rule": (
                f"lowest of {list(THRESHOLD_GRID)} with <= {FIT_FALSE_PER_M:g} false "
                "surfaced per million reads on this corpus (else the lowest with the fewest)"
            ),
            "traffic_reference_rule": (
                "mean crowd (surely read passes of real plates one step from the entry in "
                "the last hour) over the fitted samples: the traffic the intercept was fitted "
                "at; busier traffic lowers the log-odds by log((1 + ref) / (1 + crowd))"
            ),
            "date": datetime.now(UTC).date().isoformat(),
        },
    )
    return calibration, grid


def main() -> None:
    """Fit, print the grid, and write the file when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reads", type=int, default=FIT_READS)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    calibration, grid = fit(args.reads)
    for row in grid:
        print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
    data = calibration.to_json()
    data["weights"] = {f: round(data["weights"][f], 5) for f in FEATURES}
    data["intercept"] = round(data["intercept"], 5)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    print(text)
    if args.write:
        _FILE.write_text(text, encoding="utf-8")
        print(f"written to {_FILE}")


if __name__ == "__main__":
    main()
