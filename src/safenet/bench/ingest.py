"""``safenet bench ingest``: single-read and batch HTTP ingest against a bare app, in one run.

A camera that posts each read as it reads it sends one small request per read; an
edge gateway batches what many cameras read. Both must be served. This benchmark
starts, each as a process of its own on this machine:

- the bare app (:mod:`safenet.bench.bare_app`): FastAPI on uvicorn, reads the body and
  answers, nothing else -- what the framework alone costs per request;
- a center (``safenet center serve``) on a PostgreSQL database the benchmark makes and
  drops (``--sqlite`` for the embedded store), with a camera list and the link on its
  in-process transport (the link is ``bench e2e``'s business, not this one's).

The same client (:mod:`safenet.bench.ingest_load`: ``wrk`` when installed, else raw
HTTP/1.1 from several processes; ``--in-flight`` requests open at once, each sent as soon
as the previous answer came; the servers pinned to one core and the client to the
others) drives, in turn: single-read requests to the bare app; the
same to the center with each camera's bearer token; the same with each camera's API
key (``X-Camera-Key``, checked against the center's key table); and batches of
``--batch`` reads to the center. Reported: requests/s and reads/s, latency p50/p99,
the server's CPU per request and its share of a core (near 100 %: the server is the
limit, not the client), and each center figure as a ratio of the bare app's.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from safenet.bench.e2e import (
    Proc,
    _cameras,
    _free_port,
    _pg_database,
    _spawn,
    _wait_port,
)
from safenet.bench.ingest_load import (
    LoadCase,
    LoadResult,
    pin,
    run_load,
    run_queue_wait_s,
    split_cores,
    which_client,
)
from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport

SITE = "benchc"  # the site e2e_cameras and _camera_tokens are made for
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PEPPER = "bench-ingest-pepper-" + "p" * 32


def _env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without its safenet settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    env.update(extra)
    return env


def _wait_health(url: str, proc: Proc, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"bench ingest: {proc.name} exited: {proc.log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).json().get("ok"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"bench ingest: {proc.name} was not healthy within {limit_s:.0f} s")


def _import_cameras(workdir: Path, center_db: str, n: int = 50) -> list[str]:
    """``n`` LPR cameras in the center's registry, as ``safenet center import-cameras`` does."""
    from safenet.center.registry import import_camera_file
    from safenet.store import migrate, open_database

    path = workdir / "cameras.json"
    cameras = _cameras(n)
    path.write_text(json.dumps(cameras, ensure_ascii=False), encoding="utf-8")
    db = open_database(center_db)
    try:
        migrate(db, "center")
        import_camera_file(db, path)
    finally:
        db.dispose()
    return [str(c["camera_id"]) for c in cameras]


def _camera_tokens(secret: bytes, cameras: list[str]) -> dict[str, str]:
    """Each camera's own bearer token: a credential is bound to one camera."""
    from safenet.auth import sign_principal
    from safenet.auth.devices import camera_principal

    return {c: sign_principal(camera_principal(c, SITE), secret, site=SITE) for c in cameras}


def _camera_keys(center_db: str, cameras: list[str]) -> dict[str, str]:
    """One API key per camera, issued in the center's key table as an operator would."""
    from safenet.auth.devices import CameraKeys
    from safenet.store import open_database

    db = open_database(center_db)
    try:
        keys = CameraKeys(db, pepper=PEPPER.encode())
        return {c: keys.issue(c, actor="bench.ingest") for c in cameras}
    finally:
        db.dispose()


