"""``safenet bench e2e --faults``: kill -9 and restart parts of the topology, then reconcile.

During the load, at random moments (one each, in random order, a few seconds apart),
one worker (queue mode only), one center, the police and one hub nats-server node are
killed with SIGKILL and started again ``down_s`` later. After the load the run waits
for quiescence and then counts, from the databases and the alert stream:

- ``committed``: hits in the centers' ``hits`` tables;
- ``stored``: hits in the police's ``police_hits`` (``alerted``);
- ``delivered``: hit ids that came on the SSE stream (or, after a police restart whose
  new run could not resume the old stream, re-read through the alerts API);
- ``lost``: wanted reads accepted (HTTP 2xx / PUBACK) whose hit was not committed, hits
  committed but not stored, stored but not delivered, plus accepted reads that are not
  in the center's ``reads`` table;
- ``duplicates``: a hit alerted twice at the police or delivered twice on the stream.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from safenet.bench.e2e_drive import Load

if TYPE_CHECKING:
    from safenet.deploy.local import LocalTopology


@dataclass
class Fault:
    target: str
    kind: str
    killed_at_s: float = 0.0
    restarted_at_s: float | None = None
    ready_at_s: float | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in vars(self).items()}


def fault_targets(topology: LocalTopology, rng: random.Random) -> list[tuple[str, str]]:
    """(process name, kind): a worker (if any), a center, the police, a hub node."""
    names = [p["name"] for p in topology.processes]
    workers = [n for n in names if n.startswith("worker-")]
    centers = [n for n in names if n.startswith("center-")]
    hubs = [n for n in names if n.startswith("hub")]
    chosen = [(rng.choice(centers), "center"), ("police", "police"), (rng.choice(hubs), "hub")]
    if workers:
        chosen.append((rng.choice(workers), "worker"))
    rng.shuffle(chosen)
    return chosen


async def inject_faults(
    topology: LocalTopology,
    duration: float,
    t0: float,
    faults: list[Fault],
    seed: int = 1616,
    down_s: float = 3.0,
) -> None:
    """Kill each target once during the first three quarters of the load, restart it.

    Each fault keeps its own moment: a restart still waiting for its process to be ready
    does not hold back the next kill (so a center may be down while the police are).
    """
    rng = random.Random(seed)
    targets = fault_targets(topology, rng)
    slot = 0.75 * duration / len(targets)
    moments = [t0 + (i + rng.uniform(0.1, 0.5)) * slot for i in range(len(targets))]
    await asyncio.gather(
        *(
            _fault(topology, name, kind, at, t0, faults, down_s)
            for (name, kind), at in zip(targets, moments, strict=True)
        )
    )


async def _fault(
    topology: LocalTopology,
    name: str,
    kind: str,
    at: float,
    t0: float,
    faults: list[Fault],
    down_s: float,
) -> None:
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    fault = Fault(name, kind, killed_at_s=time.perf_counter() - t0)
    faults.append(fault)
    await asyncio.to_thread(topology.kill, name)
    await asyncio.sleep(down_s)
    fault.restarted_at_s = time.perf_counter() - t0
    for attempt in range(3):
        try:
            await asyncio.to_thread(topology.restart, name, wait=True)
            fault.ready_at_s = time.perf_counter() - t0
            return
        except Exception as exc:  # a start that failed: say it, try again
            fault.error = f"attempt {attempt + 1}: {exc}"[:300]
            await asyncio.sleep(1)


@dataclass
class Reconciled:
    committed: set[str] = field(default_factory=set)
    stored: set[str] = field(default_factory=set)
    alerted_twice: int = 0
    persisted_reads: dict[str, set[str]] = field(default_factory=dict)
    read_counts: dict[str, int] = field(default_factory=dict)

    def lost_parts(self, load: Load) -> dict[str, int]:
        delivered = load.delivered()
        persisted_missing = sum(
            len(ids - self.persisted_reads.get(site, set()))
            for site, ids in load.accepted_ids.items()
        )
        return {
            "not_committed": len(load.wanted_accepted - self.committed),
            "not_at_police": len(self.committed - self.stored),
            "not_delivered": len(self.stored - delivered),
            "reads_not_persisted": persisted_missing,
        }

    def missing_reads(self, load: Load, limit: int = 20) -> list[str]:
        """A few accepted read ids not in the reads table (site/read id), to look into."""
        out: list[str] = []
        for site, ids in load.accepted_ids.items():
            gone = sorted(ids - self.persisted_reads.get(site, set()))
            out.extend(f"{site}/{r}" for r in gone)
        return out[:limit]

    def duplicates(self, load: Load) -> int:
        on_stream = sum(len(v) - 1 for v in load.alerts.values() if len(v) > 1)
        return on_stream + self.alerted_twice


def reconcile(
    topology: LocalTopology, with_reads: bool = True, scope: set[str] | None = None
) -> Reconciled:
    """What the databases hold; with ``scope``, only those hits (one run's wanted reads:
    the databases keep the hits of a ``--find-max`` search's earlier runs too)."""
    out = Reconciled()
    for site in topology.centers:
        engine = sa.create_engine(topology.database_url(site))
        try:
            with engine.connect() as conn:
                out.committed.update(conn.execute(sa.text("SELECT hit_id FROM hits")).scalars())
                count = conn.execute(sa.text("SELECT count(*) FROM reads")).scalar_one()
                out.read_counts[site] = int(count)
                if with_reads:
                    ids = conn.execute(sa.text("SELECT read_id FROM reads")).scalars()
                    out.persisted_reads[site] = set(ids)
        finally:
            engine.dispose()
    engine = sa.create_engine(topology.database_url("police"))
    try:
        with engine.connect() as conn:
            out.stored.update(
                conn.execute(sa.text("SELECT hit_id FROM police_hits WHERE alerted")).scalars()
            )
            alerted = conn.execute(
                sa.text(
                    "SELECT h.hit_id FROM police_alerts a JOIN police_hits h ON h.id = a.hit_row "
                    "WHERE a.kind = 'hit'"
                )
            ).scalars()
            counts = Counter(h for h in alerted if scope is None or h in scope)
            out.alerted_twice = sum(n - 1 for n in counts.values() if n > 1)
    finally:
        engine.dispose()
    if scope is not None:
        out.committed &= scope
        out.stored &= scope
    return out


async def quiesce(
    topology: LocalTopology, load: Load, limit_s: float = 150, stable_s: float = 40
) -> Reconciled:
    """Wait until every hit and every accepted read is through, or nothing has moved for
    ``stable_s`` (longer than ``center.queue_ack_wait_s``, 30 s: a batch a killed worker
    held comes back to another worker only then)."""
    deadline = time.perf_counter() + limit_s
    last: tuple[int, ...] | None = None
    since = time.perf_counter()
    while True:
        scope = set(load.hit_site)
        state = await asyncio.to_thread(reconcile, topology, False, scope)
        delivered = load.delivered()
        reads_in = all(
            state.read_counts.get(site, 0) >= len(ids) for site, ids in load.accepted_ids.items()
        )
        through = (
            reads_in
            and load.wanted_accepted <= state.committed
            and state.committed <= state.stored
            and state.stored <= delivered
        )
        now = time.perf_counter()
        shape = (
            len(state.committed),
            len(state.stored),
            len(delivered),
            *sorted(state.read_counts.values()),
        )
        if shape != last:
            last, since = shape, now
        if through or now > deadline or (now - since > stable_s and not topology.dead()):
            if through:
                await asyncio.sleep(1.0)  # a late double would come now
            return await asyncio.to_thread(reconcile, topology, True, scope)
        await asyncio.sleep(0.5)
