"""``safenet bench match``, journey part: the decision chain against the per-read matcher.

Each generator's corpus is made and measured in a fresh process
(:func:`measure_journeys`); :func:`add_journeys` puts the figures in the report:
for each corpus the per-read matcher and the chain side by side, the curve of the
surfacing threshold, the calibration check, and which targets hold at 1,000
entries (>= 99 % of wanted vehicles surfaced, <= 10 false surfaced lines per
million reads, 0 false alerts, p90 delay <= 60 s).
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from safenet.bench.match_journey import JourneyCorpus
from safenet.bench.report import BenchReport

ENTRIES = 1_000
SEED_A = 1  # the calibration is fitted on seed 1001 (safenet.bench.match_fit)
SEED_B = 7
SEED_C = 11  # generator C was written after the chain and run as written (never tuned on)
SEED_D = 23  # generator D (fleets, two vendors): written apart from the chain, run as written
# The corpora the journey part measures: name -> (module, function, seed). Each
# function is called as ``function(entries, reads, seed, data_dir=...)`` when it
# takes a data directory, else ``function(entries, reads, seed)``. A new corpus
# (e.g. generator D, written apart from the chain) is one more line here.
CORPORA: dict[str, tuple[str, str, int]] = {
    "A": ("safenet.bench.match_journey_grid", "grid_corpus", SEED_A),
    "B": ("safenet.bench.match_journey_roads", "roads_corpus", SEED_B),
    "C": ("safenet.bench.match_journey_rings", "rings_corpus", SEED_C),
    "D": ("safenet.bench.match_journey_fleets", "fleets_corpus", SEED_D),
    "E": ("safenet.bench.match_journey_e", "e_corpus", 31),  # Daejeon sites, blind, as written
    "F": ("safenet.bench.match_journey_f", "f_corpus", 41),  # 경부 corridor + 부산 port, blind
}
GENERATORS = tuple(CORPORA)
CURVE = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
RELIABILITY_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 1.0)
TARGETS = {"surfaced": 0.99, "false per M": 10.0, "false alerts": 0, "p90 s": 60.0}


def make_corpus(generator: str, reads: int, data_dir: Path | None) -> JourneyCorpus:
    """The corpus of one generator named in :data:`CORPORA`."""
    import importlib
    import inspect

    try:
        module_name, function_name, seed = CORPORA[generator]
    except KeyError:
        known = ", ".join(CORPORA)
        raise ValueError(f"generator: unknown corpus {generator!r} (known: {known})") from None
    function = getattr(importlib.import_module(module_name), function_name)
    if "data_dir" in inspect.signature(function).parameters:
        corpus: JourneyCorpus = function(ENTRIES, reads, seed, data_dir)
    else:
        corpus = function(ENTRIES, reads, seed)
    return corpus


def measure_journeys(generator: str, reads: int, data_dir: str | None) -> dict[str, Any]:
    """Every figure for one generator's corpus (run in its own process)."""
    from safenet.bench.match_decide import figures, prepare, reliability, run_chain
    from safenet.matching.decision import default_calibration

    started = time.perf_counter()
    corpus = make_corpus(generator, reads, Path(data_dir) if data_dir else None)
    generated_s = time.perf_counter() - started
    prepared = prepare(corpus)
    calibration = default_calibration()
    lines, decisions, chain_s = run_chain(prepared, calibration)
    rows = [
        {"method": "per-read matcher (today)", **figures(corpus, prepared.baseline)},
        {
            "method": f"decision chain (surface at {calibration.surface_at:g})",
            **figures(corpus, lines),
        },
    ]
    curve = []
    for threshold in CURVE:
        curve_lines, _, _ = run_chain(prepared, calibration, surface_at=threshold)
        curve.append({"surface at": threshold, **figures(corpus, curve_lines)})
    n = len(corpus.reads)
    speed = {
        "reads": n,
        "per-read matcher reads/s": n / prepared.match_s,
        "evidence-floor matching reads/s": n / prepared.floor_s,
        "chain s": chain_s,
        "matched reads fed to the chain": len(prepared.matched),
        "chain path reads/s": n / (prepared.floor_s + chain_s),
        "ratio to per-read": prepared.match_s / (prepared.floor_s + chain_s),
        "generated in s": generated_s,
    }
    return {
        "name": corpus.name,
        "how": corpus.how,
        "rows": rows,
        "curve": curve,
        "reliability": reliability(corpus, decisions, RELIABILITY_BINS),
        "speed": speed,
        "cameras": len(corpus.cameras),
        "vehicles": len(corpus.vehicles),
    }


