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
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from safenet.link.sites import ALL_CENTERS, POLICE, SITE_PATTERN, validate_center, validate_site
from safenet.link.subjects import Family
from safenet.vocabulary import Category, MatchLevel, ReportDecision

SCHEMA_VERSION: Literal[1] = 1
"""The schema version every message of this release carries, but :class:`LocationReport`.

A message type that changes takes the next version of its own
(:data:`REPORT_SCHEMA_VERSION`) and its receivers read the old form beside the new.
"""

REPORT_SCHEMA_VERSION: Literal[2] = 2
"""The LocationReport's schema: 2 carries the center's ``decision``; 1 is still read."""

# Fixed forever: changing it would change every message id.
_ID_NAMESPACE = uuid.UUID("4f1c6a52-1d0e-5b7c-9a53-5afe0e7a11c0")

SiteId = Annotated[
    str, Meta(pattern=SITE_PATTERN, description="A site id: `police` or a center's slug.")
]
Target = Annotated[
    str,
    Meta(
        pattern=SITE_PATTERN,
        description="`all` for every center, or one center's site id.",
    ),
]
Identifier = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="An opaque id assigned by the side that owns the thing.",
    ),
]
UtcTime = Annotated[datetime, Meta(tz=True, description="RFC 3339 time with an offset.")]
Probability = Annotated[float, Meta(ge=0.0, le=1.0)]
HotlistVersion = Annotated[int, Meta(ge=0, description="Hotlist version; 0 means none yet.")]
ShortText = Annotated[str, Meta(max_length=200)]
LongText = Annotated[str, Meta(max_length=4000)]


def _time_key(value: datetime) -> str:
    # The same instant must give the same id whatever offset it was written with.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return str(value)


class LinkMessage(
    msgspec.Struct, kw_only=True, frozen=True, tag_field="type", forbid_unknown_fields=True
):
    """A message on the link: typed, versioned, with an id fixed by its natural key."""

    family: ClassVar[Family]

    schema_version: Literal[1] = SCHEMA_VERSION
    message_id: str = msgspec.field(default="")

    def __post_init__(self) -> None:
        expected = self.derive_id()
        if not self.message_id:
            msgspec.structs.force_setattr(self, "message_id", expected)
        elif self.message_id != expected:
            raise ValueError(
                f"message_id: {self.message_id!r} does not match the message's natural key "
                f"(expected {expected!r})"
            )

    def natural_key(self) -> tuple[str, ...]:
        """The fields that identify the fact this message reports."""
        raise NotImplementedError

    def derive_id(self) -> str:
        """The deterministic message id: a UUIDv5 of the type and natural key."""
        tag = type(self).__struct_config__.tag
        return str(uuid.uuid5(_ID_NAMESPACE, "/".join((str(tag), *self.natural_key()))))

    @property
    def sender(self) -> str:
        """The site that sends this message."""
        raise NotImplementedError

    @property
    def subject(self) -> str:
        """The subject this message travels on."""
        raise NotImplementedError


class _FromPolice(LinkMessage, frozen=True, kw_only=True):
    @property
    def sender(self) -> str:
        return POLICE


class _FromCenter(LinkMessage, frozen=True, kw_only=True):
    site: SiteId

    def __post_init__(self) -> None:
        validate_center(self.site)
        super().__post_init__()

    @property
    def sender(self) -> str:
        return self.site

    @property
    def subject(self) -> str:
        return self.family.subject(self.site)


# ---- hotlist (police -> centers) -------------------------------------------------------


VehicleWord = Annotated[
    str,
    Meta(
        pattern=r"^[a-z][a-z0-9_-]{0,31}$",
        description="A code of the vehicle vocabulary (safenet.vehicles, docs/matching.md "
        "'Vehicle description'), e.g. `white`, `suv`, `hyundai`.",
    ),
]


