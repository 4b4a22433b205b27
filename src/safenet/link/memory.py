"""The in-process link: the embedded default, with the same delivery semantics as JetStream.

A :class:`MemoryBroker` plays the NATS server for every site running in one process
(``safenet demo``): one stream per family, durable consumers with AckWait, redelivery,
MaxDeliver and dead letters, a duplicate window on message ids, and the same subject
fencing as the generated nats-server configuration. Each site talks to it through its
own :class:`MemoryTransport`. Payloads are stored as encoded bytes, so receivers
decode and validate exactly as they do over NATS.

The broker lives in memory and in one event loop: streams do not survive the process.
Senders' outboxes do, so a restarted process republishes what it had not handed over.
:meth:`MemoryBroker.set_available` simulates the link going down and coming back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from safenet.link.delivery import Delivery, Outcome, dead_letter_envelope, dead_letter_from, judge
from safenet.link.errors import LinkConfigError, LinkForbidden, LinkUnavailable
from safenet.link.fencing import may_consume, permissions_for
from safenet.link.sites import POLICE
from safenet.link.subjects import Family, subject_matches
from safenet.link.topology import STREAMS, ConsumerSpec, StreamSpec, all_consumers
from safenet.link.transport import DeadLetter, Envelope, Handler, Subscription, Transport

log = logging.getLogger(__name__)


@dataclass
class _Stored:
    seq: int
    subject: str
    payload: bytes
    headers: dict[str, str]
    stored_at: float


@dataclass
class _Stream:
    spec: StreamSpec
    max_msgs: int
    messages: dict[int, _Stored] = field(default_factory=dict)
    last_seq: int = 0
    recent_ids: dict[str, float] = field(default_factory=dict)

    def append(self, envelope: Envelope, headers: dict[str, str], now: float) -> bool:
        """Store the message unless its id was seen inside the duplicate window."""
        window = self.spec.duplicate_window_s
        if len(self.recent_ids) > 4096:
            self.recent_ids = {k: t for k, t in self.recent_ids.items() if now - t < window}
        seen = self.recent_ids.get(envelope.message_id)
        if seen is not None and now - seen < window:
            return False
        self.recent_ids[envelope.message_id] = now
        self.last_seq += 1
        self.messages[self.last_seq] = _Stored(
            self.last_seq, envelope.subject, envelope.payload, dict(headers), now
        )
        while len(self.messages) > self.max_msgs:
            del self.messages[next(iter(self.messages))]
        return True


@dataclass
class _Pending:
    deliveries: int = 0
    due: float = 0.0
    in_flight: bool = False


@dataclass
class _ConsumerState:
    spec: ConsumerSpec
    stream: _Stream
    next_seq: int = 1
    pending: dict[int, _Pending] = field(default_factory=dict)

    def pick(self, now: float) -> tuple[_Stored, _Pending] | None:
        for seq in sorted(self.pending):
            p = self.pending[seq]
            if p.in_flight or p.due > now:
                continue
            stored = self.stream.messages.get(seq)
            if stored is None:  # trimmed away by the stream's limits
                del self.pending[seq]
                continue
            return stored, p
        if len(self.pending) >= self.spec.max_ack_pending:
            return None
        while self.next_seq <= self.stream.last_seq:
            seq = self.next_seq
            self.next_seq += 1
            stored = self.stream.messages.get(seq)
            if stored is not None and any(
                subject_matches(f, stored.subject) for f in self.spec.filter_subjects
            ):
                p = self.pending[seq] = _Pending()
                return stored, p
        return None

    def next_due(self, now: float) -> float | None:
        dues = [p.due - now for p in self.pending.values() if not p.in_flight]
        return max(0.0, min(dues)) if dues else None


class MemoryBroker:
    """The in-process stand-in for the NATS server, shared by every site of one process."""

    def __init__(self, *, fenced: bool = True, max_msgs_per_stream: int = 100_000) -> None:
        self.fenced = fenced
        self.available = True
        self._streams = {
            family: _Stream(spec, max_msgs_per_stream) for family, spec in STREAMS.items()
        }
        self._consumers: dict[str, _ConsumerState] = {}
        self._changed = asyncio.Event()

    # -- what the transports use --------------------------------------------------------

    def set_available(self, available: bool) -> None:
        """Take the link down (publishes fail, nothing is delivered) or bring it back."""
        self.available = available
        self._notify()

    def provision(self, specs: Iterable[ConsumerSpec]) -> None:
        for spec in specs:
            state = self._consumers.get(spec.durable)
            if state is None:
                self._consumers[spec.durable] = _ConsumerState(spec, self._streams[spec.family])
            else:
                state.spec = spec

    def consumer_state(self, durable: str) -> _ConsumerState:
        state = self._consumers.get(durable)
        if state is None:
            raise LinkConfigError(
                f"consumer: {durable!r} does not exist; the police must provision it first"
            )
        return state

    def stream_for(self, subject: str) -> _Stream | None:
        for stream in self._streams.values():
            if any(subject_matches(s, subject) for s in stream.spec.subjects):
                return stream
        return None

    def store(self, envelope: Envelope, headers: dict[str, str] | None = None) -> bool:
        """Durably (for this process) accept a message; False when it was a duplicate."""
        if not self.available:
            raise LinkUnavailable("link: the in-process broker is down")
        stream = self.stream_for(envelope.subject)
        if stream is None:
            raise LinkUnavailable(f"subject: no stream stores {envelope.subject}")
        stored = stream.append(envelope, headers or {}, time.monotonic())
        if stored:
            self._notify()
        return stored

    def dead_letters(self) -> list[DeadLetter]:
        stream = self._streams[Family.DEAD]
        return [dead_letter_from(m.subject, m.payload, m.headers) for m in stream.messages.values()]

    async def wait_change(self, within_s: float | None) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), within_s)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


class _MemorySubscription(Subscription):
    def __init__(
        self, broker: MemoryBroker, state: _ConsumerState, handler: Handler, receiver: str
    ) -> None:
        self._broker = broker
        self._state = state
        self._handler = handler
        self._receiver = receiver
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

    async def _deliver(self, stored: _Stored, pending: _Pending) -> None:
        spec = self._state.spec
        pending.in_flight = True
        pending.deliveries += 1
        delivery = Delivery(stored.subject, stored.payload, pending.deliveries, stored.seq)
        try:
            verdict = await judge(delivery, spec, self._handler)
        except BaseException:
            # A crash: the message comes back once AckWait has passed, as on JetStream.
            pending.in_flight = False
            pending.due = time.monotonic() + spec.ack_wait_s
            raise
        pending.in_flight = False
        if verdict.outcome is Outcome.DEAD:
            envelope, headers = dead_letter_envelope(delivery, spec, self._receiver, verdict.reason)
            try:
                self._broker.store(envelope, headers)
            except LinkUnavailable:
                pending.due = time.monotonic() + spec.retry_backoff_s
                return
            log.error("link: %s dead-lettered seq %d: %s", spec.durable, stored.seq, verdict.reason)
        if verdict.outcome is Outcome.RETRY:
            pending.due = time.monotonic() + verdict.retry_after_s
            self._broker._notify()
        else:
            self._state.pending.pop(stored.seq, None)

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

    async def publish_envelope(self, envelope: Envelope) -> None:
        if self.broker.fenced and not self._permissions.may_publish(envelope.subject):
            raise LinkForbidden(f"subject: {self.site} may not publish to {envelope.subject}")
        self.broker.store(envelope)

    async def subscribe(self, spec: ConsumerSpec, handler: Handler) -> Subscription:
        if self.broker.fenced and not may_consume(self.site, spec):
            raise LinkForbidden(f"consumer: {self.site} may not read {spec.durable}")
        state = self.broker.consumer_state(spec.durable)
        sub = _MemorySubscription(self.broker, state, handler, self.site)
        self._subscriptions.append(sub)
        return sub

    async def provision(
        self, centers: Iterable[str], extra_consumers: Iterable[ConsumerSpec] = ()
    ) -> None:
        if self.broker.fenced and self.site != POLICE:
            raise LinkForbidden(f"provision: {self.site} is not the police")
        self.broker.provision([*all_consumers(centers), *extra_consumers])

    async def dead_letters(self) -> list[DeadLetter]:
        if self.broker.fenced and self.site != POLICE:
            raise LinkForbidden(f"dead letters: {self.site} is not the police")
        return self.broker.dead_letters()

    async def close(self) -> None:
        for sub in self._subscriptions:
            await sub.stop()
        self._subscriptions.clear()
