"""The tables and headline figures of ``safenet bench e2e``."""

from __future__ import annotations

from typing import Any

from safenet.bench.e2e import _quantile
from safenet.bench.e2e_drive import Load
from safenet.bench.e2e_faults import Reconciled
from safenet.bench.report import BenchReport

HELD_P99_MS = 1000.0


def latencies(load: Load) -> list[float]:
    return [
        round((load.alerts[h][0] - load.sent_at[h]) * 1000, 1)
        for h in load.wanted_accepted
        if h in load.alerts and h in load.sent_at
    ]


def sustained(load: Load) -> float:
    return load.accepted / max(1e-9, load.last_answer - load.first_post)


def lost_of(step: dict[str, Any]) -> dict[str, int]:
    state: Reconciled = step["state"]
    return state.lost_parts(step["load"])


def held(step: dict[str, Any]) -> bool:
    """The rate was held: reads kept up, nothing lost or failed, p99 read→alert ≤ 1 s."""
    load: Load = step["load"]
    p99 = _quantile(latencies(load), 0.99)
    return (
        sustained(load) >= 0.95 * step["rate"]
        and load.failed_posts == 0
        and sum(lost_of(step).values()) == 0
        and (p99 is None or p99 <= HELD_P99_MS)
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def fill_report(
    report: BenchReport, results: dict[str, Any], duration: float, find_max: bool
) -> None:
    steps: list[dict[str, Any]] = results["steps"]
    held_steps = [s for s in steps if held(s)]
    main = max(held_steps, key=lambda s: s["rate"]) if held_steps else steps[0]
    load: Load = main["load"]
    state: Reconciled = main["state"]
    lat = latencies(load)
    ack = [round(a, 1) for s in steps for a in s["ack"]]
    parts = lost_of(main)
    figures: dict[str, Any] = {
        "sustained_reads_per_s": round(sustained(load), 1),
        "alert_latency_ms": {
            "p50": _quantile(lat, 0.5),
            "p99": _quantile(lat, 0.99),
            "max": max(lat) if lat else None,
        },
        "lost": sum(parts.values()),
        "lost_parts": parts,
        "missing_reads": state.missing_reads(load),
        "duplicates": state.duplicates(load),
        "hotlist_ack_ms": {"p50": _quantile(ack, 0.5), "max": max(ack) if ack else None},
        "reconciled": {
            "wanted_reads_accepted": len(load.wanted_accepted),
            "hits_committed_at_centers": len(state.committed),
            "hits_stored_at_police": len(state.stored),
            "hits_delivered": len(load.delivered()),
            "delivered_only_by_reread": len(load.reread),
            "stream_reconnects": load.stream_breaks,
        },
        "faults": [f for s in steps for f in s["faults"]],
    }
    if find_max:
        figures["max_held_reads_per_s"] = figures["sustained_reads_per_s"] if held_steps else None
    report.parameters["figures"] = figures
    t = report.table("end to end (deploy local topology on PostgreSQL, NATS JetStream)")
    for step in steps:
        sl: Load = step["load"]
        st: Reconciled = step["state"]
        sl_lat = latencies(sl)
        sp = lost_of(step)
        t.add(
            case=f"{step['rate']:,.0f}/s × {duration:g} s",
            reads_per_s=round(sustained(sl), 1),
            held=held(step),
            accepted=sl.accepted,
            failed=sl.failed_posts,
            wanted=len(sl.wanted_accepted),
            alert_p50_ms=_quantile(sl_lat, 0.5),
            alert_p99_ms=_quantile(sl_lat, 0.99),
            alert_max_ms=max(sl_lat) if sl_lat else None,
            lost=sum(sp.values()),
            doubled=st.duplicates(sl),
            ack_p50_ms=_round(_quantile(step["ack"], 0.5)),
            ack_max_ms=_round(max(step["ack"])) if step["ack"] else None,
        )
    r = report.table("reconciliation after quiescence (hits; lost by where)")
    for step in steps:
        sl, st = step["load"], step["state"]
        r.add(
            rate=step["rate"],
            retried_posts=sl.retried_posts,
            rejected=sl.rejected,
            committed=len(st.committed),
            at_police=len(st.stored),
            delivered=len(sl.delivered()),
            reread=len(sl.reread),
            stream_breaks=sl.stream_breaks,
            **lost_of(step),
        )
    if any(s["faults"] for s in steps):
        f = report.table("faults (kill -9, then started again; seconds from the load's start)")
        for step in steps:
            for fault in step["faults"]:
                f.add(**fault)
    p = report.table("processes (CPU over the run, RSS at its end)")
    for step in steps:
        for row in step["processes"]:
            p.add(rate=step["rate"], **row)
    if "baselines" in results:
        b = report.table("in-run baselines (same machine, same run)")
        rate = figures["sustained_reads_per_s"]
        for name, value in results["baselines"].items():
            ratio = round(rate / value, 4) if value and "reads" in name else None
            b.add(case=name, per_s=round(value, 1), e2e_ratio=ratio)
    report.note(
        "read→alert: from the start of the POST (or MQTT publish) carrying a wanted read "
        "to its hit event on the police's SSE stream (one officer connected)."
    )
    report.note(
        "lost: wanted reads accepted (HTTP 200 / MQTT PUBACK) whose hit is not in a "
        "center's hits table, hits committed there but not in police_hits, hits stored "
        "there but never delivered on the stream (nor re-read after a resync), and reads "
        "accepted that are not in a center's reads table; counted after quiescence. "
        "doubled: a hit alerted twice at the police or delivered twice on the stream."
    )
    report.note(
        "hotlist ack: a cancel through the police API during the load, until GET "
        "/api/v1/centers shows every center in sync (the ack recorded at the police)."
    )
