"""The load client of ``safenet bench ingest``: enough requests that the server is the limit.

A Python client on httpx spends more CPU per request than the server it measures, so
its figures are the client's rate, not the server's. Here the load comes from outside
the server's core:

- ``wrk`` (Debian's package) when it is installed: C, one event loop per thread, the
  bodies made and the answers checked by a small Lua script written for the run;
- otherwise several client processes (:mod:`multiprocessing`), each keeping its share of
  the connections open with raw HTTP/1.1 keep-alive over asyncio streams -- no client
  library between the socket and the request.

Both send the same requests (a read with a fresh id, this second's time, a plate from a
fixed list, each camera's own credential) and count an answer that is not 200, or whose
read was neither accepted nor a duplicate, as a failure. :func:`pin` puts a process and
all its threads on the given cores, so that the server and the client do not share one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PATH = "/api/v1/reads"


@dataclass(frozen=True)
class LoadCase:
    """What one measured case sends: to whom, with which credentials, how many reads."""

    host: str
    port: int
    cameras: list[str]
    headers: dict[str, dict[str, str]]
    """Per camera, the credential headers its requests carry (empty for the bare app)."""
    plates: list[str]
    reads_per_request: int = 1
    check_fates: bool = True
    """False for the bare app, whose answer says nothing of reads."""


@dataclass
class LoadResult:
    """What the client measured in one case."""

    client: str
    requests: int
    wall_s: float
    p50_ms: float
    p99_ms: float
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.wall_s if self.wall_s > 0 else 0.0


def pin(pid: int, cpus: set[int]) -> None:
    """Put process ``pid`` and each of its threads on ``cpus`` (nothing when not allowed)."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return
    tasks = Path(f"/proc/{pid}/task")
    tids = [int(t.name) for t in tasks.iterdir()] if tasks.exists() else [pid]
    for tid in tids:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(tid, cpus)


def run_queue_wait_s(pid: int) -> float:
    """Seconds the threads of ``pid`` have spent ready to run but waiting for a core.

    On a shared machine a server that is busy well under 100 % may still be held back:
    by other processes on its core, not by the client (``/proc/PID/task/*/schedstat``).
    """
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(task.read_text().split()[1])
    return total / 1e9


def split_cores() -> tuple[set[int], set[int]]:
    """(the server's cores, the client's): one core for the server, the rest for the client.

    On a machine with one usable core both are empty: nothing is pinned.
    """
    if not hasattr(os, "sched_getaffinity"):
        return set(), set()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(), set()
    return {cores[0]}, set(cores[1:])


def which_client(choice: str) -> str:
    """``wrk`` or ``raw``: the client ``choice`` (``auto``, ``wrk``, ``raw``) comes to here."""
    if choice == "raw":
        return "raw"
    if shutil.which("wrk"):
        return "wrk"
    if choice == "wrk":
        raise RuntimeError("bench ingest: --client wrk, but wrk is not installed (apt install wrk)")
    return "raw"


def run_load(
    case: LoadCase,
    *,
    seconds: float,
    in_flight: int,
    client: str,
    processes: int,
    cpus: set[int],
    workdir: Path,
) -> LoadResult:
    """Keep ``in_flight`` requests open against ``case`` for ``seconds`` with ``client``."""
    if client == "wrk":
        return _run_wrk(case, seconds, in_flight, processes, cpus, workdir)
    return _run_raw(case, seconds, in_flight, processes, cpus)


# -- raw HTTP/1.1 over asyncio streams, in several processes -------------------------------


def _body(case: LoadCase, camera: str, read_id: str, plate: int) -> bytes:
    ts = datetime.now(UTC).isoformat()
    reads = [
        {
            "id": f"{read_id}-{k}",
            "camera_id": camera,
            "ts": ts,
            "plate": case.plates[(plate + k) % len(case.plates)],
            "confidence": 0.9,
        }
        for k in range(case.reads_per_request)
    ]
    return json.dumps({"reads": reads}, ensure_ascii=False).encode()