class HotlistEntry(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One emergency wanted vehicle as a center needs it to match: no case details.

    ``colour``, ``vehicle_type``, ``make`` and ``model`` (added for issue 17) are the
    wanted vehicle's description on the controlled vocabulary, for the centers'
    decision chain; ``null`` when not said. A center that does not know a code
    compares nothing for it.
    """

    entry_id: Identifier
    plate: Annotated[
        str,
        Meta(
            min_length=2,
            max_length=16,
            description="Full plate (`12가3456`) or a witness pattern with `?` (one "
            "character) and `*` (any run), e.g. `12가34??`, `*3456`.",
        ),
    ]
    category: Category
    expires_at: UtcTime
    fuzzy_allowance: Annotated[
        float,
        Meta(
            ge=0.0,
            le=3.0,
            description="Weighted edit distance accepted for a fuzzy candidate; 0 means "
            "exact or OCR-equivalent reads only.",
        ),
    ] = 1.0
    vehicle: Annotated[
        ShortText, Meta(description="Make, model, colour, as a help for the operator.")
    ] = ""
    policy: Annotated[
        str,
        Meta(
            pattern=r"^[a-z][a-z0-9_-]{0,31}$",
            description="The match policy the police chose for this entry's category: a "
            "name in safenet.matching.POLICIES (`strict`, `default`, `lenient`). A center "
            "that does not know the name matches the entry with `strict` (exact only).",
        ),
    ] = "default"
    confirm_before_send: Annotated[
        bool,
        Meta(
            description="When true, a non-exact candidate for this entry is reported only "
            "after an operator at the center confirms it; exact hits always go at once."
        ),
    ] = False
    colour: Annotated[VehicleWord, Meta(description="The wanted vehicle's colour code.")] | None = (
        None
    )
    vehicle_type: (
        Annotated[VehicleWord, Meta(description="Its body type code (car, suv, van, ...).")] | None
    ) = None
    make: Annotated[VehicleWord, Meta(description="Its make code (hyundai, kia, ...).")] | None = (
        None
    )
    model: Annotated[str, Meta(max_length=60, description="Its model, free text.")] | None = None


class _Hotlist(_FromPolice, frozen=True, kw_only=True):
    family: ClassVar[Family] = Family.HOTLIST

    target: Target
    version: Annotated[int, Meta(ge=1, description="The hotlist version this message brings.")]
    issued_at: UtcTime

    def __post_init__(self) -> None:
        if self.target != ALL_CENTERS:
            validate_center(self.target, field="target")
        super().__post_init__()

    @property
    def subject(self) -> str:
        return Family.HOTLIST.subject(self.target)


class HotlistSnapshot(_Hotlist, frozen=True, kw_only=True, tag="hotlist_snapshot"):
    """The whole hotlist at one version, for a center starting out or resynchronising.

    A hotlist too large for one message is sent in ``parts`` parts; a center replaces
    its list once it holds all parts of the version.
    """

    entries: list[HotlistEntry]
    part: Annotated[int, Meta(ge=1)] = 1
    parts: Annotated[int, Meta(ge=1)] = 1

    def __post_init__(self) -> None:
        if self.part > self.parts:
            raise ValueError(f"part: {self.part} is beyond parts ({self.parts})")
        super().__post_init__()

    def natural_key(self) -> tuple[str, ...]:
        return (self.target, str(self.version), str(self.part))


class HotlistDelta(_Hotlist, frozen=True, kw_only=True, tag="hotlist_delta"):
    """The changes that turn hotlist ``base_version`` into ``version``."""

    base_version: HotlistVersion
    added: list[HotlistEntry] = msgspec.field(default_factory=list)
    removed: Annotated[list[Identifier], Meta(description="Entry ids lifted or expired.")] = (
        msgspec.field(default_factory=list)
    )

    def __post_init__(self) -> None:
        if self.base_version >= self.version:
            raise ValueError(
                f"base_version: {self.base_version} must be below version {self.version}"
            )
        super().__post_init__()

    def natural_key(self) -> tuple[str, ...]:
        return (self.target, str(self.version))


class HotlistAck(_FromCenter, frozen=True, kw_only=True, tag="hotlist_ack"):
    """A center telling the police which hotlist version it now matches with."""

    family: ClassVar[Family] = Family.ACK

    version: HotlistVersion
    entry_count: Annotated[int, Meta(ge=0)]
    acked_at: UtcTime

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, str(self.version))


# ---- hits (center -> police) -----------------------------------------------------------


class Coordinates(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A WGS 84 position."""

    lat: Annotated[float, Meta(ge=-90.0, le=90.0)]
    lon: Annotated[float, Meta(ge=-180.0, le=180.0)]


class ReportFactor(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One factor of the center's decision score, with its effect and its words."""

    factor: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    contribution: Annotated[
        float, Meta(ge=-100.0, le=100.0, description="Log-odds: positive raised the score.")
    ]
    ko: Annotated[str, Meta(max_length=500)]
    en: Annotated[str, Meta(max_length=500)]


class ReportAssessment(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Why the center's decision chain reported a hit (docs/matching.md, "Decisions").

    The calibrated score, the rule that decided and its words, every factor with
    its effect, how many linked reads backed it (``reads_for``: the wanted plate in
    other passes; ``reads_support``: every read that raised it) or spoke against it
    (``reads_against``), and the two descriptions compared (vocabulary codes).
    """

    score: Probability
    rule: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    ko: Annotated[str, Meta(max_length=1000)]
    en: Annotated[str, Meta(max_length=1000)]
    factors: Annotated[list[ReportFactor], Meta(max_length=12)] = []
    reads_for: Annotated[int, Meta(ge=0)] = 0
    reads_support: Annotated[int, Meta(ge=0)] = 0
    reads_against: Annotated[int, Meta(ge=0)] = 0
    wanted_colour: VehicleWord | None = None
    wanted_type: VehicleWord | None = None
    seen_colour: VehicleWord | None = None
    seen_type: VehicleWord | None = None


class LocationReport(_FromCenter, frozen=True, kw_only=True, tag="location_report"):
    """Where and when a center's camera saw a wanted vehicle: one hit, sent to the police.

    ``decision`` is the center's: ``alert`` (exact on the camera's top text: officers may
    act on it), ``candidate`` (to be confirmed against the snapshot before officers act;
    the center's operator decides and a HitUpdate follows) or ``confirmed`` (a candidate
    the center's operator confirmed before sending). The police take it as it is.

    Schema version 2. A version-1 report has no ``decision``; it meant ``alert`` for
    level ``exact`` and ``candidate`` for any other level (:attr:`center_decision`).
    """

    family: ClassVar[Family] = Family.REPORT

    # Wider than the base's Literal[1]: msgspec checks each class's own field.
    schema_version: Literal[1, 2] = REPORT_SCHEMA_VERSION  # type: ignore[assignment]

    hit_id: Identifier
    entry_id: Identifier
    hotlist_version: HotlistVersion
    camera_id: Identifier
    coordinates: Coordinates
    address: ShortText
    heading: (
        Annotated[
            float, Meta(ge=0.0, lt=360.0, description="Direction of travel, degrees from north.")
        ]
        | None
    ) = None
    read_at: UtcTime
    plate_read: Annotated[str, Meta(min_length=1, max_length=16, description="The plate as read.")]
    level: MatchLevel
    score: Probability
    explanation: LongText
    read_confidence: Probability
    snapshot_ref: (
        Annotated[
            str,
            Meta(max_length=200, description="The snapshot's id in the center's evidence store."),
        ]
        | None
    ) = None
    retrospective: Annotated[
        bool,
        Meta(description="Found in recent reads when the entry was registered, not live."),
    ] = False
    decision: (
        Annotated[
            ReportDecision,
            Meta(
                description="The center's decision: `alert`, `candidate` or `confirmed` "
                "(required from schema version 2; absent in version 1)."
            ),
        ]
        | None
    ) = None
    assessment: (
        Annotated[
            ReportAssessment,
            Meta(description="Why the center's decision chain reported it (optional)."),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        if self.schema_version >= REPORT_SCHEMA_VERSION and self.decision is None:
            raise ValueError(
                "decision: required from schema version 2 (alert, candidate or confirmed)"
            )
        if self.schema_version < REPORT_SCHEMA_VERSION and self.decision is not None:
            raise ValueError("decision: not part of schema version 1")
        if self.decision == "alert" and self.level != "exact":
            raise ValueError(
                f"decision: an alert is an exact match on the camera's top text, "
                f"not level {self.level!r}"
            )
        super().__post_init__()

    @property
    def center_decision(self) -> ReportDecision:
        """The center's decision; for a version-1 report, what that version meant."""
        if self.decision is not None:
            return self.decision
        return "alert" if self.level == "exact" else "candidate"

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.hit_id)


class HitUpdate(_FromCenter, frozen=True, kw_only=True, tag="hit_update"):
    """A center operator's decision on a candidate hit after looking at the snapshot."""

    family: ClassVar[Family] = Family.UPDATE

    hit_id: Identifier
    decision: Literal["confirmed", "rejected"]
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]
    operator: Identifier
    decided_at: UtcTime
    operator_name: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=100,
                description="The operator's rank and real name, as records show it "
                "('주무관 박서연'); absent from older centers.",
            ),
        ]
        | None
    ) = None

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.hit_id, self.decision, _time_key(self.decided_at))


