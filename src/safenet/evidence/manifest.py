"""The manifest: what a package holds and under what authority, exactly as the center signs it.

A manifest is JSON (msgspec, fields in a fixed order, times in UTC). It travels as the
bytes that were signed, never re-encoded, so the signature checks the bytes the center
wrote. It names the request (id, entry, case, category, legal basis, purpose, the items
asked), the recipient, who approved and when, the provision period (``expires_at``), a
note on the cameras' clocks, and every file: name, size, SHA-256, what it shows. The
files' bytes follow the manifest's order, back to back, as the package *body*; its size
and SHA-256 are in the manifest too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from safenet.evidence.errors import PackageRefused
from safenet.link.messages import LegalBasis, Officer, ProvisionForm, RequestItem
from safenet.vocabulary import Category

FORMAT: Literal["safenet-evidence/1"] = "safenet-evidence/1"
MAX_FILES = 1000
MAX_NAME = 200
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
"""A file name: path segments of letters, digits, ``.``, ``_``, ``-``, each starting with a
letter or digit (so no ``..``, no absolute path, no backslash), safe to write to disk."""

Hex64 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
ClockNote = Annotated[str, Meta(max_length=1000)]


class ManifestFile(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One file of a package: its name, size and hash, and what it shows."""

    name: Annotated[str, Meta(min_length=1, max_length=MAX_NAME)]
    size: Annotated[int, Meta(ge=0)]
    sha256: Hex64
    media_type: Annotated[str, Meta(min_length=1, max_length=100)]
    form: ProvisionForm
    item: Annotated[int, Meta(ge=0, description="Index of the request item it answers.")]
    camera_ids: list[str] = msgspec.field(default_factory=list)
    time_from: datetime | None = None
    time_to: datetime | None = None
    received_at: datetime | None = None


class Withheld(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A request item the center did not provide, and why."""

    item: Annotated[int, Meta(ge=0)]
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]


class Manifest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Everything a package is and carries, under the center's signature."""

    format: Literal["safenet-evidence/1"] = FORMAT
    package_id: str
    site: str
    request_id: str
    entry_id: str
    case_number: str
    category: Category
    legal_basis: LegalBasis
    purpose: str
    recipient: Officer
    items: list[RequestItem]
    provided: list[int]
    withheld: list[Withheld]
    approver: str
    approved_by_policy: bool = False
    approved_at: datetime
    provided_at: datetime
    expires_at: datetime
    clock_note: ClockNote
    body_size: Annotated[int, Meta(ge=0)]
    body_sha256: Hex64
    part_sha256: list[Hex64] = msgspec.field(default_factory=list)
    """Each EvidencePart's SHA-256, in order: under the signature, so the police can tell
    the center's parts from forged ones with the same numbers before the body is whole."""
    files: Annotated[list[ManifestFile], Meta(max_length=MAX_FILES)]


def utc(value: datetime) -> datetime:
    """A time in UTC, so that the same instant always encodes the same way."""
    if value.tzinfo is None:
        raise ValueError("a manifest time needs an offset")
    return value.astimezone(UTC)


def encode_manifest(manifest: Manifest) -> bytes:
    """The manifest's canonical bytes (the ones the center signs)."""
    return msgspec.json.encode(manifest)


def decode_manifest(data: bytes) -> Manifest:
    """The manifest in signed bytes; raises :class:`PackageRefused` naming the field."""
    try:
        manifest = msgspec.json.decode(data, type=Manifest)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise PackageRefused(f"the manifest is not valid: {exc}", field="manifest") from None
    check_manifest(manifest)
    return manifest


def check_manifest(manifest: Manifest) -> None:
    """The manifest's own consistency; raises :class:`PackageRefused` with the first problem."""
    names: set[str] = set()
    for i, entry in enumerate(manifest.files):
        where = f"files[{i}]"
        if not NAME.match(entry.name):
            raise PackageRefused(
                f"{where}.name: {entry.name!r} is not a safe file name", field=where
            )
        if entry.name in names:
            raise PackageRefused(f"{where}.name: {entry.name!r} appears twice", field=where)
        names.add(entry.name)
        if entry.item not in manifest.provided:
            raise PackageRefused(
                f"{where}.item: item {entry.item} was not provided, yet a file answers it",
                field=where,
            )
    if sum(f.size for f in manifest.files) != manifest.body_size:
        raise PackageRefused("body_size: it is not the sum of the files' sizes", field="body_size")
    asked = range(len(manifest.items))
    withheld = [w.item for w in manifest.withheld]
    for index in (*manifest.provided, *withheld):
        if index not in asked:
            raise PackageRefused(f"item {index} is not an item of the request", field="provided")
    if set(manifest.provided) & set(withheld):
        raise PackageRefused("an item is both provided and withheld", field="withheld")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def safe_segment(text: str) -> str:
    """``text`` as one segment of a file name (unsafe characters become ``_``)."""
    segment = _UNSAFE.sub("_", text)[:80] or "x"
    return segment if segment[0].isalnum() else f"x{segment}"
