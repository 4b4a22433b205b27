"""The in-process broker's state: streams, pending deliveries and durable consumers.

:class:`~safenet.link.memory.MemoryBroker` keeps one :class:`Stream` per JetStream
stream (per site for what the sites send) and one :class:`ConsumerState` per durable
consumer; the journal (:mod:`safenet.link.memory_journal`) makes both survive a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safenet.link.memory_journal import StoredMessage
from safenet.link.subjects import subject_matches
from safenet.link.topology import ConsumerSpec, StreamSpec
from safenet.link.transport import Envelope


@dataclass
class Stream:
    """One stream's stored messages, its last sequence and its duplicate window."""

    spec: StreamSpec
    max_msgs: int
    messages: dict[int, StoredMessage] = field(default_factory=dict)  # stored_at: wall clock
    last_seq: int = 0
    recent_ids: dict[str, float] = field(default_factory=dict)
    inflight: set[int] = field(default_factory=set)
    """Sequences given to messages whose journal commit has not returned yet."""

    @property
    def visible(self) -> int:
        """Consumers read up to here: a message waits until it and all before it are stored."""
        return min(self.inflight) - 1 if self.inflight else self.last_seq

    def is_duplicate(self, message_id: str, now: float) -> bool:
        """Whether the id was stored inside the duplicate window.

        An id counts once its message is committed: two publishes of one id racing each
        other (never one relay's) are both stored, and the receivers' inbox drops one.
        """
        window = self.spec.duplicate_window_s
        if len(self.recent_ids) > 4096:
            self.recent_ids = {k: t for k, t in self.recent_ids.items() if now - t < window}
        seen = self.recent_ids.get(message_id)
        return seen is not None and now - seen < window

    def reserve(self, envelope: Envelope, headers: dict[str, str], now: float) -> StoredMessage:
        """Give the message the next sequence; it is stored by :meth:`commit`."""
        self.last_seq += 1
        self.inflight.add(self.last_seq)
        return StoredMessage(
            self.spec.name,
            self.last_seq,
            envelope.subject,
            envelope.server_id,
            envelope.payload,
            headers,
            now,
        )

    def commit(self, stored: StoredMessage) -> None:
        self.inflight.discard(stored.seq)
        self.recent_ids[stored.message_id] = stored.stored_at
        overtook = bool(self.messages) and stored.seq < next(reversed(self.messages))
        self.messages[stored.seq] = stored
        if overtook:  # a blocking store() finished before an earlier publish: keep order
            self.messages = dict(sorted(self.messages.items()))
        while len(self.messages) > self.max_msgs:
            del self.messages[next(iter(self.messages))]

    def abandon(self, stored: StoredMessage) -> None:
        self.inflight.discard(stored.seq)

    def prune(self, acked_up_to: int, now: float) -> int:
        """Drop the acknowledged and expired front of the stream; return the first seq kept."""
        expired = now - self.spec.max_age_s
        while self.messages:
            seq, oldest = next(iter(self.messages.items()))
            if seq > acked_up_to and oldest.stored_at >= expired:
                break
            del self.messages[seq]
        window = self.spec.duplicate_window_s
        self.recent_ids = {k: t for k, t in self.recent_ids.items() if now - t < window}
        # Never past a message still on its way to the journal.
        return min(next(iter(self.messages), self.visible + 1), self.visible + 1)


@dataclass
class Pending:
    """A message handed to a consumer and not yet settled: deliveries and when it is due."""

    deliveries: int = 0
    due: float = 0.0
    in_flight: bool = False


@dataclass
class ConsumerState:
    """A durable consumer's place in its stream: what it delivered, acked and holds."""

    spec: ConsumerSpec
    stream: Stream
    next_seq: int = 1
    pending: dict[int, Pending] = field(default_factory=dict)
    acked: set[int] = field(default_factory=set)
    """Acknowledged sequences at or past ``next_seq`` (restored from a journal)."""
    delivered: dict[int, int] = field(default_factory=dict)
    """Delivery counts of not-yet-picked sequences (restored from a journal)."""

    def pick(self, now: float) -> tuple[StoredMessage, Pending] | None:
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
        visible = self.stream.visible
        while self.next_seq <= visible:
            seq = self.next_seq
            self.next_seq += 1
            if seq in self.acked:
                self.acked.discard(seq)
                continue
            stored = self.stream.messages.get(seq)
            if stored is not None and any(
                subject_matches(f, stored.subject) for f in self.spec.filter_subjects
            ):
                p = self.pending[seq] = Pending(deliveries=self.delivered.pop(seq, 0))
                return stored, p
        return None

    def next_due(self, now: float) -> float | None:
        dues = [p.due - now for p in self.pending.values() if not p.in_flight]
        return max(0.0, min(dues)) if dues else None

    def ack_floor(self) -> int:
        """Every sequence up to here is acknowledged, dead-lettered or not for this consumer."""
        return min(min(self.pending, default=self.next_seq), self.next_seq) - 1
