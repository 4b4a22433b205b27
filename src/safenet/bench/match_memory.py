"""How much of the chain's gain is the neighbour memory: the same corpora, memory off and on.

::

    python -m safenet.bench.match_memory [--old-calibration FILE] [--json F] [A B C ...]

For each corpus of :data:`safenet.bench.match_journeys.CORPORA` (made once, matched
once), the chain runs with the shipped calibration (and, when given, an older
calibration file) at a few surfacing thresholds, with the neighbour memory off
(``memory_plates=0``) and on (the policy's defaults), and prints, per run, the
share of wanted vehicles surfaced, false surfaced lines per million reads (split
neighbour / background) and false alerts. Nothing here fits or chooses anything:
it only measures (docs/matching.md, "With the neighbour memory").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from safenet.bench.match_decide import Line, Prepared, figures, prepare
from safenet.bench.match_journeys import CORPORA, make_corpus
from safenet.config import Settings
from safenet.matching.decision import (
    Calibration,
    Decision,
    DecisionChain,
    DecisionPolicy,
    default_calibration,
)

THRESHOLDS = (0.85, 0.9, 0.95)


def run(
    prepared: Prepared, calibration: Calibration, surface_at: float, *, memory: bool
) -> dict[str, Any]:
    """The chain's figures over the prepared corpus, memory on or off."""
    policy = DecisionPolicy(hold_s=60.0, surface_at=surface_at)
    if not memory:
        policy = DecisionPolicy(hold_s=60.0, surface_at=surface_at, memory_plates=0)
    chain = DecisionChain(prepared.wanted, policy, calibration)
    position = {r.id: i for i, r in enumerate(prepared.corpus.reads)}
    decisions: list[Decision] = []
    for _, obs, matches in prepared.matched:
        decisions.extend(chain.observe(obs, matches))
    final = [*(d for d in decisions if d.final), *chain.flush()]
    lines = [Line(position[d.read_id], d.entry_id, d.state, d.surfaced_ts, d.score) for d in final]
    return figures(prepared.corpus, lines)


def main() -> None:
    """Measure and print each run; write them as JSON when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpora", nargs="*", default=list(CORPORA))
    parser.add_argument("--old-calibration", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: the data_dir setting")
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    calibrations = {"shipped": default_calibration()}
    if args.old_calibration is not None:
        text = args.old_calibration.read_text(encoding="utf-8")
        calibrations["old"] = Calibration.from_json(json.loads(text))
    rows: list[dict[str, Any]] = []
    data_dir = args.data_dir or Settings().data_dir  # as `safenet bench match` does
    for name in args.corpora:
        prepared = prepare(make_corpus(name, args.reads, data_dir))
        for label, calibration in calibrations.items():
            for threshold in THRESHOLDS:
                for memory in (False, True):
                    f = run(prepared, calibration, threshold, memory=memory)
                    row = {
                        "corpus": name,
                        "calibration": label,
                        "surface at": threshold,
                        "memory": memory,
                        "surfaced": round(f["wanted surfaced"], 4),
                        "false per M": round(f["false per M"], 2),
                        "neighbour per M": round(f["neighbour per M"], 2),
                        "background per M": round(f["background per M"], 2),
                        "false alerts": f["false alerts"],
                    }
                    print(row, flush=True)
                    rows.append(row)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