class LookupCapExceeded(_FromCenter, frozen=True, kw_only=True, tag="lookup_cap_exceeded"):
    """A center's retrospective look-up for an entry found more vehicles than the cap.

    Only the first ``max_vehicles`` (the strongest matches) were kept, every hit held for
    an operator; the others were dropped. The police raise an alarm (the entry is
    behaving like a search of everyone). Carries counts only, never a plate.
    """

    family: ClassVar[Family] = Family.UPDATE

    entry_id: Identifier
    hotlist_version: HotlistVersion
    vehicles: Annotated[int, Meta(ge=0, description="Distinct vehicles the look-up found.")]
    max_vehicles: Annotated[int, Meta(ge=1, description="The cap (privacy.lookup_max_vehicles).")]
    looked_up_at: UtcTime

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.entry_id, str(self.hotlist_version))


# ---- evidence (police <-> one center) --------------------------------------------------
#
# An officer's request names what is wanted, under which lawful basis, for whom; the
# center answers with a denial, or with a package: a signed manifest in an
# EvidencePackage and the files' bytes in EvidenceParts (docs/evidence.md).

EVIDENCE_PART_MAX_BYTES = 512 * 1024
"""Largest slice of a package's body in one EvidencePart.

Base64 makes it 683 KiB on the wire, under NATS's default ``max_payload`` of 1 MiB
with room for the envelope and headers."""

