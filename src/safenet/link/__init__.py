"""The police-center link: the only path between the police network and the centers'.

Everything that crosses is a typed, versioned message (:mod:`.messages`) with a
deterministic id; nothing else can cross — there is no message that carries or asks
for a read that did not hit. Messages travel through a :class:`Transport`: the
in-process :class:`MemoryTransport` (embedded default) or :class:`NatsTransport`
(NATS JetStream), with the same at-least-once, ack/redelivery/dead-letter semantics.

Sending (a center reporting a hit)::

    from safenet.link import LocationReport, Relay, outbox
    with db.begin() as conn:                 # the hit and its report commit together
        conn.execute(insert(hits).values(...))
        outbox.enqueue(conn, LocationReport(site="seocho", hit_id=..., ...))
    relay = Relay(db, transport); await relay.start(); relay.notify()

Receiving (the police taking reports)::

    from safenet.link import Family, inbox
    async def on_report(message):
        def store():
            with db.begin() as conn:
                if inbox.first_receipt(conn, message):   # once per message id
                    conn.execute(insert(locations).values(...))
        await asyncio.to_thread(store)
    await transport.subscribe_family(Family.REPORT, on_report)

See docs/link.md for subjects, families, fencing and every message's schema.
"""

from __future__ import annotations

from safenet.link import inbox, outbox
from safenet.link.alarms import Alarm, AlarmKind, LinkAlarms
from safenet.link.codec import decode, decode_as, encode
from safenet.link.errors import (
    DuplicateFirstPublish,
    InvalidMessage,
    LinkConfigError,
    LinkError,
    LinkForbidden,
    LinkUnavailable,
    MessageRefused,
)
from safenet.link.fencing import Permissions, permissions_for
from safenet.link.memory import MemoryBroker, MemoryTransport
from safenet.link.messages import (
    MESSAGE_TYPES,
    REPORT_SCHEMA_VERSION,
    SCHEMA_VERSION,
    AuditHead,
    CameraAnnouncement,
    CameraRegistry,
    Coordinates,
    EvidenceDenial,
    EvidencePackage,
    EvidencePart,
    EvidenceRequest,
    Heartbeat,
    HitUpdate,
    HotlistAck,
    HotlistDelta,
    HotlistEntry,
    HotlistSnapshot,
    LinkMessage,
    LocationReport,
    LookupCapExceeded,
    Message,
    message_type,
)
from safenet.link.relay import Relay
from safenet.link.sites import ALL_CENTERS, POLICE, validate_center, validate_site
from safenet.link.subjects import Family, dead_subject
from safenet.link.topology import (
    STREAMS,
    ConsumerSpec,
    StreamSpec,
    all_consumers,
    center_consumers,
    consumer,
    police_consumers,
    stream_name,
    streams_for,
)
from safenet.link.transport import (
    DeadLetter,
    Envelope,
    FamilySubscription,
    Handler,
    Subscription,
    Transport,
)
from safenet.vocabulary import Category, MatchLevel

__all__ = [
    "ALL_CENTERS",
    "MESSAGE_TYPES",
    "POLICE",
    "REPORT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "STREAMS",
    "Alarm",
    "AlarmKind",
    "AuditHead",
    "CameraAnnouncement",
    "CameraRegistry",
    "Category",
    "ConsumerSpec",
    "Coordinates",
    "DeadLetter",
    "DuplicateFirstPublish",
    "Envelope",
    "EvidenceDenial",
    "EvidencePackage",
    "EvidencePart",
    "EvidenceRequest",
    "Family",
    "FamilySubscription",
    "Handler",
    "Heartbeat",
    "HitUpdate",
    "HotlistAck",
    "HotlistDelta",
    "HotlistEntry",
    "HotlistSnapshot",
    "InvalidMessage",
    "LinkAlarms",
    "LinkConfigError",
    "LinkError",
    "LinkForbidden",
    "LinkMessage",
    "LinkUnavailable",
    "LocationReport",
    "LookupCapExceeded",
    "MatchLevel",
    "MemoryBroker",
    "MemoryTransport",
    "Message",
    "MessageRefused",
    "Permissions",
    "Relay",
    "StreamSpec",
    "Subscription",
    "Transport",
    "all_consumers",
    "center_consumers",
    "consumer",
    "dead_subject",
    "decode",
    "decode_as",
    "encode",
    "inbox",
    "message_type",
    "outbox",
    "permissions_for",
    "police_consumers",
    "stream_name",
    "streams_for",
    "validate_center",
    "validate_site",
]
