"""The in-process link: the embedded default, with the same delivery semantics as JetStream.

A :class:`MemoryBroker` plays the NATS server for every site running in one process
(``safenet demo``): the same streams (one per site for what the sites send), durable
consumers with AckWait, redelivery, MaxDeliver and dead letters, a duplicate window on
message ids per stream, and the same subject fencing as the generated nats-server
configuration. It knows which site published each message and hands that to the
receivers' checks.

One convenience the NATS server does not offer: a site's own streams exist as soon as
it publishes, and once the police have provisioned any center, a center first heard of
gets the police's consumers at once (every site of the process is configured by the
same composition root). Over NATS the police provision every center first.

Each site talks to the broker through its own :class:`MemoryTransport`. Payloads are
stored as encoded bytes, so receivers decode and validate exactly as they do over NATS.

Without a journal the broker lives in memory only, and a message the relay handed
over (and marked sent) but no receiver had acknowledged dies with the process. With
``MemoryBroker(journal=path)`` the streams, acks, delivery counts, dead letters and
the duplicate window are kept in a SQLite file (:mod:`safenet.link.memory_journal`):
a publish returns once the message is on disk, and after a crash every message a
durable consumer had not acknowledged is delivered to it again, in order, as JetStream
does after a restart. Messages every consumer of their stream has acknowledged, and
expired ones, are pruned every ``prune_interval_s``.

The broker serves one event loop. :meth:`MemoryBroker.set_available` simulates the
link going down and coming back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from safenet.link.alarms import LinkAlarms
from safenet.link.delivery import Delivery, Outcome, dead_letter_envelope, dead_letter_from, judge
from safenet.link.errors import (
    DuplicateFirstPublish,
    LinkConfigError,
    LinkError,
    LinkForbidden,
    LinkUnavailable,
)
from safenet.link.fencing import may_consume, permissions_for
from safenet.link.memory_journal import Journal, JournalState, PrunePlan, StoredMessage
from safenet.link.memory_state import ConsumerState, Pending, Stream
from safenet.link.sites import POLICE
from safenet.link.subjects import Family
from safenet.link.topology import (
    ConsumerSpec,
    StreamSpec,
    all_consumers,
    police_consumers,
    stream_for_subject,
    stream_named,
    streams_for,
)
from safenet.link.transport import DeadLetter, Envelope, Handler, Subscription, Transport

log = logging.getLogger(__name__)

H_PUBLISHER = "Safenet-Publisher"
"""Set by the broker (never by a publisher): the site whose transport stored the message."""


_Planned = tuple[Stream, StoredMessage] | LinkError | None
"""A message on its way in: reserved in a stream, refused, or None for a duplicate."""


class MemoryBroker:
    """The in-process stand-in for the NATS server, shared by every site of one process.

    ``journal``: a SQLite file that makes the streams survive the process (see the
    module docstring); None keeps everything in memory. ``prune_interval_s``: how often
    a journaled broker forgets what every consumer acknowledged. Call :meth:`close`
    when done with a journaled broker.
    """

    def __init__(
        self,
        *,
        fenced: bool = True,
        max_msgs_per_stream: int = 100_000,
        journal: Path | str | None = None,
        prune_interval_s: float = 60.0,
    ) -> None:
        self.fenced = fenced
        self.available = True
        self.prune_interval_s = prune_interval_s
        self.max_msgs_per_stream = max_msgs_per_stream
        self._streams: dict[str, Stream] = {}
        self._consumers: dict[str, ConsumerState] = {}
        self._site_listeners: list[Callable[[str], None]] = []
        self._known_centers: set[str] = set()
        self.police_provisioned = False
        """Set once the police provisioned the link: centers first heard of then join in."""
        self._changed = asyncio.Event()
        self._next_prune = time.monotonic() + prune_interval_s
        self._journal = Journal(journal) if journal is not None else None
        if self._journal is not None:
            self._restore(self._journal.load())

    @property
    def journal_path(self) -> Path | None:
        return self._journal.path if self._journal is not None else None

    def close(self) -> None:
        """Commit whatever the journal still holds and close it (nothing to do without one)."""
        if self._journal is not None:
            self._journal.close()

    # -- what the transports use --------------------------------------------------------

    def set_available(self, available: bool) -> None:
        """Take the link down (publishes fail, nothing is delivered) or bring it back."""
        self.available = available
        self._notify()

    def provision(self, specs: Iterable[ConsumerSpec], streams: Iterable[StreamSpec] = ()) -> None:
        """Create these streams and consumers (and the stream each consumer reads)."""
        specs = list(specs)
        for stream in streams:
            self._stream(stream)
        if self._journal is not None:
            self._journal.provision(specs).result()  # rare (start-up): worth the wait
        for spec in specs:
            if spec.owner == POLICE and spec.source is not None:
                self._known_centers.add(spec.source)
            state = self._consumers.get(spec.durable)
            if state is None:
                self._consumers[spec.durable] = ConsumerState(spec, self._stream(spec.stream_spec))
            else:
                state.spec = spec

    def on_new_center(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(site)`` when a center first heard of gets the police's consumers."""
        self._site_listeners.append(listener)

    def _stream(self, spec: StreamSpec) -> Stream:
        stream = self._streams.get(spec.name)
        if stream is None:
            stream = self._streams[spec.name] = Stream(spec, self.max_msgs_per_stream)
        return stream

    def _welcome(self, site: str) -> None:
        # A center publishing before the police provisioned it: in one process every site
        # comes from the same configuration, so it gets the police's consumers at once.
        if site == POLICE or site in self._known_centers or not self.police_provisioned:
            return
        self.provision(police_consumers([site]))
        for listener in list(self._site_listeners):
            try:
                listener(site)
            except Exception:
                log.exception("link: a new-center listener failed")

    def consumer_state(self, durable: str) -> ConsumerState:
        state = self._consumers.get(durable)
        if state is None:
            raise LinkConfigError(
                f"consumer: {durable!r} does not exist; the police must provision it first"
            )
        return state

    def stream_for(self, subject: str) -> Stream | None:
        spec = stream_for_subject(subject)
        return None if spec is None else self._stream(spec)

    def store(
        self,
        envelope: Envelope,
        headers: dict[str, str] | None = None,
        publisher: str | None = None,
    ) -> bool:
        """Accept one message, blocking until it is journaled; False when it was a duplicate.

        ``publisher``: the site storing it (None: a test injecting raw bytes, which the
        receivers then check by subject only).
        """
        if not self.available:
            raise LinkUnavailable("link: the in-process broker is down")
        planned = self._reserve([(envelope, headers or {})], publisher)
        error: BaseException | None = None
        rows = self._rows(planned)
        if self._journal is not None and rows:
            error = self._journal.append(rows).exception()
        [result] = self._settle(planned, error)
        if result is not None:
            raise result
        return planned[0] is not None

    async def publish(
        self, items: Sequence[tuple[Envelope, dict[str, str]]], publisher: str | None = None
    ) -> list[LinkError | None]:
        """Accept messages in order, in one journal transaction; one error or None each."""
        if not self.available:
            return [LinkUnavailable("link: the in-process broker is down") for _ in items]
        return await self._commit(self._reserve(items, publisher))

    async def dead_letter(
        self, state: ConsumerState, seq: int, envelope: Envelope, headers: dict[str, str]
    ) -> None:
        """Move a consumer's message to the dead-letter stream; both in one transaction."""
        if not self.available:
            raise LinkUnavailable("link: the in-process broker is down")
        [error] = await self._commit(
            self._reserve([(envelope, headers)], state.spec.owner),
            settles=(state.spec.durable, seq),
        )
        if error is not None:
            raise error
        state.pending.pop(seq, None)

    def record_delivery(self, state: ConsumerState, seq: int, deliveries: int) -> None:
        """Note a hand-out, so a message that keeps killing the process is dead-lettered."""
        if self._journal is not None:
            _watch(self._journal.delivered(state.spec.durable, seq, deliveries))

    def ack(self, state: ConsumerState, seq: int) -> None:
        state.pending.pop(seq, None)
        if self._journal is not None:
            # Not awaited: a lost ack only means a redelivery, which the inbox drops.
            _watch(self._journal.acked(state.spec.durable, seq))
            self._maybe_prune()

    def dead_letters(self) -> list[DeadLetter]:
        return [
            dead_letter_from(m.subject, m.payload, m.headers)
            for name in sorted(self._streams)
            if self._streams[name].spec.family is Family.DEAD
            for m in self._streams[name].messages.values()
        ]

    async def prune(self) -> int:
        """Forget now what every consumer acknowledged, and expired messages.

        Returns how many messages left the journal (or memory, without a journal).
        Consumers provisioned afterwards do not see what was pruned.
        """
        return await asyncio.wrap_future(self._prune())

    async def wait_change(self, within_s: float | None) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), within_s)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- storing -------------------------------------------------------------------------

    def _reserve(
        self, items: Sequence[tuple[Envelope, dict[str, str]]], publisher: str | None = None
    ) -> list[_Planned]:
        now = time.time()
        planned: list[_Planned] = []
        batch: set[tuple[str, str]] = set()
        for envelope, headers in items:
            stream = self.stream_for(envelope.subject)
            if stream is None:
                planned.append(LinkUnavailable(f"subject: no stream stores {envelope.subject}"))
                continue
            key = (stream.spec.name, envelope.server_id)
            if key in batch or stream.is_duplicate(envelope.server_id, now):
                planned.append(_duplicate(envelope))
                continue
            batch.add(key)
            stored_headers = dict(headers)
            stored_headers.pop(H_PUBLISHER, None)
            if publisher is not None:
                stored_headers[H_PUBLISHER] = publisher
                self._welcome(stream.spec.owner)
            planned.append((stream, stream.reserve(envelope, stored_headers, now)))
        return planned

    async def _commit(
        self, planned: list[_Planned], settles: tuple[str, int] | None = None
    ) -> list[LinkError | None]:
        rows = self._rows(planned)
        if self._journal is None or not (rows or settles):
            return self._settle(planned, None)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[list[LinkError | None]] = loop.create_future()

        def finish(written: cf.Future[None]) -> None:
            results = self._settle(planned, written.exception())
            if not done.done():
                done.set_result(results)

        # Settled in the loop even if the publisher is cancelled meanwhile: a sequence
        # left in flight would hold back every later message of its stream.
        self._journal.append(rows, ack=settles).add_done_callback(
            lambda written: _call_in(loop, finish, written)
        )
        return await asyncio.shield(done)

    def _rows(self, planned: list[_Planned]) -> list[StoredMessage]:
        return [item[1] for item in planned if isinstance(item, tuple)]

    def _settle(
        self, planned: list[_Planned], error: BaseException | None
    ) -> list[LinkError | None]:
        failure: LinkError | None = None
        if error is not None:
            failure = error if isinstance(error, LinkError) else LinkUnavailable(str(error))
        results: list[LinkError | None] = []
        for item in planned:
            if isinstance(item, tuple):
                stream, stored = item
                if failure is None:
                    stream.commit(stored)
                else:
                    stream.abandon(stored)
                results.append(failure)
            else:
                results.append(item)
        self._notify()
        self._maybe_prune()
        return results

    # -- journal: restore and prune -------------------------------------------------------

    def _restore(self, state: JournalState) -> None:
        names = {*state.messages, *state.last_seq, *state.seen}
        for name in sorted(names):
            spec = stream_named(name)
            if spec is None:
                log.warning("link: journal stream %s is unknown here; its messages stay", name)
                continue
            self._stream(spec)
        by_name = self._streams
        for name, rows in state.messages.items():
            stream = by_name.get(name)
            if stream is None:
                continue
            stream.messages.update((row.seq, row) for row in rows[-stream.max_msgs :])
        for name, last_seq in state.last_seq.items():
            if name in by_name:
                by_name[name].last_seq = max(by_name[name].last_seq, last_seq)
        for name, seen in state.seen.items():
            if name in by_name:
                by_name[name].recent_ids.update(seen)
        for record in state.consumers:
            try:
                stream = self._stream(record.spec.stream_spec)
            except LinkConfigError:  # a consumer of an older release's shared stream
                log.warning("link: journal consumer %s reads no stream here", record.spec.durable)
                continue
            if record.spec.owner == POLICE and record.spec.source is not None:
                self._known_centers.add(record.spec.source)
            self._consumers[record.spec.durable] = ConsumerState(
                record.spec,
                stream,
                next_seq=record.ack_floor + 1,
                acked=record.acked,
                delivered=record.deliveries,
            )
        log.info(
            "link: journal %s restored %d messages and %d consumers",
            self.journal_path,
            sum(len(s.messages) for s in self._streams.values()),
            len(self._consumers),
        )

    def _maybe_prune(self) -> None:
        if self._journal is not None and time.monotonic() >= self._next_prune:
            _watch(self._prune())

    def _prune(self) -> cf.Future[int]:
        self._next_prune = time.monotonic() + self.prune_interval_s
        now = time.time()
        floors = {durable: c.ack_floor() for durable, c in self._consumers.items()}
        keep_from: dict[str, int] = {}
        removed = 0
        for stream in self._streams.values():
            mine = [floors[d] for d, c in self._consumers.items() if c.stream is stream]
            # A stream no consumer reads keeps its messages until they expire.
            before = len(stream.messages)
            keep_from[stream.spec.name] = stream.prune(min(mine, default=0), now)
            removed += before - len(stream.messages)
        if self._journal is None:
            result: cf.Future[int] = cf.Future()
            result.set_result(removed)
            return result
        plan = PrunePlan(
            floors=floors,
            keep_from=keep_from,
            last_seq={s.spec.name: s.last_seq for s in self._streams.values()},
            forget_before={
                s.spec.name: now - s.spec.duplicate_window_s for s in self._streams.values()
            },
        )
        return self._journal.prune(plan)


