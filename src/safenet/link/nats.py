"""The link over NATS JetStream: the distributed transport between police and centers.

Publishing waits for the stream's PubAck and sets ``Nats-Msg-Id`` to the message id,
so a copy republished inside the stream's duplicate window is dropped by the server.
A "duplicate" PubAck for a message its sender never published before
(``Envelope.expect_new``) raises :class:`DuplicateFirstPublish` instead of passing as a
success. Every site's messages have their own streams (:mod:`safenet.link.topology`),
created by the police's :meth:`NatsTransport.provision`.
Receiving uses durable pull consumers with explicit acks: this transport pulls into
the site's own inbox (``_INBOX.<site>.…``, the only subjects a fenced site may
subscribe to), runs each message through :func:`safenet.link.delivery.judge` (with the owner of
the message's stream as the publishing account's site), and acks, naks with a delay,
or dead-letters and terminates it.

A permission violation reported by the server for a subject we are publishing on is
raised as :class:`LinkForbidden` at once instead of waiting out the PubAck timeout.
Connections reconnect forever; pulls that a server restart swallowed are reissued
when they expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import time
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription as NatsSub
from nats.js import api
from nats.js.client import JetStreamContext

from safenet.link.delivery import (
    H_MSG_ID,
    Delivery,
    Outcome,
    dead_letter_envelope,
    dead_letter_from,
    judge,
)
from safenet.link.errors import (
    DuplicateFirstPublish,
    LinkConfigError,
    LinkError,
    LinkForbidden,
    LinkUnavailable,
)
from safenet.link.fencing import inbox_prefix
from safenet.link.nats_connect import connect, describe_error
from safenet.link.sites import POLICE
from safenet.link.subjects import Family
from safenet.link.topology import (
    ConsumerSpec,
    StreamSpec,
    all_consumers,
    stream_owner,
    streams_for,
)
from safenet.link.transport import DeadLetter, Envelope, Handler, Subscription, Transport

log = logging.getLogger(__name__)

T = TypeVar("T")

_STREAM_NAME_IN_USE = 10058
_SUBJECTS_OVERLAP = 10065


class NatsTransport(Transport):
    """One site's connection to the link's NATS JetStream server.

    ``user``/``password`` are the site's credentials from ``safenet link nats-config``;
    ``tls`` a client SSL context when the server requires TLS. ``connect_wait_s`` bounds
    how long :meth:`start` keeps trying to reach the server (None: forever).
    """

    def __init__(
        self,
        servers: str | Sequence[str],
        site: str,
        *,
        user: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
        tls_hostname: str | None = None,
        publish_timeout_s: float = 5.0,
        connect_wait_s: float | None = None,
        pull_batch: int = 64,
        pull_expires_s: float = 2.0,
        stream_replicas: int = 1,
    ) -> None:
        super().__init__(site)
        self.servers = [servers] if isinstance(servers, str) else list(servers)
        self._user = user
        self._password = password
        self._tls = tls
        self._tls_hostname = tls_hostname
        self.publish_timeout_s = publish_timeout_s
        self.connect_wait_s = connect_wait_s
        self.pull_batch = pull_batch
        self.pull_expires_s = pull_expires_s
        self.stream_replicas = stream_replicas
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._subscriptions: list[_NatsSubscription] = []
        self._forbidden: dict[str, list[asyncio.Future[str]]] = {}
        self._last_error: BaseException | None = None
        self.reconnects = 0
        self._closing = False

    # -- connection ------------------------------------------------------------------

    @property
    def nc(self) -> Client:
        if self._nc is None:
            raise LinkUnavailable(f"link: {self.site} is not connected; call start() first")
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise LinkUnavailable(f"link: {self.site} is not connected; call start() first")
        return self._js

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    @property
    def problem(self) -> str | None:
        """Why the link is down (None while connected)."""
        if self.connected:
            return None
        if self._last_error is not None:
            return describe_error(self._last_error)
        return "not connected yet" if self._nc is None else "disconnected"

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "servers": self.servers,
            "name": f"safenet-{self.site}",
            "inbox_prefix": inbox_prefix(self.site),
            # The first connection is tried here, one attempt at a time, so that each
            # failure is logged with its reason; once connected, nats-py reconnects forever.
            "allow_reconnect": False,
            "max_reconnect_attempts": -1,
            "reconnect_time_wait": 0.5,
            "connect_timeout": 2,
            "error_cb": self._on_error,
            "disconnected_cb": self._on_disconnected,
            "reconnected_cb": self._on_reconnected,
        }
        if self._user is not None:
            options["user"] = self._user
            options["password"] = self._password
        if self._tls is not None:
            options["tls"] = self._tls
            options["tls_hostname"] = self._tls_hostname
        return options

    async def start(self) -> None:
        """Connect, retrying with backoff and logging each failure's reason.

        Raises LinkUnavailable once ``connect_wait_s`` has passed (never when None), and
        LinkConfigError at once for a server older than nats-server 2.10.
        """
        if self._nc is not None:
            return
        self._closing = False

        def failed(exc: BaseException) -> None:
            self._last_error = exc

        nc = await connect(self.site, self.servers, self._options(), self.connect_wait_s, failed)
        self._nc = nc
        self._last_error = None
        self._js = self._nc.jetstream(timeout=self.publish_timeout_s)
        log.info("link: %s connected to %s", self.site, ", ".join(self.servers))

    async def close(self) -> None:
        for sub in self._subscriptions:
            await sub.stop()
        self._subscriptions.clear()
        if self._nc is not None:
            self._closing = True
            nc, self._nc, self._js = self._nc, None, None
            with contextlib.suppress(Exception):
                await nc.drain()
            with contextlib.suppress(Exception):
                await nc.close()

    async def _on_error(self, exc: Exception) -> None:
        if not self.connected:
            self._last_error = exc
        text = str(exc)
        if "permissions violation" in text and '"' in text:
            subject = text.split('"')[1]
            for future in self._forbidden.pop(subject, []):
                if not future.done():
                    future.set_result(text)
            log.warning("link: %s: %s", self.site, text)
        else:
            log.debug("link: %s: nats error %r", self.site, exc)

    async def _on_disconnected(self) -> None:
        if self._closing:
            return
        log.warning("link: %s disconnected from NATS", self.site)

    async def _on_reconnected(self) -> None:
        self.reconnects += 1
        log.info("link: %s reconnected to NATS", self.site)

    async def guarded(self, subject: str, operation: Awaitable[T]) -> T:
        """Run ``operation``; raise LinkForbidden as soon as the server refuses ``subject``."""
        key = subject.lower()  # the client lower-cases the server's error text
        loop = asyncio.get_running_loop()
        denied: asyncio.Future[str] = loop.create_future()
        self._forbidden.setdefault(key, []).append(denied)
        work = asyncio.ensure_future(operation)
        racers: set[asyncio.Future[Any]] = {work, denied}
        try:
            done, _ = await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
            if work in done:
                return work.result()
            work.cancel()
            with contextlib.suppress(BaseException):
                await work
            raise LinkForbidden(f"subject: {self.site} may not use {subject} ({denied.result()})")
        finally:
            if not work.done():
                work.cancel()
            waiters = self._forbidden.get(key)
            if waiters and denied in waiters:
                waiters.remove(denied)
                if not waiters:
                    del self._forbidden[key]

    # -- publishing ------------------------------------------------------------------

    async def publish_envelope(
        self, envelope: Envelope, headers: dict[str, str] | None = None
    ) -> None:
        all_headers = {H_MSG_ID: envelope.server_id, **(headers or {})}
        try:
            ack = await self.guarded(
                envelope.subject,
                self.js.publish(
                    envelope.subject,
                    envelope.payload,
                    timeout=self.publish_timeout_s,
                    headers=all_headers,
                ),
            )
        except LinkError:
            raise
        except nats.js.errors.NoStreamResponseError as exc:
            raise LinkUnavailable(
                f"subject: no stream stores {envelope.subject} (not provisioned?)"
            ) from exc
        except nats.js.errors.APIError as exc:
            raise LinkUnavailable(f"publish {envelope.subject}: server refused: {exc}") from exc
        except (nats.errors.Error, TimeoutError, OSError) as exc:
            # The message may be stored and only its acknowledgement lost.
            raise LinkUnavailable(
                f"publish {envelope.subject}: no acknowledgement ({type(exc).__name__}: {exc})",
                maybe_stored=True,
            ) from exc
        if ack.duplicate:
            if envelope.expect_new:
                raise DuplicateFirstPublish(
                    f"message id: {ack.stream} already holds {envelope.server_id}, which "
                    f"{self.site} never published before"
                )
            log.debug("link: %s was a duplicate, dropped by the server", envelope.message_id)

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        # All PUBs go out in order before any PubAck is awaited: one round trip per batch.
        results = await asyncio.gather(
            *(self.publish_envelope(e) for e in envelopes), return_exceptions=True
        )
        out: list[LinkError | None] = []
        for result in results:
            if result is None:
                out.append(None)
            elif isinstance(result, LinkError):
                out.append(result)
            elif isinstance(result, Exception):
                out.append(LinkUnavailable(f"publish: {result!r}"))
            else:  # CancelledError and other BaseExceptions must propagate
                raise result
        return out

    # -- receiving -------------------------------------------------------------------

    async def subscribe(self, spec: ConsumerSpec, handler: Handler) -> Subscription:
        info_subject = f"$JS.API.CONSUMER.INFO.{spec.stream}.{spec.durable}"
        try:
            await self.guarded(info_subject, self.js.consumer_info(spec.stream, spec.durable))
        except LinkForbidden as exc:
            raise LinkForbidden(f"consumer: {self.site} may not read {spec.durable}") from exc
        except nats.js.errors.NotFoundError as exc:
            raise LinkConfigError(
                f"consumer: {spec.durable} on {spec.stream} does not exist; the police must "
                "provision it first"
            ) from exc
        except (nats.errors.Error, TimeoutError) as exc:
            raise LinkUnavailable(f"consumer {spec.durable}: {exc!r}") from exc
        sub = _NatsSubscription(self, spec, handler)
        await sub.begin()
        self._subscriptions.append(sub)
        return sub

    # -- administration (police) -----------------------------------------------------

    async def _provision(self, centers: list[str], extra_consumers: list[ConsumerSpec]) -> None:
        try:
            for spec in streams_for(centers):
                await self._ensure_stream(spec)
            for consumer in [*all_consumers(centers), *extra_consumers]:
                await self.guarded(
                    f"$JS.API.CONSUMER.CREATE.{consumer.stream}.{consumer.durable}",
                    self.js.add_consumer(consumer.stream, _consumer_config(consumer)),
                )
        except LinkForbidden as exc:
            raise LinkForbidden(f"provision: {self.site} may not administer the link") from exc
        except (nats.errors.Error, TimeoutError) as exc:
            raise LinkUnavailable(f"provision: {exc!r}") from exc

    async def _ensure_stream(self, spec: StreamSpec) -> None:
        config = api.StreamConfig(
            name=spec.name,
            subjects=spec.subjects,
            retention=api.RetentionPolicy.LIMITS,
            storage=api.StorageType.FILE,
            discard=api.DiscardPolicy.OLD,
            max_age=spec.max_age_s,
            duplicate_window=spec.duplicate_window_s,
            max_msgs_per_subject=spec.max_msgs_per_subject,
            num_replicas=self.stream_replicas,
            allow_direct=False,
        )
        subject = f"$JS.API.STREAM.CREATE.{spec.name}"
        try:
            await self.guarded(subject, self.js.add_stream(config))
        except nats.js.errors.BadRequestError as exc:
            if exc.err_code == _SUBJECTS_OVERLAP and spec.site is not None:
                await self._retire_shared_stream(spec)
                await self.guarded(subject, self.js.add_stream(config))
                return
            if exc.err_code != _STREAM_NAME_IN_USE:
                raise
            await self.js.update_stream(config)

    async def _retire_shared_stream(self, spec: StreamSpec) -> None:
        """Delete an older release's one-for-all stream of a family, if it holds nothing.

        Its subjects overlap the per-site streams, which cannot exist beside it. One that
        still holds messages is left alone: drain it first (docs/link.md, "Upgrading").
        """
        legacy = spec.family.stream
        try:
            info = await self.js.stream_info(legacy)
        except nats.js.errors.NotFoundError as exc:
            raise LinkConfigError(
                f"provision: {spec.name}'s subjects {spec.subjects} overlap another stream"
            ) from exc
        if info.state.messages:
            raise LinkConfigError(
                f"provision: the shared stream {legacy} of an older release still holds "
                f"{info.state.messages} messages; let the police consume them, then delete "
                f"it (`nats stream rm {legacy}`) so that per-site streams can be created"
            )
        await self.js.delete_stream(legacy)
        log.warning("link: deleted the empty shared stream %s (now one stream per site)", legacy)

    async def dead_letters(self) -> list[DeadLetter]:
        try:
            names = await self._stream_names(f"{Family.DEAD.all_subjects}")
            letters: list[DeadLetter] = []
            for stream in names:
                letters += await self._read_dead(stream)
            return letters
        except LinkForbidden as exc:
            raise LinkForbidden(f"dead letters: {self.site} may not read them") from exc
        except (nats.errors.Error, TimeoutError) as exc:
            raise LinkUnavailable(f"dead letters: {exc!r}") from exc

    async def discover_centers(self) -> list[str]:
        """The centers whose report streams exist: those the police provisioned before."""
        try:
            names = await self._stream_names(Family.REPORT.all_subjects)
        except (LinkError, nats.errors.Error, TimeoutError) as exc:
            log.warning("link: could not list the centers' streams: %s", exc)
            return []
        owners = (stream_owner(name) for name in names)
        return sorted({o for o in owners if o is not None and o != POLICE})

    async def _stream_names(self, subject: str) -> list[str]:
        """The names of every stream holding subjects that overlap ``subject``, paged."""
        names: list[str] = []
        while True:
            request = json.dumps({"subject": subject, "offset": len(names)}).encode()
            reply = await self.guarded(
                "$JS.API.STREAM.NAMES",
                self.nc.request("$JS.API.STREAM.NAMES", request, timeout=self.publish_timeout_s),
            )
            page = json.loads(reply.data)
            if "error" in page:
                raise LinkUnavailable(f"stream names: {page['error']}")
            got = page.get("streams") or []
            names += got
            if not got or len(names) >= int(page.get("total", 0)):
                return sorted(names)

    async def _read_dead(self, stream: str) -> list[DeadLetter]:
        info = await self.guarded(f"$JS.API.STREAM.INFO.{stream}", self.js.stream_info(stream))
        letters: list[DeadLetter] = []
        if info.state.messages == 0:
            return letters
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                raw = await self.js.get_msg(stream, seq)
            except nats.js.errors.NotFoundError:
                continue
            letters.append(
                dead_letter_from(raw.subject or "", raw.data or b"", dict(raw.headers or {}))
            )
        return letters


def _consumer_config(spec: ConsumerSpec) -> api.ConsumerConfig:
    filters: dict[str, Any] = (
        {"filter_subject": spec.filter_subjects[0]}
        if len(spec.filter_subjects) == 1
        else {"filter_subjects": list(spec.filter_subjects)}
    )
    return api.ConsumerConfig(
        durable_name=spec.durable,
        deliver_policy=api.DeliverPolicy.ALL,
        ack_policy=api.AckPolicy.EXPLICIT,
        ack_wait=spec.ack_wait_s,
        max_deliver=spec.server_max_deliver,
        max_ack_pending=spec.max_ack_pending,
        replay_policy=api.ReplayPolicy.INSTANT,
        **filters,
    )


class _NatsSubscription(Subscription):
    """A pull loop over one durable consumer, feeding one handler a message at a time."""

    def __init__(self, transport: NatsTransport, spec: ConsumerSpec, handler: Handler) -> None:
        self._t = transport
        self._spec = spec
        self._handler = handler
        self._stopping = False
        self._busy = False
        self._sub: NatsSub | None = None
        self._task: asyncio.Task[None] | None = None
        self._next_subject = f"$JS.API.CONSUMER.MSG.NEXT.{spec.stream}.{spec.durable}"

    async def begin(self) -> None:
        nc = self._t.nc
        self._inbox = nc.new_inbox()
        self._sub = await nc.subscribe(self._inbox)
        self._task = asyncio.create_task(self._run(), name=f"link-nats-{self._spec.durable}")

    async def _run(self) -> None:
        assert self._sub is not None
        expires = self._t.pull_expires_s
        while not self._stopping:
            nc = self._t._nc
            if nc is None or not nc.is_connected:
                await asyncio.sleep(0.1)
                continue
            request = {"batch": self._t.pull_batch, "expires": int(expires * 1e9)}
            try:
                await nc.publish(self._next_subject, json.dumps(request).encode(), self._inbox)
            except Exception as exc:
                log.debug("link: pull on %s failed: %r", self._spec.durable, exc)
                await asyncio.sleep(0.2)
                continue
            await self._drain_pull(expires)

    async def _drain_pull(self, expires: float) -> None:
        assert self._sub is not None
        remaining = self._t.pull_batch
        deadline = time.monotonic() + expires + 1.0
        reconnects = self._t.reconnects
        while remaining > 0 and not self._stopping:
            wait = deadline - time.monotonic()
            if wait <= 0 or self._t.reconnects != reconnects:
                return  # the server forgot the pull (restart): ask again
            try:
                msg = await self._sub.next_msg(timeout=min(wait, 0.25))
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            except nats.errors.Error:
                await asyncio.sleep(0.1)
                return
            status = msg.headers.get("Status") if msg.headers else None
            if status == "100":
                continue
            if status is not None:
                # 404 no messages / 408 pull expired / 409 consumer changed: pull again,
                # pausing a little on anything unusual so we do not spin.
                if status not in ("404", "408"):
                    log.debug("link: %s pull ended with status %s", self._spec.durable, status)
                    await asyncio.sleep(0.2)
                return
            remaining -= 1
            self._busy = True
            try:
                await self._process(msg)
            finally:
                self._busy = False

    async def _process(self, msg: Msg) -> None:
        try:
            meta = msg.metadata
        except Exception:
            log.warning("link: %s got a message without JetStream metadata", self._spec.durable)
            return
        headers = dict(msg.headers or {})
        delivery = Delivery(
            msg.subject,
            msg.data,
            meta.num_delivered,
            meta.sequence.stream,
            dedup_id=headers.get(H_MSG_ID),
            publisher=stream_owner(meta.stream),
            headers=headers,
        )
        verdict = await judge(
            delivery, self._spec, self._handler, progress=msg.in_progress, alarms=self._t.alarms
        )
        try:
            if verdict.outcome is Outcome.DEAD:
                envelope, headers = dead_letter_envelope(
                    delivery, self._spec, self._t.site, verdict.reason
                )
                try:
                    await self._t.publish_envelope(envelope, headers)
                except LinkError as exc:
                    log.warning("link: dead-lettering failed, will retry: %s", exc)
                    await msg.nak(delay=self._spec.retry_backoff_s)
                    return
                log.error(
                    "link: %s dead-lettered stream seq %d: %s",
                    self._spec.durable,
                    delivery.stream_seq,
                    verdict.reason,
                )
                await msg.term()
            elif verdict.outcome is Outcome.RETRY:
                await msg.nak(delay=verdict.retry_after_s)
            else:
                await msg.ack()
        except Exception as exc:
            # The ack is lost; JetStream redelivers after AckWait and the inbox drops it.
            log.warning("link: %s could not settle a message: %r", self._spec.durable, exc)

    async def stop(self, grace_s: float = 5.0) -> None:
        self._stopping = True
        if self._task is None or self._task.done():
            await self._unsubscribe()
            return
        if not self._busy:
            await self.abort()  # only waiting on a pull: nothing in hand to finish
        else:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace_s)
            except TimeoutError:
                await self.abort()
        await self._unsubscribe()

    async def abort(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._unsubscribe()

    async def _unsubscribe(self) -> None:
        if self._sub is not None:
            sub, self._sub = self._sub, None
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
