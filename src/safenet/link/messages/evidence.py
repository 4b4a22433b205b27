"""Evidence: an officer's request to one center, its package, parts and denials."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from safenet.link.messages.base import Identifier, SiteId, UtcTime, _FromCenter, _FromPolice
from safenet.link.sites import validate_center
from safenet.link.subjects import Family
from safenet.vocabulary import Category

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
