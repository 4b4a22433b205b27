"""Turning an approved request into a package: files, signed manifest, parts, register rows.

    plan = plan_items(request, hits)                      # what to look up
    files = [...]                                         # the center's store answers
    built = build_package(request, decision, files, plan=plan, signer=key,
                          provided_at=now, clock_note=CLOCK_NOTE)
    with db.begin() as conn:                              # ONE transaction:
        insert the register rows (built.records) and the provision,
        outbox.enqueue(conn, m) for m in built.messages   # header, then the parts

Nothing beyond the decision leaves: a file for an item the operator withheld, of
another camera, outside the asked time range, or in the wrong form is refused with
:class:`InvalidDecision`, and so is a decision that does not answer every item.
Approved items with nothing stored become withheld, with the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from safenet.evidence.errors import InvalidDecision
from safenet.evidence.manifest import (
    MAX_FILES,
    NAME,
    Manifest,
    ManifestFile,
    Withheld,
    encode_manifest,
    safe_segment,
    utc,
)
from safenet.evidence.request import ItemQuery, RouteQuery, SnapshotQuery, queries_by_item
from safenet.evidence.signing import Signer, key_id, sign_manifest
from safenet.link.messages import (
    EVIDENCE_MANIFEST_MAX_BYTES,
    EVIDENCE_PART_MAX_BYTES,
    DenialCode,
    EvidenceDenial,
    EvidencePackage,
    EvidencePart,
    EvidenceRequest,
    LinkMessage,
    ProvisionForm,
)

DEFAULT_PART_BYTES = 384 * 1024
"""Body bytes per EvidencePart: 512 KiB of base64, half of NATS's default max_payload."""

NOTHING_STORED = (
    "nothing is stored for it: no snapshot at that camera in that time range (the read "
    "retention may have deleted it)"
)
CLOCK_NOTE = (
    "Times marked captured are the cameras' own clocks as each read carried them; "
    "received times are the center's clock. The center refuses reads more than "
    "center.max_clock_skew_s ahead of its clock but cannot see a camera that runs late."
)


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One file the center would release: its bytes and what it shows."""

    name: str
    data: bytes
    media_type: str
    form: ProvisionForm
    item: int
    camera_ids: tuple[str, ...] = ()
    time_from: datetime | None = None
    time_to: datetime | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What the operator (or the policy) decided: items approved, items withheld and why."""

    approver: str
    decided_at: datetime
    approved: frozenset[int]
    withheld: Mapping[int, str] = field(default_factory=dict)
    by_policy: bool = False

    @classmethod
    def approve_all(cls, request: EvidenceRequest, approver: str, at: datetime) -> Decision:
        """Every item approved."""
        return cls(approver, at, frozenset(range(len(request.items))))


@dataclass(frozen=True, slots=True)
class BuiltPackage:
    """A package ready to commit: its manifest, the link messages and the register rows."""

    manifest: Manifest
    manifest_bytes: bytes
    header: EvidencePackage
    parts: tuple[EvidencePart, ...]

    @property
    def messages(self) -> tuple[LinkMessage, ...]:
        """What goes into the outbox, header first."""
        return (self.header, *self.parts)

    @property
    def package_sha256(self) -> str:
        """The package's hash, as the register records it: the manifest's SHA-256."""
        return self.header.package_sha256


def item_folder(item: int, form: ProvisionForm) -> str:
    """The folder of an item's files in a package: ``01-still``, ``02-route`` …"""
    return f"{item + 1:02d}-{form}"


def package_id_for(site: str, request_id: str) -> str:
    """The provision's id: fixed by center and request, so a retried build gives the same."""
    digest = hashlib.sha256(f"{site}/{request_id}".encode()).hexdigest()
    return f"pkg-{digest[:24]}"


def check_decision(request: EvidenceRequest, decision: Decision) -> None:
    """Refuse a decision that does not answer each item exactly once."""
    count = len(request.items)
    every = set(range(count))
    for index in (*decision.approved, *decision.withheld):
        if index not in every:
            raise InvalidDecision(
                f"item {index}: the request has items 0–{count - 1}", field="items"
            )
    both = decision.approved & set(decision.withheld)
    if both:
        raise InvalidDecision(f"items {sorted(both)}: both approved and withheld", field="items")
    missing = every - decision.approved - set(decision.withheld)
    if missing:
        raise InvalidDecision(
            f"items {sorted(missing)}: neither approved nor withheld", field="items"
        )
    for index, reason in decision.withheld.items():
        if not reason.strip():
            raise InvalidDecision(f"item {index}: a withheld item needs a reason", field="withheld")
    if not decision.approved:
        raise InvalidDecision("nothing is approved: deny the request instead", field="approved")


def _within(value: datetime | None, start: datetime, end: datetime) -> bool:
    return value is not None and start <= value <= end


def _check_file(i: int, f: EvidenceFile, decision: Decision, plan: Mapping[int, ItemQuery]) -> None:
    where = f"files[{i}] ({f.name})"
    if not NAME.match(f.name):
        raise InvalidDecision(f"{where}: not a safe file name", field="files")
    if f.item not in decision.approved:
        raise InvalidDecision(f"{where}: item {f.item} was not approved", field="files")
    query = plan.get(f.item)
    if query is None:
        raise InvalidDecision(f"{where}: item {f.item} has no plan", field="files")
    if isinstance(query, RouteQuery):
        if f.form != "route":
            raise InvalidDecision(
                f"{where}: item {f.item} is a route, not a {f.form}", field="files"
            )
        return
    if f.form != query.form:
        raise InvalidDecision(
            f"{where}: item {f.item} asks for {query.form}, not {f.form}", field="files"
        )
    if f.camera_ids != (query.camera_id,):
        raise InvalidDecision(
            f"{where}: shows camera {', '.join(f.camera_ids) or 'none'}, not {query.camera_id}",
            field="files",
        )
    if not (
        _within(f.time_from, query.time_from, query.time_to)
        and _within(f.time_to, query.time_from, query.time_to)
    ):
        raise InvalidDecision(
            f"{where}: captured outside {query.time_from.isoformat()}–{query.time_to.isoformat()}",
            field="files",
        )


