"""Turning link messages into bytes and back, refusing anything that is not a valid message.

JSON (msgspec) on the wire: readable in a dead-letter queue, cheap to validate. Both
directions validate strictly — a sender cannot put an invalid message into its outbox,
and a receiver turns any bad payload into :class:`InvalidMessage` (which the transports
dead-letter with its reason) instead of crashing.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from safenet.link.errors import InvalidMessage
from safenet.link.messages import LinkMessage, Message

M = TypeVar("M", bound=LinkMessage)

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[Message] = msgspec.json.Decoder(Message)


def encode(message: LinkMessage) -> bytes:
    """The message's wire bytes; raises InvalidMessage if any field breaks the schema."""
    if not isinstance(message, LinkMessage):
        raise InvalidMessage(f"message: {type(message).__name__} is not a link message")
    data = _encoder.encode(message)
    # Structs are not validated when built in Python; the strict decode is the check.
    decoded = decode(data)
    if decoded.message_id != message.message_id:  # pragma: no cover - guarded by __post_init__
        raise InvalidMessage("message_id: changed by a round trip")
    return data


def decode(data: bytes | bytearray | memoryview) -> Message:
    """The message in ``data``; raises InvalidMessage naming the field and the reason."""
    try:
        return _decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise InvalidMessage(f"invalid message: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise InvalidMessage(f"undecodable message: {exc}") from exc


def decode_as(data: bytes | bytearray | memoryview, kind: type[M]) -> M:
    """Decode and require a particular message type."""
    message = decode(data)
    if not isinstance(message, kind):
        raise InvalidMessage(f"type: expected {kind.__name__}, got {type(message).__name__}")
    return message
