"""The police process for the kill tests: takes LocationReports into its own store.

Run as ``python -m tests.link.proc_receiver``; it runs until terminated. Environment:

- ``KT_DB``: the police's SQLite file; ``KT_NATS_URL``, ``KT_USER``, ``KT_PASSWORD``.
- ``KT_ACK_WAIT``, ``KT_MAX_DELIVER``: the report consumer's settings (as provisioned).
- ``KT_KILL``: ``POINT:N`` — kill -9 at the N-th ``after_receipt`` (a message in hand,
  nothing written) or ``after_commit`` (written and committed, not yet acknowledged).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal

import sqlalchemy as sa

from safenet.link import POLICE, Family, LocationReport, Message, consumer, inbox
from safenet.link.nats import NatsTransport
from safenet.store import migrate, open_database
from tests.link.proc_sender import KillSwitch

metadata = sa.MetaData()
received = sa.Table(
    "kt_received",
    metadata,
    # No unique key here on purpose: a duplicate slipping past the inbox would show.
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("hit_id", sa.String(64), nullable=False),
)


async def main() -> None:
    env = os.environ
    kill = KillSwitch(env.get("KT_KILL", ""))
    db = open_database(f"sqlite:///{env['KT_DB']}")
    migrate(db, "police")
    metadata.create_all(db.engine)
    specs = [
        dataclasses.replace(
            consumer(POLICE, Family.REPORT, source=site),
            ack_wait_s=float(env["KT_ACK_WAIT"]),
            max_deliver=int(env["KT_MAX_DELIVER"]),
        )
        for site in ("seocho", "gangnam")
    ]
    transport = NatsTransport(
        env["KT_NATS_URL"], POLICE, user=env["KT_USER"], password=env["KT_PASSWORD"]
    )
    await transport.start()

    async def on_report(message: Message) -> None:
        assert isinstance(message, LocationReport)
        kill.reached("after_receipt")

        def store() -> None:
            with db.begin() as conn:
                if inbox.first_receipt(conn, message):
                    conn.execute(
                        sa.insert(received).values(
                            message_id=message.message_id,
                            site=message.site,
                            hit_id=message.hit_id,
                        )
                    )

        await asyncio.to_thread(store)
        kill.reached("after_commit")

    for spec in specs:
        await transport.subscribe(spec, on_report)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await transport.close()


if __name__ == "__main__":
    asyncio.run(main())
