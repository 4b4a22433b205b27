"""The read pipeline end to end: a read posted for a wanted plate becomes one LocationReport.

Runs on SQLite and PostgreSQL (``db_url``) with the in-process link.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from safenet.center.pipeline import STAGES
from safenet.center.tables import hits, reads
from tests.center.conftest import (
    CenterEnv,
    center_settings,
    entry,
    read,
    running_center,
    snapshot_b64,
)


def test_the_pipeline_is_declared_once_in_order() -> None:
    assert [s.name for s in STAGES] == [
        "normalize",
        "deduplicate",
        "match",
        "decide",
        "plausibility",
        "suppress",
        "persist",
        "learn",
    ]


async def test_a_read_of_a_wanted_plate_produces_exactly_one_report(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    now = center.clock()
    response = await center.post(
        [
            read(
                "r1",
                "12가 3456",
                now,
                snapshot_jpeg=snapshot_b64(),
                vehicle={"colour": "grey", "type": "sedan"},
            ),
            read("r2", "34나5678", now),
        ]
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": ["r1", "r2"], "duplicates": [], "rejected": []}
    (report,) = await center.reports(1)
    assert report.entry_id == "E1"
    assert report.camera_id == "SC-01"
    assert report.level == "exact"
    assert report.decision == "alert"
    assert report.plate_read == "12가3456"
    assert report.explanation.startswith("ALERT")
    assert "grey sedan" in report.explanation
    assert report.retrospective is False
    assert report.snapshot_ref == f"hits/{report.hit_id}/snapshot"
    assert (report.coordinates.lat, report.coordinates.lon) == (37.4837, 127.0324)
    assert report.heading == 90.0
    # The same read posted again is a duplicate and sends nothing more.
    again = await center.post([read("r1", "12가3456", now)])
    assert again.json()["duplicates"] == ["r1"]
    await center.settle()
    assert len(center.police.of("LocationReport")) == 1
    with center.service.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(reads)).scalar_one() == 2
        assert conn.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one() == 1


async def test_a_candidate_goes_out_unconfirmed_and_waits_for_the_operator(
    center: CenterEnv,
) -> None:
    from safenet.auth import Role
    from tests.center.conftest import auth

    await center.snapshot([entry("E1", "12가3456")])
    # 가 read as 거: a look-alike, so an "equivalent" candidate.
    await center.post([read("r1", "12거3456", center.clock(), confidence=0.3)])
    (report,) = await center.reports(1)
    assert report.level == "equivalent"
    assert report.decision == "candidate"
    assert report.explanation.startswith("CANDIDATE, unconfirmed")
    listed = await center.client.get("/api/v1/candidates", headers=auth(Role.OPERATOR))
    (candidate,) = listed.json()["candidates"]
    assert candidate["hit_id"] == report.hit_id
    assert candidate["wanted"]["vehicle"] == "grey Hyundai Sonata"
    assert candidate["reported"] is True
    decided = await center.client.post(
        f"/api/v1/candidates/{report.hit_id}/reject",
        json={"reason": "snapshot shows a white truck"},
        headers=auth(Role.OPERATOR, subject="op-7"),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["update_sent"] is True
    (update,) = await center.police.wait_for("HitUpdate", 1)
    assert (update.hit_id, update.decision, update.operator) == (report.hit_id, "rejected", "op-7")
    again = await center.client.post(
        f"/api/v1/candidates/{report.hit_id}/confirm",
        json={"reason": "second thoughts"},
        headers=auth(Role.OPERATOR),
    )
    assert again.status_code == 409


async def test_per_read_errors_never_reject_the_batch(center: CenterEnv) -> None:
    now = center.clock()
    response = await center.post(
        [
            read("ok-1", "12가3456", now),
            read("bad-conf", "12가3456", now, confidence=1.5),
            read("bad-cam", "12가3456", now, camera="NOPE"),
            {"id": "no plate", "camera_id": "SC-01"},
            read("bad-plate", "12가34$6", now),
            read("ok-2", "56다7890", now, camera="SC-02"),
        ]
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == ["ok-1", "ok-2"]
    rejected = {r["index"]: r for r in body["rejected"]}
    assert rejected[1]["field"] == "confidence"
    assert rejected[1]["reason"] == "must be between 0 and 1"
    assert rejected[2]["field"] == "camera_id"
    assert rejected[3]["id"] is None
    assert rejected[4]["field"] == "plate"


async def test_a_held_candidate_is_reported_only_once_confirmed(center: CenterEnv) -> None:
    from safenet.auth import Role
    from tests.center.conftest import auth

    await center.snapshot([entry("E1", "12가3456", confirm_before_send=True)])
    now = center.clock()
    await center.post([read("r1", "12거3456", now, confidence=0.3, snapshot_jpeg=snapshot_b64())])
    await center.settle()
    assert center.police.of("LocationReport") == []
    (candidate,) = (
        await center.client.get("/api/v1/candidates", headers=auth(Role.OPERATOR))
    ).json()["candidates"]
    assert candidate["reported"] is False
    picture = await center.client.get(candidate["snapshot"], headers=auth(Role.OPERATOR))
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    decided = await center.client.post(
        f"/api/v1/candidates/{candidate['hit_id']}/confirm",
        json={"reason": "same grey Sonata, dent on the left door"},
        headers=auth(Role.OPERATOR, subject="op-3"),
    )
    assert decided.json()["report_sent"] is True
    (report,) = await center.reports(1)
    assert "CONFIRMED by an operator" in report.explanation
    assert report.decision == "confirmed"
    (update,) = await center.police.wait_for("HitUpdate", 1)
    assert update.decision == "confirmed"
    # The police card and the center's own records name the person, not the account.
    assert (update.operator, update.operator_name) == ("op-3", "tester op-3")
    shown = await center.client.get(
        f"/api/v1/hits/{candidate['hit_id']}", headers=auth(Role.OPERATOR)
    )
    assert shown.json()["decision"]["by_name"] == "tester op-3"
    # An exact hit of the same entry is an alert and goes at once.
    await center.post([read("r2", "12가3456", center.clock(), camera="SC-03")])
    reports = await center.reports(2)
    assert reports[1].level == "exact"
    assert reports[1].decision == "alert"


async def test_a_held_candidate_of_a_lifted_entry_is_never_reported(center: CenterEnv) -> None:
    from safenet.auth import Role
    from tests.center.conftest import auth

    await center.snapshot([entry("E1", "12가3456", confirm_before_send=True)])
    await center.post([read("r1", "12거3456", center.clock(), confidence=0.3)])
    await center.settle()
    (candidate,) = (
        await center.client.get("/api/v1/candidates", headers=auth(Role.OPERATOR))
    ).json()["candidates"]
    # The police lift the entry while the candidate waits for an operator.
    await center.snapshot([])
    decided = await center.client.post(
        f"/api/v1/candidates/{candidate['hit_id']}/confirm",
        json={"reason": "same car"},
        headers=auth(Role.OPERATOR),
    )
    body = decided.json()
    assert decided.status_code == 200
    assert body["report_sent"] is False
    assert "no longer in force" in body["report_withheld"]
    assert body["hit"]["state"] == "confirmed"
    await center.settle()
    assert center.police.of("LocationReport") == []
    assert center.police.of("HitUpdate") == []


async def test_alerts_are_suppressed_per_entry_and_camera_within_the_window(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456"), entry("E2", "34나5678")])
    start = center.clock()
    center.clock.advance(seconds=30)
    await center.post([read("a1", "12가3456", start, camera="SC-01")])
    await center.reports(1)
    # Same entry, same camera, 60 s later (past the de-duplication window): kept, not sent.
    await center.post([read("a2", "12가3456", start + _s(60), camera="SC-01")])
    # A different entry at the same camera is never suppressed.
    await center.post([read("b1", "34나5678", start + _s(61), camera="SC-01")])
    reports = await center.reports(2)
    await center.settle()
    assert [r.entry_id for r in center.police.of("LocationReport")] == ["E1", "E2"]
    assert reports[1].entry_id == "E2"
    with center.service.db.read() as conn:
        states = dict(conn.execute(sa.select(hits.c.read_id, hits.c.state)).all())
    assert states == {"a1": "alert", "a2": "suppressed", "b1": "alert"}


async def test_an_impossible_journey_is_flagged_not_suppressed(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    start = center.clock() - _s(120)
    await center.post([read("s1", "12가3456", start, camera="SC-01")])
    await center.reports(1)
    # Busan five minutes later: 300+ km in 5 minutes.
    await center.post([read("s2", "12가3456", start + _s(300), camera="FAR-01")])
    reports = await center.reports(2)
    assert "IMPOSSIBLE JOURNEY" in reports[1].explanation
    assert reports[0].hit_id in reports[1].explanation
    with center.service.db.read() as conn:
        flagged = conn.execute(
            sa.select(hits.c.impossible_journey).where(hits.c.read_id == "s2")
        ).scalar_one()
    assert flagged


async def test_an_expired_entry_never_matches(center: CenterEnv) -> None:
    soon = center.clock() + _s(60)
    await center.snapshot([entry("E1", "12가3456", expires_at=soon)])
    center.clock.advance(seconds=120)
    await center.post([read("r1", "12가3456", center.clock())])
    await center.settle()
    assert center.police.of("LocationReport") == []


async def test_the_same_plate_at_the_same_camera_within_the_window_is_a_duplicate(
    center: CenterEnv,
) -> None:
    now = center.clock()
    response = await center.post([read("p1", "56다7890", now), read("p2", "56다7890", now + _s(3))])
    assert response.json()["duplicates"] == ["p2"]
    later = await center.post([read("p3", "56다7890", now + _s(5))])
    assert later.json()["duplicates"] == ["p3"]
    other_camera = await center.post([read("p4", "56다7890", now + _s(5), camera="SC-02")])
    assert other_camera.json()["accepted"] == ["p4"]


def _s(seconds: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(seconds=seconds)


async def test_a_category_can_require_confirmation_before_sending(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = center_settings(confirm_categories=["missing_person"])
    async with running_center(sqlite_url, tmp_path, settings=settings) as center:
        await center.snapshot(
            [entry("M1", "12가3456", category="missing_person"), entry("R1", "34나5678")]
        )
        now = center.clock()
        await center.post(
            [
                read("m", "12거3456", now, confidence=0.3),
                read("r", "34너5678", now, confidence=0.3, camera="SC-02"),
            ]
        )
        (report,) = await center.reports(1)
        assert report.entry_id == "R1"
        await center.settle()
        assert len(center.police.of("LocationReport")) == 1


async def test_operators_deciding_at_once_all_get_their_answer(center: CenterEnv) -> None:
    from safenet.audit import store as audit_store
    from safenet.auth import Role
    from tests.center.conftest import auth

    await center.snapshot([entry(f"E{i}", f"1{i}가345{i}") for i in range(6)])
    now = center.clock()
    await center.post(
        [
            read(f"r{i}", f"1{i}거345{i}", now, confidence=0.3, camera=f"SC-0{i % 5 + 1}")
            for i in range(6)
        ]
    )
    reports = await center.reports(6)
    answers = await asyncio.gather(
        *(
            center.client.post(
                f"/api/v1/candidates/{r.hit_id}/confirm",
                json={"reason": "checked"},
                headers=auth(Role.OPERATOR, subject=f"op-{k}"),
            )
            for k, r in enumerate(reports)
        )
    )
    assert [a.status_code for a in answers] == [200] * 6
    await center.police.wait_for("HitUpdate", 6)
    with center.service.db.read() as conn:
        assert audit_store.verify(conn).ok


async def test_the_plate_only_among_the_alternatives_is_reported_as_a_candidate(
    center: CenterEnv,
) -> None:
    # Exact names the camera's top text; the registered plate as the OCR's second guess
    # is a look-alike of what was read, and the report says the center's decision.
    await center.snapshot([entry("E1", "12가3456")])
    await center.post(
        [
            read(
                "r1",
                "12가3458",
                center.clock(),
                confidence=0.6,
                alternatives=[{"plate": "12가3456", "confidence": 0.3}],
            )
        ]
    )
    (report,) = await center.reports(1)
    assert report.level == "equivalent"
    assert report.decision == "candidate"
    assert report.explanation.startswith("CANDIDATE, unconfirmed")
