"""``safenet deploy local --check``: one wanted car through the whole running topology.

At the police (its API, with officer tokens signed by the run's police secret): a
wanted entry registered by a registrar and approved by an approver; then every
center's acknowledgement of the new hotlist version, as the police record it
(``GET /api/v1/centers``). At each center, a batch of reads posted to its HTTP ingest
as its first camera would (that camera's own token): some plates nobody wants and one
read of the wanted plate. Then the police's alert stream (SSE, a dispatcher) until the
hit of each center's wanted read has arrived, or ``timeout_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:  # the topology runs the check: a type here, no import circle
    from safenet.deploy.local import LocalTopology

WANTED_PLATE = "12가3456"


@dataclass
class CenterResult:
    site: str
    ack_s: float | None = None
    workers_s: float | None = None
    posted: int = 0
    accepted: int = 0
    hit_id: str | None = None
    posted_at: float | None = None
    alert_s: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.ack_s is not None and self.accepted == self.posted and self.alert_s is not None


@dataclass
class CheckResult:
    centers: list[CenterResult] = field(default_factory=list)
    version: int | None = None
    problems: list[str] = field(default_factory=list)
    hub: list[str] = field(default_factory=list)
    """What the hub holds, as checked: the hotlist's replicas, no work queue."""

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.ok for c in self.centers)

    def missing(self) -> list[str]:
        """What did not arrive, one line each."""
        lines = list(self.problems)
        for c in self.centers:
            if c.ack_s is None:
                lines.append(f"{c.site}: no acknowledgement of hotlist version {self.version}")
            elif c.workers_s is None:
                lines.append(f"{c.site}: its workers did not load hotlist version {self.version}")
            if c.accepted != c.posted:
                lines.append(f"{c.site}: {c.accepted} of {c.posted} reads accepted ({c.error})")
            if c.alert_s is None:
                lines.append(f"{c.site}: no alert at the police for {c.hit_id}")
        return lines

    def table(self) -> str:
        head = (
            f"{'center':<14} {'hotlist ack':>12} {'workers have it':>16} "
            f"{'reads accepted':>15} {'hit at police':>14}"
        )
        rows = [head, "-" * len(head)]
        for c in self.centers:
            ack = "-" if c.ack_s is None else f"{c.ack_s:.2f} s"
            held = "-" if c.workers_s is None else f"{c.workers_s:.2f} s"
            hit = "no" if c.alert_s is None else f"{c.alert_s:.2f} s"
            reads = f"{c.accepted}/{c.posted}"
            rows.append(f"{c.site:<14} {ack:>12} {held:>16} {reads:>15} {hit:>14}")
        return "\n".join(rows)


def _police_token(topology: LocalTopology, subject: str, role: str) -> str:
    from safenet.auth import Principal, Role, sign_principal

    principal = Principal(subject, subject, frozenset({Role(role)}))
    return sign_principal(principal, topology.secrets["police"].encode(), site="police")


def _camera_token(topology: LocalTopology, site: str, camera: str) -> str:
    from safenet.auth import sign_principal
    from safenet.auth.devices import camera_principal

    secret = topology.secrets[site].encode()
    return sign_principal(camera_principal(camera, site), secret, site=site)


def run_check(topology: LocalTopology, *, reads: int = 20, timeout_s: float = 60) -> CheckResult:
    return asyncio.run(_check(topology, reads, timeout_s))


async def _check(topology: LocalTopology, reads: int, timeout_s: float) -> CheckResult:
    from safenet.bench.match_corpus import random_plate
    from safenet.center.types import hit_id_for

    result = CheckResult(centers=[CenterResult(site) for site in topology.centers])
    police = topology.url("police")
    registrar = _police_token(topology, "local.registrar", "registrar")
    approver = _police_token(topology, "local.approver", "approver")
    dispatcher = _police_token(topology, "local.dispatcher", "dispatcher")
    alerts: dict[str, float] = {}
    ready = asyncio.Event()
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=police, timeout=30) as http:
        stream = asyncio.create_task(_alerts(police, dispatcher, alerts, ready))
        try:
            await asyncio.wait_for(ready.wait(), 30)
            started = time.monotonic()
            entry = await _register(http, registrar, approver)
            if entry is None:
                result.problems.append("the police refused the wanted entry (see police.log)")
                return result
            await _wait_acks(http, dispatcher, result, started, deadline)
            await _wait_workers(topology, result, started, deadline)
            import random

            rng = random.Random(16)
            for index, center in enumerate(result.centers, start=1):
                camera = topology.cameras[center.site][0]
                now = datetime.now(UTC).isoformat()
                batch = [
                    {
                        "id": f"chk{index}-{k}",
                        "camera_id": camera,
                        "ts": now,
                        "plate": random_plate(rng),
                        "confidence": 0.95,
                    }
                    for k in range(reads - 1)
                ]
                wanted_id = f"chk{index}-wanted"
                batch.append(
                    {
                        "id": wanted_id,
                        "camera_id": camera,
                        "ts": now,
                        "plate": WANTED_PLATE,
                        "confidence": 0.97,
                    }
                )
                center.posted = len(batch)
                center.hit_id = hit_id_for(center.site, camera, wanted_id, entry)
                center.posted_at = time.monotonic()
                await _post(topology, center, camera, batch)
            while time.monotonic() < deadline:
                if all(c.hit_id in alerts for c in result.centers):
                    break
                await asyncio.sleep(0.1)
            for center in result.centers:
                if center.hit_id in alerts and center.posted_at is not None:
                    center.alert_s = alerts[center.hit_id] - center.posted_at
        finally:
            stream.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await stream
    await _check_hub(topology, result)
    dead = [p.name for p in topology.dead()]
    if dead:
        result.problems.append(f"processes that stopped during the check: {', '.join(dead)}")
    return result


