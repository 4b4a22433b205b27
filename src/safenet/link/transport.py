"""The one interface every link transport implements (in-process or NATS JetStream).

Guarantees every implementation keeps, so code and tests written against one hold on
the other:

- :meth:`Transport.publish` returns only once the message is durably accepted (the
  server's PubAck for NATS) and raises :class:`LinkUnavailable` otherwise; publishing
  the same message id again inside the duplicate window is accepted and dropped.
- :meth:`Transport.subscribe` delivers at least once, in stream order, one message at
  a time per subscription. The message is acknowledged after the handler returns and
  redelivered (after a growing delay) when it raises. After ``max_deliver`` failed
  attempts, or at once when the payload is not a valid message or arrived on a subject
  that is not its own, it goes to the receiver's dead-letter subject with the reason
  and the consumer moves on. A receiver that dies mid-message gets it again after the
  consumer's AckWait.
- Fencing: a site publishes only on its own subjects and pulls only from its own
  consumers (:class:`LinkForbidden` otherwise).

Receivers must be idempotent on ``message.message_id`` (see :mod:`safenet.link.inbox`).
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from safenet.link.codec import encode
from safenet.link.errors import LinkError
from safenet.link.messages import LinkMessage, Message, message_type
from safenet.link.sites import validate_site
from safenet.link.subjects import Family
from safenet.link.topology import ConsumerSpec, consumer

Handler = Callable[[Message], Awaitable[None]]
"""A receiver's handler: returns when the message is processed (and committed)."""


@dataclass(frozen=True)
class Envelope:
    """A message ready to publish: its subject, id and encoded bytes (as an outbox row holds it)."""

    subject: str
    message_id: str
    payload: bytes
    message_type: str

    @classmethod
    def of(cls, message: LinkMessage) -> Envelope:
        return cls(
            subject=message.subject,
            message_id=message.message_id,
            payload=encode(message),
            message_type=message_type(message),
        )


@dataclass(frozen=True)
class DeadLetter:
    """A message a receiver gave up on, as found on the dead-letter subject."""

    subject: str
    original_subject: str
    receiver: str
    reason: str
    deliveries: int
    payload: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Subscription(abc.ABC):
    """A running consumer loop feeding one handler."""

    @abc.abstractmethod
    async def stop(self, grace_s: float = 5.0) -> None:
        """Stop pulling; let the message in hand finish (up to ``grace_s``), then return."""

    @abc.abstractmethod
    async def abort(self) -> None:
        """Stop at once, as a crash would: the message in hand is redelivered after AckWait."""


class Transport(abc.ABC):
    """One site's connection to the link."""

    def __init__(self, site: str) -> None:
        self.site = validate_site(site)

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Connect (no-op for transports that need no connection)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Stop every subscription and disconnect."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def publish(self, message: LinkMessage) -> None:
        """Publish one message; return once it is durably accepted."""
        await self.publish_envelope(Envelope.of(message))

    @abc.abstractmethod
    async def publish_envelope(self, envelope: Envelope) -> None:
        """Publish pre-encoded bytes (what the outbox relay does)."""

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        """Publish several messages, in order, waiting for all acknowledgements.

        Returns one entry per envelope: None when accepted, else the error. Transports
        that can pipeline (NATS) send them all before awaiting the acknowledgements.
        """
        results: list[LinkError | None] = []
        for envelope in envelopes:
            try:
                await self.publish_envelope(envelope)
            except LinkError as exc:
                results.append(exc)
            else:
                results.append(None)
        return results

    @abc.abstractmethod
    async def subscribe(self, spec: ConsumerSpec, handler: Handler) -> Subscription:
        """Start feeding the consumer ``spec``'s messages to ``handler``."""

    async def subscribe_family(self, family: Family, handler: Handler) -> Subscription:
        """Subscribe to this site's own consumer of ``family``."""
        return await self.subscribe(consumer(self.site, family), handler)

    @abc.abstractmethod
    async def provision(
        self, centers: Iterable[str], extra_consumers: Iterable[ConsumerSpec] = ()
    ) -> None:
        """Create or update every stream and the consumers of these centers (police only)."""

    @abc.abstractmethod
    async def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter kept on the link (police only): for operators and tests."""