def _request(case: LoadCase, n: int, tag: str) -> bytes:
    camera = case.cameras[n % len(case.cameras)]
    body = _body(case, camera, f"{tag}{n}", n * case.reads_per_request)
    lines = [
        f"POST {PATH} HTTP/1.1",
        f"Host: {case.host}:{case.port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in case.headers.get(camera, {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _fault(case: LoadCase, status: int, body: bytes) -> str | None:
    """Why an answer is a failure, or None."""
    if status != 200:
        code = re.search(rb'"code":"([^"]*)"', body)
        return f"{status} {code.group(1).decode() if code else ''}".strip()
    if not case.check_fates:
        return None
    got = json.loads(body)
    taken = len(got.get("accepted", ())) + len(got.get("duplicates", ()))
    if got.get("rejected") or taken != case.reads_per_request:
        return "not accepted"
    return None


async def _connection(
    case: LoadCase,
    deadline: float,
    tag: str,
    first: int,
    latencies: list[float],
    failures: dict[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(case.host, case.port)
    n = first  # each connection its own run of (camera, plate) pairs: no false duplicates
    try:
        while time.perf_counter() < deadline:
            request = _request(case, n, tag)
            n += 1
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            why = _fault(case, status, body)
            if why is not None:
                failures[why] = failures.get(why, 0) + 1
    finally:
        writer.close()


def _raw_process(
    case: LoadCase,
    seconds: float,
    connections: int,
    tag: str,
    first: int,
    cpus: set[int],
    start: Any,
    out: Connection,
) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    latencies: list[float] = []
    failures: dict[str, int] = {}

    async def main() -> float:
        start.wait()
        began = time.perf_counter()
        deadline = began + seconds
        await asyncio.gather(
            *(
                _connection(
                    case, deadline, f"{tag}c{k}n", (first + k) * 100_003, latencies, failures
                )
                for k in range(connections)
            )
        )
        return time.perf_counter() - began

    wall = asyncio.run(main())
    out.send((latencies, failures, wall))
    out.close()


def _run_raw(
    case: LoadCase, seconds: float, in_flight: int, processes: int, cpus: set[int]
) -> LoadResult:
    processes = max(1, min(processes, in_flight))
    shares = [
        in_flight // processes + (1 if k < in_flight % processes else 0) for k in range(processes)
    ]
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    tag = f"r{os.getpid()}t{time.monotonic_ns() % 10**9}p"
    pipes: list[Connection] = []
    workers = []
    for k, share in enumerate(shares):
        mine, theirs = context.Pipe(duplex=False)
        proc = context.Process(
            target=_raw_process,
            args=(case, seconds, share, f"{tag}{k}", sum(shares[:k]), cpus, start, theirs),
        )
        proc.start()
        theirs.close()
        pipes.append(mine)
        workers.append(proc)
    time.sleep(0.3)  # let each process start its interpreter before the clock starts
    start.set()
    latencies: list[float] = []
    failures: dict[str, int] = {}
    wall = 0.0
    for pipe, proc in zip(pipes, workers, strict=True):
        got_latencies, got_failures, got_wall = pipe.recv()
        proc.join(30)
        latencies += got_latencies
        wall = max(wall, got_wall)
        for why, count in got_failures.items():
            failures[why] = failures.get(why, 0) + count
    latencies.sort()
    return LoadResult(
        client=f"raw HTTP/1.1, {processes} processes",
        requests=len(latencies),
        wall_s=wall,
        p50_ms=1000 * _quantile(latencies, 0.5),
        p99_ms=1000 * _quantile(latencies, 0.99),
        failures=failures,
    )


def _quantile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- wrk, with a Lua script written for the case -------------------------------------------

_LUA = r"""
local cameras = %(cameras)s
local headers = %(headers)s
local plates = %(plates)s
local per = %(per)d
local check = %(check)s
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  n = tid * 100003  -- each thread its own run of (camera, plate) pairs: no false duplicates
  bad = 0
  refused = 0
  tag = "w" .. tid .. "x" .. %(run)d .. "n"
end

function request()
  n = n + 1
  local camera = cameras[(n %% #cameras) + 1]
  local ts = os.date("!%%Y-%%m-%%dT%%H:%%M:%%S+00:00")
  local reads = {}
  for k = 1, per do
    local plate = plates[((n * per + k) %% #plates) + 1]
    reads[k] = '{"id":"' .. tag .. n .. '-' .. k .. '","camera_id":"' .. camera ..
      '","ts":"' .. ts .. '","plate":"' .. plate .. '","confidence":0.9}'
  end
  local h = {["Content-Type"] = "application/json"}
  for k, v in pairs(headers[camera] or {}) do h[k] = v end
  return wrk.format("POST", "%(path)s", h, '{"reads":[' .. table.concat(reads, ",") .. ']}')
end

function response(status, hdrs, body)
  if status ~= 200 then
    refused = refused + 1
  elseif check and (not string.find(body, '"rejected":[]', 1, true)
      or string.find(body, '"accepted":[],"duplicates":[]', 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local b, r = 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    r = r + t:get("refused")
  end
  io.write(string.format(
    'SAFENET {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,' ..
    '"bad":%%d,"refused":%%d,"socket_errors":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    b, r, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


def _lua(value: Any) -> str:
    """``value`` (strings, lists, dicts of those) as a Lua table constructor."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "{" + ",".join(_lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"[{_lua(str(k))}]={_lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Lua form for {type(value).__name__}")


def _run_wrk(
    case: LoadCase, seconds: float, in_flight: int, threads: int, cpus: set[int], workdir: Path
) -> LoadResult:
    threads = max(1, min(threads, in_flight))
    script = workdir / f"wrk-{time.monotonic_ns()}.lua"
    script.write_text(
        _LUA
        % {
            "cameras": _lua(case.cameras),
            "headers": _lua(case.headers),
            "plates": _lua(case.plates),
            "per": case.reads_per_request,
            "check": "true" if case.check_fates else "false",
            "run": random.randrange(10**9),
            "path": PATH,
        },
        encoding="utf-8",
    )
    args = ["wrk", "-t", str(threads), "-c", str(in_flight), "-d", f"{max(1, round(seconds))}s"]
    args += [
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
        f"http://{case.host}:{case.port}{PATH}",
    ]

    def on_cores() -> None:
        if cpus:
            os.sched_setaffinity(0, cpus)

    done = subprocess.run(
        args, capture_output=True, text=True, timeout=seconds + 60, preexec_fn=on_cores
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("SAFENET ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"bench ingest: wrk failed: {done.stderr[-2000:] or done.stdout[-2000:]}"
        )
    got = json.loads(line.removeprefix("SAFENET "))
    failures: dict[str, int] = {}
    for key, why in (("bad", "not accepted"), ("refused", "not 200"), ("socket_errors", "socket")):
        if got[key]:
            failures[why] = int(got[key])
    return LoadResult(
        client=f"wrk, {threads} threads",
        requests=int(got["requests"]),
        wall_s=got["duration_us"] / 1e6,
        p50_ms=got["p50_us"] / 1000,
        p99_ms=got["p99_us"] / 1000,
        failures=failures,
    )
