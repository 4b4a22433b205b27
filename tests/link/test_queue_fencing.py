"""Issue 16: the work queue's two identities, attacked on a real nats-server.

Ingest may put reads into its site's queue but never take one out or publish a hit;
a worker may take its site's batches but never put a read in (its site's or another's)
nor change the streams. The account is the one ``safenet deploy plan`` writes into a
center's leaf (:func:`safenet.link.queue_fencing.queue_users_config`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import nats
import pytest

from safenet.link.nats_queue import (
    QueueConfig,
    WorkQueue,
    consumer_name,
    dead_subject,
    queue_inbox,
    stream_name,
    subject,
    wake_subject,
)
from safenet.link.queue_fencing import Role, queue_permissions, queue_user, queue_users_config
from safenet.link.subjects import Family
from tests.support.services import NatsServer

pytestmark = pytest.mark.nats

SITE = "seocho"
PASSWORDS: dict[Role, str] = {"ingest": "ingest-secret", "worker": "worker-secret"}


def queue_server(start: Callable[..., NatsServer]) -> NatsServer:
    return start(
        "accounts {\n  QUEUE: { jetstream: enabled,\n    "
        + queue_users_config(SITE, PASSWORDS)
        + " }\n}\n"
    )


def queue(server: NatsServer, role: Role) -> WorkQueue:
    return WorkQueue(
        QueueConfig(
            site=SITE,
            url=server.url,
            user=queue_user(SITE, role),
            password=PASSWORDS[role],
            publish_timeout_s=1.0,
            connect_wait_s=5.0,
            provision=role == "ingest",
        )
    )


class Attacker:
    """A raw connection with one role's password, its own inbox, and the errors it got."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.nc: Any = None

    async def connect(self, server: NatsServer, role: Role) -> Attacker:
        async def on_error(exc: Exception) -> None:
            self.errors.append(str(exc))

        user = queue_user(SITE, role)
        self.nc = await nats.connect(
            server.url,
            user=user,
            password=PASSWORDS[role],
            inbox_prefix=queue_inbox(user),
            error_cb=on_error,
            allow_reconnect=False,
        )
        return self

    def refused(self, what: str) -> bool:
        """Whether the server refused ``what`` (it words the subject in lower case)."""
        return any("permissions violation" in e and f'"{what.lower()}"' in e for e in self.errors)


async def pending(server: NatsServer) -> int:
    q = queue(server, "worker")
    await q.connect()
    try:
        return await q.pending()
    finally:
        await q.close()


@pytest.fixture
async def site_queue(
    nats_server: Callable[..., NatsServer],
) -> AsyncIterator[tuple[NatsServer, WorkQueue, WorkQueue]]:
    server = queue_server(nats_server)
    ingest, worker = queue(server, "ingest"), queue(server, "worker")
    await ingest.connect()  # the center makes the streams
    await worker.connect()
    try:
        yield server, ingest, worker
    finally:
        await ingest.close()
        await worker.close()


async def test_each_identity_does_its_own_job(
    site_queue: tuple[NatsServer, WorkQueue, WorkQueue],
) -> None:
    _, ingest, worker = site_queue
    woken = asyncio.Event()
    await ingest.on_committed(woken.set)
    assert await ingest.append("b-1", b"batch one", 3) == 1
    sub = await worker.consumer(3)
    [msg] = await sub.fetch(1, timeout=2)
    assert msg.data == b"batch one"
    await msg.in_progress()
    await worker.dead_letter(msg, "test", 1)  # publishes the dead letter, then acks
    await worker.committed()
    await asyncio.wait_for(woken.wait(), 2)
    assert await worker.pending() == 0