EVIDENCE_MANIFEST_MAX_BYTES = 256 * 1024
"""Largest signed manifest an EvidencePackage may carry."""

PIPA_18_2_DELETED = frozenset({4})
"""Items of 개인정보보호법 제18조제2항 that no longer exist (제4호 was deleted in 2020)."""

Sha256Hex = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lower-case hex.")]


class Officer(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The officer who asks, as the provision register names the recipient."""

    officer_id: Identifier
    name: Annotated[str, Meta(min_length=1, max_length=40, description="성명.")]
    rank: Annotated[str, Meta(min_length=1, max_length=20, description="계급, e.g. 경위.")]
    agency: Annotated[
        str, Meta(min_length=1, max_length=100, description="소속, e.g. 서울서초경찰서 형사과.")
    ]


class PipaBasis(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    forbid_unknown_fields=True,
    tag_field="kind",
    tag="pipa_18_2",
):
    """Provision under an item of 개인정보보호법 제18조제2항 (제7호: a criminal investigation)."""

    item: Annotated[int, Meta(ge=1, le=10, description="The item (호) of Article 18(2).")]

    def __post_init__(self) -> None:
        if self.item in PIPA_18_2_DELETED:
            raise ValueError(f"item: 개인정보보호법 제18조제2항제{self.item}호 was deleted")


class WarrantBasis(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    forbid_unknown_fields=True,
    tag_field="kind",
    tag="warrant",
):
    """Provision under a court warrant (영장), by its number."""

    number: Annotated[str, Meta(min_length=1, max_length=64, description="The warrant number.")]


LegalBasis = PipaBasis | WarrantBasis
"""Why the center may provide: an item of PIPA Article 18(2), or a warrant."""


class ScenePhotos(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    forbid_unknown_fields=True,
    tag_field="kind",
    tag="scene_photos",
):
    """A hit's snapshots, and the same camera's snapshots ``window_s`` either side of it."""

    hit_id: Identifier
    window_s: Annotated[
        int,
        Meta(ge=0, le=1800, description="Seconds either side of the hit; 0: its own only."),
    ] = 60


class EscapeRoute(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    forbid_unknown_fields=True,
    tag_field="kind",
    tag="escape_route",
):
    """The vehicle's hits at this center from ``hit_id`` on, with times and the path."""

    hit_id: Identifier


class VideoRange(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    forbid_unknown_fields=True,
    tag_field="kind",
    tag="video",
):
    """What one named camera recorded in a time range (stored snapshots stand in for video)."""

    camera_id: Identifier
    time_from: UtcTime
    time_to: UtcTime

    def __post_init__(self) -> None:
        if self.time_to <= self.time_from:
            raise ValueError("time_to: it is not after time_from")
        if (self.time_to - self.time_from).total_seconds() > 2 * 3600:
            raise ValueError("time_to: a video range may span at most 2 hours")


RequestItem = ScenePhotos | EscapeRoute | VideoRange
"""One thing an officer asks a center for."""

ProvisionForm = Literal["still", "clip", "route", "live_view"]
"""A provided item's form, as the register records it (정지영상, 영상, 이동경로, 실시간 열람)."""


class EvidenceRequest(_FromPolice, frozen=True, kw_only=True, tag="evidence_request"):
    """A field officer's request to one center for scene photos, an escape route or video."""

    family: ClassVar[Family] = Family.EVIDENCE_REQUEST

    site: Annotated[SiteId, Meta(description="The center asked.")]
    request_id: Identifier
    entry_id: Annotated[Identifier, Meta(description="The wanted entry the request is under.")]
    case_number: Annotated[str, Meta(min_length=1, max_length=64)]
    category: Category
    legal_basis: LegalBasis
    requester: Officer
    purpose: Annotated[
        str, Meta(min_length=1, max_length=2000, description="The purpose, in words.")
    ]
    items: Annotated[list[RequestItem], Meta(min_length=1, max_length=20)]
    retain_days: Annotated[
        int,
        Meta(
            ge=1,
            le=365,
            description="Days the police keep what is provided (the provision period).",
        ),
    ] = 30
    requested_at: UtcTime

    def __post_init__(self) -> None:
        validate_center(self.site)
        super().__post_init__()

    @property
    def subject(self) -> str:
        return Family.EVIDENCE_REQUEST.subject(self.site)

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.request_id)


