"""The hotlist: police to centers, and the centers' acknowledgements."""

from __future__ import annotations

from typing import Annotated, ClassVar

import msgspec
from msgspec import Meta

from safenet.link.messages.base import (
    HotlistVersion,
    Identifier,
    ShortText,
    Target,
    UtcTime,
    _FromCenter,
    _FromPolice,
)
from safenet.link.sites import ALL_CENTERS, validate_center
from safenet.link.subjects import Family
from safenet.vocabulary import Category

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
