"""The messages that may cross between the police and the centers — and nothing else.

Each message is a frozen msgspec Struct tagged by its ``type`` field, with a
``schema_version`` and a ``message_id`` derived deterministically from the message's
natural key (a LocationReport's id is fixed by its center and hit id, a hotlist
delta's by its target and version …). The same fact therefore always yields the same
id, however often a crashed sender re-creates it: that id is the JetStream
``Nats-Msg-Id`` (the server drops republished copies inside its duplicate window) and
the receiver's inbox key (it drops the rest).

No message carries a read that did not hit a wanted entry: a LocationReport exists only
for a hit, and there is no message that asks a center for its reads.

Encode with :func:`safenet.link.codec.encode` (which validates) and decode with
:func:`safenet.link.codec.decode` (strict: unknown fields, wrong types, bad site ids
and a ``message_id`` that does not match its natural key are all refused).

One module per family: :mod:`.base` (what every message is), :mod:`.hotlist`,
:mod:`.hits`, :mod:`.evidence`, :mod:`.system`; this package names them all.
"""

from __future__ import annotations

from safenet.link.messages.base import (
    _ID_NAMESPACE as _ID_NAMESPACE,
)
from safenet.link.messages.base import (
    REPORT_SCHEMA_VERSION as REPORT_SCHEMA_VERSION,
)
from safenet.link.messages.base import (
    SCHEMA_VERSION as SCHEMA_VERSION,
)
from safenet.link.messages.base import (
    HotlistVersion as HotlistVersion,
)
from safenet.link.messages.base import (
    Identifier as Identifier,
)
from safenet.link.messages.base import (
    LinkMessage as LinkMessage,
)
from safenet.link.messages.base import (
    LongText as LongText,
)
from safenet.link.messages.base import (
    Probability as Probability,
)
from safenet.link.messages.base import (
    ShortText as ShortText,
)
from safenet.link.messages.base import (
    SiteId as SiteId,
)
from safenet.link.messages.base import (
    Target as Target,
)
from safenet.link.messages.base import (
    UtcTime as UtcTime,
)
from safenet.link.messages.base import (
    _FromCenter as _FromCenter,
)
from safenet.link.messages.base import (
    _FromPolice as _FromPolice,
)
from safenet.link.messages.base import (
    _time_key as _time_key,
)
from safenet.link.messages.evidence import (
    EVIDENCE_MANIFEST_MAX_BYTES as EVIDENCE_MANIFEST_MAX_BYTES,
)
from safenet.link.messages.evidence import (
    EVIDENCE_PART_MAX_BYTES as EVIDENCE_PART_MAX_BYTES,
)
from safenet.link.messages.evidence import (
    PIPA_18_2_DELETED as PIPA_18_2_DELETED,
)
from safenet.link.messages.evidence import (
    DenialCode as DenialCode,
)
from safenet.link.messages.evidence import (
    EscapeRoute as EscapeRoute,
)
from safenet.link.messages.evidence import (
    EvidenceDenial as EvidenceDenial,
)
from safenet.link.messages.evidence import (
    EvidencePackage as EvidencePackage,
)
from safenet.link.messages.evidence import (
    EvidencePart as EvidencePart,
)
from safenet.link.messages.evidence import (
    EvidenceRequest as EvidenceRequest,
)
from safenet.link.messages.evidence import (
    LegalBasis as LegalBasis,
)
from safenet.link.messages.evidence import (
    Officer as Officer,
)
from safenet.link.messages.evidence import (
    PipaBasis as PipaBasis,
)
from safenet.link.messages.evidence import (
    ProvisionForm as ProvisionForm,
)
from safenet.link.messages.evidence import (
    RequestItem as RequestItem,
)
from safenet.link.messages.evidence import (
    ScenePhotos as ScenePhotos,
)
from safenet.link.messages.evidence import (
    Sha256Hex as Sha256Hex,
)
from safenet.link.messages.evidence import (
    VideoRange as VideoRange,
)
from safenet.link.messages.evidence import (
    WarrantBasis as WarrantBasis,
)
from safenet.link.messages.hits import (
    Coordinates as Coordinates,
)
from safenet.link.messages.hits import (
    HitUpdate as HitUpdate,
)
from safenet.link.messages.hits import (
    LocationReport as LocationReport,
)
from safenet.link.messages.hits import (
    LookupCapExceeded as LookupCapExceeded,
)
from safenet.link.messages.hits import (
    ReportAssessment as ReportAssessment,
)
from safenet.link.messages.hits import (
    ReportDifference as ReportDifference,
)
from safenet.link.messages.hits import (
    ReportFactor as ReportFactor,
)
from safenet.link.messages.hits import (
    ReportMatch as ReportMatch,
)
from safenet.link.messages.hotlist import (
    HotlistAck as HotlistAck,
)
from safenet.link.messages.hotlist import (
    HotlistDelta as HotlistDelta,
)
from safenet.link.messages.hotlist import (
    HotlistEntry as HotlistEntry,
)
from safenet.link.messages.hotlist import (
    HotlistSnapshot as HotlistSnapshot,
)
from safenet.link.messages.hotlist import (
    VehicleWord as VehicleWord,
)
from safenet.link.messages.hotlist import (
    _Hotlist as _Hotlist,
)
from safenet.link.messages.system import (
    AuditHead as AuditHead,
)
from safenet.link.messages.system import (
    Base64 as Base64,
)
from safenet.link.messages.system import (
    CameraAnnouncement as CameraAnnouncement,
)
from safenet.link.messages.system import (
    CameraRegistry as CameraRegistry,
)
from safenet.link.messages.system import (
    HeadHash as HeadHash,
)
from safenet.link.messages.system import (
    HeadsUp as HeadsUp,
)
from safenet.link.messages.system import (
    HeadsUpCamera as HeadsUpCamera,
)
from safenet.link.messages.system import (
    Heartbeat as Heartbeat,
)
from safenet.link.messages.system import (
    RouteWordPart as RouteWordPart,
)
from safenet.link.messages.system import (
    SignedTime as SignedTime,
)
from safenet.link.messages.system import (
    TransitionCount as TransitionCount,
)
from safenet.link.messages.system import (
    TransitionReport as TransitionReport,
)

Message = (
    HotlistSnapshot
    | HotlistDelta
    | HotlistAck
    | LocationReport
    | HitUpdate
    | LookupCapExceeded
    | EvidenceRequest
    | EvidencePackage
    | EvidencePart
    | EvidenceDenial
    | Heartbeat
    | CameraRegistry
    | AuditHead
    | HeadsUp
    | TransitionReport
)
"""Any message that may cross the link (a tagged union on ``type``)."""

MESSAGE_TYPES: tuple[type[LinkMessage], ...] = (
    HotlistSnapshot,
    HotlistDelta,
    HotlistAck,
    LocationReport,
    HitUpdate,
    LookupCapExceeded,
    EvidenceRequest,
    EvidencePackage,
    EvidencePart,
    EvidenceDenial,
    Heartbeat,
    CameraRegistry,
    AuditHead,
    HeadsUp,
    TransitionReport,
)


def message_type(message: LinkMessage | type[LinkMessage]) -> str:
    """The ``type`` tag of a message or message class (``location_report`` …)."""
    cls = message if isinstance(message, type) else type(message)
    return str(cls.__struct_config__.tag)