class EvidencePackage(_FromCenter, frozen=True, kw_only=True, tag="evidence_package"):
    """A center's approved answer: the signed manifest; the files follow as EvidenceParts."""

    family: ClassVar[Family] = Family.EVIDENCE_REPLY

    request_id: Identifier
    package_id: Annotated[Identifier, Meta(description="The provision, as the register names it.")]
    manifest: Annotated[
        bytes,
        Meta(
            min_length=2,
            max_length=EVIDENCE_MANIFEST_MAX_BYTES,
            description="The manifest exactly as signed (JSON, base64 on the wire).",
        ),
    ]
    signature: Annotated[
        bytes, Meta(min_length=64, max_length=64, description="Ed25519 signature, base64.")
    ]
    key_id: Annotated[
        str,
        Meta(pattern=r"^[0-9a-f]{16}$", description="First 16 hex of the signing key's SHA-256."),
    ]
    package_sha256: Annotated[Sha256Hex, Meta(description="SHA-256 of the manifest bytes.")]
    parts: Annotated[int, Meta(ge=0, description="How many EvidenceParts carry the files.")]
    provided_at: UtcTime

    def natural_key(self) -> tuple[str, ...]:
        # The manifest's hash too: a forged header for the same request has another id,
        # so no outbox, duplicate window or inbox can drop the center's own as a copy.
        return (self.site, self.request_id, self.package_sha256)


class EvidencePart(_FromCenter, frozen=True, kw_only=True, tag="evidence_part"):
    """One slice of a package's files, in order; the manifest says what they must hash to."""

    family: ClassVar[Family] = Family.EVIDENCE_REPLY

    request_id: Identifier
    part: Annotated[int, Meta(ge=1)]
    parts: Annotated[int, Meta(ge=1)]
    sha256: Annotated[Sha256Hex, Meta(description="SHA-256 of this part's data.")]
    data: Annotated[
        bytes,
        Meta(min_length=1, max_length=EVIDENCE_PART_MAX_BYTES, description="Base64 on the wire."),
    ]

    def __post_init__(self) -> None:
        if self.part > self.parts:
            raise ValueError(f"part: {self.part} is beyond parts ({self.parts})")
        super().__post_init__()

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.request_id, str(self.part), self.sha256)


DenialCode = Literal["no_lawful_basis", "wrong_center", "unknown_hit", "invalid", "operator"]
"""Why a request was denied: by a rule (the first four) or by the operator's decision."""


