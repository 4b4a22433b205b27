"""The police side of a package: reassembling its parts, verifying everything, expiry.

A package is shown to no one until :func:`verify_package` passed, which checks, in this
order, and refuses (:class:`PackageRefused`) with the first failure:

1. the center is one whose public key the police hold, and the key id matches it;
2. the Ed25519 signature over the manifest bytes, with that trusted key;
3. the package hash (SHA-256 of the manifest bytes) the header states;
4. the manifest itself: strict schema, its center and request are the header's, safe
   and unique file names, every file answers a provided item, one part hash per part;
5. against the request the police sent (when given): same center, request, entry,
   case, category, legal basis, recipient and items;
6. the parts: all present, numbered 1…n, each matching its own SHA-256 and the one the
   signed manifest lists for its number;
7. the body: its size and SHA-256 as the manifest states, then every file's SHA-256;
8. the provision period: a package already past ``expires_at`` is not taken in.

One flipped byte anywhere fails one of these with a reason that says where. Checks 1–5
need no part (:func:`verify_header`), and a part can be checked alone against a verified
header (:func:`part_expected`): the police refuse a forged header or part on arrival and
keep waiting for the center's own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from safenet.evidence.errors import PackageRefused
from safenet.evidence.manifest import Manifest, ManifestFile, decode_manifest
from safenet.evidence.signing import TrustedKeys, key_id, signature_valid
from safenet.link.messages import EvidencePackage, EvidencePart, EvidenceRequest

DEFAULT_RETAIN_DAYS = 30
"""Days the police keep a package unless it is attached to a case export (the default)."""


@dataclass(frozen=True, slots=True)
class VerifiedFile:
    """A file of a verified package: what the manifest says of it, and its bytes."""

    entry: ManifestFile
    data: bytes


@dataclass(frozen=True, slots=True)
class VerifiedPackage:
    """A package whose signature and every hash checked out."""

    manifest: Manifest
    package_sha256: str
    files: tuple[VerifiedFile, ...]


class Reassembly:
    """A package arriving in pieces: its header and parts, in any order, each at least once.

    A part that arrives again with the same bytes is ignored (delivery is at least
    once); one that arrives again with other bytes, or that does not belong to this
    package, refuses the package.
    """

    def __init__(self, site: str, request_id: str) -> None:
        self.site = site
        self.request_id = request_id
        self.header: EvidencePackage | None = None
        self._parts: dict[int, EvidencePart] = {}
        self._count: int | None = None

    def _expect(self, count: int, source: str) -> None:
        if self._count is None:
            self._count = count
        elif self._count != count:
            raise PackageRefused(
                f"{source} says {count} parts, an earlier message said {self._count}",
                field="parts",
            )

    def add(self, message: EvidencePackage | EvidencePart) -> None:
        """Take in the header or one part."""
        if message.site != self.site or message.request_id != self.request_id:
            raise PackageRefused(
                f"a message of {message.site}/{message.request_id} is not part of "
                f"{self.site}/{self.request_id}",
                field="request_id",
            )
        if isinstance(message, EvidencePackage):
            if self.header is not None and self.header != message:
                raise PackageRefused("the package header arrived twice, different", field="header")
            self._expect(message.parts, "the header")
            self.header = message
            return
        self._expect(message.parts, f"part {message.part}")
        known = self._parts.get(message.part)
        if known is not None and known.data != message.data:
            raise PackageRefused(
                f"part {message.part} arrived twice with different contents", field="parts"
            )
        self._parts[message.part] = message

    @property
    def missing(self) -> list[int]:
        """Part numbers not yet received (all unknown before the first message says n)."""
        if self._count is None:
            return []
        return [n for n in range(1, self._count + 1) if n not in self._parts]

    @property
    def complete(self) -> bool:
        """The header and every part are in."""
        return self.header is not None and not self.missing

    def parts(self) -> list[EvidencePart]:
        """The parts received, in order."""
        return [self._parts[n] for n in sorted(self._parts)]


def _against_request(manifest: Manifest, request: EvidenceRequest) -> None:
    expected = {
        "site": request.site,
        "request_id": request.request_id,
        "entry_id": request.entry_id,
        "case_number": request.case_number,
        "category": request.category,
        "legal_basis": request.legal_basis,
        "recipient": request.requester,
        "items": list(request.items),
    }
    for name, want in expected.items():
        if getattr(manifest, name) != want:
            raise PackageRefused(
                f"manifest.{name}: it is not what the request asked", field=f"manifest.{name}"
            )


def part_expected(manifest: Manifest, part: EvidencePart) -> None:
    """Refuse a part whose number and SHA-256 are not the ones the signed manifest lists."""
    if not 1 <= part.part <= len(manifest.part_sha256):
        raise PackageRefused(
            f"part {part.part}: the signed manifest lists {len(manifest.part_sha256)} parts",
            field="parts",
        )
    if hashlib.sha256(part.data).hexdigest() != part.sha256:
        raise PackageRefused(
            f"part {part.part}: its data does not match its SHA-256", field="parts"
        )
    if manifest.part_sha256[part.part - 1] != part.sha256:
        raise PackageRefused(
            f"part {part.part}: its SHA-256 is not the one the signed manifest lists",
            field="parts",
        )


def _body(header: EvidencePackage, manifest: Manifest, parts: Iterable[EvidencePart]) -> bytes:
    ordered = sorted(parts, key=lambda p: p.part)
    numbers = [p.part for p in ordered]
    if numbers != list(range(1, header.parts + 1)):
        missing = sorted(set(range(1, header.parts + 1)) - set(numbers))
        extra = sorted(set(numbers) - set(range(1, header.parts + 1)))
        raise PackageRefused(
            f"parts: expected 1–{header.parts}; missing {missing or 'none'}, unexpected "
            f"{extra or 'none'}",
            field="parts",
        )
    for p in ordered:
        if p.parts != header.parts or p.site != header.site or p.request_id != header.request_id:
            raise PackageRefused(f"part {p.part}: not a part of this package", field="parts")
        part_expected(manifest, p)
    return b"".join(p.data for p in ordered)


def verify_header(
    header: EvidencePackage,
    *,
    trusted_keys: TrustedKeys,
    request: EvidenceRequest | None = None,
) -> Manifest:
    """The signed manifest, once checks 1–5 passed (no part needed); raises
    :class:`PackageRefused`. Lets the police refuse a forged header on arrival."""
    public = trusted_keys.get(header.site)
    if public is None:
        raise PackageRefused(f"site: no trusted key for center {header.site}", field="site")
    if header.key_id != key_id(public):
        raise PackageRefused(
            f"key_id: {header.key_id} is not the key the police hold for {header.site}",
            field="key_id",
        )
    if not signature_valid(public, header.manifest, header.signature):
        raise PackageRefused(
            f"signature: it does not verify with {header.site}'s key", field="signature"
        )
    if hashlib.sha256(header.manifest).hexdigest() != header.package_sha256:
        raise PackageRefused(
            "package_sha256: it is not the manifest's hash", field="package_sha256"
        )
    manifest = decode_manifest(header.manifest)
    if manifest.site != header.site or manifest.request_id != header.request_id:
        raise PackageRefused("manifest: it belongs to another center or request", field="manifest")
    if manifest.package_id != header.package_id:
        raise PackageRefused("manifest.package_id: it is not the header's", field="package_id")
    if len(manifest.part_sha256) != header.parts:
        raise PackageRefused(
            f"part_sha256: the signed manifest lists {len(manifest.part_sha256)} parts, "
            f"the header says {header.parts}",
            field="parts",
        )
    if request is not None:
        _against_request(manifest, request)
    return manifest


def verify_package(
    header: EvidencePackage,
    parts: Iterable[EvidencePart],
    *,
    trusted_keys: TrustedKeys,
    now: datetime,
    request: EvidenceRequest | None = None,
) -> VerifiedPackage:
    """The package's files, once every check passed; raises :class:`PackageRefused`."""
    manifest = verify_header(header, trusted_keys=trusted_keys, request=request)
    body = _body(header, manifest, parts)
    if len(body) != manifest.body_size:
        raise PackageRefused(
            f"body: {len(body):,} bytes, the manifest says {manifest.body_size:,}", field="body"
        )
    if hashlib.sha256(body).hexdigest() != manifest.body_sha256:
        raise PackageRefused("body: its SHA-256 is not the manifest's", field="body")
    files = []
    offset = 0
    for entry in manifest.files:
        data = body[offset : offset + entry.size]
        offset += entry.size
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise PackageRefused(
                f"{entry.name}: its SHA-256 is not the manifest's", field=entry.name
            )
        files.append(VerifiedFile(entry, data))
    if is_expired(manifest.expires_at, now, held=False):
        raise PackageRefused(
            f"expires_at: the provision period ended at {manifest.expires_at.isoformat()}",
            field="expires_at",
        )
    return VerifiedPackage(manifest, header.package_sha256, tuple(files))


def expires_at(provided_at: datetime, retain_days: int = DEFAULT_RETAIN_DAYS) -> datetime:
    """When a package provided at ``provided_at`` leaves the police's store."""
    return provided_at + timedelta(days=retain_days)


def is_expired(expires: datetime, now: datetime, *, held: bool) -> bool:
    """Whether the package must go now: past its period and not attached to a case export."""
    return not held and now >= expires
