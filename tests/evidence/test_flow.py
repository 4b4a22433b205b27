"""Evidence end to end through the services: officer asks, operator answers, police verify.

The main flow runs twice: on the in-process link with SQLite, and on NATS JetStream
(a private nats-server) with PostgreSQL for every site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa

from safenet.evidence import decode_manifest, reconcile
from safenet.evidence.tables import (
    evidence_files,
    evidence_packages,
    evidence_provisions,
    evidence_requests,
    evidence_requests_sent,
    evidence_views,
    provision_register,
)
from safenet.link import outbox
from safenet.link.messages import EvidenceRequest
from tests.evidence.stack import OFFICER, EvidenceStack, evidence_stack
from tests.support.services import NatsServer, fresh_pg_database

PLATE = "12가3456"


def ask(site: str, entry_id: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "entry_id": entry_id,
        "items": items,
        "purpose": "약취 피의차량 현장 사진 및 도주경로 확인",
        "legal_basis": {"kind": "pipa_18_2", "item": 7},
        "rank": "경위",
        "agency": "서울서초경찰서 형사과",
        **extra,
    }


def released(stack: EvidenceStack, site: str) -> list[Any]:
    """Every (package id, file) that left this center's evidence store."""
    with stack.centers[site].db.read() as conn:
        rows = conn.execute(sa.select(evidence_provisions.c.manifest)).all()
    out = []
    for row in rows:
        manifest = decode_manifest(row.manifest)
        out += [(manifest.package_id, f) for f in manifest.files]
    return out


def register_rows(stack: EvidenceStack, site: str) -> list[Any]:
    return stack.centers[site].evidence.records()


async def _photos_and_route(stack: EvidenceStack) -> None:
    entry = await stack.wanted(PLATE)
    # Another car at the same camera just before: in the photo window, never a hit.
    await stack.background("seocho", "34나5678", "SC-01", "bg-1")
    first = await stack.hit("seocho", PLATE, "SC-01", "r-1", ago_s=30)
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


@asynccontextmanager
async def _one_hit(tmp_path: Path, **kwargs: Any) -> AsyncIterator[tuple[EvidenceStack, str, str]]:
    async with evidence_stack(tmp_path, **kwargs) as stack:
        entry = await stack.wanted(PLATE, category=kwargs.pop("category", "kidnapping"))
        hit = await stack.hit("seocho", PLATE, "SC-01", "r-1")
        yield stack, entry, hit


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
    async with _one_hit(tmp_path) as (stack, entry, hit):
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
    async with _one_hit(tmp_path) as (stack, entry, hit):
        wrong = await stack.police_call(
            "POST",
            "/evidence/requests",
            body=ask("gangnam", entry, [{"kind": "escape_route", "hit_id": hit}]),
        )
        assert wrong.status_code == 403, wrong.text
        assert wrong.json()["details"]["denial_code"] == "unknown_hit"
        _nothing_left(stack)


async def test_a_request_addressed_to_another_center_is_denied_there(tmp_path: Path) -> None:
    async with _one_hit(tmp_path) as (stack, entry, hit):
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
    async with _one_hit(tmp_path) as (stack, entry, hit):
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
    async with _one_hit(tmp_path, trust={"seocho": [other], "gangnam": [other]}) as (
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
            package_id = conn.execute(sa.select(evidence_packages.c.package_id)).scalar_one()
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

    async with _one_hit(tmp_path) as (stack, entry, hit):
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
        view = await stack.answered(made["request_id"])
        assert view["state"] == "refused"
        assert "SHA-256" in view["denial_reason"]
        assert view["files"] == []
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_files)).all() == []
            assert conn.execute(sa.select(evidence_views)).all() == []