class EvidenceDenial(_FromCenter, frozen=True, kw_only=True, tag="evidence_denial"):
    """A center's refusal of an evidence request, with its reason; nothing was provided."""

    family: ClassVar[Family] = Family.EVIDENCE_REPLY

    request_id: Identifier
    code: DenialCode
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]
    decided_by: Identifier
    denied_at: UtcTime

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.request_id)


# ---- liveness (both ways) --------------------------------------------------------------


class Heartbeat(LinkMessage, frozen=True, kw_only=True, tag="heartbeat"):
    """A site saying it is alive, what it runs, and how far behind its queues are."""

    family: ClassVar[Family] = Family.HEARTBEAT

    site: SiteId
    software_version: ShortText
    hotlist_version: HotlistVersion | None = None
    queue_depths: Annotated[
        dict[Annotated[str, Meta(max_length=40)], Annotated[int, Meta(ge=0)]],
        Meta(description="Queue name (e.g. `outbox`) to number of waiting messages."),
    ] = msgspec.field(default_factory=dict)
    sent_at: UtcTime

    def __post_init__(self) -> None:
        validate_site(self.site)
        super().__post_init__()

    @property
    def sender(self) -> str:
        return self.site

    @property
    def subject(self) -> str:
        return Family.HEARTBEAT.subject(self.site)

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, _time_key(self.sent_at))


# ---- camera registries (center -> police) ----------------------------------------------


class CameraAnnouncement(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One camera as its center announces it to the police: where it stands, never a read."""

    camera_id: Identifier
    coordinates: Coordinates
    heading: (
        Annotated[
            float, Meta(ge=0.0, lt=360.0, description="Where the camera looks, degrees from north.")
        ]
        | None
    ) = None
    facing: Annotated[
        Literal["front", "rear"] | None,
        Meta(
            description="Which plates it reads, when known: `front` (oncoming traffic) or "
            "`rear` (traffic going away)."
        ),
    ] = None
    address: ShortText = ""


class CameraRegistry(_FromCenter, frozen=True, kw_only=True, tag="camera_registry"):
    """A center's plate-reading cameras as it announces them: ids and positions, no reads.

    The police accept a LocationReport only for a camera its sender announced. A
    registry too large for one message is sent in ``parts`` parts; the police replace
    the center's registry once they hold every part of a newer version.
    """

    family: ClassVar[Family] = Family.REGISTRY

    version: Annotated[int, Meta(ge=1, description="The registry's version at its center.")]
    issued_at: UtcTime
    cameras: list[CameraAnnouncement]
    part: Annotated[int, Meta(ge=1)] = 1
    parts: Annotated[int, Meta(ge=1)] = 1

    def __post_init__(self) -> None:
        if self.part > self.parts:
            raise ValueError(f"part: {self.part} is beyond parts ({self.parts})")
        seen: set[str] = set()
        for camera in self.cameras:
            if camera.camera_id in seen:
                raise ValueError(f"cameras: {camera.camera_id} is announced twice")
            seen.add(camera.camera_id)
        super().__post_init__()

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, str(self.version), str(self.part))


# ---- audit witnesses (both ways) -------------------------------------------------------

HeadHash = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$", description="A SHA-256, hex.")]
Base64 = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9+/]+=*$")]
SignedTime = Annotated[
    str,
    Meta(
        min_length=20,
        max_length=40,
        pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$",
        description="A UTC time exactly as the signer wrote it into the signed statement.",
    ),
]


class AuditHead(LinkMessage, frozen=True, kw_only=True, tag="audit_head"):
    """A site's signed audit-chain head, for the other side to keep as a witness.

    ``kind`` ``checkpoint``: the chain had this head at ``signed_at``. ``prune``: the
    records up to ``seq`` (older than ``cutoff``) were deleted under the retention rule,
    and the chain now starts after this head. The receiver keeps every head it gets;
    ``safenet audit verify`` of the sender's database checks the chain against them.
    """

    family: ClassVar[Family] = Family.AUDIT

    site: SiteId
    kind: Literal["checkpoint", "prune"]
    seq: Annotated[int, Meta(ge=1, description="The audit record the head is.")]
    head_hash: HeadHash
    signed_at: SignedTime
    signature: Annotated[Base64, Meta(description="Ed25519 signature, base64.")]
    public_key: Annotated[
        Base64,
        Meta(description="The signer's public key, base64 (a hint: verifiers trust their own)."),
    ]
    cutoff: SignedTime | None = None
    removed: Annotated[int, Meta(ge=0)] | None = None

    def __post_init__(self) -> None:
        validate_site(self.site)
        if self.kind == "prune" and (self.cutoff is None or self.removed is None):
            raise ValueError("cutoff: a prune head needs its cutoff and removed count")
        if self.kind == "checkpoint" and (self.cutoff is not None or self.removed is not None):
            raise ValueError("cutoff: only a prune head has a cutoff and removed count")
        super().__post_init__()

    @property
    def sender(self) -> str:
        return self.site

    @property
    def subject(self) -> str:
        return Family.AUDIT.subject(self.site)

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.kind, str(self.seq))


# ---- heads-up (police -> one center) ----------------------------------------------------


class HeadsUpCamera(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One of the center's cameras the wanted vehicle may pass next, and when."""

    camera_id: Identifier
    rank: Annotated[int, Meta(ge=1, le=100, description="Its place in the police's ranking.")]
    earliest: UtcTime | None = None
    latest: UtcTime | None = None
    reason: LongText = ""
    reason_ko: LongText = ""


class HeadsUp(_FromPolice, frozen=True, kw_only=True, tag="heads_up"):
    """The police telling a center which of its cameras a wanted vehicle may reach, and when.

    Sent after a hit that alerted, to every center with cameras within the escape
    route's horizon, so its operators can watch those views. It carries the wanted
    entry as the center's hotlist already has it (plate, vehicle), where and when the
    vehicle was last seen, and the cameras with their arrival windows; it is void
    after ``expires_at`` (the center drops it by itself).
    """

    family: ClassVar[Family] = Family.HEADS_UP

    site: Annotated[SiteId, Meta(description="The center told.")]
    heads_up_id: Identifier
    entry_id: Identifier
    plate: Annotated[str, Meta(min_length=1, max_length=16)]
    vehicle: ShortText = ""
    last_seen_at: UtcTime
    last_seen: Coordinates
    last_site: SiteId
    direction_deg: Annotated[float, Meta(ge=0.0, lt=360.0)] | None = None
    direction_ko: ShortText = ""
    cameras: Annotated[list[HeadsUpCamera], Meta(min_length=1, max_length=50)]
    issued_at: UtcTime
    expires_at: UtcTime

    def __post_init__(self) -> None:
        validate_center(self.site)
        if self.expires_at <= self.issued_at:
            raise ValueError("expires_at: must be after issued_at")
        super().__post_init__()

    @property
    def subject(self) -> str:
        return Family.HEADS_UP.subject(self.site)

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.heads_up_id)


