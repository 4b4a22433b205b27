"""The demo's reckoning: what the centers committed against what the police stored.

``lost`` counts hits a center committed for reporting (a LocationReport in its outbox)
that the police never stored; ``duplicates`` counts police hits no center reported, and
hit alerts beyond one per hit, both as the police stored them and as the dispatcher's
stream delivered them. Both must be zero. Candidates that wait for an operator's confirmation
are not reported yet, so they are counted apart (``awaiting_confirmation``), not as lost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from typing import Any

import sqlalchemy as sa

from safenet.center.tables import hits as center_hits
from safenet.demo.driver import ScenarioDriver
from safenet.demo.observer import AlertObserver
from safenet.demo.progress import center_figures, decision_counts
from safenet.demo.stack import DemoStack
from safenet.police.clock import as_utc, iso
from safenet.police.tables import alerts as police_alerts
from safenet.police.tables import hits as police_hits


def _center_rows(stack: DemoStack) -> list[Any]:
    rows: list[Any] = []
    for handle in stack.centers.values():
        with handle.db.read() as conn:
            rows += [
                (handle.site, r)
                for r in conn.execute(
                    sa.select(
                        center_hits.c.hit_id,
                        center_hits.c.read_id,
                        center_hits.c.entry_id,
                        center_hits.c.level,
                        center_hits.c.state,
                        center_hits.c.reported,
                        center_hits.c.retrospective,
                    )
                )
            ]
    return rows


def _police_rows(stack: DemoStack) -> list[Any]:
    assert stack.police_db is not None
    with stack.police_db.read() as conn:
        return list(
            conn.execute(
                sa.select(
                    police_hits.c.site,
                    police_hits.c.hit_id,
                    police_hits.c.entry_id,
                    police_hits.c.camera_id,
                    police_hits.c.address,
                    police_hits.c.read_at,
                    police_hits.c.level,
                ).order_by(police_hits.c.read_at)
            )
        )


def _repeated_hit_alerts(stack: DemoStack) -> int:
    """Hit alerts the police raised beyond the first for the same hit.

    The police keep one row per (center, hit id) by a unique key, so a report that came
    twice shows here, in the alerts, not as a second hit row.
    """
    assert stack.police_db is not None
    per_hit = (
        sa.select(sa.func.count().label("n"))
        .where(police_alerts.c.kind == "hit")
        .group_by(police_alerts.c.hit_row)
        .subquery()
    )
    with stack.police_db.read() as conn:
        extra = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(per_hit.c.n - 1), 0)))
        return int(extra.scalar_one())


async def drain(stack: DemoStack, timeout_s: float = 20.0) -> bool:
    """Wait until every center's queue and outbox are empty and the police have caught up."""
    deadline = time.monotonic() + timeout_s
    stable = 0
    last = -1
    while time.monotonic() < deadline:
        busy = any(h.service.runner.queued or h.service.relay.depth for h in stack.centers.values())
        count = len(await asyncio.to_thread(_police_rows, stack))
        stable = stable + 1 if (not busy and count == last) else 0
        if stable >= 3:
            return True
        last = count
        await asyncio.sleep(0.3)
    return False


async def alerts_caught_up(
    stack: DemoStack, observer: AlertObserver, timeout_s: float = 10.0
) -> bool:
    """Wait until the alert stream has brought every hit the police stored (bounded).

    The police store a hit, then stream it: right after :func:`drain` the last alert
    may still be on its way to the dispatcher's screen.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        stored = len(await asyncio.to_thread(_police_rows, stack))
        if len(observer.hit_arrivals) >= stored:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.2)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def summarize(
    stack: DemoStack,
    driver: ScenarioDriver,
    observer: AlertObserver,
    drained: bool,
    manual_sites: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The one JSON object ``safenet demo --headless --json`` prints."""
    centers = _center_rows(stack)
    figures = center_figures(stack, manual_sites)
    police = _police_rows(stack)
    reported = {(site, r.hit_id) for site, r in centers if r.reported}
    stored = {(r.site, r.hit_id) for r in police}
    read_of = {(site, r.hit_id): r for site, r in centers}

    lost = sorted(f"{s}:{h}" for s, h in reported - stored)
    extra = sorted(f"{s}:{h}" for s, h in stored - reported)
    duplicates = len(extra) + _repeated_hit_alerts(stack) + observer.repeated_hits

    # Alert latency: from the read leaving for its center to the alert at the dispatcher's
    # console, for hits that alert at once (exact, not retrospective). Candidates that
    # wait for an operator, and look-ups of older reads, measure people, not the system.
    latencies = []
    for key, arrived in observer.hit_arrivals.items():
        site, _, hit_id = key.partition(":")
        row = read_of.get((site, hit_id))
        if row is None or row.level != "exact" or row.retrospective:
            continue
        sent = driver.sent_at.get(row.read_id)
        if sent is not None:
            latencies.append((arrived - sent) * 1000)

    feed = driver.feed
    tracked = []
    for reg in driver.registrations.values():
        rows = [r for r in police if r.entry_id == reg.entry_id]
        last = rows[-1] if rows else None
        tracked.append(
            {
                "scenario_id": reg.spec_id,
                "entry_id": reg.entry_id,
                "registered_plate": reg.registered_plate,
                "category": reg.category,
                "hits": len(rows),
                "centers": sorted({r.site for r in rows}),
                "cameras": len({(r.site, r.camera_id) for r in rows}),
                "latest": None
                if last is None
                else {
                    "site": last.site,
                    "camera_id": last.camera_id,
                    "address": last.address,
                    "read_at": iso(as_utc(last.read_at)),
                },
            }
        )
    return {
        "reads": feed.delivered if feed else 0,
        "reads_not_delivered": feed.lost if feed else 0,
        "hits": len(centers),
        "hits_by_level": dict(Counter(r.level for _, r in centers)),
        "reported": len(reported),
        "awaiting_confirmation": sum(
            1 for _, r in centers if r.state == "pending" and not r.reported
        ),
        "waiting_by_center": {f.site: f.waiting for f in figures},
        "manual_centers": sorted(manual_sites),
        "operator_decisions": decision_counts(figures),
        "police_hits": len(police),
        "alerts_delivered": observer.kinds.get("hit", 0),
        "alert_events": dict(observer.kinds),
        "lost": len(lost),
        "lost_hits": lost[:20],
        "duplicates": duplicates,
        "alert_latency_ms": {
            "p50": _percentile(latencies, 50),
            "p99": _percentile(latencies, 99),
            "n": len(latencies),
        },
        "drained": drained,
        "wanted_tracked": tracked,
        "problems": driver.problems,
    }