async def test_ingest_credentials_cannot_take_a_read_out_or_publish_a_hit(
    site_queue: tuple[NatsServer, WorkQueue, WorkQueue],
) -> None:
    server, ingest, worker = site_queue
    await worker.consumer(0)  # the shard's consumer exists, as in a running site
    await ingest.append("b-1", b"a batch of reads", 0)
    thief = await Attacker().connect(server, "ingest")
    js = thief.nc.jetstream(timeout=1.0)
    stolen: list[bytes] = []

    async def keep(msg: Any) -> None:
        stolen.append(msg.data)

    try:
        await thief.nc.subscribe("_INBOX.>", cb=keep)  # every inbox: the workers' pulls
        await thief.nc.subscribe(subject(SITE), cb=keep)  # the appends themselves
        with pytest.raises(Exception):  # noqa: B017 - refused: no responder, or a timeout
            await js.pull_subscribe(subject(SITE, 0), durable="thief", stream=stream_name(SITE))
        bound = await js.pull_subscribe_bind(consumer_name(0), stream=stream_name(SITE))
        with pytest.raises(Exception):  # noqa: B017
            await bound.fetch(1, timeout=1)
        with pytest.raises(Exception):  # noqa: B017
            await js.get_msg(stream_name(SITE), 1)
        with pytest.raises(Exception):  # noqa: B017
            await js.purge_stream(stream_name(SITE))
        with pytest.raises(Exception):  # noqa: B017
            await js.delete_stream(stream_name(SITE))
        await thief.nc.publish(Family.REPORT.subject(SITE), b"a forged hit")
        await thief.nc.publish(dead_subject(SITE), b"a forged dead letter")
        # The worker still takes the batch, and the thief saw none of it.
        sub = await worker.consumer(0)
        [msg] = await sub.fetch(1, timeout=2)
        assert msg.data == b"a batch of reads"
        await msg.ack_sync()
        await thief.nc.flush()
        await asyncio.sleep(0.3)
        assert stolen == []
        for what in ("_INBOX.>", subject(SITE), Family.REPORT.subject(SITE), dead_subject(SITE)):
            assert thief.refused(what), (what, thief.errors)
    finally:
        await thief.nc.close()
    assert await pending(server) == 0


async def test_worker_credentials_cannot_put_reads_in_or_change_the_streams(
    site_queue: tuple[NatsServer, WorkQueue, WorkQueue],
) -> None:
    server, _, _ = site_queue
    forger = await Attacker().connect(server, "worker")
    js = forger.nc.jetstream(timeout=1.0)
    try:
        for target in (subject(SITE, 0), subject("gangnam", 0), "safenet.reads.seocho"):
            with pytest.raises(Exception):  # noqa: B017 - no ack: the publish was refused
                await js.publish(target, b"a forged read")
        with pytest.raises(Exception):  # noqa: B017
            await js.purge_stream(stream_name(SITE))
        with pytest.raises(Exception):  # noqa: B017
            await js.delete_stream(stream_name(SITE))
        with pytest.raises(Exception):  # noqa: B017
            await js.add_stream(name="SAFENET_STEAL", subjects=["safenet.reads-dead.>"])
        await forger.nc.subscribe(f"{queue_inbox(queue_user(SITE, 'ingest'))}.>")
        await forger.nc.subscribe(wake_subject(SITE))
        await forger.nc.flush()
        await asyncio.sleep(0.3)
        for what in (subject(SITE, 0), subject("gangnam", 0), "_INBOX.seocho-ingest.>"):
            assert forger.refused(what), (what, forger.errors)
    finally:
        await forger.nc.close()
    assert await pending(server) == 0


def test_the_permissions_name_only_the_site_s_own_subjects() -> None:
    ingest, worker = queue_permissions(SITE, "ingest"), queue_permissions(SITE, "worker")
    assert ingest.may_publish("safenet.reads.seocho.5")
    assert not ingest.may_publish("safenet.reads.gangnam.5")
    assert not ingest.may_publish("$JS.API.CONSUMER.CREATE.SAFENET_READS_SEOCHO.x")
    assert not ingest.may_publish("$JS.API.STREAM.DELETE.SAFENET_READS_SEOCHO")
    assert not worker.may_publish("safenet.reads.seocho.5")
    assert worker.may_publish("$JS.API.CONSUMER.MSG.NEXT.SAFENET_READS_SEOCHO.shard-5")
    assert not worker.may_publish("$JS.API.CONSUMER.MSG.NEXT.SAFENET_READS_GANGNAM.shard-5")
    assert not worker.may_publish("$JS.API.STREAM.PURGE.SAFENET_READS_SEOCHO")
    assert not worker.may_subscribe("_INBOX.seocho-ingest.x")
    assert not ingest.may_subscribe("_INBOX.seocho-worker.x")
