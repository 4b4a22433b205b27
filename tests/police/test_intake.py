"""Location intake on SQLite and PostgreSQL: idempotent, out of order, alerts by policy."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from safenet.police.alert_log import WITHDRAWN
from safenet.police.categories import CONFIRM_BANNER
from safenet.police.tables import alerts, hits
from safenet.police.types import Ending
from tests.police.support import APPROVER, REGISTRAR, T0, Police, draft, hit_update, report


async def _active(police: Police, **overrides: Any) -> str:
    entry = await police.service.actions.register(draft(**overrides), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


def _rows(police: Police, table: sa.Table) -> list[Any]:
    with police.db.read() as conn:
        key = next(iter(table.primary_key.columns))
        return list(conn.execute(sa.select(table).order_by(key)).all())


def _alerts(police: Police) -> list[tuple[str, str]]:
    return [(r.kind, r.payload.get("hit", {}).get("hit_id", "")) for r in _rows(police, alerts)]


async def test_the_same_hit_twice_is_one_hit(police_db: Police) -> None:
    entry_id = await _active(police_db)
    first = report(1, entry_id)
    await police_db.send(first)
    # A center that crashed re-sends the same fact: same message id, dropped by the inbox.
    # (The broker's duplicate window would drop it; the police inbox must hold on its own.)
    result = await asyncio.to_thread(police_db.service.intake.report, first)
    assert result.duplicate
    assert len(_rows(police_db, hits)) == 1
    assert _alerts(police_db) == [("hit", "hit-1")]
    assert len(police_db.service.tracks.get(entry_id) or ()) == 1


async def test_an_update_before_its_hit_is_applied_when_the_hit_arrives(police_db: Police) -> None:
    entry_id = await _active(police_db)  # kidnapping: candidates alert only once confirmed
    result = await asyncio.to_thread(
        police_db.service.intake.update, hit_update(5, "confirmed", at=T0 + timedelta(seconds=30))
    )
    assert result.waiting
    await police_db.send(report(5, entry_id, level="equivalent"))
    (row,) = _rows(police_db, hits)
    assert row.decision == "confirmed"
    (alert,) = _rows(police_db, alerts)
    assert alert.kind == "hit"
    assert alert.payload["hit"]["confirmation"] == "confirmed"
    assert alert.payload["banner"] == CONFIRM_BANNER
    assert alert.payload["needs_visual_confirmation"] is True


async def test_a_rejection_before_its_hit_keeps_it_off_the_track(police: Police) -> None:
    entry_id = await _active(police, category="missing_person")
    await police.send(hit_update(6, "rejected"))
    await police.send(report(6, entry_id, level="fuzzy"))
    assert _alerts(police) == []
    assert police.service.tracks.get(entry_id) is None


async def test_a_violent_crime_candidate_waits_for_confirmation(police: Police) -> None:
    entry_id = await _active(police, category="robbery")
    await police.send(report(1, entry_id, level="equivalent"))
    assert _alerts(police) == []
    assert len(police.service.tracks.get(entry_id) or ()) == 1  # on the map as a candidate
    await police.send(hit_update(1, "confirmed", at=T0 + timedelta(minutes=1)))
    (alert,) = _rows(police, alerts)
    assert alert.kind == "hit"
    assert alert.payload["hit"]["confirmation"] == "confirmed"


async def test_a_danger_to_life_candidate_alerts_at_once_then_is_withdrawn(police: Police) -> None:
    entry_id = await _active(police, category="suicide_risk")
    await police.send(report(1, entry_id, level="fuzzy"))
    (alert,) = _rows(police, alerts)
    assert alert.payload["banner"] == CONFIRM_BANNER
    assert alert.payload["hit"]["confirmation"] == "pending"
    await police.send(hit_update(1, "rejected", at=T0 + timedelta(minutes=1)))
    kinds = [(r.kind, r.payload.get("banner")) for r in _rows(police, alerts)]
    assert kinds[-1] == ("update", WITHDRAWN)
    track = police.service.tracks.get(entry_id)
    assert track is None or len(track) == 0


async def test_the_latest_decision_wins_whatever_the_arrival_order(police_db: Police) -> None:
    entry_id = await _active(police_db, category="missing_person")
    await police_db.send(report(1, entry_id, level="equivalent"))
    await police_db.send(hit_update(1, "rejected", at=T0 + timedelta(minutes=2)))
    await police_db.send(hit_update(1, "confirmed", at=T0 + timedelta(minutes=1)))  # older, late
    (row,) = _rows(police_db, hits)
    assert row.decision == "rejected"
    assert [r.kind for r in _rows(police_db, alerts)] == ["hit", "update"]


async def test_track_order_direction_speed_and_impossible_flag(police_db: Police) -> None:
    entry_id = await _active(police_db)
    # Three hits 1 km apart northwards, 1 minute apart, arriving out of order.
    await police_db.send(report(3, entry_id, at=T0 + timedelta(minutes=2), lat=37.5018))
    await police_db.send(report(1, entry_id, at=T0, lat=37.4838))
    await police_db.send(report(2, entry_id, at=T0 + timedelta(minutes=1), lat=37.4928))
    track = police_db.service.tracks.get(entry_id)
    assert track is not None
    assert [s.hit_id for s in track.sightings] == ["seocho:hit-1", "seocho:hit-2", "seocho:hit-3"]
    assert track.direction_source == "hits"
    assert track.direction_deg is not None
    assert abs(track.direction_deg) < 1.0
    assert track.speed_kmh is not None
    assert 50 < track.speed_kmh < 70
    assert not any(leg.impossible for leg in track.legs)

    # A camera 60 km away one minute later: impossible, flagged once.
    far = report(4, entry_id, site="gangnam", at=T0 + timedelta(minutes=3), lat=38.04, heading=90.0)
    await police_db.send(far)
    flags = [r for r in _rows(police_db, alerts) if r.kind == "flag"]
    assert len(flags) == 1
    leg = flags[0].payload["leg"]
    assert (leg["from_hit"], leg["to_hit"]) == ("seocho:hit-3", "gangnam:hit-4")
    assert leg["impossible"]
    assert leg["speed_kmh"] > 180
    assert flags[0].payload["label"] == "likely misread or cloned plate"
    assert flags[0].site == "gangnam"
    assert track.direction_source == "camera"
    assert track.direction_deg == 90.0
    redelivered = await asyncio.to_thread(police_db.service.intake.report, far)
    assert redelivered.duplicate
    assert redelivered.alerts == []
    assert len([r for r in _rows(police_db, alerts) if r.kind == "flag"]) == 1


async def test_tracks_are_rebuilt_on_start(police: Police, sqlite_url: str) -> None:
    from tests.police.support import start_police

    entry_id = await _active(police)
    await police.send(report(1, entry_id, at=T0))
    await police.send(report(2, entry_id, at=T0 + timedelta(minutes=1), lat=37.4928))
    await police.service.stop()
    again = await start_police(sqlite_url, police.clock)
    try:
        track = again.service.tracks.get(entry_id)
        assert track is not None
        assert len(track) == 2
    finally:
        await again.close()


async def test_hits_on_unknown_or_ended_entries_are_kept_without_alert(police: Police) -> None:
    await police.send(report(1, "W-unknown"))
    entry_id = await _active(police)
    await police.service.actions.cancel(entry_id, Ending(reason="found"), REGISTRAR)
    await police.send(report(2, entry_id))
    assert len(_rows(police, hits)) == 2
    assert _alerts(police) == []


async def test_the_police_take_the_centers_decision_not_the_level(police: Police) -> None:
    # A center that reports an exact text as a candidate (it could not trust the read)
    # must be shown as one: the police never turn "exact" into an alert on their own.
    entry_id = await _active(police, category="missing_person")  # candidates alert at once
    await police.send(report(1, entry_id, level="exact", decision="candidate"))
    (row,) = _rows(police, hits)
    assert row.report_decision == "candidate"
    (alert,) = _rows(police, alerts)
    assert alert.payload["hit"]["decision"] == "candidate"
    assert alert.payload["hit"]["confirmation"] == "pending"
    assert alert.payload["needs_visual_confirmation"] is True
    assert alert.payload["banner"] == CONFIRM_BANNER


async def test_a_schema_1_report_from_an_older_center_means_what_it_meant(police: Police) -> None:
    entry_id = await _active(police, category="missing_person")
    await police.send(report(1, entry_id, level="exact", schema_version=1, decision=None))
    await police.send(report(2, entry_id, level="fuzzy", schema_version=1, decision=None))
    decided = {r.hit_id: r.report_decision for r in _rows(police, hits)}
    assert decided == {"hit-1": "alert", "hit-2": "candidate"}
    banners = {r.payload["hit"]["hit_id"]: r.payload["banner"] for r in _rows(police, alerts)}
    assert banners == {"hit-1": None, "hit-2": CONFIRM_BANNER}


async def test_the_card_names_the_centers_operator_by_rank_and_name(police_db: Police) -> None:
    entry_id = await _active(police_db, category="robbery")
    await police_db.send(report(1, entry_id, level="equivalent"))
    await police_db.send(
        hit_update(1, "confirmed", at=T0 + timedelta(minutes=1), operator_name="주무관 박서연")
    )
    (row,) = _rows(police_db, hits)
    assert (row.decided_by, row.decided_by_name) == ("op-1", "주무관 박서연")
    (alert,) = _rows(police_db, alerts)
    assert alert.payload["hit"]["decided_by_name"] == "주무관 박서연"
    await police_db.send(hit_update(1, "rejected", at=T0 + timedelta(minutes=2)))
    update = _rows(police_db, alerts)[-1]
    # An older center sends no name: the card falls back to the id, never to a stale name.
    assert update.payload["hit"]["decided_by_name"] == "op-1"
    assert update.payload["operator_name"] == "op-1"
