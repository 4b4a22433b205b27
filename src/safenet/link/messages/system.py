"""Liveness, camera registries, audit witnesses, heads-ups and learned transitions."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from safenet.link.messages.base import (
    HotlistVersion,
    Identifier,
    LinkMessage,
    LongText,
    ShortText,
    SiteId,
    UtcTime,
    _FromCenter,
    _FromPolice,
    _time_key,
)
from safenet.link.messages.hits import Coordinates
from safenet.link.sites import validate_center, validate_site
from safenet.link.subjects import Family

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
    site_name: Annotated[
        str,
        Meta(
            max_length=40,
            description="The sending center's name in Korean (`강남구`), for the police's "
            "consoles; empty when it sets none.",
        ),
    ] = ""
    site_name_en: Annotated[
        str,
        Meta(max_length=40, description="The sending center's name in English (`Gangnam-gu`)."),
    ] = ""

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


class RouteWordPart(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One phrase of a camera's reason as data, worded by the center's console.

    ``code`` is one of the escape route's word codes (docs/tracking.md, "The escape
    route's words"); ``params`` its numbers (metres, seconds, degrees) and ids.
    """

    code: Annotated[str, Meta(pattern="^[a-z][a-z_]{0,39}$")]
    params: dict[
        Annotated[str, Meta(max_length=40)],
        float | Annotated[str, Meta(max_length=200)] | None,
    ] = msgspec.field(default_factory=dict)


class HeadsUpCamera(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One of the center's cameras the wanted vehicle may pass next, and when."""

    camera_id: Identifier
    rank: Annotated[int, Meta(ge=1, le=100, description="Its place in the police's ranking.")]
    earliest: UtcTime | None = None
    latest: UtcTime | None = None
    reason: LongText = ""
    reason_ko: LongText = ""
    reason_words: Annotated[
        tuple[RouteWordPart, ...],
        Meta(
            max_length=12,
            description="The reason as word codes with parameters (optional; the console "
            "words them and falls back to `reason`/`reason_ko` without them).",
        ),
    ] = ()


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
