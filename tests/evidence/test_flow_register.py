"""Evidence through the services, continued: the policy, the register and its export, the CLI,
the provision period, an approved item with nothing stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet.evidence.tables import (
    evidence_files,
)
from tests.evidence.flow_support import PLATE, ask, one_hit, register_rows
from tests.evidence.stack import OFFICER, evidence_stack


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

    async with one_hit(tmp_path) as (stack, entry, hit):
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

    async with one_hit(tmp_path) as (stack, entry, hit):
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

    from safenet.auth import sign_principal
    from safenet.cli import app
    from tests.web.stack import POLICE_SECRET

    async with one_hit(tmp_path) as (stack, entry, hit):
        token = sign_principal(OFFICER, POLICE_SECRET, site="police")
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
    async with one_hit(tmp_path) as (stack, entry, hit):
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
    async with one_hit(tmp_path) as (stack, entry, _hit):
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
