"""What every link message is: the base classes, the id scheme and the shared field types."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from safenet.link.sites import POLICE, SITE_PATTERN, validate_center
from safenet.link.subjects import Family

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
