"""The police side's domain types: a wanted entry as asked for, as registered, and its status.

Request types are pydantic models (they are also the HTTP bodies) that accept loose
values on purpose: the lawful-basis gate (:mod:`safenet.police.gate`), not the JSON
parser, decides what is refused, so every refusal names the field and the legal
reason in the same words whether it comes from the API, the CLI or a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """Where a wanted entry is in its life; only ``active`` entries are on the hotlist."""

    PENDING = "pending"  # registered, waiting for a second officer's approval
    ACTIVE = "active"  # approved and not expired: the centers look for it
    EXPIRED = "expired"  # its time ran out (the sweep ended it)
    CANCELLED = "cancelled"  # lifted before its time (수배 해제)
    RESOLVED = "resolved"  # the case no longer needs it (vehicle found, person safe)

    @property
    def ended(self) -> bool:
        return self in {Status.EXPIRED, Status.CANCELLED, Status.RESOLVED}


class VehicleDescription(BaseModel):
    """What the wanted vehicle looks like, so officers can confirm it with their own eyes."""

    model_config = ConfigDict(extra="forbid")

    make: str = Field("", description="Maker, e.g. 현대 / Hyundai.")
    model: str = Field("", description="Model, e.g. 쏘나타.")
    colour: str = Field(
        "",
        description="Colour, a word of the vehicle vocabulary (docs/matching.md), "
        "e.g. 흰색 / white, 은색, 검정.",
    )
    type: str = Field(
        "",
        description="Body type, a word of the vehicle vocabulary, e.g. 승용 / car, SUV, "
        "승합 / van, 화물 / truck.",
    )

    def text(self) -> str:
        parts = (self.make, self.model, self.colour, self.type)
        return " ".join(p.strip() for p in parts if p.strip())


class WantedDraft(BaseModel):
    """A registering officer's request to put a vehicle on the emergency hotlist."""

    model_config = ConfigDict(extra="forbid")

    plate: str | None = Field(
        None,
        description="Full plate (`12가3456`) or a witness pattern (`12가34??`, `*3456`).",
    )
    category: str | None = Field(
        None,
        description="Lawful basis: homicide, robbery, kidnapping, sexual_assault, arson, "
        "stalking, suicide_risk or missing_person.",
    )
    case_number: str | None = Field(None, description="The case number (사건번호).")
    reason: str | None = Field(None, description="Why the vehicle is sought, for the record.")
    vehicle: VehicleDescription | None = Field(
        None, description="Make, model, colour and body type (at least one)."
    )
    expires_at: datetime | None = Field(
        None, description="When the entry ends (RFC 3339 with offset); default 72 hours."
    )
    expires_in_hours: float | None = Field(
        None, description="Alternative to expires_at: hours from now."
    )


class Renewal(BaseModel):
    """An officer's request to keep an entry on the hotlist longer (or end it sooner)."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, description="Why the entry must stay (required).")
    expires_at: datetime | None = Field(None, description="New expiry (RFC 3339 with offset).")
    expires_in_hours: float | None = Field(None, description="New expiry as hours from now.")


class Ending(BaseModel):
    """An officer's request to lift (cancel) or resolve an entry."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, description="Why the entry ends (required).")


@dataclass(frozen=True)
class Registration:
    """A draft the gate accepted: every field checked and normalized."""

    plate: str
    plate_input: str
    is_pattern: bool
    vehicle: VehicleDescription
    category: str
    case_number: str
    reason: str
    expires_at: datetime
    hold_hits: bool = False
    """The pattern policy allowed the pattern only with every hit held for an operator."""
    specificity: dict[str, Any] | None = None
    """How many plates the pattern matches (``one_in``, ``vehicles``), for the record."""


@dataclass(frozen=True)
class WantedEntry:
    """A wanted entry as the police registered it, with its whole history."""

    entry_id: str
    plate: str
    plate_input: str
    is_pattern: bool
    vehicle: VehicleDescription
    category: str
    case_number: str
    reason: str
    registrar: str
    registrar_name: str
    approver: str | None
    approver_name: str | None
    status: Status
    created_at: datetime
    approved_at: datetime | None
    expires_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    renewals: int
    updated_at: datetime
    hold_hits: bool = False
    """Every hit on this entry waits for a center operator (a vague witness pattern)."""

    def as_json(self) -> dict[str, Any]:
        from safenet.police.categories import LABELS_EN, LABELS_KO
        from safenet.police.clock import iso

        return {
            "entry_id": self.entry_id,
            "plate": self.plate,
            "plate_input": self.plate_input,
            "is_pattern": self.is_pattern,
            "vehicle": self.vehicle.model_dump(),
            "vehicle_text": self.vehicle.text(),
            "category": self.category,
            "category_ko": LABELS_KO.get(self.category, self.category),
            "category_en": LABELS_EN.get(self.category, self.category),
            "case_number": self.case_number,
            "reason": self.reason,
            "registrar": self.registrar,
            "registrar_name": self.registrar_name,
            "approver": self.approver,
            "approver_name": self.approver_name,
            "status": self.status.value,
            "created_at": iso(self.created_at),
            "approved_at": iso(self.approved_at),
            "expires_at": iso(self.expires_at),
            "ended_at": iso(self.ended_at),
            "ended_by": self.ended_by,
            "end_reason": self.end_reason,
            "renewals": self.renewals,
            "updated_at": iso(self.updated_at),
            "hold_hits": self.hold_hits,
            "specificity": pattern_specificity(self.plate_input) if self.is_pattern else None,
        }


def pattern_specificity(plate: str) -> dict[str, Any] | None:
    """How many plates a witness pattern matches, for the registrar (None when unknown).

    ``one_in`` and ``vehicles`` fill the console's catalogue sentence
    (``privacy.specificity``: "이 패턴은 번호판 약 N개 중 1개와 일치합니다 …");
    ``text`` is :meth:`Specificity.describe` in English, for the API's readers.
    """
    from safenet.matching.patterns import PatternError
    from safenet.matching.specificity import specificity

    try:
        spec = specificity(plate)
    except (PatternError, ValueError):
        return None
    return {"one_in": spec.one_in, "vehicles": spec.vehicles, "text": spec.describe()}