# ---- learned camera transitions (center -> police) ------------------------------------


class TransitionCount(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """How many vehicles went from one of the center's cameras straight to another.

    Without ``previous`` the count is every such vehicle; with it, those of them that
    came from ``previous`` just before (which tells the two directions apart).
    """

    camera_id: Identifier
    following: Identifier
    previous: Identifier | None = None
    count: Annotated[int, Meta(ge=1, le=1_000_000_000)]


class TransitionReport(_FromCenter, frozen=True, kw_only=True, tag="transition_counts"):
    """A center's camera-to-camera counts learned from its own read flow: counts only.

    No plate, no plate hash and no time of any read: each row is two (or three) of the
    center's camera ids and a number of vehicles, and only counts of at least
    ``min_count`` are sent. Every report holds all the center has counted since
    ``counted_since``; the police keep the newest one per center.
    """

    family: ClassVar[Family] = Family.TRANSITIONS

    counted_since: UtcTime
    issued_at: UtcTime
    min_count: Annotated[int, Meta(ge=1, le=10_000)]
    counts: Annotated[list[TransitionCount], Meta(max_length=50_000)]

    def __post_init__(self) -> None:
        if self.issued_at < self.counted_since:
            raise ValueError("issued_at: must not be before counted_since")
        seen: set[tuple[str | None, str, str]] = set()
        for row in self.counts:
            key = (row.previous, row.camera_id, row.following)
            if row.camera_id == row.following or row.previous == row.camera_id:
                raise ValueError(f"counts: {row.camera_id} follows itself")
            if row.count < self.min_count:
                raise ValueError(f"counts: {row.count} is below min_count ({self.min_count})")
            if key in seen:
                raise ValueError(f"counts: {key} is counted twice")
            seen.add(key)
        super().__post_init__()

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, _time_key(self.issued_at))


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
