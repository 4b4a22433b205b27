"""Packages: built from a decision, signed, split; verified on receipt, refused when touched.

Each attack here (a flipped byte, another key, a replayed manifest, a file the operator
withheld) is the attacker's test: it must be refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace as dc_replace
from datetime import timedelta
from typing import Any, TypeVar

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safenet.audit import SigningKey
from safenet.evidence import (
    NOTHING_STORED,
    BuiltPackage,
    Decision,
    InvalidDecision,
    PackageRefused,
    Reassembly,
    build_package,
    plan_items,
    verify_package,
)
from safenet.evidence.manifest import encode_manifest
from safenet.evidence.signing import key_id, sign_manifest
from safenet.link.codec import encode
from safenet.link.messages import (
    EVIDENCE_PART_MAX_BYTES,
    EvidencePackage,
    EvidencePart,
    LinkMessage,
    ScenePhotos,
)
from tests.evidence.world import HITS, NOW, Store, build, make_request

S = TypeVar("S")


def replace(obj: S, **changes: Any) -> S:
    """A copy with ``changes`` (a link message re-derives its id)."""
    if isinstance(obj, msgspec.Struct):
        if isinstance(obj, LinkMessage):
            changes.setdefault("message_id", "")
        return msgspec.structs.replace(obj, **changes)
    return dc_replace(obj, **changes)  # type: ignore[type-var]


def _verify(built: BuiltPackage, trusted: dict[str, str], **kw: object) -> object:
    header = kw.pop("header", built.header)
    parts = kw.pop("parts", built.parts)
    return verify_package(header, parts, trusted_keys=trusted, now=NOW, **kw)  # type: ignore[arg-type]


def _refused(built: BuiltPackage, trusted: dict[str, str], **kw: object) -> PackageRefused:
    with pytest.raises(PackageRefused) as info:
        _verify(built, trusted, **kw)
    return info.value


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _reparted(built: BuiltPackage, index: int, data: bytes) -> tuple[EvidencePart, ...]:
    """The parts with one replaced by ``data`` and an honest-looking hash (an attacker's)."""
    parts = list(built.parts)
    parts[index] = replace(parts[index], data=data, sha256=hashlib.sha256(data).hexdigest())
    return tuple(parts)


@pytest.fixture(scope="module")
def built(center_key: SigningKey) -> BuiltPackage:
    return build(key=center_key)


def test_a_package_verifies_and_gives_back_every_file(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    request = make_request()
    verified = _verify(built, trusted, request=request)
    store_files = Store.default().files(plan_items(request, HITS))
    assert [(f.entry.name, f.data) for f in verified.files] == [  # type: ignore[attr-defined]
        (f.name, f.data) for f in store_files
    ]
    m = built.manifest
    assert m.provided == [0, 1, 2]
    assert m.withheld == []
    assert m.case_number == request.case_number
    assert m.recipient == request.requester
    assert m.expires_at == NOW + timedelta(days=30)
    assert "cameras' own clocks" in m.clock_note
    assert built.header.package_sha256 == hashlib.sha256(built.manifest_bytes).hexdigest()
    assert len(built.parts) == built.header.parts > 1  # 8 KiB parts in this test


def test_the_scene_photos_are_the_hits_camera_within_the_window_only(built: BuiltPackage) -> None:
    stills = [f for f in built.manifest.files if f.item == 0]
    hit = HITS["hit-1"]
    start, end = hit.read_at - timedelta(seconds=60), hit.read_at + timedelta(seconds=60)
    stored = Store.default().snapshots["cam-7"]
    expected = sorted(at for _, at in stored if start <= at <= end)
    assert len(expected) < len(stored)  # the store holds pictures outside the window too
    assert sorted(f.time_from for f in stills) == expected  # type: ignore[type-var]
    assert all(f.camera_ids == ["cam-7"] for f in stills)
    assert {f.form for f in built.manifest.files} == {"still", "route", "clip"}


def test_the_same_decision_builds_the_same_bytes_and_message_ids(
    built: BuiltPackage, center_key: SigningKey
) -> None:
    again = build(key=center_key)
    assert again.manifest_bytes == built.manifest_bytes
    assert [m.message_id for m in again.messages] == [m.message_id for m in built.messages]


def test_every_link_message_fits_under_the_nats_default_max_payload(center_key: SigningKey) -> None:
    big = build(key=center_key, part_bytes=EVIDENCE_PART_MAX_BYTES)
    assert all(len(encode(m)) < 1024 * 1024 for m in big.messages)


def test_a_flipped_byte_in_the_manifest_breaks_the_signature(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    header = replace(built.header, manifest=_flip(built.header.manifest, 40))
    assert _refused(built, trusted, header=header).field == "signature"


def test_a_flipped_byte_in_the_signature_is_refused(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    header = replace(built.header, signature=_flip(built.header.signature, 5))
    assert "does not verify" in str(_refused(built, trusted, header=header))


def test_a_flipped_byte_in_a_part_is_refused_naming_the_part(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    parts = list(built.parts)
    parts[1] = replace(parts[1], data=_flip(parts[1].data, 100))
    refusal = _refused(built, trusted, parts=parts)
    assert "part 2: its data does not match its SHA-256" in str(refusal)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_flipped_byte_anywhere_in_the_body_is_refused_even_with_the_part_hash_redone(
    built: BuiltPackage, trusted: dict[str, str], where: float
) -> None:
    body = b"".join(p.data for p in built.parts)
    at = int(where * len(body))
    index, offset = divmod(at, len(built.parts[0].data))
    data = _flip(built.parts[index].data, offset)
    refusal = _refused(built, trusted, parts=_reparted(built, index, data))
    # The manifest signs each part's hash: a redone part hash no longer matches it.
    assert refusal.field == "parts"
    assert "signed manifest" in refusal.message


def test_a_package_re_signed_with_another_key_is_refused(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    attacker = SigningKey.generate()
    forged = replace(
        built.header,
        signature=sign_manifest(attacker, built.manifest_bytes),
        key_id=key_id(attacker.public_key_b64),
    )
    assert _refused(built, trusted, header=forged).field == "key_id"
    # Even claiming the trusted key's id, the signature does not verify with that key.
    forged = replace(forged, key_id=built.header.key_id)
    assert _refused(built, trusted, header=forged).field == "signature"


def test_a_forged_manifest_signed_by_another_key_cannot_smuggle_a_file(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    attacker = SigningKey.generate()
    files = list(built.manifest.files)
    evil = b"not the center's picture"
    files[0] = replace(files[0], size=len(evil), sha256=hashlib.sha256(evil).hexdigest())
    manifest = replace(built.manifest, files=files)
    data = encode_manifest(manifest)
    header = replace(
        built.header,
        manifest=data,
        signature=sign_manifest(attacker, data),
        package_sha256=hashlib.sha256(data).hexdigest(),
    )
    assert _refused(built, trusted, header=header).field == "signature"


def test_a_package_from_a_center_the_police_hold_no_key_for_is_refused(
    built: BuiltPackage,
) -> None:
    assert "no trusted key for center seocho" in str(_refused(built, {}))


def test_a_package_answering_another_request_is_refused(
    built: BuiltPackage, trusted: dict[str, str]
) -> None:
    # Replayed under another request id: the signed manifest names the original one.
    header = replace(built.header, request_id="req-2")
    parts = [replace(p, request_id="req-2") for p in built.parts]
    assert "another center or request" in str(_refused(built, trusted, header=header, parts=parts))
    other = make_request(items=[ScenePhotos(hit_id="hit-1")])
    refusal = _refused(built, trusted, request=other)
    assert refusal.field == "manifest.items"


def test_a_missing_part_is_refused(built: BuiltPackage, trusted: dict[str, str]) -> None:
    refusal = _refused(built, trusted, parts=built.parts[:-1])
    assert f"missing [{built.header.parts}]" in str(refusal)


def test_an_expired_package_is_refused(built: BuiltPackage, trusted: dict[str, str]) -> None:
    with pytest.raises(PackageRefused, match="provision period ended"):
        verify_package(
            built.header, built.parts, trusted_keys=trusted, now=NOW + timedelta(days=31)
        )


def test_reassembly_takes_parts_in_any_order_and_each_again(built: BuiltPackage) -> None:
    r = Reassembly("seocho", "req-1")
    for part in reversed(built.parts):
        r.add(part)
        r.add(part)  # at-least-once delivery
    assert not r.complete
    assert r.missing == []
    r.add(built.header)
    assert r.complete
    assert r.parts() == list(built.parts)


def test_reassembly_refuses_a_part_that_changed_or_another_packages(built: BuiltPackage) -> None:
    r = Reassembly("seocho", "req-1")
    r.add(built.parts[0])
    with pytest.raises(PackageRefused, match="different contents"):
        r.add(replace(built.parts[0], data=b"x" + built.parts[0].data[1:]))
    with pytest.raises(PackageRefused, match="not part of"):
        r.add(replace(built.parts[1], request_id="req-9"))
    with pytest.raises(PackageRefused, match="parts"):
        r.add(
            EvidencePart(
                site="seocho", request_id="req-1", part=1, parts=99, sha256="0" * 64, data=b"x"
            )
        )


def test_a_partial_approval_provides_only_what_was_approved(
    center_key: SigningKey, trusted: dict[str, str]
) -> None:
    request = make_request()
    decision = Decision("op-3", NOW, frozenset({0, 1}), {2: "영상 범위가 사건과 무관"})
    partial = build(request, decision, key=center_key)
    assert partial.manifest.provided == [0, 1]
    assert [(w.item, w.reason) for w in partial.manifest.withheld] == [
        (2, "영상 범위가 사건과 무관")
    ]
    assert {f.form for f in partial.manifest.files} == {"still", "route"}
    _verify(partial, trusted, request=request)


def test_an_approved_item_with_nothing_stored_becomes_withheld(center_key: SigningKey) -> None:
    request = make_request()
    plan = plan_items(request, HITS)
    files = [f for f in Store.default().files(plan) if f.item != 2]
    built = build_package(
        request,
        Decision.approve_all(request, "op-3", NOW),
        files,
        plan=plan,
        signer=center_key,
        provided_at=NOW,
    )
    assert built.manifest.provided == [0, 1]
    assert built.manifest.withheld[0].item == 2
    assert built.manifest.withheld[0].reason == NOTHING_STORED


def _offer(center_key: SigningKey, decision: Decision | None = None, **change: object) -> None:
    """Try to release the store's files with one of them changed as ``change`` says."""
    request = make_request()
    plan = plan_items(request, HITS)
    files = Store.default().files(plan)
    files[0] = replace(files[0], **change)  # type: ignore[arg-type]
    build_package(
        request,
        decision or Decision.approve_all(request, "op-3", NOW),
        files,
        plan=plan,
        signer=center_key,
        provided_at=NOW,
    )


def test_a_file_of_a_withheld_item_never_leaves(center_key: SigningKey) -> None:
    decision = Decision("op-3", NOW, frozenset({1, 2}), {0: "사진 불필요"})
    with pytest.raises(InvalidDecision, match="item 0 was not approved"):
        _offer(center_key, decision)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"camera_ids": ("cam-9",)}, "not cam-7"),
        ({"time_from": NOW + timedelta(hours=1), "time_to": NOW + timedelta(hours=1)}, "outside"),
        ({"form": "clip"}, "asks for still"),
        ({"name": "../../etc/passwd"}, "not a safe file name"),
        ({"name": "/abs/x.jpg"}, "not a safe file name"),
    ],
)
def test_a_file_beyond_what_was_asked_never_leaves(
    center_key: SigningKey, change: dict[str, object], reason: str
) -> None:
    with pytest.raises(InvalidDecision, match=reason):
        _offer(center_key, **change)


def test_a_decision_must_answer_every_item_once(center_key: SigningKey) -> None:
    request = make_request()
    for decision, reason in [
        (Decision("op", NOW, frozenset({0, 1})), "neither approved nor withheld"),
        (Decision("op", NOW, frozenset({0, 1, 2}), {2: "x"}), "both approved and withheld"),
        (Decision("op", NOW, frozenset({0, 1, 5}), {2: "x"}), "the request has items 0–2"),
        (Decision("op", NOW, frozenset({0, 1}), {2: " "}), "needs a reason"),
        (Decision("op", NOW, frozenset(), {0: "a", 1: "b", 2: "c"}), "deny the request"),
    ]:
        with pytest.raises(InvalidDecision, match=reason):
            build(request, decision, key=center_key)


def test_an_unsafe_name_in_a_signed_manifest_is_refused(
    center_key: SigningKey, trusted: dict[str, str], built: BuiltPackage
) -> None:
    # Even the trusted center's own signature does not make a path-traversal name safe.
    files = list(built.manifest.files)
    files[0] = replace(files[0], name="../../../home/officer/.bashrc")
    data = encode_manifest(replace(built.manifest, files=files))
    header = replace(
        built.header,
        manifest=data,
        signature=sign_manifest(center_key, data),
        package_sha256=hashlib.sha256(data).hexdigest(),
    )
    assert "not a safe file name" in str(_refused(built, trusted, header=header))


def test_the_header_round_trips_through_the_codec(built: BuiltPackage) -> None:
    from safenet.link.codec import decode

    for message in built.messages:
        assert decode(encode(message)) == message
    raw = msgspec.json.decode(encode(built.header))
    assert isinstance(raw["manifest"], str)  # base64 on the wire
    assert isinstance(decode(encode(built.header)), EvidencePackage)
