"""What a receiver does with one delivery: handle it, retry it later, or dead-letter it.

Both transports run every delivery through :func:`judge`, so acknowledgement,
redelivery, max-deliver and dead-letter rules are the same code on both.

Before the handler sees a message, :func:`judge` checks where it came from: the
subject's site, the site of the account that could have put it into its stream
(``Delivery.publisher``) and the message's own ``site`` must agree, and its
de-duplication id must be its own message id. A message that fails is dead-lettered
at once and raises an alarm (:mod:`safenet.link.alarms`).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.codec import decode
from safenet.link.errors import InvalidMessage, MessageRefused
from safenet.link.subjects import dead_subject, family_of, site_of
from safenet.link.topology import ConsumerSpec
from safenet.link.transport import DeadLetter, Envelope, Handler, dedup_id_is_own

log = logging.getLogger(__name__)

H_REASON = "Safenet-Dead-Reason"
H_ORIGINAL_SUBJECT = "Safenet-Original-Subject"
H_DELIVERIES = "Safenet-Deliveries"
H_RECEIVER = "Safenet-Receiver"
H_STREAM_SEQ = "Safenet-Stream-Seq"
H_MSG_ID = "Nats-Msg-Id"


@dataclass(frozen=True)
class Delivery:
    """One delivery of a stored message to a consumer.

    ``dedup_id`` is the id the server de-duplicated the message on (``Nats-Msg-Id``);
    ``publisher`` the site whose credentials alone could have stored it (the owner of
    its per-site stream on NATS; the publishing transport's site in-process), or None
    when the transport cannot tell.
    """

    subject: str
    payload: bytes
    num_delivered: int
    stream_seq: int
    dedup_id: str | None = None
    publisher: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Outcome(enum.Enum):
    ACK = "ack"
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True)
class Verdict:
    """What to do with a delivery once judged."""

    outcome: Outcome
    retry_after_s: float = 0.0
    reason: str = ""


def retry_delay(spec: ConsumerSpec, num_delivered: int) -> float:
    """How long to wait before the next attempt: doubling from the consumer's backoff."""
    return float(min(spec.ack_wait_s, spec.retry_backoff_s * 2 ** max(0, num_delivered - 1)))


def _refuse(
    alarms: LinkAlarms | None,
    kind: AlarmKind,
    delivery: Delivery,
    reason: str,
    message_id: str = "",
) -> Verdict:
    if alarms is not None:
        alarms.raise_alarm(
            kind,
            site=delivery.publisher or site_of(delivery.subject) or "?",
            subject=delivery.subject,
            message_id=message_id or delivery.dedup_id or "",
            detail=reason,
        )
    return Verdict(Outcome.DEAD, reason=reason)


async def judge(
    delivery: Delivery,
    spec: ConsumerSpec,
    handler: Handler,
    progress: Callable[[], Awaitable[None]] | None = None,
    alarms: LinkAlarms | None = None,
) -> Verdict:
    """Run ``handler`` on the delivery and say whether to ack, retry or dead-letter it.

    A delivery that fails the receipt checks is dead-lettered and raises an alarm on
    ``alarms`` (when given).
    """
    n = delivery.num_delivered
    if n > spec.max_deliver:
        return Verdict(
            Outcome.DEAD,
            reason=f"delivered {n} times without an acknowledgement (the receiver died or "
            f"overran AckWait each time); max_deliver is {spec.max_deliver}",
        )
    try:
        message = decode(delivery.payload)
    except InvalidMessage as exc:
        return _refuse(alarms, AlarmKind.INVALID_MESSAGE, delivery, str(exc))
    if message.subject != delivery.subject:
        return _refuse(
            alarms,
            AlarmKind.SITE_MISMATCH,
            delivery,
            f"subject: a {type(message).__name__} for {message.subject} arrived on "
            f"{delivery.subject} (a site publishing as another?)",
            message.message_id,
        )
    if delivery.publisher is not None and delivery.publisher != message.sender:
        return _refuse(
            alarms,
            AlarmKind.SITE_MISMATCH,
            delivery,
            f"site: a {type(message).__name__} of {message.sender} was stored by "
            f"{delivery.publisher}'s account",
            message.message_id,
        )
    if not dedup_id_is_own(delivery.dedup_id, message.message_id):
        return _refuse(
            alarms,
            AlarmKind.FORGED_MESSAGE_ID,
            delivery,
            f"message id: published under de-duplication id {delivery.dedup_id!r}, which "
            f"is not its own ({message.message_id}): an attempt to take another "
            "message's id?",
            message.message_id,
        )
    ticker = asyncio.create_task(_tick(progress, spec.ack_wait_s / 3)) if progress else None
    try:
        await handler(message)
    except asyncio.CancelledError:
        raise
    except MessageRefused as exc:
        log.error("link: %s refused %s: %s", spec.durable, message.message_id, exc)
        return Verdict(Outcome.DEAD, reason=f"refused: {exc}")
    except Exception as exc:
        if n >= spec.max_deliver:
            log.error(
                "link: %s %s failed %d times, dead-lettering: %r",
                spec.durable,
                message.message_id,
                n,
                exc,
            )
            return Verdict(Outcome.DEAD, reason=f"handler failed {n} times: {exc!r}")
        delay = retry_delay(spec, n)
        log.warning(
            "link: %s %s failed (attempt %d), retry in %.1fs: %r",
            spec.durable,
            message.message_id,
            n,
            delay,
            exc,
        )
        return Verdict(Outcome.RETRY, retry_after_s=delay)
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
    return Verdict(Outcome.ACK)


async def _tick(progress: Callable[[], Awaitable[None]], every: float) -> None:
    # Tell the server we are still working so it does not hand the message to another
    # receiver while a slow handler (a big hotlist snapshot) runs.
    while True:
        await asyncio.sleep(max(every, 0.05))
        try:
            await progress()
        except Exception as exc:  # the ack path will notice a dead connection
            log.debug("link: in-progress signal failed: %r", exc)


def dead_letter_envelope(
    delivery: Delivery, spec: ConsumerSpec, receiver: str, reason: str
) -> tuple[Envelope, dict[str, str]]:
    """The dead letter for a delivery: the original bytes, with why and where in headers."""
    family = family_of(delivery.subject) or spec.family
    headers = {
        H_REASON: _header_value(reason),
        H_ORIGINAL_SUBJECT: delivery.subject,
        H_DELIVERIES: str(delivery.num_delivered),
        H_RECEIVER: receiver,
        H_STREAM_SEQ: str(delivery.stream_seq),
    }
    envelope = Envelope(
        subject=dead_subject(receiver, family),
        message_id=f"dead:{spec.stream}:{spec.durable}:{delivery.stream_seq}",
        payload=delivery.payload,
        message_type="dead_letter",
    )
    return envelope, headers


def dead_letter_from(subject: str, payload: bytes, headers: dict[str, str]) -> DeadLetter:
    """Read back a dead letter from its subject, payload and headers."""
    return DeadLetter(
        subject=subject,
        original_subject=headers.get(H_ORIGINAL_SUBJECT, ""),
        receiver=headers.get(H_RECEIVER, ""),
        reason=headers.get(H_REASON, ""),
        deliveries=int(headers.get(H_DELIVERIES, "0") or 0),
        payload=payload,
        headers=dict(headers),
    )


def _header_value(text: str, limit: int = 1000) -> str:
    # NATS header values are single lines.
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
