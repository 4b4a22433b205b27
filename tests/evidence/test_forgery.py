"""A forged package must not make the police refuse the real one (issue 14 follow-up).

The attacker knows the request (its id travels on the link) and the package id (it is
fixed by center and request), so a forged header or forged parts can carry both. The
police refuse and alarm every forgery, never show it, and still take the center's real
package in whatever order the pieces arrive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace as dc_replace
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa

from safenet.audit import SigningKey
from safenet.audit import store as audit
from safenet.evidence import (
    BuiltPackage,
    Decision,
    HitFacts,
    build_package,
    plan_items,
    snapshot_file,
)
from safenet.evidence.request import SnapshotQuery
from safenet.evidence.signing import key_id
from safenet.evidence.tables import (
    evidence_files,
    evidence_packages,
    evidence_parts,
    evidence_requests_sent,
)
from safenet.link import outbox
from safenet.link.messages import EvidencePackage, EvidencePart, EvidenceRequest
from tests.evidence.flow_support import PLATE, ask, one_hit
from tests.evidence.stack import EvidenceStack, picture
from tests.support.services import NatsServer

PART_BYTES = 2048  # a snapshot of a few KB crosses in several parts


async def _ask(stack: EvidenceStack, entry: str, hit: str) -> EvidenceRequest:
    made = await stack.police_api(
        "POST",
        "/evidence/requests",
        body=ask("seocho", entry, [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}]),
    )
    with stack.police.db.read() as conn:
        raw = conn.execute(
            sa.select(evidence_requests_sent.c.request).where(
                evidence_requests_sent.c.request_id == made["request_id"]
            )
        ).scalar_one()
    return msgspec.json.decode(raw, type=EvidenceRequest)


def _package(
    stack: EvidenceStack,
    request: EvidenceRequest,
    hit: str,
    entry: str,
    signer: SigningKey,
    plate: str,
) -> BuiltPackage:
    read_at = datetime.now(UTC)
    facts = {hit: HitFacts(hit, "seocho", entry, "SC-01", read_at)}
    plan = plan_items(request, facts)
    query = plan[0]
    assert isinstance(query, SnapshotQuery)
    files = [snapshot_file(query, jpeg=picture(plate, "SC-01"), read_id="r-1", captured_at=read_at)]
    return build_package(
        request,
        Decision.approve_all(request, "op", read_at),
        files,
        plan=plan,
        signer=signer,
        provided_at=read_at,
        part_bytes=PART_BYTES,
    )


def _forged(stack: EvidenceStack, request: EvidenceRequest, hit: str, entry: str) -> BuiltPackage:
    """Another car's picture, signed by the attacker, claiming seocho's key id."""
    built = _package(stack, request, hit, entry, SigningKey.generate(), "99하9999")
    h = built.header
    header = EvidencePackage(
        site=h.site,
        request_id=h.request_id,
        package_id=h.package_id,
        manifest=h.manifest,
        signature=h.signature,
        key_id=key_id(stack.keys["seocho"].public_key_b64),
        package_sha256=h.package_sha256,
        parts=h.parts,
        provided_at=h.provided_at,
    )
    return dc_replace(built, header=header)


def _refusals(stack: EvidenceStack) -> list[str]:
    with stack.police.db.read() as conn:
        return [r.action for r in audit.records(conn) if r.action == "evidence.package_refused"]


def _alarms(stack: EvidenceStack) -> list[str]:
    return [a.kind.value for a in stack.police.transport.alarms.recent()]


def _shown(stack: EvidenceStack) -> list[bytes]:
    with stack.police.db.read() as conn:
        return [bytes(r.data) for r in conn.execute(sa.select(evidence_files)).all()]


def _real_bytes(built: BuiltPackage) -> bytes:
    return b"".join(p.data for p in built.parts)


Order = Callable[[BuiltPackage, BuiltPackage], list[EvidencePackage | EvidencePart]]


def _header_first(real: BuiltPackage, forged: BuiltPackage) -> list[EvidencePackage | EvidencePart]:
    return [forged.header, *real.messages]


def _parts_interleaved(
    real: BuiltPackage, forged: BuiltPackage
) -> list[EvidencePackage | EvidencePart]:
    out: list[EvidencePackage | EvidencePart] = [forged.parts[0], real.parts[1]]
    for f, r in zip(forged.parts, real.parts, strict=False):
        out += [f, r]
    return [*out, forged.header, real.header, *forged.parts]


def _forged_parts_before_any_header(
    real: BuiltPackage, forged: BuiltPackage
) -> list[EvidencePackage | EvidencePart]:
    return [*forged.parts, *real.parts, forged.header, real.header]


@pytest.mark.parametrize(
    "order", [_header_first, _parts_interleaved, _forged_parts_before_any_header]
)
async def test_a_forgery_never_stops_the_real_package(tmp_path: Path, order: Order) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)  # the operator is away: we play both sides
        real = _package(stack, request, hit, entry, stack.keys["seocho"], PLATE)
        forged = _forged(stack, request, hit, entry)
        assert len(real.parts) >= 3
        assert len(forged.parts) >= 3
        assert forged.header.package_id == real.header.package_id
        for message in order(real, forged):
            stack.police.evidence.take(message)
        view = await stack.answered(request.request_id)
        assert view["state"] == "received", view
        assert b"".join(_shown(stack)) == _real_bytes(real)
        assert "evidence_refused" in _alarms(stack)
        assert _refusals(stack)  # the forgery is on the record
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_parts)).all() == []  # nothing left behind
            (package,) = conn.execute(sa.select(evidence_packages)).all()
        assert package.signature == real.header.signature


async def test_only_a_forgery_is_refused_alarmed_and_never_shown(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)
        forged = _forged(stack, request, hit, entry)
        for message in forged.messages:
            stack.police.evidence.take(message)
        view = await stack.answered(request.request_id)
        assert view["state"] == "refused"
        assert "signature" in view["denial_reason"]
        assert view["files"] == []
        assert view["package_id"] is None
        assert _shown(stack) == []
        assert "evidence_refused" in _alarms(stack)
        assert _refusals(stack)
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_packages)).all() == []


async def test_a_forged_part_after_the_real_header_is_refused_the_real_one_taken(
    tmp_path: Path,
) -> None:
    """With the real header in, a part whose hash the manifest does not sign is refused."""
    async with one_hit(tmp_path) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)
        real = _package(stack, request, hit, entry, stack.keys["seocho"], PLATE)
        part = real.parts[1]
        data = bytearray(part.data)
        data[0] ^= 0x01
        flipped = EvidencePart(
            site="seocho",
            request_id=part.request_id,
            part=part.part,
            parts=part.parts,
            sha256=hashlib.sha256(bytes(data)).hexdigest(),
            data=bytes(data),
        )
        stack.police.evidence.take(real.header)
        stack.police.evidence.take(flipped)
        assert "evidence_refused" in _alarms(stack)
        with stack.police.db.read() as conn:
            stored = conn.execute(sa.select(evidence_parts.c.sha256)).scalars().all()
        assert flipped.sha256 not in stored  # not even kept as a candidate
        for message in real.parts:
            stack.police.evidence.take(message)
        view = await stack.answered(request.request_id)
        assert view["state"] == "received", view
        assert b"".join(_shown(stack)) == _real_bytes(real)


async def test_a_flood_of_forged_copies_of_one_part_is_capped(tmp_path: Path) -> None:
    """Copies of a part beyond the cap are refused, not stored; the real one still fits
    once its header arrived (only parts its manifest signs are taken then)."""
    from safenet.police.evidence_receive import MAX_CANDIDATES

    async with one_hit(tmp_path) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)
        real = _package(stack, request, hit, entry, stack.keys["seocho"], PLATE)
        part = real.parts[0]
        for n in range(MAX_CANDIDATES + 3):
            data = bytes([n]) + part.data[1:]
            stack.police.evidence.take(
                EvidencePart(
                    site="seocho",
                    request_id=part.request_id,
                    part=1,
                    parts=part.parts,
                    sha256=hashlib.sha256(data).hexdigest(),
                    data=data,
                )
            )
        with stack.police.db.read() as conn:
            kept = conn.execute(sa.select(sa.func.count()).select_from(evidence_parts)).scalar_one()
        assert kept <= MAX_CANDIDATES
        for message in real.messages:
            stack.police.evidence.take(message)
        view = await stack.answered(request.request_id)
        assert view["state"] == "received", view
        assert b"".join(_shown(stack)) == _real_bytes(real)


@pytest.mark.nats
async def test_a_forged_header_sent_first_over_nats_does_not_stop_the_real_package(
    tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """Over the fenced link only seocho's own link user can publish seocho's replies: the
    forger sits there (a compromised relay), and its header leaves before the real one."""
    from tests.link.conftest import start_fenced

    fenced = start_fenced(nats_server, tmp_path)  # each site its own NATS user
    async with one_hit(tmp_path, transports=fenced.transport) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)
        await stack.queued("seocho", request.request_id)
        forged = _forged(stack, request, hit, entry)
        with stack.centers["seocho"].db.begin() as conn:
            for message in forged.messages:
                assert outbox.enqueue(conn, message)
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{request.request_id}/approve", {}
        )
        view = await stack.answered(request.request_id)
        if view["state"] == "refused":  # the forgery came first: wait for the real one
            view = await _received(stack, request.request_id)
        assert view["state"] == "received", view
        assert [f["form"] for f in view["files"]] == ["still"]
        assert "evidence_refused" in _alarms(stack)
        with stack.police.db.read() as conn:
            (package,) = conn.execute(sa.select(evidence_packages)).all()
        assert package.signature != forged.header.signature


async def _received(stack: EvidenceStack, request_id: str) -> dict[str, object]:
    from tests.evidence.stack import until_async

    seen: list[dict[str, object]] = []

    async def done() -> bool:
        seen[:] = [await stack.police_api("GET", f"/evidence/requests/{request_id}")]
        return seen[0]["state"] == "received"

    await until_async(done)
    return seen[0]


async def test_copies_that_never_became_a_package_leave_after_a_period(tmp_path: Path) -> None:
    from datetime import timedelta

    from safenet.evidence import DEFAULT_RETAIN_DAYS

    async with one_hit(tmp_path) as (stack, entry, hit):
        request = await _ask(stack, entry, hit)
        forged = _forged(stack, request, hit, entry)
        for message in forged.parts:  # never a header that verifies
            stack.police.evidence.take(message)
        desk = stack.police.evidence
        desk.purge()
        with stack.police.db.read() as conn:
            assert len(conn.execute(sa.select(evidence_parts)).all()) == len(forged.parts)
        later = datetime.now(UTC) + timedelta(days=DEFAULT_RETAIN_DAYS, minutes=1)
        desk.clock = lambda: later
        desk.purge()
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_parts)).all() == []