async def test_the_policy_provides_a_hits_own_snapshot_for_a_missing_person(tmp_path: Path) -> None:
    async with evidence_stack(tmp_path, center_settings={"evidence_auto_approve": True}) as stack:
        entry = await stack.wanted(PLATE, category="missing_person")
        hit = await stack.hit("seocho", PLATE, "SC-01", "r-1")
        own = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask(
                "seocho",
                entry,
                [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}],
                legal_basis={"kind": "pipa_18_2", "item": 3},
            ),
        )
        view = await stack.answered(own["request_id"])
        assert view["state"] == "received"
        assert len(view["files"]) == 1
        rows = register_rows(stack, "seocho")
        assert [r.approver for r in rows] == ["policy"]
        # A time window waits for the operator, policy or not.
        window = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask(
                "seocho",
                entry,
                [{"kind": "scene_photos", "hit_id": hit, "window_s": 60}],
                legal_basis={"kind": "pipa_18_2", "item": 3},
            ),
        )
        await stack.queued("seocho", window["request_id"], "pending")


async def test_reading_the_register_is_audited(tmp_path: Path) -> None:
    from safenet.audit import store as audit

    async with _one_hit(tmp_path) as (stack, entry, hit):
        made = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask("seocho", entry, [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}]),
        )
        await stack.queued("seocho", made["request_id"])
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
        )
        await stack.answered(made["request_id"])
        listed = await stack.center_api(
            "seocho", "GET", "/evidence/register?case_number=2026-서초-000123"
        )
        assert len(listed["records"]) == 1
        assert listed["records"][0]["recipient_name"] == OFFICER.name
        csv = await stack.center_call("seocho", "GET", "/evidence/register.csv")
        assert csv.content.startswith(b"\xef\xbb\xbf")
        with stack.centers["seocho"].db.read() as conn:
            actions = [r.action for r in audit.records(conn)]
        assert "evidence.provide" in actions
        assert "register.view" in actions
        assert "register.export" in actions