def _holds(row: dict[str, Any]) -> dict[str, str]:
    def mark(ok: bool) -> str:
        return "holds" if ok else "MISSED"

    return {
        ">= 99% surfaced": mark(row["wanted surfaced"] >= TARGETS["surfaced"]),
        "<= 10 false/M": mark(row["false per M"] <= TARGETS["false per M"]),
        "0 false alerts": mark(row["false alerts"] == TARGETS["false alerts"]),
        "p90 <= 60 s": mark(row["delay p90 s"] <= TARGETS["p90 s"]),
    }


def add_journeys(
    report: BenchReport,
    *,
    quick: bool,
    data_dir: Path | None,
    corpora: tuple[str, ...] | None = None,
) -> None:
    """Measure every generator (or those in ``corpora``) and add their tables to ``report``."""
    chosen = corpora or GENERATORS
    unknown = [c for c in chosen if c not in CORPORA]
    if unknown:
        raise ValueError(f"corpus: {unknown[0]!r} is none of {', '.join(CORPORA)}")
    reads = 150_000 if quick else 1_000_000
    context = multiprocessing.get_context("spawn")
    results = []
    for generator in chosen:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            results.append(
                pool.submit(
                    measure_journeys, generator, reads, str(data_dir) if data_dir else None
                ).result()
            )
    journeys = report.table(f"journeys at {ENTRIES:,} entries: per-read matcher vs decision chain")
    targets = report.table("journey targets at 1,000 entries")
    speed = report.table("journey speed (one core, same process)")
    for r in results:
        for row in r["rows"]:
            journeys.add(corpus=r["name"], **row)
            targets.add(corpus=r["name"], method=row["method"], **_holds(row))
        speed.add(corpus=r["name"], **r["speed"])
    for r in results:
        curve = report.table(f"surfacing threshold curve, {r['name']}")
        for row in r["curve"]:
            curve.add(**row)
    for r in results:
        check = report.table(f"calibration check (score vs true share), {r['name']}")
        for row in r["reliability"]:
            check.add(**row)
    for r in results:
        report.note(f"{r['name']}: {r['cameras']} cameras, {r['vehicles']:,} vehicles. How made: "
                    + " ".join(r["how"].split()))  # fmt: skip
    report.note(
        "journey figures: 'wanted surfaced' = share of wanted cars read at least once with a "
        "surfaced line (alert or candidate) on one of their own reads; delay = first read of "
        "the car to its first surfaced line; false per M = surfaced lines on any other vehicle "
        "per million reads, split into the entry's neighbour car and background; false alerts "
        "= alert lines on any other vehicle; 'wanted alerted' = share of wanted cars read with "
        "at least one alert line (the rest were candidates for an operator). The calibration "
        "was fitted on generator A with "
        "another seed (safenet.bench.match_fit); generator B was never used to fit or choose; "
        "generator C was written after the chain was finished and run as written; "
        "generator D (fleets, two camera vendors) was written apart from the chain and run "
        "as written; generators E (Daejeon's enforcement sites) and F (an expressway and a "
        "port city) were written blind to the chain and run as written."
        + (" --quick: 150k reads per corpus, too few for per-million figures." if quick else "")
    )