def _duplicate(envelope: Envelope) -> LinkError | None:
    """What a duplicate id means: nothing for a resend, an alarm for a first publish."""
    if not envelope.expect_new:
        return None
    return DuplicateFirstPublish(
        f"message id: the link already holds {envelope.server_id} on {envelope.subject}, "
        "which this sender never published before"
    )


def _watch(future: cf.Future[Any]) -> None:
    future.add_done_callback(_log_failure)


def _log_failure(future: cf.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("link: journal write failed: %s", future.exception())


def _call_in(
    loop: asyncio.AbstractEventLoop,
    fn: Callable[[cf.Future[None]], None],
    written: cf.Future[None],
) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
        loop.call_soon_threadsafe(fn, written)


class _MemorySubscription(Subscription):
    def __init__(
        self,
        broker: MemoryBroker,
        state: ConsumerState,
        handler: Handler,
        receiver: str,
        alarms: LinkAlarms,
    ) -> None:
        self._broker = broker
        self._state = state
        self._handler = handler
        self._receiver = receiver
        self._alarms = alarms
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"link-memory-{state.spec.durable}")

    async def _run(self) -> None:
        broker, state = self._broker, self._state
        while not self._stopping:
            now = time.monotonic()
            picked = state.pick(now) if broker.available else None
            if picked is None:
                await broker.wait_change(state.next_due(now) if broker.available else 0.1)
                continue
            stored, pending = picked
            await self._deliver(stored, pending)

    async def _deliver(self, stored: StoredMessage, pending: Pending) -> None:
        broker, state = self._broker, self._state
        spec = state.spec
        pending.in_flight = True
        pending.deliveries += 1
        broker.record_delivery(state, stored.seq, pending.deliveries)
        delivery = Delivery(
            stored.subject,
            stored.payload,
            pending.deliveries,
            stored.seq,
            dedup_id=stored.message_id,
            publisher=stored.headers.get(H_PUBLISHER),
            headers=stored.headers,
        )
        try:
            verdict = await judge(delivery, spec, self._handler, alarms=self._alarms)
        except BaseException:
            # A crash: the message comes back once AckWait has passed, as on JetStream.
            pending.in_flight = False
            pending.due = time.monotonic() + spec.ack_wait_s
            raise
        pending.in_flight = False
        if verdict.outcome is Outcome.RETRY:
            pending.due = time.monotonic() + verdict.retry_after_s
            broker._notify()
        elif verdict.outcome is Outcome.DEAD:
            envelope, headers = dead_letter_envelope(delivery, spec, self._receiver, verdict.reason)
            try:
                await broker.dead_letter(state, stored.seq, envelope, headers)
            except LinkUnavailable:
                pending.due = time.monotonic() + spec.retry_backoff_s
                return
            log.error("link: %s dead-lettered seq %d: %s", spec.durable, stored.seq, verdict.reason)
        else:
            broker.ack(state, stored.seq)

    async def stop(self, grace_s: float = 5.0) -> None:
        self._stopping = True
        if self._task.done():
            return
        self._broker._notify()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_s)
        except TimeoutError:
            await self.abort()

    async def abort(self) -> None:
        self._stopping = True
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