def _manifest_file(f: EvidenceFile) -> ManifestFile:
    return ManifestFile(
        name=f.name,
        size=len(f.data),
        sha256=hashlib.sha256(f.data).hexdigest(),
        media_type=f.media_type,
        form=f.form,
        item=f.item,
        camera_ids=list(f.camera_ids),
        time_from=None if f.time_from is None else utc(f.time_from),
        time_to=None if f.time_to is None else utc(f.time_to),
        received_at=None if f.received_at is None else utc(f.received_at),
    )


def split_body(body: bytes, part_bytes: int) -> list[bytes]:
    """The body in slices of at most ``part_bytes`` (none for an empty body)."""
    if not 1 <= part_bytes <= EVIDENCE_PART_MAX_BYTES:
        raise ValueError(f"part_bytes: must be 1–{EVIDENCE_PART_MAX_BYTES:,}")
    return [body[i : i + part_bytes] for i in range(0, len(body), part_bytes)]


def build_package(
    request: EvidenceRequest,
    decision: Decision,
    files: Sequence[EvidenceFile],
    *,
    plan: Sequence[ItemQuery],
    signer: Signer,
    provided_at: datetime,
    clock_note: str = CLOCK_NOTE,
    part_bytes: int = DEFAULT_PART_BYTES,
) -> BuiltPackage:
    """The signed package answering ``request`` as ``decision`` says, from these files."""
    check_decision(request, decision)
    by_item = queries_by_item(plan)
    if len(files) > MAX_FILES:
        raise InvalidDecision(
            f"files: at most {MAX_FILES} per package, got {len(files)}", field="files"
        )
    names: set[str] = set()
    for i, f in enumerate(files):
        _check_file(i, f, decision, by_item)
        if f.name in names:
            raise InvalidDecision(f"files[{i}] ({f.name}): the name appears twice", field="files")
        names.add(f.name)
    answered = {f.item for f in files}
    withheld = dict(decision.withheld)
    for index in sorted(decision.approved - answered):
        withheld[index] = NOTHING_STORED
    provided = sorted(decision.approved & answered)
    body = b"".join(f.data for f in files)
    chunks = split_body(body, part_bytes)
    site = request.site
    package_id = package_id_for(site, request.request_id)
    provided_utc = utc(provided_at)
    manifest = Manifest(
        package_id=package_id,
        site=site,
        request_id=request.request_id,
        entry_id=request.entry_id,
        case_number=request.case_number,
        category=request.category,
        legal_basis=request.legal_basis,
        purpose=request.purpose,
        recipient=request.requester,
        items=list(request.items),
        provided=provided,
        withheld=[Withheld(item=i, reason=withheld[i]) for i in sorted(withheld)],
        approver=decision.approver,
        approved_by_policy=decision.by_policy,
        approved_at=utc(decision.decided_at),
        provided_at=provided_utc,
        expires_at=provided_utc + timedelta(days=request.retain_days),
        clock_note=clock_note,
        body_size=len(body),
        body_sha256=hashlib.sha256(body).hexdigest(),
        part_sha256=[hashlib.sha256(c).hexdigest() for c in chunks],
        files=[_manifest_file(f) for f in files],
    )
    manifest_bytes = encode_manifest(manifest)
    if len(manifest_bytes) > EVIDENCE_MANIFEST_MAX_BYTES:
        raise InvalidDecision("files: the manifest is too large; split the request", field="files")
    header = EvidencePackage(
        site=site,
        request_id=request.request_id,
        package_id=package_id,
        manifest=manifest_bytes,
        signature=sign_manifest(signer, manifest_bytes),
        key_id=key_id(signer.public_key_b64),
        package_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        parts=len(chunks),
        provided_at=provided_utc,
    )
    parts = tuple(
        EvidencePart(
            site=site,
            request_id=request.request_id,
            part=n,
            parts=len(chunks),
            sha256=hashlib.sha256(chunk).hexdigest(),
            data=chunk,
        )
        for n, chunk in enumerate(chunks, start=1)
    )
    return BuiltPackage(manifest, manifest_bytes, header, parts)


def build_denial(
    request: EvidenceRequest, code: DenialCode, reason: str, *, decided_by: str, at: datetime
) -> EvidenceDenial:
    """The center's refusal, to send instead of a package; nothing else leaves."""
    return EvidenceDenial(
        site=request.site,
        request_id=request.request_id,
        code=code,
        reason=reason[:2000],
        decided_by=decided_by,
        denied_at=utc(at),
    )


def snapshot_file(
    query: SnapshotQuery,
    *,
    jpeg: bytes,
    read_id: str,
    captured_at: datetime,
    received_at: datetime | None = None,
) -> EvidenceFile:
    """One stored snapshot as a file of a package."""
    stamp = utc(captured_at).strftime("%Y%m%dT%H%M%S.%f")[:-3] + "Z"
    camera, read = safe_segment(query.camera_id), safe_segment(read_id)
    name = f"{item_folder(query.item, query.form)}/{camera}/{stamp}_{read}.jpg"
    return EvidenceFile(
        name=name,
        data=jpeg,
        media_type="image/jpeg",
        form=query.form,
        item=query.item,
        camera_ids=(query.camera_id,),
        time_from=captured_at,
        time_to=captured_at,
        received_at=received_at,
    )