def run_ingest_bench(
    *,
    seconds: float = 5.0,
    in_flight: int = 16,
    batch: int = 100,
    sqlite: bool = False,
    pg_url: str = DEFAULT_PG_URL,
    profile: Path | None = None,
    client: str = "auto",
    processes: int = 2,
    rounds: int = 1,
    center_settings: dict[str, str] | None = None,
) -> BenchReport:
    report = BenchReport(
        "ingest",
        {
            "seconds": seconds,
            "in_flight": in_flight,
            "batch": batch,
            "store": "sqlite" if sqlite else "postgresql",
            "client": client,
            "rounds": rounds,
        },
    )
    workdir = Path(tempfile.mkdtemp(prefix="safenet-bench-ingest-"))
    secret = "bench-ingest-" + "x" * 40
    rng = random.Random(1604)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, True)
        procs: list[Proc] = []
        stack.callback(_stop_all, procs)
        # the bare app
        bare_port = _free_port()
        bare = _spawn(
            "bare",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "safenet.bench.bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
            ],
            _env({}),
            workdir,
        )
        procs.append(bare)
        _wait_port(bare_port, bare)
        # the center
        if sqlite:
            center_db = f"sqlite:///{workdir / 'center.db'}"
        else:
            center_db = stack.enter_context(_pg_database(pg_url))
        cameras = _import_cameras(workdir, center_db)
        keys = _camera_keys(center_db, cameras)
        tokens = _camera_tokens(secret.encode(), cameras)
        settings = {
            "SAFENET_VAR_DIR": str(workdir / "var"),
            "SAFENET_LOG__LEVEL": "warning",
            "SAFENET_CENTER__SITE": SITE,
            "SAFENET_CENTER__DATABASE_URL": center_db,
            "SAFENET_CENTER__TOKEN_SECRET": secret,
            "SAFENET_CENTER__AUTH__CAMERA_KEY_PEPPER": PEPPER,
            "SAFENET_CENTER__AUTH__RATE_PER_MINUTE": "100000",
            "SAFENET_CENTER__AUTH__RATE_BURST": "10000",
            **(center_settings or {}),
        }
        center, center_url = _center(workdir, "center", settings)
        procs.append(center)
        # The same center with the ingest route through the framework (the baseline of
        # the direct route), on a database of its own with the same cameras.
        if sqlite:
            framework_db = f"sqlite:///{workdir / 'center-framework.db'}"
        else:
            framework_db = stack.enter_context(_pg_database(pg_url))
        _import_cameras(workdir, framework_db)
        framework, framework_url = _center(
            workdir,
            "center-framework",
            {
                **settings,
                "SAFENET_VAR_DIR": str(workdir / "var-framework"),
                "SAFENET_CENTER__DATABASE_URL": framework_db,
                "SAFENET_CENTER__INGEST_DIRECT": "false",
            },
        )
        procs.append(framework)

        tokens_h = {c: {"Authorization": f"Bearer {t}"} for c, t in tokens.items()}
        keys_h = {c: {"X-Camera-Key": k} for c, k in keys.items()}

        def case(port: int, headers: dict[str, dict[str, str]], per: int = 1) -> LoadCase:
            # a fresh plate list per case, so that no case meets an earlier one's reads as
            # duplicates; 4,999 (prime) plates over 50 cameras repeat a pair only rarely
            plates = [random_plate(rng) for _ in range(4999)]
            return LoadCase("127.0.0.1", port, cameras, headers, plates, per, bool(headers))

        def port_of(url: str) -> int:
            return int(url.rsplit(":", 1)[1])

        cases: list[tuple[str, Callable[[], LoadCase], Proc]] = [
            ("bare app, 1 read a request", lambda: case(bare_port, {}), bare),
            ("center, 1 read a request, token",
             lambda: case(port_of(center_url), tokens_h), center),
            ("center (route through the framework), 1 read a request, token",
             lambda: case(port_of(framework_url), tokens_h), framework),
            ("center, 1 read a request, camera key",
             lambda: case(port_of(center_url), keys_h), center),
            (f"center, {batch} reads a request, token",
             lambda: case(port_of(center_url), tokens_h, batch), center),
        ]  # fmt: skip
        server_cpus, client_cpus = split_cores()
        for proc in (bare, center, framework):
            pin(proc.popen.pid, server_cpus)
        chosen = which_client(client)

        def load(target: LoadCase, length: float) -> LoadResult:
            return run_load(
                target,
                seconds=length,
                in_flight=in_flight,
                client=chosen,
                processes=processes,
                cpus=client_cpus,
                workdir=workdir,
            )

        # a short warm-up of each target, not measured
        for _, make, _ in cases[:3]:
            load(make(), 1.0)
        rounds = max(1, rounds)
        for proc in (bare, center, framework):
            pin(proc.popen.pid, server_cpus)  # threads started since (the pipeline's)
        # Each case once a round, the order turned by one each round, so that on a
        # shared machine a burst of someone else's load does not fall on one case only.
        tallies = {name: _Tally() for name, _, _ in cases}
        for r in range(rounds):
            for k in [(r + j) % len(cases) for j in range(len(cases))]:
                name, make, proc = cases[k]
                target = make()
                url = None if proc is bare else f"http://127.0.0.1:{target.port}"
                before = _Sample.take(proc, url)
                spy = None
                if profile and r == 0:
                    spy = _py_spy(proc, seconds, profile / f"case{k}.txt")
                result = load(target, seconds)
                tallies[name].add(result, before.until(_Sample.take(proc, url)), target)
                if spy is not None:
                    spy.wait(timeout=60)
                    tallies[name].profile = summarise_profile(profile / f"case{k}.txt")  # type: ignore[operator]
        rows = {name: tally.row() for name, tally in tallies.items()}
    base = rows["bare app, 1 read a request"]
    table = report.table("HTTP ingest, closed loop")
    for name, row in rows.items():
        table.add(
            **{
                "case": name,
                "requests/s": round(row["requests_per_s"]),
                "reads/s": round(row["reads_per_s"]),
                "vs bare requests/s": round(row["requests_per_s"] / base["requests_per_s"], 3),
                "p50 ms": round(row["p50_ms"], 2),
                "p99 ms": round(row["p99_ms"], 2),
                "server CPU µs/request": round(row["server_cpu_us_per_request"]),
                "vs bare CPU": round(
                    row["server_cpu_us_per_request"] / base["server_cpu_us_per_request"], 2
                ),
                "server busy": f"{row['server_cpu_share']:.0%}",
                "server waited": f"{row['server_wait_share']:.0%}",
                "reads a commit": round(row["reads_per_batch"], 1) if row["batches"] else "",
                "failures": json.dumps(row["failures"]) if row["failures"] else "",
            }
        )
    single_rate = rows["center, 1 read a request, token"]["requests_per_s"]
    for name, row in rows.items():
        if row.get("profile"):
            top = report.table(f"profile: {name} (share of samples, self / inclusive)")
            for fn, self_share, incl in row["profile"]:
                top.rows.append(
                    {"function": fn, "self": f"{self_share:.1%}", "inclusive": f"{incl:.1%}"}
                )
    report.note(
        f"client: {rows[next(iter(rows))]['client']}; server pinned to CPU "
        f"{sorted(server_cpus) or 'none'}, client to {sorted(client_cpus) or 'none'}; "
        "'server busy' is the server's CPU time over the wall time (100% = one core: "
        "the rate is the server's, not the client's); 'server waited' is the time its "
        "threads were ready to run but another process had the core (a shared machine)"
    )
    held = "holds" if single_rate >= base["requests_per_s"] else "does not hold"
    report.note(
        f"target: single-read requests at least at the bare-framework rate {held}: "
        f"{single_rate:,.0f} vs {base['requests_per_s']:,.0f} requests/s "
        f"({single_rate / base['requests_per_s']:.2f}x)"
    )
    return report