class MemoryTransport(Transport):
    """One site's connection to the in-process broker."""

    def __init__(self, broker: MemoryBroker, site: str) -> None:
        super().__init__(site)
        self.broker = broker
        self._permissions = permissions_for(self.site)
        self._subscriptions: list[_MemorySubscription] = []
        self._joining: set[asyncio.Task[None]] = set()
        if self.site == POLICE:
            broker.on_new_center(self._center_joined)

    def _center_joined(self, site: str) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self.centers_provisioned([site]))
        self._joining.add(task)
        task.add_done_callback(self._joining.discard)

    def _forbidden(self, subject: str) -> LinkForbidden | None:
        if self.broker.fenced and not self._permissions.may_publish(subject):
            return LinkForbidden(f"subject: {self.site} may not publish to {subject}")
        return None

    async def publish_envelope(self, envelope: Envelope) -> None:
        forbidden = self._forbidden(envelope.subject)
        if forbidden is not None:
            raise forbidden
        [error] = await self.broker.publish([(envelope, {})], self.site)
        if error is not None:
            raise error

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        """Publish in order as one journal transaction (one fsync for the whole batch)."""
        results: list[LinkError | None] = [self._forbidden(e.subject) for e in envelopes]
        allowed = [i for i, error in enumerate(results) if error is None]
        outcomes = await self.broker.publish([(envelopes[i], {}) for i in allowed], self.site)
        for i, outcome in zip(allowed, outcomes, strict=True):
            results[i] = outcome
        return results

    async def subscribe(self, spec: ConsumerSpec, handler: Handler) -> Subscription:
        if self.broker.fenced and not may_consume(self.site, spec):
            raise LinkForbidden(f"consumer: {self.site} may not read {spec.durable}")
        state = self.broker.consumer_state(spec.durable)
        sub = _MemorySubscription(self.broker, state, handler, self.site, self.alarms)
        self._subscriptions.append(sub)
        return sub

    async def _provision(self, centers: list[str], extra_consumers: list[ConsumerSpec]) -> None:
        if self.broker.fenced and self.site != POLICE:
            raise LinkForbidden(f"provision: {self.site} is not the police")
        self.broker.provision([*all_consumers(centers), *extra_consumers], streams_for(centers))
        self.broker.police_provisioned = True

    async def dead_letters(self) -> list[DeadLetter]:
        if self.broker.fenced and self.site != POLICE:
            raise LinkForbidden(f"dead letters: {self.site} is not the police")
        return self.broker.dead_letters()

    async def close(self) -> None:
        for sub in self._subscriptions:
            await sub.stop()
        self._subscriptions.clear()
