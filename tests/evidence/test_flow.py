"""Evidence end to end through the services: officer asks, operator answers, police verify.

The main flow runs twice: on the in-process link with SQLite, and on NATS JetStream
(a private nats-server) with PostgreSQL for every site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa

from safenet.evidence import reconcile
from safenet.evidence.tables import (
    evidence_files,
    evidence_packages,
    evidence_requests,
    evidence_requests_sent,
    evidence_views,
    provision_register,
)
from safenet.link import outbox
from safenet.link.messages import EvidenceRequest
from tests.evidence.flow_support import PLATE, ask, one_hit, register_rows, released
from tests.evidence.stack import OFFICER, EvidenceStack, evidence_stack
from tests.support.services import NatsServer, fresh_pg_database


async def _photos_and_route(stack: EvidenceStack) -> None:
    entry = await stack.wanted(PLATE)
    # Another car at the same camera just before: in the photo window, never a hit.
    await stack.background("seocho", "34나5678", "SC-01", "bg-1")
    # SC-01 to SC-04 is 1.5 km: 89 s is a drive one car can make (in 29 s it could not,
    # and the later read would rightly be a candidate, not an alert)
    first = await stack.hit("seocho", PLATE, "SC-01", "r-1", ago_s=90)
    await stack.hit("seocho", PLATE, "SC-04", "r-2", ago_s=1)
    now = datetime.now(UTC)
    body = ask(
        "seocho",
        entry,
        [
            {"kind": "scene_photos", "hit_id": first, "window_s": 120},
            {"kind": "escape_route", "hit_id": first},
            {
                "kind": "video",
                "camera_id": "SC-02",
                "time_from": (now - timedelta(minutes=30)).isoformat(),
                "time_to": now.isoformat(),
            },
        ],
    )
    made = await stack.police_api("POST", "/evidence/requests", body=body)
    assert made["state"] == "sent"
    assert made["case_number"] == "2026-서초-000123"  # from the entry, not the officer
    request_id = made["request_id"]

    queued = await stack.queued("seocho", request_id)
    assert queued["category"] == "kidnapping"
    assert queued["case_number"] == "2026-서초-000123"
    assert [i["kind"] for i in queued["items"]] == ["scene_photos", "escape_route", "video"]
    listed = await stack.center_api("seocho", "GET", "/evidence/requests")
    assert [r["request_id"] for r in listed["requests"]] == [request_id]

    answer = await stack.center_api(
        "seocho",
        "POST",
        f"/evidence/requests/{request_id}/approve",
        {"items": [0, 1], "reason": "영상 범위는 사건 시각과 무관"},
    )
    assert answer["state"] == "provided"
    assert answer["provided"] == [0, 1]
    assert answer["withheld"] == [2]

    view = await stack.answered(request_id)
    assert view["state"] == "received", view
    assert view["withheld"] == [{"item": 2, "reason": "영상 범위는 사건 시각과 무관"}]
    stills = [f for f in view["files"] if f["form"] == "still"]
    routes = [f for f in view["files"] if f["form"] == "route"]
    assert len(stills) == 2  # the other car, and the hit's own picture
    assert len(routes) == 1
    jpeg = await stack.police_call("GET", stills[0]["url"].removeprefix("/api/v1"))
    assert jpeg.status_code == 200
    assert jpeg.content[:3] == b"\xff\xd8\xff"
    route = (await stack.police_call("GET", routes[0]["url"].removeprefix("/api/v1"))).json()
    assert [h["camera_id"] for h in route["hits"]] == ["SC-01", "SC-04"]
    assert route["missing"]  # no road path at the center yet: said, not invented

    # Viewing is logged: who, when, which file.
    views = await stack.police_api("GET", f"/evidence/packages/{view['package_id']}/views")
    assert [(v["file"], v["officer_id"]) for v in views["views"]] == [
        (stills[0]["name"], OFFICER.subject),
        (routes[0]["name"], OFFICER.subject),
    ]

    # The register: one row per provided item, and every file that left is in one row.
    rows = register_rows(stack, "seocho")
    assert [r.form for r in rows] == ["still", "route"]
    assert reconcile(rows, released(stack, "seocho")) == []
    assert sum(len(r.files) for r in rows) == len(view["files"])
    assert {r.package_sha256 for r in rows} == {
        hashlib.sha256(_manifest_bytes(stack, view["package_id"])).hexdigest()
    }
    assert register_rows(stack, "gangnam") == []
    with stack.centers["gangnam"].db.read() as conn:  # addressed to seocho only
        assert conn.execute(sa.select(evidence_requests)).all() == []


def _manifest_bytes(stack: EvidenceStack, package_id: str) -> bytes:
    with stack.police.db.read() as conn:
        return bytes(
            conn.execute(
                sa.select(evidence_packages.c.manifest).where(
                    evidence_packages.c.package_id == package_id
                )
            ).scalar_one()
        )


async def test_photos_and_route_in_process(tmp_path: Path) -> None:
    async with evidence_stack(tmp_path) as stack:
        await _photos_and_route(stack)


@pytest.fixture
def pg_urls() -> Iterator[dict[str, str]]:
    with ExitStack() as stack:
        yield {
            site: stack.enter_context(fresh_pg_database())
            for site in ("police", "seocho", "gangnam")
        }


@pytest.mark.pg
@pytest.mark.nats
async def test_photos_and_route_over_nats_with_postgresql(
    tmp_path: Path, pg_urls: dict[str, str], nats_server: Callable[..., NatsServer]
) -> None:
    from safenet.link.nats import NatsTransport

    server = nats_server()
    async with evidence_stack(
        tmp_path,
        db_urls=pg_urls,
        transports=lambda site: NatsTransport(server.url, site, connect_wait_s=10),
    ) as stack:
        await _photos_and_route(stack)


def _nothing_left(stack: EvidenceStack) -> None:
    with stack.police.db.read() as conn:
        assert conn.execute(sa.select(evidence_requests_sent)).all() == []
        kinds = [r.message_type for r in conn.execute(sa.select(outbox.outbox)).all()]
    assert "evidence_request" not in kinds
    for center in stack.centers.values():
        with center.db.read() as conn:
            assert conn.execute(sa.select(evidence_requests)).all() == []
            assert conn.execute(sa.select(provision_register)).all() == []


async def test_no_lawful_basis_is_refused_and_nothing_is_sent(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        photos = [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}]
        consent = await stack.police_call(
            "POST",
            "/evidence/requests",
            body=ask("seocho", entry, photos, legal_basis={"kind": "pipa_18_2", "item": 1}),
        )
        assert consent.status_code == 403, consent.text
        assert consent.json()["field"] == "legal_basis.item"

        from tests.web.stack import REGISTRAR

        await stack.police_api(
            "POST", f"/wanted/{entry}/cancel", REGISTRAR, {"reason": "차량 회수, 수배 해제"}
        )
        cancelled = await stack.police_call(
            "POST", "/evidence/requests", body=ask("seocho", entry, photos)
        )
        assert cancelled.status_code == 403, cancelled.text
        body = cancelled.json()
        assert "cancelled" in body["message"]
        assert body["details"]["denial_code"] == "no_lawful_basis"
        _nothing_left(stack)


async def test_a_request_naming_another_centers_hit_is_refused(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        wrong = await stack.police_call(
            "POST",
            "/evidence/requests",
            body=ask("gangnam", entry, [{"kind": "escape_route", "hit_id": hit}]),
        )
        assert wrong.status_code == 403, wrong.text
        assert wrong.json()["details"]["denial_code"] == "unknown_hit"
        _nothing_left(stack)


async def test_a_request_addressed_to_another_center_is_denied_there(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
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
        request = msgspec.json.decode(raw, type=EvidenceRequest)
        # Delivered to gangnam by mistake (or by a forger): gangnam refuses, releases nothing.
        state = stack.centers["gangnam"].evidence.take(request)
        assert state == "refused"
        row = (await stack.center_api("gangnam", "GET", "/evidence/requests?state=refused"))[
            "requests"
        ][0]
        assert row["denial_code"] == "wrong_center"
        assert register_rows(stack, "gangnam") == []
        with stack.centers["gangnam"].db.read() as conn:
            kinds = [r.message_type for r in conn.execute(sa.select(outbox.outbox)).all()]
        assert "evidence_package" not in kinds
        assert "evidence_part" not in kinds


async def test_a_denial_reaches_the_officer_with_the_reason(tmp_path: Path) -> None:
    async with one_hit(tmp_path) as (stack, entry, hit):
        made = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask("seocho", entry, [{"kind": "scene_photos", "hit_id": hit, "window_s": 60}]),
        )
        await stack.queued("seocho", made["request_id"])
        reason = "요청 목적이 불명확합니다. 사건 경위를 보완해 주십시오."
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/deny", {"reason": reason}
        )
        view = await stack.answered(made["request_id"])
        assert view["state"] == "denied"
        assert view["denial_code"] == "operator"
        assert view["denial_reason"] == reason
        assert view["files"] == []
        assert register_rows(stack, "seocho") == []
        again = await stack.center_call(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
        )
        assert again.status_code == 409


async def test_a_package_signed_with_an_untrusted_key_is_refused_and_never_shown(
    tmp_path: Path,
) -> None:
    from safenet.audit import SigningKey

    other = SigningKey.generate().public_key_b64
    async with one_hit(tmp_path, trust={"seocho": [other], "gangnam": [other]}) as (
        stack,
        entry,
        hit,
    ):
        made = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask("seocho", entry, [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}]),
        )
        await stack.queued("seocho", made["request_id"])
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
        )
        view = await stack.answered(made["request_id"])
        assert view["state"] == "refused"
        assert "key" in view["denial_reason"]
        assert view["files"] == []
        assert view["package_id"] is None
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_files)).all() == []
            assert conn.execute(sa.select(evidence_packages)).all() == []  # not even kept
        from safenet.evidence import package_id_for

        package_id = package_id_for("seocho", made["request_id"])
        opened = await stack.police_call(
            "GET", f"/evidence/packages/{package_id}/files/01-still/SC-01/x.jpg"
        )
        assert opened.status_code == 404
        alarms = [a.kind.value for a in stack.police.transport.alarms.recent()]
        assert "evidence_refused" in alarms


async def test_a_flipped_byte_in_a_part_is_refused(tmp_path: Path) -> None:
    """An attacker on the path flips a byte and recomputes the part's hash: still refused."""
    from safenet.evidence import Decision, build_package, plan_items, snapshot_file
    from safenet.evidence.request import SnapshotQuery
    from safenet.link.messages import EvidencePart
    from tests.evidence.stack import picture

    async with one_hit(tmp_path) as (stack, entry, hit):
        # The center never answers this one: its operator is away; the forged answer comes first.
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
        request = msgspec.json.decode(raw, type=EvidenceRequest)
        from safenet.evidence import HitFacts

        read_at = datetime.now(UTC)
        facts = {hit: HitFacts(hit, "seocho", entry, "SC-01", read_at)}
        plan = plan_items(request, facts)
        query = plan[0]
        assert isinstance(query, SnapshotQuery)
        files = [
            snapshot_file(query, jpeg=picture(PLATE, "SC-01"), read_id="r-1", captured_at=read_at)
        ]
        built = build_package(
            request,
            Decision.approve_all(request, "op", read_at),
            files,
            plan=plan,
            signer=stack.keys["seocho"],
            provided_at=read_at,
        )
        part = built.parts[0]
        data = bytearray(part.data)
        data[len(data) // 2] ^= 0x01
        forged = EvidencePart(
            site="seocho",
            request_id=part.request_id,
            part=part.part,
            parts=part.parts,
            sha256=hashlib.sha256(bytes(data)).hexdigest(),
            data=bytes(data),
        )
        stack.police.evidence.take(built.header)
        stack.police.evidence.take(forged)
        # Refused on arrival and alarmed; the request waits on for the center's own part
        # (tests/evidence/test_forgery.py), and nothing is shown meanwhile.
        alarms = [a.detail for a in stack.police.transport.alarms.recent()]
        assert any("SHA-256 is not the one the signed manifest lists" in a for a in alarms)
        view = await stack.police_api("GET", f"/evidence/requests/{made['request_id']}")
        assert view["state"] == "sent"
        assert view["files"] == []
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_files)).all() == []
            assert conn.execute(sa.select(evidence_views)).all() == []
