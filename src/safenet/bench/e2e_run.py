"""Running ``safenet bench e2e``: a ``deploy local`` topology, driven, measured, torn down.

The deployment is the plan of ``safenet deploy plan`` run by ``safenet deploy local``
(:class:`safenet.deploy.local.LocalTopology`): three clustered hub nats-servers
(streams R3), a leaf nats-server per center, the police, ``--centers`` centers (in
queue mode with ``--workers`` ``safenet center worker`` processes each; 0: the
in-process pipeline), each on a PostgreSQL database of its own. See
:mod:`safenet.bench.e2e_drive` for the load, :mod:`safenet.bench.e2e_faults` for
``--faults`` and the reconciliation.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from safenet.bench import e2e_base
from safenet.bench.e2e import DEFAULT_PG_URL
from safenet.bench.e2e_drive import Camera, Load, Reads, drive_http, drive_mqtt, watch_alerts
from safenet.bench.e2e_faults import Fault, Reconciled, inject_faults, quiesce
from safenet.bench.e2e_report import fill_report, held
from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport

WANTED = 100
CANCELS = 3
MAX_RATE = 200_000
MAX_STEPS = 8
CAMERAS = 50
MQTT_HOST, MQTT_PORT = "127.0.0.1", 1883


def _police_token(topology: Any, subject: str, *roles: str) -> str:
    from safenet.auth import Principal, Role, sign_principal

    principal = Principal(subject, subject, frozenset(Role(r) for r in roles))
    return sign_principal(principal, topology.secrets["police"].encode(), site="police")


def _camera_tokens(topology: Any, cameras: list[Camera]) -> dict[Camera, str]:
    from safenet.auth import sign_principal
    from safenet.auth.devices import camera_principal

    return {
        c: sign_principal(
            camera_principal(c.camera_id, c.site), topology.secrets[c.site].encode(), site=c.site
        )
        for c in cameras
    }


def _add_wanted(url: str, registrar: str, approver: str, plates: list[str]) -> dict[str, str]:
    """plate -> entry id, each registered and approved through the police API."""
    from safenet.police.client import PoliceClient

    entries: dict[str, str] = {}
    with PoliceClient(url, registrar) as reg, PoliceClient(url, approver) as app:
        for n, plate in enumerate(plates):
            entry = reg.add(
                {
                    "plate": plate,
                    "category": "robbery",
                    "case_number": f"E2E-{n:05d}",
                    "reason": "bench e2e",
                    "vehicle": {"make": "현대", "model": "소나타", "colour": "white"},
                }
            )
            app.approve(entry["entry_id"])
            entries[plate] = entry["entry_id"]
    return entries


def _wait_hotlist(topology: Any, version: int, limit_s: float = 90) -> None:
    """Every center applied ``version`` and every worker loaded it (its log says so)."""
    deadline = time.monotonic() + limit_s
    marks = (f"hotlist version {version} loaded", f"hotlist version {version},")
    while time.monotonic() < deadline:
        centers_ok = all(
            httpx.get(f"{topology.url(f'center-{s}')}/healthz", timeout=5)
            .json()
            .get("hotlist_version")
            == version
            for s in topology.centers
        )
        workers = [p.log for p in topology.running if p.kind == "worker"]
        workers_ok = all(any(m in w.read_text(errors="replace") for m in marks) for w in workers)
        if centers_ok and workers_ok:
            return
        time.sleep(0.25)
    raise RuntimeError(f"bench e2e: the hotlist version {version} did not reach every center")


def run_e2e_bench(
    *,
    rate: float,
    duration: float,
    batch: int = 1000,
    pg_url: str = DEFAULT_PG_URL,
    baselines: bool = True,
    find_max: bool = False,
    centers: int = 1,
    workers: int = 0,
    ingest: str = "http",
    faults: bool = False,
    mqtt: tuple[str, int] = (MQTT_HOST, MQTT_PORT),
) -> BenchReport:
    from safenet.deploy.local import LocalTopology, local_options
    from safenet.deploy.plan import center_ids

    if ingest not in ("http", "mqtt", "both"):
        raise ValueError(f"--ingest: {ingest!r} is not http, mqtt or both")
    report = BenchReport(
        "e2e",
        {
            "rate": rate,
            "duration_s": duration,
            "batch": batch,
            "wanted_share": 0.001,
            "centers": centers,
            "workers": workers,
            "ingest": ingest,
            "faults": faults,
        },
    )
    workdir = Path(tempfile.mkdtemp(prefix="safenet-bench-e2e-"))
    opts = local_options(workdir, centers, workers, pg_url)
    topology = LocalTopology(workdir, opts, center_ids(centers, None), pg_url)
    prefix = f"safenet-e2e-{secrets.token_hex(4)}"
    center_env = {
        "SAFENET_LOG__LEVEL": "warning",
        "SAFENET_CENTER__MAX_BATCH_READS": str(max(batch, 1000)),
        "SAFENET_CENTER__HEARTBEAT_INTERVAL_S": "5",
    }
    if ingest != "http":
        center_env.update(
            {
                "SAFENET_CENTER__MQTT_ENABLED": "true",
                "SAFENET_CENTER__MQTT_HOST": mqtt[0],
                "SAFENET_CENTER__MQTT_PORT": str(mqtt[1]),
                "SAFENET_CENTER__MQTT_TOPIC": prefix + "/{site}/cameras/+/reads",
            }
        )
    topology.extra_env = {
        "police": {"SAFENET_LOG__LEVEL": "warning"},
        "center": center_env,
        # a worker says at info level which hotlist version it loaded (the run waits for it)
        "worker": {
            **{k: v for k, v in center_env.items() if "MQTT" not in k},
            "SAFENET_LOG__LEVEL": "info",
        },
    }
    results: dict[str, Any] = {}
    try:
        topology.write()
        topology.create_databases()
        topology.import_cameras(per_center=max(1, CAMERAS // centers))
        topology.start(lambda _line: None)
        police_url = topology.url("police")
        rng = random.Random(1601)
        plates = list(dict.fromkeys(random_plate(rng) for _ in range(WANTED + CANCELS)))
        registrar = _police_token(topology, "bench.registrar", "registrar")
        approver = _police_token(topology, "bench.approver", "approver")
        dispatcher = _police_token(topology, "bench.dispatch", "dispatcher")
        wanted = _add_wanted(police_url, registrar, approver, plates)
        version = httpx.get(
            f"{police_url}/api/v1/centers", headers={"Authorization": f"Bearer {dispatcher}"}
        ).json()["version"]
        _wait_hotlist(topology, version)
        live = dict(list(wanted.items())[:WANTED])
        # interleaved (center1's first, center2's first, …): consecutive batches go to
        # every center in turn
        per_site = [[Camera(s, c) for c in topology.cameras[s]] for s in topology.centers]
        cameras = [c for group in zip(*per_site, strict=False) for c in group]
        reads = Reads(cameras, live)
        tokens = _camera_tokens(topology, cameras)
        steps: list[dict[str, Any]] = []
        offset, step_rate, cancels = 0, rate, list(wanted.values())[WANTED:]
        while True:
            before = {p.popen.pid: _cpu_s(p.popen.pid) for p in topology.running}
            load = Load()
            fault_log: list[Fault] = []
            started = time.perf_counter()
            ack_ms, state = asyncio.run(
                _run_load(
                    topology,
                    dispatcher,
                    registrar,
                    tokens,
                    reads,
                    step_rate,
                    duration,
                    batch,
                    cancels,
                    load,
                    offset,
                    ingest,
                    prefix,
                    mqtt,
                    fault_log if faults else None,
                )
            )
            wall = time.perf_counter() - started
            processes = [
                {
                    "name": p.name,
                    "cpu_percent": round(
                        100 * (_cpu_s(p.popen.pid) - before.get(p.popen.pid, 0)) / wall, 1
                    ),
                    "rss_mb": round(_rss_mb(p.popen.pid), 1),
                    "restarted": p.popen.pid not in before,
                }
                for p in topology.running
            ]
            steps.append(
                {
                    "rate": step_rate,
                    "load": load,
                    "ack": ack_ms,
                    "processes": processes,
                    "state": state,
                    "faults": [f.as_dict() for f in fault_log],
                }
            )
            offset += int(step_rate * duration) + 2 * batch
            cancels = []
            if not find_max:
                break
            next_rate = _next_rate(steps)
            if next_rate is None:
                break
            step_rate = next_rate
        results["steps"] = steps
        if baselines:
            base_reads = Reads(cameras, live, seed=16)
            bodies = [_body(base_reads, k, batch) for k in range(10)]
            results["baselines"] = {
                "msgspec decode (reads/s)": e2e_base.decode_rate(bodies, batch),
                "matcher alone (reads/s)": e2e_base.matcher_rate(bodies, list(live)),
                "COPY alone (rows/s)": e2e_base.copy_rate(pg_url),
                "bare HTTP (requests/s)": e2e_base.bare_http_rate(workdir),
            }
    finally:
        topology.stop()
        if os.environ.get("SAFENET_BENCH_E2E_KEEP"):  # to look into a lost read: logs, dbs
            print(f"kept: {workdir} and databases {', '.join(topology.databases)}")
        else:
            topology.drop_databases()
            shutil.rmtree(workdir, ignore_errors=True)
    fill_report(report, results, duration, find_max)
    return report


def _next_rate(steps: list[dict[str, Any]]) -> float | None:
    """``--find-max``: up by half while every run held, then halve the gap between the
    highest rate held and the lowest above it that was not (until within 10 %, at most
    ``MAX_STEPS`` runs); None when the search is done."""
    rates = [(float(s["rate"]), held(s)) for s in steps]
    if len(steps) >= MAX_STEPS:
        return None
    if all(ok for _, ok in rates):
        top = rates[-1][0]
        return None if top >= MAX_RATE else float(round(top * 1.5))
    held_rates = [r for r, ok in rates if ok]
    if not held_rates:
        return None
    lo = max(held_rates)
    above = [r for r, ok in rates if not ok and r > lo]
    if not above or (min(above) - lo) / lo <= 0.1:
        return None
    return float(round((lo + min(above)) / 2))


def _body(reads: Reads, k: int, batch: int) -> bytes:
    import json

    rows, _ = reads.batch(k * batch, batch, reads.cameras[k % len(reads.cameras)])
    return json.dumps({"reads": rows}, ensure_ascii=False).encode()


_TICK = int(os.sysconf("SC_CLK_TCK"))


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _cancels(
    url: str, registrar: str, reader: str, entries: list[str], spacing_s: float
) -> list[float]:
    """Cancel entries one at a time during the load; ms to every center's ack at the police."""
    times: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for entry_id in entries:
            await asyncio.sleep(spacing_s)
            started = time.perf_counter()
            try:
                r = await http.post(
                    f"/api/v1/wanted/{entry_id}/cancel",
                    json={"reason": "bench e2e: cancel under load"},
                    headers={"Authorization": f"Bearer {registrar}"},
                )
                if r.status_code != 200:
                    continue
                while time.perf_counter() - started < 30:
                    answer = await http.get(
                        "/api/v1/centers", headers={"Authorization": f"Bearer {reader}"}
                    )
                    status = answer.json() if answer.status_code == 200 else {}
                    if status and all(c.get("in_sync") for c in status["centers"]):
                        times.append((time.perf_counter() - started) * 1000)
                        break
                    await asyncio.sleep(0.005)
            except (httpx.HTTPError, ValueError):
                continue  # the police down (a fault): this cancel is not timed
    return times


