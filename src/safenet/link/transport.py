"""The one interface every link transport implements (in-process or NATS JetStream).

Guarantees every implementation keeps, so code and tests written against one hold on
the other:

- :meth:`Transport.publish` returns only once the message is durably accepted (the
  server's PubAck for NATS) and raises :class:`LinkUnavailable` otherwise; publishing
  the same message id again inside the duplicate window is accepted and dropped —
  unless the envelope says it was never published before (``expect_new``), when a
  "duplicate" answer is :class:`DuplicateFirstPublish` instead: someone else used the id.
- De-duplication is per site: each site's messages have their own streams, so no site
  can publish into another site's de-duplication window.
- :meth:`Transport.subscribe` delivers at least once, in stream order, one message at
  a time per subscription. The message is acknowledged after the handler returns and
  redelivered (after a growing delay) when it raises. After ``max_deliver`` failed
  attempts, or at once when the payload is not a valid message or arrived on a subject
  that is not its own, it goes to the receiver's dead-letter subject with the reason
  and the consumer moves on. A receiver that dies mid-message gets it again after the
  consumer's AckWait.
- Fencing: a site publishes only on its own subjects and pulls only from its own
  consumers (:class:`LinkForbidden` otherwise).
- Receipt: a message whose subject's site, publishing account's site and own ``site``
  differ, or whose de-duplication id is not its own, is dead-lettered and raises an
  alarm on the receiver's :attr:`Transport.alarms` (:mod:`safenet.link.alarms`).

Receivers must be idempotent on ``message.message_id`` (see :mod:`safenet.link.inbox`).
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from safenet.link.alarms import LinkAlarms
from safenet.link.codec import encode
from safenet.link.errors import LinkConfigError, LinkError
from safenet.link.messages import LinkMessage, Message, message_type
from safenet.link.sites import POLICE, validate_center, validate_site
from safenet.link.subjects import Family
from safenet.link.topology import ConsumerSpec, consumer, police_reads

Handler = Callable[[Message], Awaitable[None]]
"""A receiver's handler: returns when the message is processed (and committed)."""


@dataclass(frozen=True)
class Envelope:
    """A message ready to publish: its subject, id and encoded bytes (as an outbox row holds it).

    ``dedup_id`` is the id the server de-duplicates on (``Nats-Msg-Id``); None means
    the message id. A relay republishing a message whose id someone else took uses
    ``<message id>:<fresh token>`` (receivers accept exactly that form). ``expect_new``
    says the sender never published it before, so a "duplicate" answer is an alarm
    (:class:`safenet.link.errors.DuplicateFirstPublish`), not a success.
    """

    subject: str
    message_id: str
    payload: bytes
    message_type: str
    dedup_id: str | None = None
    expect_new: bool = False

    @property
    def server_id(self) -> str:
        """The id the server de-duplicates on."""
        return self.dedup_id or self.message_id

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


REPUBLISH_SEPARATOR = ":"
"""Between a message id and the fresh token of a republished copy's de-duplication id."""


def dedup_id_is_own(dedup_id: str | None, message_id: str) -> bool:
    """Whether a delivered message's de-duplication id is its own (or a republished copy's)."""
    if not dedup_id:
        return True
    return dedup_id == message_id or (
        dedup_id.startswith(message_id + REPUBLISH_SEPARATOR)
        and len(dedup_id) > len(message_id) + 1
    )


class FamilySubscription(Subscription):
    """The police reading one family from every center's stream, one consumer per center.

    It grows when the police provision a new center (:meth:`Transport.provision`).
    """

    def __init__(self, transport: Transport, family: Family, handler: Handler) -> None:
        self._transport = transport
        self.family = family
        self._handler = handler
        self._subs: dict[str, Subscription] = {}
        self._stopped = False

    @property
    def centers(self) -> list[str]:
        return sorted(self._subs)

    async def add(self, centers: Iterable[str]) -> None:
        for center in centers:
            if self._stopped or center in self._subs:
                continue
            spec = consumer(POLICE, self.family, source=center)
            self._subs[center] = await self._transport.subscribe(spec, self._handler)

    async def stop(self, grace_s: float = 5.0) -> None:
        self._stopped = True
        for sub in list(self._subs.values()):
            await sub.stop(grace_s)
        with contextlib.suppress(ValueError):
            self._transport._groups.remove(self)

    async def abort(self) -> None:
        self._stopped = True
        for sub in list(self._subs.values()):
            await sub.abort()
        with contextlib.suppress(ValueError):
            self._transport._groups.remove(self)


class Transport(abc.ABC):
    """One site's connection to the link.

    ``alarms`` collects what this site's link caught (:mod:`safenet.link.alarms`);
    ``centers`` are the centers the police provisioned through this transport.
    """

    def __init__(self, site: str) -> None:
        self.site = validate_site(site)
        self.alarms = LinkAlarms(self.site)
        self.centers: set[str] = set()
        self._groups: list[FamilySubscription] = []

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Connect (no-op for transports that need no connection)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Stop every subscription and disconnect."""

    @property
    def problem(self) -> str | None:
        """Why the link is down, for ``/healthz`` and the log (None: up, or no connection)."""
        return None

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
        """Subscribe to this site's own consumer of ``family``.

        For the police, that is one consumer per provisioned center (every center's
        stream of the family), and centers provisioned later join in.
        """
        if self.site != POLICE:
            return await self.subscribe(consumer(self.site, family), handler)
        if not police_reads(family):
            raise LinkConfigError(f"family: the police do not read {family.value} messages")
        if not self.centers:
            self.centers.update(await self.discover_centers())
        group = FamilySubscription(self, family, handler)
        self._groups.append(group)
        await group.add(sorted(self.centers))
        return group

    async def discover_centers(self) -> list[str]:
        """The centers the link already has streams for (police only; [] when unknown)."""
        return []

    async def provision(
        self, centers: Iterable[str], extra_consumers: Iterable[ConsumerSpec] = ()
    ) -> None:
        """Create or update every stream and the consumers of these centers (police only).

        Every center's own streams are created here: a center the police have not
        provisioned cannot publish (its messages have no stream).
        """
        centers = [validate_center(c) for c in dict.fromkeys(centers)]
        await self._provision(centers, list(extra_consumers))
        await self.centers_provisioned(centers)

    async def centers_provisioned(self, centers: Iterable[str]) -> None:
        """Note centers that now have streams and consumers; family subscriptions grow."""
        new = [c for c in centers if c not in self.centers]
        self.centers.update(new)
        for group in list(self._groups):
            await group.add(new)

    @abc.abstractmethod
    async def _provision(self, centers: list[str], extra_consumers: list[ConsumerSpec]) -> None:
        """Create or update the streams and consumers (police only)."""

    @abc.abstractmethod
    async def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter kept on the link (police only): for operators and tests."""


def link_health(transport: Transport) -> dict[str, str]:
    """For ``/healthz``: ``link`` is ``up`` or ``down``; ``link_error`` says why it is down."""
    problem = transport.problem
    return {"link": "up"} if problem is None else {"link": "down", "link_error": problem}
