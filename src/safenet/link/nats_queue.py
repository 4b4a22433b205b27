"""A site's read work queue on JetStream: batches appended by ingest, taken by workers.

One stream per site, ``SAFENET_READS_<SITE>`` on the subjects ``safenet.reads.<site>.<shard>``,
with work-queue retention: a batch stays until a worker acks it, and then it is gone.
A site's cameras are split into ``shards`` (:func:`shard_of`, a hash of the camera id):
ingest appends the reads of one shard as one batch to that shard's subject, and each
shard has ONE durable consumer (``shard-<k>``, :func:`consumer_name`), taken by one
worker at a time (:mod:`safenet.center.shards`), so every read of a camera reaches the
same worker and its de-duplication window. The stream's description names the shard
count, and a worker refuses a stream cut into another number of shards than its own.
A batch not acked within ``ack_wait`` is given again (at-least-once);
a batch that keeps failing is copied, with its reason, to the site's dead-letter
stream ``SAFENET_READS_DEAD_<SITE>`` (subject ``safenet.reads-dead.<site>``), kept
no longer than the reads it holds may be, and only then acked.

Each batch carries its id in the ``Nats-Msg-Id`` header: a publish repeated within the
stream's de-duplication window (an ingest retrying after a lost ack) is stored once.
A worker that committed reports says so on ``safenet.reads-committed.<site>`` (core
NATS, empty): the center's relay then sends them at once instead of at its next poll.
This module moves bytes; what a batch holds is :mod:`safenet.center.queued`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api

from safenet.link.errors import LinkConfigError, LinkUnavailable
from safenet.link.nats_connect import connect, describe_error

log = logging.getLogger(__name__)

DEFAULT_SHARDS: Final = 8
"""Shards of a site's cameras when ``center.queue_shards`` is not set."""

DUPLICATE_WINDOW_S: Final = 120.0
"""How long JetStream remembers a batch id (a repeated publish within it is stored once)."""

REASON_HEADER: Final = "Safenet-Dead-Reason"
DELIVERIES_HEADER: Final = "Safenet-Deliveries"
_NAME = re.compile(r"[^A-Za-z0-9]")


def stream_name(site: str) -> str:
    """``SAFENET_READS_SEOCHO`` for ``seocho`` (stream names take no dots or dashes)."""
    return f"SAFENET_READS_{_NAME.sub('_', site).upper()}"


def dead_stream_name(site: str) -> str:
    return f"SAFENET_READS_DEAD_{_NAME.sub('_', site).upper()}"


def subject(site: str, shard: int | None = None) -> str:
    """``safenet.reads.<site>.<shard>``: where ingest appends a shard's batches.

    Without ``shard``, ``safenet.reads.<site>.*``: every shard of the site (the stream's
    subjects, and what an ingest identity may publish).
    """
    return f"safenet.reads.{site}.{'*' if shard is None else shard}"


def shard_of(camera_id: str, shards: int) -> int:
    """The shard a camera's reads go to: stable across processes and restarts."""
    return zlib.crc32(camera_id.encode()) % shards


def consumer_name(shard: int) -> str:
    """``shard-<k>``: the one durable consumer of shard ``k``."""
    return f"shard-{shard}"


def describe_shards(shards: int) -> str:
    """The stream description that records how many shards the site's cameras are cut in."""
    return f"safenet read work queue; shards={shards}"


def shards_described(description: str | None) -> int | None:
    """The shard count a stream's description records (None: not a sharded queue)."""
    m = re.search(r"shards=(\d+)", description or "")
    return None if m is None else int(m.group(1))


def wake_subject(site: str) -> str:
    """``safenet.reads-committed.<site>``: a worker committed hits (core NATS, no body)."""
    return f"safenet.reads-committed.{site}"


def queue_inbox(user: str) -> str:
    """``_INBOX.<user>``: the reply prefix of a work-queue connection (see queue_fencing)."""
    return f"_INBOX.{user}"


def dead_subject(site: str) -> str:
    """``safenet.reads-dead.<site>``: batches that failed ``max_deliver`` times."""
    return f"safenet.reads-dead.{site}"


@dataclass(frozen=True)
class QueueConfig:
    """The knobs of one site's work queue (from ``center.queue_*``)."""

    site: str
    url: str
    user: str | None = None
    password: str | None = None
    ack_wait_s: float = 30.0
    max_bytes: int = 1 << 30
    dead_max_age_s: float = 24 * 3600.0
    """How long a dead letter is kept: never longer than its reads may be."""
    publish_timeout_s: float = 5.0
    connect_wait_s: float | None = 10.0
    shards: int = DEFAULT_SHARDS
    provision: bool = True
    """Create or update the streams on connect (ingest); a worker only checks them."""