async def _run_load(
    topology: Any,
    dispatcher: str,
    registrar: str,
    tokens: dict[Camera, str],
    reads: Reads,
    rate: float,
    duration: float,
    batch: int,
    to_cancel: list[str],
    load: Load,
    offset: int,
    ingest: str,
    prefix: str,
    mqtt: tuple[str, int],
    faults: list[Fault] | None,
) -> tuple[list[float], Reconciled]:
    police_url = topology.url("police")
    ready = asyncio.Event()
    sse = asyncio.create_task(watch_alerts(police_url, dispatcher, load, ready))
    await asyncio.wait_for(ready.wait(), 30)
    cancels = asyncio.create_task(
        _cancels(police_url, registrar, dispatcher, to_cancel, duration / (len(to_cancel) + 1))
    )
    injector = None
    if faults is not None:
        injector = asyncio.create_task(
            inject_faults(topology, duration, time.perf_counter(), faults)
        )
    urls = {s: topology.url(f"center-{s}") for s in topology.centers}
    retry = 30.0 if faults is not None else 0.0
    drives = []
    share = 0.5 if ingest == "both" else 1.0
    if ingest in ("http", "both"):
        drives.append(
            drive_http(
                urls, tokens, rate * share, duration, batch, reads, load, offset, retry_s=retry
            )
        )
    if ingest in ("mqtt", "both"):
        drives.append(
            drive_mqtt(
                mqtt[0],
                mqtt[1],
                prefix,
                rate * share,
                duration,
                batch,
                reads,
                load,
                offset + (10**9 if ingest == "both" else 0),
            )
        )
    await asyncio.gather(*drives)
    if injector is not None:
        await injector
    state = await quiesce(topology, load, limit_s=150 if faults is not None else 30)
    ack_ms = await cancels
    sse.cancel()
    with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
        await sse
    return ack_ms, state
