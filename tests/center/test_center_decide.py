"""The live center runs the decision chain (issue 17): the same code as ``safenet match``.

A look-alike car, a contradicting description, a weak read nothing corroborates: each
is decided as the chain decides it, on the center's own reads, and one vehicle's reads
for one entry are one item in the operator's queue.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from safenet.auth import Role
from safenet.center.tables import hits
from tests.center.conftest import CenterEnv, auth, center_settings, entry, read, running_center


def _hits(center: CenterEnv) -> list[sa.Row[tuple[object, ...]]]:
    with center.service.db.read() as conn:
        return list(conn.execute(sa.select(hits).order_by(hits.c.read_at)).all())


async def _queue(center: CenterEnv) -> list[dict[str, object]]:
    listed = await center.client.get("/api/v1/candidates", headers=auth(Role.OPERATOR))
    assert listed.status_code == 200, listed.text
    items: list[dict[str, object]] = listed.json()["candidates"]
    return items


async def test_a_neighbour_read_again_and_again_as_its_own_plate_is_no_alert(
    center: CenterEnv,
) -> None:
    # The attacker's case: a real car one look-alike character away (12거3456) drives
    # past, read twice as itself with high confidence, then misread as the wanted plate.
    await center.snapshot([entry("E1", "12가3456")])
    t = center.clock()
    await center.post([read("n1", "12거3456", t, camera="SC-01", confidence=0.97)])
    await center.post([read("n2", "12거3456", t + timedelta(seconds=20), camera="SC-05")])
    await center.post(
        [read("n3", "12가3456", t + timedelta(seconds=40), camera="SC-01", confidence=0.8)]
    )
    await center.settle()
    reports = center.police.of("LocationReport")
    assert all(r.decision != "alert" for r in reports), reports
    alerts = [h for h in _hits(center) if h.state == "alert"]
    assert alerts == []


async def test_an_exact_read_whose_description_contradicts_the_entry_is_a_candidate(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456", colour="white", vehicle_type="suv")])
    await center.post(
        [read("r1", "12가3456", center.clock(), vehicle={"colour": "black", "type": "truck"})]
    )
    (report,) = await center.reports(1)
    assert report.level == "exact"
    assert report.decision == "candidate"
    (item,) = await _queue(center)
    assessment = item["assessment"]
    assert isinstance(assessment, dict)
    assert assessment["rule"] == "exact_contradicted"
    assert assessment["ko"]  # said why, Korean first
    colour = next(f for f in assessment["factors"] if f["factor"] == "colour")
    assert colour["contribution"] < 0
    wanted = item["wanted"]
    assert isinstance(wanted, dict)
    assert wanted["described"]["ko"].startswith("흰색")
    assert item["alert"] is False


async def test_an_exact_read_that_agrees_is_an_alert_at_once(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456", colour="white", vehicle_type="suv")])
    await center.post(
        [read("r1", "12가3456", center.clock(), vehicle={"colour": "white", "type": "SUVMPV"})]
    )
    (report,) = await center.reports(1)
    assert report.decision == "alert"
    (row,) = _hits(center)
    assert row.decision_rule == "exact"
    assert row.assessment["state"] == "alert"


async def test_a_weak_candidate_is_held_then_surfaced_when_a_later_read_corroborates_it(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    t = center.clock()
    await center.post([read("r1", "12거3456", t, camera="SC-01", confidence=0.7)])
    await center.settle()
    assert center.police.of("LocationReport") == []
    assert _hits(center) == []
    decisions = center.service.ctx.decisions
    assert decisions is not None
    assert decisions.held == 1
    # The wanted plate itself, 20 s later at a camera 150 m away: the same car.
    await center.post([read("r2", "12가3456", t + timedelta(seconds=20), camera="SC-05")])
    reports = await center.reports(2)
    by_read = {h.read_id: h for h in _hits(center)}
    assert set(by_read) == {"r1", "r2"}
    assert by_read["r2"].state == "alert"
    assert by_read["r1"].state == "pending"
    assert by_read["r1"].decision_rule == "corroborated"
    assert by_read["r1"].assessment["surfaced_after_s"] == 20.0
    assert {r.decision for r in reports} == {"alert", "candidate"}
    assert decisions.held == 0


async def test_a_held_candidate_nothing_corroborates_is_dropped_silently(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    await center.post([read("r1", "12거3456", center.clock(), confidence=0.7)])
    decisions = center.service.ctx.decisions
    assert decisions is not None
    assert decisions.held == 1
    later = decisions._monotonic() + 61.0
    decisions._monotonic = lambda: later
    registry = center.service.metrics.registry
    assert registry.get_sample_value("center_decisions_held") == 1
    assert decisions.advance() == 1
    assert decisions.held == 0
    assert registry.get_sample_value("center_decisions_held") == 0
    dropped = {"outcome": "dropped"}
    assert registry.get_sample_value("center_decisions_settled", dropped) == 1
    await center.settle()
    assert center.police.of("LocationReport") == []
    assert _hits(center) == []
    assert await _queue(center) == []


async def test_one_vehicle_read_at_three_cameras_is_one_queue_item_decided_at_once(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    t = center.clock()
    # The wanted car, misread a different way each time (the same misread again and
    # again would say the car carries that plate).
    misreads = (("SC-01", "12거3456"), ("SC-05", "12가3458"), ("SC-04", "12가8456"))
    for k, (camera, text) in enumerate(misreads):
        at = t + timedelta(seconds=60 * k)
        await center.post([read(f"r{k}", text, at, camera=camera, confidence=0.3)])
    await center.reports(3)
    (item,) = await _queue(center)
    assert item["read_count"] == 3
    reads = item["reads"]
    assert isinstance(reads, list)
    assert [r["camera_id"] for r in reads] == ["SC-01", "SC-05", "SC-04"]
    decided = await center.client.post(
        f"/api/v1/candidates/{item['hit_id']}/reject",
        json={"reason": "snapshot shows another car"},
        headers=auth(Role.OPERATOR),
    )
    assert decided.status_code == 200, decided.text
    await center.police.wait_for("HitUpdate", 3)
    assert await _queue(center) == []
    assert {h.state for h in _hits(center)} == {"rejected"}


async def test_with_the_chain_off_every_match_is_a_hit_as_the_per_read_matcher_decides(
    db_url: str, tmp_path: Path
) -> None:
    async with running_center(
        db_url, tmp_path, settings=center_settings(decisions=False)
    ) as center:
        assert center.service.ctx.decisions is None
        await center.snapshot([entry("E1", "12가3456", colour="white")])
        await center.post(
            [read("r1", "12거3456", center.clock(), confidence=0.7, vehicle={"colour": "black"})]
        )
        (report,) = await center.reports(1)
        assert report.decision == "candidate"
        assert report.assessment is None
        (row,) = _hits(center)
        assert row.decision_rule is None


async def test_a_held_candidate_confirmed_later_reports_the_chains_reasons(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456", colour="white", confirm_before_send=True)])
    await center.post(
        [read("r1", "12거3456", center.clock(), confidence=0.3, vehicle={"colour": "흰색"})]
    )
    (item,) = await _queue(center)
    assert item["reported"] is False
    decided = await center.client.post(
        f"/api/v1/candidates/{item['hit_id']}/confirm",
        json={"reason": "white car, plate 12가3456 on the snapshot"},
        headers=auth(Role.OPERATOR),
    )
    assert decided.status_code == 200, decided.text
    (report,) = await center.reports(1)
    assert report.decision == "confirmed"
    assert report.assessment is not None
    assert (report.assessment.wanted_colour, report.assessment.seen_colour) == ("white", "white")
    assert any(f.factor == "colour" and f.contribution > 0 for f in report.assessment.factors)


async def test_an_exact_read_while_a_fleet_mate_was_read_within_the_hour_is_no_alert(
    center: CenterEnv,
) -> None:
    """The attacker's case on D: a taxi one serial off was read surely half an hour ago;
    a sure exact read now may be that taxi misread. The chain makes it a candidate
    (``exact_lookalike``); the center must not turn it back into an alert anywhere: the
    report, the hit row, the operator's queue, the hit history the later checks use."""
    await center.snapshot([entry("E1", "12가3456")])
    t = center.clock()
    await center.post([read("m1", "12가3457", t, camera="SC-01", confidence=0.98)])
    later = t + timedelta(minutes=30)
    center.clock.advance(seconds=1800)
    await center.post([read("x1", "12가3456", later, camera="SC-02", confidence=0.96)])
    (report,) = await center.reports(1)
    assert report.level == "exact"
    assert report.decision == "candidate"
    (row,) = [h for h in _hits(center) if h.read_id == "x1"]
    assert row.state != "alert"
    assert row.decision_rule == "exact_lookalike"
    (item,) = await _queue(center)
    assert item["alert"] is False
    assert isinstance(item["assessment"], dict)
    assert item["assessment"]["rule"] == "exact_lookalike"
