"""Link messages: deterministic ids, strict validation, subjects, and the generated docs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safenet.link import (
    MESSAGE_TYPES,
    AuditHead,
    CameraAnnouncement,
    CameraRegistry,
    Coordinates,
    EvidenceDenial,
    EvidencePackage,
    EvidencePart,
    Heartbeat,
    HitUpdate,
    HotlistAck,
    HotlistDelta,
    HotlistEntry,
    HotlistSnapshot,
    InvalidMessage,
    LinkMessage,
    LocationReport,
    LookupCapExceeded,
    decode,
    decode_as,
    encode,
    message_type,
)
from safenet.link.messages import (
    HeadsUp,
    HeadsUpCamera,
    PipaBasis,
    TransitionCount,
    TransitionReport,
    VideoRange,
)
from safenet.link.schema_doc import update_doc
from safenet.link.sites import validate_site
from safenet.link.subjects import Family, dead_subject, family_of, subject_matches
from tests.link.conftest import make_evidence_request, make_report

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ENTRY = HotlistEntry(entry_id="e-1", plate="12가34??", category="kidnapping", expires_at=NOW)


def one_of_each() -> list[LinkMessage]:
    return [
        HotlistSnapshot(target="all", version=3, issued_at=NOW, entries=[ENTRY]),
        HotlistDelta(target="seocho", version=4, base_version=3, issued_at=NOW, removed=["e-1"]),
        HotlistAck(site="seocho", version=4, entry_count=12, acked_at=NOW),
        make_report(1),
        HitUpdate(
            site="seocho",
            hit_id="hit-1",
            decision="rejected",
            reason="번호판 오인식",
            operator="op-3",
            decided_at=NOW,
        ),
        make_evidence_request("seocho"),
        EvidencePackage(
            site="seocho",
            request_id="req-seocho",
            package_id="p-1",
            manifest=b'{"format":"safenet-evidence/1"}',
            signature=bytes(64),
            key_id="0123456789abcdef",
            package_sha256="ab" * 32,
            parts=1,
            provided_at=NOW,
        ),
        EvidencePart(
            site="seocho", request_id="req-seocho", part=1, parts=1, sha256="cd" * 32, data=b"jpeg"
        ),
        EvidenceDenial(
            site="gangnam",
            request_id="req-2",
            code="no_lawful_basis",
            reason="no legal basis",
            decided_by="op-1",
            denied_at=NOW,
        ),
        Heartbeat(site="police", software_version="0.1.0", queue_depths={"outbox": 3}, sent_at=NOW),
        LookupCapExceeded(
            site="seocho",
            entry_id="e-1",
            hotlist_version=4,
            vehicles=8,
            max_vehicles=3,
            looked_up_at=NOW,
        ),
        CameraRegistry(
            site="gangnam",
            version=2,
            issued_at=NOW,
            cameras=[
                CameraAnnouncement(
                    camera_id="g-1",
                    coordinates=Coordinates(lat=37.49, lon=127.02),
                    heading=45.0,
                    facing="front",
                )
            ],
        ),
        HeadsUp(
            site="gangnam",
            heads_up_id="e-1.seocho-hit-1",
            entry_id="e-1",
            plate="12가3456",
            last_seen_at=NOW,
            last_seen=Coordinates(lat=37.49, lon=127.02),
            last_site="seocho",
            direction_deg=80.0,
            direction_ko="동",
            cameras=[HeadsUpCamera(camera_id="g-1", rank=1, earliest=NOW, latest=NOW)],
            issued_at=NOW,
            expires_at=NOW + timedelta(minutes=10),
        ),
        TransitionReport(
            site="gangnam",
            counted_since=NOW - timedelta(hours=1),
            issued_at=NOW,
            min_count=5,
            counts=[
                TransitionCount(camera_id="g-1", following="g-2", count=7),
                TransitionCount(previous="g-3", camera_id="g-1", following="g-2", count=5),
            ],
        ),
        AuditHead(
            site="police",
            kind="prune",
            seq=120,
            head_hash="c" * 64,
            signed_at="2028-03-01T00:00:00+00:00",
            signature="c2ln",
            public_key="a2V5",
            cutoff="2026-03-01T00:00:00+00:00",
            removed=120,
        ),
    ]


def test_every_message_type_round_trips_and_has_its_subject() -> None:
    messages = one_of_each()
    assert {type(m) for m in messages} == set(MESSAGE_TYPES)
    subjects = {message_type(m): m.subject for m in messages}
    assert subjects == {
        "hotlist_snapshot": "safenet.v1.hotlist.all",
        "hotlist_delta": "safenet.v1.hotlist.seocho",
        "hotlist_ack": "safenet.v1.ack.seocho",
        "location_report": "safenet.v1.report.seocho",
        "hit_update": "safenet.v1.update.seocho",
        "lookup_cap_exceeded": "safenet.v1.update.seocho",
        "evidence_request": "safenet.v1.evidence.request.seocho",
        "evidence_package": "safenet.v1.evidence.reply.seocho",
        "evidence_part": "safenet.v1.evidence.reply.seocho",
        "evidence_denial": "safenet.v1.evidence.reply.gangnam",
        "heartbeat": "safenet.v1.heartbeat.police",
        "camera_registry": "safenet.v1.registry.gangnam",
        "audit_head": "safenet.v1.audit.police",
        "heads_up": "safenet.v1.headsup.gangnam",
        "transition_counts": "safenet.v1.transitions.gangnam",
    }
    for message in messages:
        data = encode(message)
        assert decode(data) == message
        assert msgspec.json.decode(data)["type"] == message_type(message)
        version = 2 if isinstance(message, LocationReport) else 1
        assert msgspec.json.decode(data)["schema_version"] == version


def test_ids_are_deterministic_and_follow_the_natural_key() -> None:
    assert make_report(1).message_id == make_report(1, plate_read="12가3457").message_id
    assert make_report(1).message_id != make_report(2).message_id
    assert make_report(1, "seocho").message_id != make_report(1, "gangnam").message_id
    a = HitUpdate(
        site="seocho",
        hit_id="h",
        decision="confirmed",
        reason="ok",
        operator="o",
        decided_at=NOW,
    )
    b = HitUpdate(
        site="seocho",
        hit_id="h",
        decision="confirmed",
        reason="ok",
        operator="o",
        decided_at=NOW.astimezone(timezone(timedelta(hours=9))),  # same instant, KST
    )
    assert a.message_id == b.message_id
    assert len({m.message_id for m in one_of_each()}) == len(MESSAGE_TYPES)


def test_a_message_id_that_does_not_match_its_key_is_refused() -> None:
    data = encode(make_report(1)).replace(b'"hit_id":"hit-1"', b'"hit_id":"hit-9"')
    with pytest.raises(InvalidMessage, match="message_id"):
        decode(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ((b'"score":1.0', b'"score":1.5'), "$.score"),
        ((b'"site":"seocho"', b'"site":"Seocho"'), "$.site"),
        ((b'"read_at":"2025-03-01T12:00:00Z"', b'"read_at":"2025-03-01T12:00:00"'), "$.read_at"),
        ((b'"level":"exact"', b'"level":"maybe"'), "$.level"),
        ((b'"schema_version":2', b'"schema_version":3'), "$.schema_version"),
        ((b'"decision":"alert"', b'"decision":"maybe"'), "$.decision"),
        ((b'"heading":90.0', b'"heading":90.0,"plate_text":"x"'), "plate_text"),
        ((b'"type":"location_report"', b'"type":"read"'), "read"),
    ],
)
def test_invalid_fields_are_refused_by_name(change: tuple[bytes, bytes], field: str) -> None:
    data = encode(make_report(1))
    assert change[0] in data
    with pytest.raises(InvalidMessage) as info:
        decode(data.replace(*change))
    assert field in str(info.value)


def test_sites_and_directions_are_checked() -> None:
    with pytest.raises(ValueError, match="police, not a center"):
        make_report(1, "police")
    with pytest.raises(ValueError, match="reserved"):
        HotlistAck(site="all", version=1, entry_count=0, acked_at=NOW)
    with pytest.raises(ValueError, match="base_version"):
        HotlistDelta(target="all", version=3, base_version=3, issued_at=NOW)
    with pytest.raises(ValueError, match="time_to"):
        VideoRange(camera_id="cam-1", time_from=NOW, time_to=NOW - timedelta(seconds=1))
    with pytest.raises(ValueError, match="at most 2 hours"):
        VideoRange(camera_id="cam-1", time_from=NOW, time_to=NOW + timedelta(hours=3))
    with pytest.raises(ValueError, match="제4호 was deleted"):
        PipaBasis(item=4)
    with pytest.raises(ValueError, match="beyond parts"):
        EvidencePart(site="seocho", request_id="r", part=3, parts=2, sha256="0" * 64, data=b"x")
    with pytest.raises(ValueError, match="police, not a center"):
        make_evidence_request("police")
    for bad in ("", "a", "Seocho", "seo.cho", "seo*", "seo>", "1seocho", "x" * 40, "서초"):
        with pytest.raises(ValueError):
            validate_site(bad)
    assert make_report(1).sender == "seocho"
    assert one_of_each()[0].sender == "police"


def test_decode_as_requires_the_type() -> None:
    data = encode(make_report(1))
    assert decode_as(data, type(make_report(1))).hit_id == "hit-1"
    with pytest.raises(InvalidMessage, match="expected HitUpdate"):
        decode_as(data, HitUpdate)


@given(
    hit=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,40}", fullmatch=True),
    score=st.floats(0, 1),
    confidence=st.floats(0, 1),
    heading=st.none() | st.floats(0, 359.99),
    lat=st.floats(-90, 90),
)
def test_reports_round_trip_exactly(
    hit: str, score: float, confidence: float, heading: float | None, lat: float
) -> None:
    report = make_report(
        1,
        hit_id=hit,
        score=score,
        read_confidence=confidence,
        heading=heading,
        coordinates=make_report(1).coordinates.__class__(lat=lat, lon=127.0),
    )
    assert decode(encode(report)) == report


def test_subject_helpers() -> None:
    assert subject_matches("safenet.v1.report.>", "safenet.v1.report.seocho")
    assert not subject_matches("safenet.v1.report.>", "safenet.v1.report")
    assert subject_matches("a.*.c", "a.b.c")
    assert not subject_matches("a.*.c", "a.b.d")
    assert not subject_matches("a.b", "a.b.c")
    assert family_of("safenet.v1.evidence.request.seocho") is Family.EVIDENCE_REQUEST
    assert family_of("safenet.v1.evidence.reply.seocho") is Family.EVIDENCE_REPLY
    assert family_of("other.subject") is None
    assert dead_subject("police", Family.EVIDENCE_REPLY) == "safenet.v1.dead.police.evidence-reply"
    assert Family.EVIDENCE_REQUEST.stream == "SAFENET_EVIDENCE_REQUEST"


def test_docs_publish_the_current_message_schemas() -> None:
    doc = ROOT / "docs" / "link.md"
    assert not update_doc(doc, write=False), (
        "docs/link.md is out of date with safenet.link.messages; run 'safenet link schemas'"
    )


def _as_schema_1(report: LocationReport) -> bytes:
    """The report as a center of the previous release sends it: no decision, version 1."""
    body = msgspec.json.decode(encode(report))
    del body["decision"]
    body["schema_version"] = 1
    return msgspec.json.encode(body)


@pytest.mark.parametrize(("level", "meant"), [("exact", "alert"), ("equivalent", "candidate")])
def test_a_schema_1_report_is_still_read_with_what_it_meant(level: str, meant: str) -> None:
    report = make_report(1, level=level, decision="alert" if level == "exact" else "candidate")
    old = decode_as(_as_schema_1(report), LocationReport)
    assert old.schema_version == 1
    assert old.decision is None
    assert old.center_decision == meant
    assert old.message_id == report.message_id  # the same fact, whichever version says it


def test_a_schema_2_report_must_say_the_centers_decision() -> None:
    body = msgspec.json.decode(encode(make_report(1)))
    del body["decision"]
    with pytest.raises(InvalidMessage, match="decision: required from schema version 2"):
        decode(msgspec.json.encode(body))
    with pytest.raises(ValueError, match="decision: not part of schema version 1"):
        make_report(1, schema_version=1)


def test_an_alert_can_only_be_an_exact_match() -> None:
    # The worst failure is officers sent on a look-alike: the schema refuses an "alert"
    # that is not an exact read, whatever the sender's code believed.
    for level in ("equivalent", "fuzzy", "partial"):
        with pytest.raises(ValueError, match="an alert is an exact match"):
            make_report(1, level=level, decision="alert")
    assert make_report(1, level="exact", decision="candidate").center_decision == "candidate"


def test_a_hit_update_names_the_operator_and_an_older_one_without_still_decodes() -> None:
    named = HitUpdate(
        site="seocho",
        hit_id="hit-1",
        decision="confirmed",
        reason="snapshot matches",
        operator="op.seocho",
        decided_at=NOW,
        operator_name="주무관 박서연",
    )
    assert decode_as(encode(named), HitUpdate).operator_name == "주무관 박서연"
    older = msgspec.json.decode(encode(named))
    del older["operator_name"]
    decoded = decode_as(msgspec.json.encode(older), HitUpdate)
    assert decoded.operator_name is None
    assert decoded.message_id == named.message_id  # the name is not part of the identity
    too_long = msgspec.json.decode(encode(named))
    too_long["operator_name"] = "x" * 101
    with pytest.raises(InvalidMessage, match="operator_name"):
        decode_as(msgspec.json.encode(too_long), HitUpdate)


def test_a_heads_up_camera_carries_its_reason_as_word_codes_optionally() -> None:
    from safenet.link.messages import RouteWordPart

    camera = HeadsUpCamera(
        camera_id="g-1",
        rank=1,
        reason="850 m NE; ahead",
        reason_ko="북동쪽 850 m; 진행 방향 앞쪽",
        reason_words=(
            RouteWordPart(code="where", params={"distance_m": 850, "bearing_deg": 45.0}),
            RouteWordPart(code="ahead"),
        ),
    )
    again = msgspec.json.decode(msgspec.json.encode(camera), type=HeadsUpCamera)
    assert again == camera
    # A camera from an older police, without the words, still decodes.
    older = msgspec.json.decode(b'{"camera_id":"g-1","rank":1}', type=HeadsUpCamera)
    assert older.reason_words == ()
    with pytest.raises(msgspec.ValidationError, match="code"):
        msgspec.json.decode(
            b'{"camera_id":"g-1","rank":1,"reason_words":[{"code":"Not A Code"}]}',
            type=HeadsUpCamera,
        )
