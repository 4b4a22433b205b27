"""A center process for the kill tests: records hits with their reports, relays them.

Run as ``python -m tests.link.proc_sender``. Configuration from the environment:

- ``KT_DB``: SQLite file of this center; ``KT_SITE``: its site id; ``KT_TOTAL``: hits to record.
- ``KT_NATS_URL``, ``KT_USER``, ``KT_PASSWORD``: the fenced link.
- ``KT_BATCHED``: ``1`` to relay in batches, else one message at a time.
- ``KT_KILL``: ``POINT:N`` — kill -9 ourselves at the N-th time POINT is reached:
  ``after_commit`` (a hit and its report committed, before any publish),
  ``before_publish`` (the relay read the rows, before it publishes them),
  ``after_publish`` (the server acknowledged, before the rows are marked sent).

Prints ``DONE <count>`` and exits 0 once every hit is recorded and the outbox is empty.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence

import sqlalchemy as sa

from safenet.link import LinkError, Relay, outbox
from safenet.link.nats import NatsTransport
from safenet.link.transport import Envelope
from safenet.store import Database, migrate, open_database
from tests.link.conftest import make_report

metadata = sa.MetaData()
hits = sa.Table("kt_hits", metadata, sa.Column("n", sa.Integer, primary_key=True))


class KillSwitch:
    """Counts arrivals at one kill point and dies with SIGKILL at the chosen one."""

    def __init__(self, spec: str) -> None:
        self.point, _, n = spec.partition(":")
        self.at = int(n) if n else 0
        self.seen = 0

    def reached(self, point: str) -> None:
        if point != self.point or not self.at:
            return
        self.seen += 1
        if self.seen >= self.at:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)


class KillingTransport(NatsTransport):
    """The real NATS transport, with kill points around its publishes."""

    kill: KillSwitch

    async def publish_envelope(
        self, envelope: Envelope, headers: dict[str, str] | None = None
    ) -> None:
        self.kill.reached("before_publish")
        await super().publish_envelope(envelope, headers)
        self.kill.reached("after_publish")

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        self.kill.reached("before_publish")
        results = await NatsTransport.publish_batch(self, envelopes)
        self.kill.reached("after_publish")
        return results


async def produce(db: Database, site: str, total: int, relay: Relay, kill: KillSwitch) -> None:
    def next_n() -> int:
        with db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one())

    def record(n: int) -> None:
        with db.begin() as conn:  # the fact and its report, in one transaction
            conn.execute(sa.insert(hits).values(n=n))
            outbox.enqueue(conn, make_report(n, site))

    for n in range(await asyncio.to_thread(next_n), total):
        await asyncio.to_thread(record, n)
        kill.reached("after_commit")
        relay.notify()
        await asyncio.sleep(0.003)


async def main() -> None:
    env = os.environ
    site = env["KT_SITE"]
    total = int(env["KT_TOTAL"])
    kill = KillSwitch(env.get("KT_KILL", ""))
    db = open_database(f"sqlite:///{env['KT_DB']}")
    migrate(db, "center")
    metadata.create_all(db.engine)
    transport = KillingTransport(
        env["KT_NATS_URL"],
        site,
        user=env["KT_USER"],
        password=env["KT_PASSWORD"],
        publish_timeout_s=2.0,
    )
    transport.kill = kill
    await transport.start()
    relay = Relay(
        db,
        transport,
        batched=env.get("KT_BATCHED") == "1",
        batch_size=20,
        poll_interval_s=0.05,
        max_backoff_s=0.3,
    )
    await relay.start()
    await produce(db, site, total, relay, kill)
    while await asyncio.to_thread(relay.read_depth) > 0:
        relay.notify()
        await asyncio.sleep(0.05)
    await relay.stop()
    await transport.close()
    print(f"DONE {total}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