class WorkQueue:
    """A connection to one site's work queue; see the module docstring."""

    def __init__(self, config: QueueConfig) -> None:
        self.config = config
        self.site = config.site
        self.nc: Client | None = None
        self._js: JetStreamContext | None = None
        self.last_error: str | None = None

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise LinkUnavailable(f"work queue of {self.site}: not connected")
        return self._js

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    async def connect(self) -> None:
        """Connect (each failed attempt logged), then make sure both streams exist."""
        c = self.config
        options: dict[str, Any] = {
            "servers": [c.url],
            "name": f"safenet-queue-{self.site}",
            "allow_reconnect": False,
            "max_reconnect_attempts": -1,
            "reconnect_time_wait": 0.5,
        }
        if c.user is not None:
            options["user"] = c.user
            options["password"] = c.password or ""
            options["inbox_prefix"] = queue_inbox(c.user)

        def failed(exc: BaseException) -> None:
            self.last_error = describe_error(exc)

        self.nc = await connect(self.site, [c.url], options, c.connect_wait_s, failed)
        self._js = self.nc.jetstream(timeout=c.publish_timeout_s)
        if c.provision:
            await self.ensure_streams()
        else:
            await self.check_streams()
        self.last_error = None

    async def check_streams(self) -> None:
        """Raise :class:`LinkUnavailable` unless the site's streams exist, cut as configured."""
        try:
            info = await self.js.stream_info(stream_name(self.site))
            await self.js.stream_info(dead_stream_name(self.site))
        except (nats.errors.Error, nats.js.errors.Error, TimeoutError) as exc:
            raise LinkUnavailable(
                f"work queue of {self.site}: its streams are not there yet "
                f"({describe_error(exc)}); the center creates them"
            ) from exc
        found = shards_described(info.config.description)
        if found != self.config.shards:
            raise LinkConfigError(
                f"center.queue_shards: {self.config.shards}, but the work queue of "
                f"{self.site} is cut in {found} shards (set the same value as the center)"
            )

    async def ensure_streams(self) -> None:
        c = self.config
        work = api.StreamConfig(
            name=stream_name(self.site),
            description=describe_shards(c.shards),
            subjects=[subject(self.site)],
            retention=api.RetentionPolicy.WORK_QUEUE,
            storage=api.StorageType.FILE,
            discard=api.DiscardPolicy.NEW,
            max_bytes=c.max_bytes,
            duplicate_window=DUPLICATE_WINDOW_S,
        )
        dead = api.StreamConfig(
            name=dead_stream_name(self.site),
            subjects=[dead_subject(self.site)],
            retention=api.RetentionPolicy.LIMITS,
            storage=api.StorageType.FILE,
            max_age=c.dead_max_age_s,
            duplicate_window=DUPLICATE_WINDOW_S,
        )
        for config in (work, dead):
            try:
                await self.js.add_stream(config)
            except nats.js.errors.BadRequestError:
                await self.js.update_stream(config)

    async def close(self) -> None:
        # Not drain(): a pending pull keeps a drain waiting out its timeout, and nothing
        # is lost by closing: appends were acked, batches in hand and not acked come back.
        nc, self.nc, self._js = self.nc, None, None
        if nc is not None:
            with contextlib.suppress(Exception):
                await nc.flush(timeout=1)
            with contextlib.suppress(Exception):
                await nc.close()

    # -- ingest -------------------------------------------------------------------------

    async def append(self, batch_id: str, body: bytes, shard: int) -> int:
        """Append one shard's batch; returns its stream sequence once JetStream has stored it.

        Raises :class:`LinkUnavailable` when the stream did not ack in time or is full.
        """
        try:
            ack = await self.js.publish(
                subject(self.site, shard),
                body,
                timeout=self.config.publish_timeout_s,
                stream=stream_name(self.site),
                headers={"Nats-Msg-Id": batch_id},
            )
        except (nats.errors.Error, nats.js.errors.Error, TimeoutError) as exc:
            self.last_error = describe_error(exc)
            raise LinkUnavailable(
                f"work queue of {self.site}: the batch was not stored ({self.last_error})"
            ) from exc
        return int(ack.seq)

    # -- workers --------------------------------------------------------------------------

    async def consumer(
        self, shard: int, max_ack_pending: int = 10_000
    ) -> JetStreamContext.PullSubscription:
        """Shard ``shard``'s durable pull consumer (made on first use).

        Its ``max_deliver`` is unlimited: the worker counts deliveries itself, so that a
        batch that crashed every worker it reached still ends in the dead-letter stream.
        """
        name = consumer_name(shard)
        config = self._consumer_config(shard, max_ack_pending)
        return await self.js.pull_subscribe(
            subject(self.site, shard), durable=name, stream=stream_name(self.site), config=config
        )

    def _consumer_config(self, shard: int, max_ack_pending: int) -> api.ConsumerConfig:
        return api.ConsumerConfig(
            durable_name=consumer_name(shard),
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=self.config.ack_wait_s,
            max_deliver=-1,
            max_ack_pending=max_ack_pending,
            filter_subject=subject(self.site, shard),
        )

    async def dead_letter(self, msg: Msg, reason: str, deliveries: int) -> None:
        """Copy ``msg`` to the dead-letter stream with its reason, then ack it."""
        batch_id = (msg.headers or {}).get("Nats-Msg-Id", "")
        await self.js.publish(
            dead_subject(self.site),
            msg.data,
            timeout=self.config.publish_timeout_s,
            stream=dead_stream_name(self.site),
            headers={
                "Nats-Msg-Id": batch_id,
                REASON_HEADER: reason[:1000],
                DELIVERIES_HEADER: str(deliveries),
            },
        )
        await msg.ack_sync()

    async def committed(self) -> None:
        """Tell the center a worker committed reports, so its relay sends them at once."""
        if self.nc is not None and self.nc.is_connected:
            await self.nc.publish(wake_subject(self.site), b"")

    async def on_committed(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` whenever a worker says it committed (the center's relay)."""
        if self.nc is None:
            raise LinkUnavailable(f"work queue of {self.site}: not connected")

        async def handler(msg: Msg) -> None:
            wake()

        await self.nc.subscribe(wake_subject(self.site), cb=handler)

    async def pending(self) -> int:
        """Batches in the work queue (not yet acked)."""
        info = await self.js.stream_info(stream_name(self.site))
        return int(info.state.messages)