async def test_the_register_export_round_trips(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from safenet.audit import store as audit
    from safenet.cli import app
    from safenet.evidence import read_register_csv

    async with _one_hit(tmp_path) as (stack, entry, hit):
        for window in (0, 30):
            made = await stack.police_api(
                "POST",
                "/evidence/requests",
                body=ask(
                    "seocho",
                    entry,
                    [
                        {"kind": "scene_photos", "hit_id": hit, "window_s": window},
                        {"kind": "escape_route", "hit_id": hit},
                    ],
                ),
            )
            await stack.queued("seocho", made["request_id"])
            await stack.center_api(
                "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
            )
            await stack.answered(made["request_id"])
        stored = register_rows(stack, "seocho")
        assert len(stored) == 4
        config = tmp_path / "safenet.toml"
        config.write_text(
            f'var_dir = "{tmp_path / "var"}"\n[center]\nsite = "seocho"\n'
            f'database_url = "sqlite:///{tmp_path / "seocho.db"}"\n',
            encoding="utf-8",
        )
        out = tmp_path / "register.csv"
        today = datetime.now(UTC).date()
        result = CliRunner().invoke(
            app,
            [
                "center",
                "ledger",
                "export",
                "--from",
                (today - timedelta(days=1)).isoformat(),
                "--to",
                (today + timedelta(days=2)).isoformat(),
                "--out",
                str(out),
                "--by",
                "auditor-1",
                "--config",
                str(config),
            ],
        )
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert read_register_csv(data) == stored
        summary = (tmp_path / "register-summary.csv").read_bytes().decode("utf-8-sig")
        lines = summary.strip().splitlines()
        assert len(lines) == 2  # the header, one requester in one month and category
        assert "약취" in lines[1] or "kidnapping" in lines[1]
        assert lines[1].split(",")[-3:] == ["2", "4", str(sum(len(r.files) for r in stored))]
        with stack.centers["seocho"].db.read() as conn:
            exports = [r for r in audit.records(conn) if r.action == "register.export"]
        assert [(r.actor, r.details["rows"]) for r in exports] == [("auditor-1", 4)]

        empty = CliRunner().invoke(
            app,
            [
                "center",
                "ledger",
                "export",
                "--from",
                "2020-01-01",
                "--to",
                "2020-02-01",
                "--out",
                str(tmp_path / "none.csv"),
                "--config",
                str(config),
            ],
        )
        assert empty.exit_code == 0, empty.output
        assert read_register_csv((tmp_path / "none.csv").read_bytes()) == []
        bad = CliRunner().invoke(
            app, ["center", "ledger", "export", "--from", "yesterday", "--to", "2020-02-01"]
        )
        assert bad.exit_code != 0
        assert "--from" in bad.output


async def test_the_police_cli_asks_and_shows_the_answer(tmp_path: Path) -> None:
    import asyncio

    from typer.testing import CliRunner

    from safenet.auth import issue_token
    from safenet.cli import app
    from tests.web.stack import POLICE_SECRET

    async with _one_hit(tmp_path) as (stack, entry, hit):
        token = issue_token(OFFICER, POLICE_SECRET)
        common = ["--url", stack.police_url, "--token", token]

        def cli(*args: str) -> Any:
            return CliRunner().invoke(app, ["police", "evidence", *args, *common])

        asked = await asyncio.to_thread(
            cli,
            "request",
            "--site",
            "seocho",
            "--entry",
            entry,
            "--photos",
            hit,
            "--window-s",
            "0",
            "--purpose",
            "현장 사진 확인",
            "--rank",
            "경위",
            "--agency",
            "서초경찰서",
            "--json",
        )
        assert asked.exit_code == 0, asked.output
        request_id = json.loads(asked.output)["request_id"]
        await stack.queued("seocho", request_id)
        await stack.center_api("seocho", "POST", f"/evidence/requests/{request_id}/approve", {})
        await stack.answered(request_id)
        shown = await asyncio.to_thread(cli, "show", request_id)
        assert shown.exit_code == 0, shown.output
        assert "received" in shown.output
        assert "1 files" in shown.output

        refused = await asyncio.to_thread(
            cli,
            "request",
            "--site",
            "seocho",
            "--entry",
            entry,
            "--route",
            hit,
            "--purpose",
            "동의 근거",
            "--pipa-item",
            "1",
            "--rank",
            "경위",
            "--agency",
            "서초경찰서",
        )
        assert refused.exit_code == 1
        assert "HTTP 403" in refused.output


async def test_provided_evidence_leaves_the_police_store_after_its_period(tmp_path: Path) -> None:
    async with _one_hit(tmp_path) as (stack, entry, hit):
        made = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask(
                "seocho",
                entry,
                [{"kind": "scene_photos", "hit_id": hit, "window_s": 0}],
                retain_days=2,
            ),
        )
        await stack.queued("seocho", made["request_id"])
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
        )
        view = await stack.answered(made["request_id"])
        assert len(view["files"]) == 1
        desk = stack.police.evidence
        assert desk.purge() == 0  # within its period
        later = datetime.now(UTC) + timedelta(days=2, minutes=1)
        real = desk.clock
        await stack.police_api("POST", f"/evidence/packages/{view['package_id']}/hold")
        desk.clock = lambda: later
        assert desk.purge() == 0  # attached to a case export: kept
        desk.clock = real
        await stack.police_api("POST", f"/evidence/packages/{view['package_id']}/release")
        desk.clock = lambda: later
        assert desk.purge() == 1
        after = await stack.police_api("GET", f"/evidence/requests/{made['request_id']}")
        assert after["files"] == []
        assert after["package_id"] is None
        with stack.police.db.read() as conn:
            assert conn.execute(sa.select(evidence_files)).all() == []
        opened = await stack.police_call("GET", view["files"][0]["url"].removeprefix("/api/v1"))
        assert opened.status_code == 404


async def test_an_approved_item_with_nothing_stored_arrives_withheld_with_the_reason(
    tmp_path: Path,
) -> None:
    async with _one_hit(tmp_path) as (stack, entry, _hit):
        now = datetime.now(UTC)
        made = await stack.police_api(
            "POST",
            "/evidence/requests",
            body=ask(
                "seocho",
                entry,
                [
                    {
                        "kind": "video",
                        "camera_id": "SC-02",
                        "time_from": (now - timedelta(minutes=20)).isoformat(),
                        "time_to": now.isoformat(),
                    }
                ],
            ),
        )
        await stack.queued("seocho", made["request_id"])
        await stack.center_api(
            "seocho", "POST", f"/evidence/requests/{made['request_id']}/approve", {}
        )
        view = await stack.answered(made["request_id"])
        assert view["state"] == "received"
        assert view["files"] == []
        assert len(view["withheld"]) == 1
        assert "nothing is stored" in view["withheld"][0]["reason"]
        assert register_rows(stack, "seocho") == []  # nothing provided, nothing registered
