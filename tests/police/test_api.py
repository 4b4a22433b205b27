"""The police HTTP API: auth, the gate's errors, registry actions, alerts, tracks, centers."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.police.tables import wanted
from tests.police.support import (
    APPROVER,
    DISPATCHER,
    REGISTRAR,
    SEOCHO_OFFICER,
    T0,
    Police,
    auth,
    report,
)

BODY = {
    "plate": "12가3456",
    "category": "homicide",
    "case_number": "2026-000123",
    "reason": "suspect fled the scene",
    "vehicle": {"make": "기아", "model": "K5", "colour": "검정"},
}


async def _register_and_approve(police: Police) -> str:
    async with police.http() as http:
        created = await http.post("/api/v1/wanted", json=BODY, headers=auth(REGISTRAR))
        assert created.status_code == 201, created.text
        entry_id = created.json()["entry_id"]
        approved = await http.post(f"/api/v1/wanted/{entry_id}/approve", headers=auth(APPROVER))
        assert approved.status_code == 200, approved.text
        return str(entry_id)


async def test_tokens_and_roles_are_required(police: Police) -> None:
    async with police.http() as http:
        assert (await http.get("/api/v1/wanted")).status_code == 401
        bad = await http.get("/api/v1/wanted", headers={"Authorization": "Bearer sn1.x.y"})
        assert bad.status_code == 401
        forbidden = await http.post("/api/v1/wanted", json=BODY, headers=auth(DISPATCHER))
        assert forbidden.status_code == 403
        assert "registrar" in forbidden.json()["message"]
        assert (await http.get("/healthz")).json()["ok"] is True
        assert (await http.get("/docs")).status_code == 200
        paths = (await http.get("/openapi.json")).json()["paths"]
        assert "/api/v1/alerts/stream" in paths
        assert "/api/v1/tracks/{entry_id}" in paths


async def test_the_gate_refuses_over_http_and_stores_nothing(police: Police) -> None:
    async with police.http() as http:
        fraud = await http.post(
            "/api/v1/wanted", json=BODY | {"category": "fraud"}, headers=auth(REGISTRAR)
        )
        assert fraud.status_code == 422
        body = fraud.json()
        assert body["error"] == "refused"
        assert body["field"] == "category"
        assert body["message"].startswith(
            "category: 'fraud' is not a lawful basis for emergency wanted registration; "
            "allowed: homicide, robbery, kidnapping, sexual_assault, arson, stalking, "
            "suicide_risk, missing_person"
        )
        empty = await http.post("/api/v1/wanted", json={}, headers=auth(REGISTRAR))
        assert empty.status_code == 422
        fields = [p["field"] for p in empty.json()["details"]["problems"]]
        assert fields == ["category", "plate", "case_number", "reason", "vehicle"]
        too_long = await http.post(
            "/api/v1/wanted",
            json=BODY | {"expires_at": (T0 + timedelta(days=31)).isoformat()},
            headers=auth(REGISTRAR),
        )
        assert too_long.json()["message"] == "expires_at: at most 30 days after registration"
        listed = await http.get("/api/v1/wanted", headers=auth(DISPATCHER))
        assert listed.json() == {"entries": []}
    with police.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(wanted)).scalar_one() == 0


async def test_registry_actions_over_http(police: Police) -> None:
    async with police.http() as http:
        created = await http.post("/api/v1/wanted", json=BODY, headers=auth(REGISTRAR))
        entry_id = created.json()["entry_id"]
        assert created.json()["status"] == "pending"
        assert created.json()["category_ko"] == "살인"
        same = await http.post(
            f"/api/v1/wanted/{entry_id}/approve",
            headers=auth(Principal(REGISTRAR.subject, "x", APPROVER.roles)),
        )
        assert same.status_code == 403
        assert same.json() == {
            "error": "two_person_rule",
            "code": "registry.approver_same",
            "params": {"field": "approver"},
            "message": "approver: must differ from the registrar",
            "detail": "approver: must differ from the registrar",
            "field": "approver",
        }
        approved = await http.post(f"/api/v1/wanted/{entry_id}/approve", headers=auth(APPROVER))
        assert approved.json()["status"] == "active"
        assert approved.json()["hotlist_version"] == 2
        again = await http.post(f"/api/v1/wanted/{entry_id}/approve", headers=auth(APPROVER))
        assert again.status_code == 409

        detail = await http.get(f"/api/v1/wanted/{entry_id}", headers=auth(DISPATCHER))
        assert detail.json()["match_policy"]["confirm_before_send"] is True
        active = await http.get("/api/v1/wanted?status=active", headers=auth(DISPATCHER))
        assert [e["entry_id"] for e in active.json()["entries"]] == [entry_id]
        bad = await http.get("/api/v1/wanted?status=lost", headers=auth(DISPATCHER))
        assert bad.status_code == 422
        assert bad.json()["field"] == "status"

        hotlist = (await http.get("/api/v1/hotlist", headers=auth(DISPATCHER))).json()
        assert hotlist["version"] == 2
        assert hotlist["entries"][0]["entry_id"] == entry_id
        assert "case_number" not in hotlist["entries"][0]

        renewed = await http.post(
            f"/api/v1/wanted/{entry_id}/renew",
            json={"reason": "still fleeing", "expires_in_hours": 96},
            headers=auth(APPROVER),
        )
        assert renewed.json()["hotlist_version"] == 3
        no_reason = await http.post(
            f"/api/v1/wanted/{entry_id}/cancel", json={}, headers=auth(REGISTRAR)
        )
        assert no_reason.status_code == 422
        assert no_reason.json()["field"] == "reason"
        cancelled = await http.post(
            f"/api/v1/wanted/{entry_id}/cancel",
            json={"reason": "arrested"},
            headers=auth(REGISTRAR),
        )
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["hotlist_version"] == 4
        versions = (await http.get("/api/v1/hotlist/versions", headers=auth(DISPATCHER))).json()
        assert [v["cause"] for v in versions["versions"]] == [
            "cancel",
            "renew",
            "approve",
            "initial",
        ]
        missing = await http.get("/api/v1/wanted/W-none", headers=auth(DISPATCHER))
        assert missing.status_code == 404
        assert missing.json()["field"] == "entry_id"


async def test_alerts_acknowledge_and_dispatch_are_recorded_and_scoped(police: Police) -> None:
    entry_id = await _register_and_approve(police)
    await police.send(report(1, entry_id, site="seocho"))
    await police.send(
        report(2, entry_id, site="gangnam", at=T0 + timedelta(minutes=5), lat=37.4979, lon=127.0276)
    )
    async with police.http() as http:
        everything = (await http.get("/api/v1/alerts", headers=auth(DISPATCHER))).json()
        assert [a["site"] for a in everything["alerts"]] == ["gangnam", "seocho"]
        scoped = (await http.get("/api/v1/alerts", headers=auth(SEOCHO_OFFICER))).json()
        assert [a["site"] for a in scoped["alerts"]] == ["seocho"]
        seocho_id = scoped["alerts"][0]["alert_id"]
        gangnam_id = everything["alerts"][0]["alert_id"]

        acked = await http.post(
            f"/api/v1/alerts/{seocho_id}/acknowledge", headers=auth(SEOCHO_OFFICER)
        )
        assert acked.json()["acknowledged_by"] == SEOCHO_OFFICER.subject
        outside = await http.post(
            f"/api/v1/alerts/{gangnam_id}/acknowledge", headers=auth(SEOCHO_OFFICER)
        )
        assert outside.status_code == 404
        sent = await http.post(
            f"/api/v1/alerts/{gangnam_id}/dispatch",
            json={"note": "강남 3팀 출동"},
            headers=auth(DISPATCHER),
        )
        body = sent.json()
        assert (body["dispatched_by"], body["dispatch_note"]) == (
            DISPATCHER.subject,
            "강남 3팀 출동",
        )
        assert body["acknowledged_by"] == DISPATCHER.subject
        registrar = await http.post(
            f"/api/v1/alerts/{gangnam_id}/dispatch", headers=auth(REGISTRAR)
        )
        assert registrar.status_code == 403
    with police.db.read() as conn:
        actions = [r.action for r in audit.records(conn) if r.action.startswith("alert.")]
    assert actions == ["alert.acknowledge", "alert.dispatch"]


async def test_track_endpoint_is_geojson_friendly(police: Police) -> None:
    entry_id = await _register_and_approve(police)
    await police.send(report(1, entry_id, at=T0, lat=37.4838, heading=0.0))
    await police.send(report(2, entry_id, at=T0 + timedelta(minutes=1), lat=37.4928))
    await police.send(report(3, entry_id, at=T0 + timedelta(minutes=2), lat=38.2))
    async with police.http() as http:
        track = (await http.get(f"/api/v1/tracks/{entry_id}", headers=auth(DISPATCHER))).json()
    assert [p["hit_id"] for p in track["points"]] == ["hit-1", "hit-2", "hit-3"]
    assert track["points"][0]["heading_label_ko"] == "북"
    assert [leg["impossible"] for leg in track["legs"]] == [False, True]
    assert track["legs"][0]["speed_kmh"] > 0
    assert track["legs"][1]["label"] == "likely misread or cloned plate"
    # The reason as word codes, for the consoles to word (docs/tracking.md).
    assert track["legs"][0]["reason_words"] == []
    assert [w["code"] for w in track["legs"][1]["reason_words"]] == ["trip", "above_limit"]
    assert track["legs"][1]["basis_note_word"] == {"code": "no_roads", "params": {}}
    assert track["impossible_legs"] == 1
    kinds = [f["geometry"]["type"] for f in track["geojson"]["features"]]
    assert kinds == ["Point", "Point", "Point", "LineString", "LineString"]
    assert track["geojson"]["features"][0]["geometry"]["coordinates"] == [127.0324, 37.4838]


async def test_metrics_are_the_services_own(police: Police) -> None:
    entry_id = await _register_and_approve(police)
    await police.send(report(1, entry_id))
    async with police.http() as http:
        text = (await http.get("/metrics")).text
    assert 'safenet_police_alerts_total{kind="hit"} 1.0' in text
    assert "safenet_police_hotlist_version 2.0" in text
    assert 'safenet_police_registry_actions_total{action="approve",outcome="done"} 1.0' in text


async def test_a_repeated_acknowledge_or_dispatch_is_recorded_once(police: Police) -> None:
    """Issue 13: pressing acknowledge again and again appended ~1,500 audit records."""
    entry_id = await _register_and_approve(police)
    await police.send(report(1, entry_id, site="seocho"))
    async with police.http() as http:
        [alert] = (await http.get("/api/v1/alerts", headers=auth(DISPATCHER))).json()["alerts"]
        for _ in range(20):
            ok = await http.post(
                f"/api/v1/alerts/{alert['alert_id']}/acknowledge", headers=auth(DISPATCHER)
            )
            assert ok.status_code == 200
        for note in ["서초 1팀 출동", "서초 1팀 출동", "서초 2팀 추가 출동"]:
            sent = await http.post(
                f"/api/v1/alerts/{alert['alert_id']}/dispatch",
                json={"note": note},
                headers=auth(DISPATCHER),
            )
            assert sent.status_code == 200
    with police.db.read() as conn:
        actions = [r.action for r in audit.records(conn) if r.action.startswith("alert.")]
        assert audit.verify(conn).ok
    assert actions == ["alert.acknowledge", "alert.dispatch", "alert.dispatch"]


async def test_an_audited_action_says_where_the_request_came_from(police: Police) -> None:
    entry_id = await _register_and_approve(police)
    await police.send(report(1, entry_id, site="seocho"))
    with police.db.read() as conn:
        records = {r.action: r for r in audit.records(conn)}
    assert records["wanted.register"].details["from"] == "http:127.0.0.1"
    assert records["wanted.approve"].details["from"] == "http:127.0.0.1"
    # What the link did, not a request, names no address (its actor says where it is from).
    assert all("from" not in r.details for r in records.values() if r.actor.startswith("link:"))


async def test_a_forged_client_claim_cannot_rewrite_where_a_request_came_from(
    police: Police,
) -> None:
    entry_id = await _register_and_approve(police)
    forged = {
        **auth(REGISTRAR),
        "X-Safenet-Client": "cli:kim@host\nfrom: http:10.0.0.1 cli:x@y" + "z" * 300,
    }
    async with police.http() as client:
        r = await client.post(
            f"/api/v1/wanted/{entry_id}/cancel", json={"reason": "arrested"}, headers=forged
        )
        assert r.status_code == 200, r.text
    with police.db.read() as conn:
        records = {r.action: r for r in audit.records(conn)}
    # A malformed claim is dropped; the address the service saw always comes first.
    assert records["wanted.cancel"].details["from"] == "http:127.0.0.1"