@dataclass(frozen=True)
class _Sample:
    """A server process's counters at one moment: CPU, run-queue wait, pipeline batches."""

    at: float
    cpu_s: float
    wait_s: float
    batches: float
    batch_reads: float

    @classmethod
    def take(cls, proc: Proc, url: str | None = None) -> _Sample:
        batches = batch_reads = 0.0
        if url is not None:
            batches, batch_reads = _batch_counts(url)
        return cls(
            time.perf_counter(),
            proc.cpu_s(),
            run_queue_wait_s(proc.popen.pid),
            batches,
            batch_reads,
        )

    def until(self, later: _Sample) -> _Sample:
        return _Sample(
            later.at - self.at,
            later.cpu_s - self.cpu_s,
            later.wait_s - self.wait_s,
            later.batches - self.batches,
            later.batch_reads - self.batch_reads,
        )


def _batch_counts(url: str) -> tuple[float, float]:
    """The center's pipeline batches so far and the reads in them (its ``/metrics``)."""
    try:
        text = httpx.get(f"{url}/metrics", timeout=5).text
    except httpx.HTTPError:
        return 0.0, 0.0
    found = dict.fromkeys(
        ("center_pipeline_batch_reads_count", "center_pipeline_batch_reads_sum"), 0.0
    )
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in found:
            found[name] = float(value)
    return found["center_pipeline_batch_reads_count"], found["center_pipeline_batch_reads_sum"]