async def _check_hub(topology: LocalTopology, result: CheckResult) -> None:
    """As the police on the hub: the hotlist stream on 3 nodes; no center's work queue there."""
    import nats
    import nats.js.errors

    from safenet.deploy.plan import HUB_NODES
    from safenet.link.nats_config import read_env_file
    from safenet.link.nats_queue import stream_name as queue_stream
    from safenet.link.subjects import Family
    from safenet.link.topology import stream_name

    env = read_env_file(topology.workdir / "env" / "police.env")
    hubs = [
        f"nats://{p.listen}" for p in topology.running if p.kind == "nats" and p.site == "police"
    ]
    nc = await nats.connect(
        servers=hubs,
        user=env["SAFENET_POLICE__NATS_USER"],
        password=env["SAFENET_POLICE__NATS_PASSWORD"],
        inbox_prefix=b"_INBOX.police",
        connect_timeout=5,
        allow_reconnect=False,
    )
    try:
        js = nc.jetstream(timeout=5)
        info = await js.stream_info(stream_name(Family.HOTLIST))
        cluster = info.cluster
        current = (
            0
            if cluster is None
            else (1 if cluster.leader else 0) + sum(1 for r in cluster.replicas or [] if r.current)
        )
        line = f"hub: {info.config.name} R{info.config.num_replicas}, {current} nodes current"
        result.hub.append(line)
        if info.config.num_replicas != HUB_NODES or current != HUB_NODES:
            result.problems.append(f"{line} (expected R{HUB_NODES} on {HUB_NODES} nodes)")
        for site in topology.centers:
            try:
                await js.stream_info(queue_stream(site))
            except nats.js.errors.NotFoundError:
                result.hub.append(f"hub: no work queue of {site} (it is on {site}'s leaf)")
                continue
            result.problems.append(f"hub: holds {site}'s work queue {queue_stream(site)}")
    finally:
        await nc.close()


async def _register(http: httpx.AsyncClient, registrar: str, approver: str) -> str | None:
    r = await http.post(
        "/api/v1/wanted",
        json={
            "plate": WANTED_PLATE,
            "category": "robbery",
            "case_number": f"LOCAL-{int(time.time())}",
            "reason": "safenet deploy local --check",
            "vehicle": {"make": "현대", "model": "소나타", "colour": "white"},
        },
        headers={"Authorization": f"Bearer {registrar}"},
    )
    if r.status_code not in (200, 201):
        return None
    entry_id = str(r.json()["entry_id"])
    a = await http.post(
        f"/api/v1/wanted/{entry_id}/approve",
        headers={"Authorization": f"Bearer {approver}"},
    )
    return entry_id if a.status_code in (200, 201) else None


async def _wait_acks(
    http: httpx.AsyncClient,
    token: str,
    result: CheckResult,
    started: float,
    deadline: float,
) -> None:
    by_site = {c.site: c for c in result.centers}
    while time.monotonic() < deadline:
        r = await http.get("/api/v1/centers", headers={"Authorization": f"Bearer {token}"})
        if r.status_code == 200:
            status = r.json()
            result.version = status["version"]
            for row in status["centers"]:
                center = by_site.get(row["site"])
                if center is not None and center.ack_s is None and row.get("in_sync"):
                    center.ack_s = time.monotonic() - started
            if all(c.ack_s is not None for c in result.centers):
                return
        await asyncio.sleep(0.1)


async def _wait_workers(
    topology: LocalTopology, result: CheckResult, started: float, deadline: float
) -> None:
    """Each center's workers reload the hotlist the center applied (their log says so).

    The center acknowledges a version when it applied it; its workers look at the
    database every ``center.worker_hotlist_poll_s`` and match with the version they
    hold, so a read taken before a worker's reload is matched against the older list.
    """
    if result.version is None:
        return
    marks = (f"hotlist version {result.version} loaded", f"hotlist version {result.version},")
    while time.monotonic() < deadline:
        for center in result.centers:
            if center.workers_s is not None:
                continue
            logs = [p.log for p in topology.running if p.kind == "worker" and p.site == center.site]
            texts = [log.read_text(errors="replace") for log in logs]
            if all(any(m in t for m in marks) for t in texts):
                center.workers_s = time.monotonic() - started
        if all(c.workers_s is not None for c in result.centers):
            return
        await asyncio.sleep(0.1)


async def _post(
    topology: LocalTopology, center: CenterResult, camera: str, batch: list[dict[str, object]]
) -> None:
    token = _camera_token(topology, center.site, camera)
    url = topology.url(f"center-{center.site}")
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        try:
            r = await http.post(
                "/api/v1/reads",
                content=json.dumps({"reads": batch}, ensure_ascii=False).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            center.error = f"POST failed: {exc!r}"
            return
    if r.status_code != 200:
        center.error = f"HTTP {r.status_code}: {r.text[:200]}"
        return
    center.accepted = len(r.json()["accepted"])
    if center.accepted != center.posted:
        center.error = r.text[:300]


async def _alerts(url: str, token: str, alerts: dict[str, float], ready: asyncio.Event) -> None:
    from safenet.police.client import alert_hit_ids

    async for hit_id in alert_hit_ids(url, token, ready):
        alerts.setdefault(hit_id, time.monotonic())