@dataclass
class _Tally:
    """One case's figures summed over its rounds."""

    requests: int = 0
    reads: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    wait_s: float = 0.0
    batches: float = 0.0
    batch_reads: float = 0.0
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    client: str = ""
    profile: list[tuple[str, float, float]] = field(default_factory=list)

    def add(self, result: LoadResult, used: _Sample, target: LoadCase) -> None:
        self.requests += result.requests
        self.reads += result.requests * target.reads_per_request
        self.wall_s += result.wall_s
        self.cpu_s += used.cpu_s
        self.wait_s += used.wait_s
        self.batches += used.batches
        self.batch_reads += used.batch_reads
        self.p50_ms.append(result.p50_ms)
        self.p99_ms.append(result.p99_ms)
        for why, count in result.failures.items():
            self.failures[why] = self.failures.get(why, 0) + count
        self.client = result.client

    def row(self) -> dict[str, Any]:
        wall = self.wall_s or 1.0
        return {
            "requests_per_s": self.requests / wall,
            "reads_per_s": self.reads / wall,
            "p50_ms": statistics.median(self.p50_ms),
            "p99_ms": statistics.median(self.p99_ms),
            "failures": self.failures,
            "client": self.client,
            "server_cpu_us_per_request": 1e6 * self.cpu_s / max(1, self.requests),
            "server_cpu_share": self.cpu_s / wall,
            "server_wait_share": self.wait_s / wall,
            "batches": self.batches,
            "reads_per_batch": self.batch_reads / self.batches if self.batches else 0.0,
            "profile": self.profile,
        }


def _center(workdir: Path, name: str, settings: dict[str, str]) -> tuple[Proc, str]:
    """``safenet center serve`` as a process of its own, healthy; its process and URL."""
    port = _free_port()
    proc = _spawn(
        name,
        [sys.executable, "-m", "safenet.cli", "center", "serve", "--port", str(port)],
        _env(settings),
        workdir,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url, proc)
    except BaseException:
        proc.stop()
        raise
    return proc, url


def _stop_all(procs: list[Proc]) -> None:
    for proc in reversed(procs):
        proc.stop()


def _py_spy(proc: Proc, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy sampling ``proc`` for ``seconds`` into ``out`` (collapsed stacks), if installed."""
    binary = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(binary).exists():
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [binary, "record", "--format", "raw", "--nonblocking", "-r", "200"]
    args += ["-d", str(max(1, int(seconds))), "-p", str(proc.popen.pid), "-o", str(out)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarise_profile(path: Path, top: int = 15) -> list[tuple[str, float, float]]:
    """The functions with the most samples in a collapsed-stack file: (name, self, inclusive)."""
    if not path.exists():
        return []
    self_count: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f.split(" (")[0] + " " + f.split("(")[-1].split(":")[0].rsplit("/", 1)[-1]
                  for f in stack.split(";") if f]  # fmt: skip
        if not frames:
            continue
        total += count
        self_count[frames[-1]] = self_count.get(frames[-1], 0) + count
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + count
    if not total:
        return []
    ranked = sorted(inclusive, key=lambda f: -self_count.get(f, 0))[:top]
    return [(f, self_count.get(f, 0) / total, inclusive[f] / total) for f in ranked]
