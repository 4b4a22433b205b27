"""The escape route file: the entry's hits from the asked one on, and what is missing."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from safenet.evidence import RouteHit, RouteQuery, expires_at, is_expired, route_file
from tests.evidence.world import NOW


def _hits() -> list[RouteHit]:
    return [
        RouteHit("hit-3", "cam-9", NOW + timedelta(minutes=4), 37.49, 127.03, "서초대로 2"),
        RouteHit("hit-0", "cam-1", NOW - timedelta(minutes=3), 37.47, 127.02),
        RouteHit("hit-1", "cam-7", NOW, 37.48, 127.03, "서초대로 1"),
        RouteHit("hit-2", "cam-7", NOW + timedelta(minutes=1), 37.48, 127.03),
    ]


def test_the_route_lists_later_hits_in_time_order_and_says_what_is_missing() -> None:
    f = route_file(RouteQuery(1, "entry-1", "hit-1", NOW), site="seocho", hits=_hits())
    doc = msgspec.json.decode(f.data)
    assert [h["hit_id"] for h in doc["hits"]] == ["hit-1", "hit-2", "hit-3"]
    assert doc["path"] is None
    assert doc["reachable_cameras"] is None
    assert [m.split(":")[0] for m in doc["missing"]] == ["path", "reachable_cameras"]
    assert f.name == "02-route/hit-1.json"
    assert f.form == "route"
    assert f.camera_ids == ("cam-7", "cam-9")
    assert (f.time_from, f.time_to) == (NOW, NOW + timedelta(minutes=4))


def test_a_path_and_reachable_cameras_from_a_route_model_go_in_and_nothing_is_missing() -> None:
    f = route_file(
        RouteQuery(0, "entry-1", "hit-1", NOW),
        site="seocho",
        hits=_hits(),
        path=[(37.48, 127.03), (37.49, 127.03)],
        reachable_cameras=["cam-11", "cam-12"],
    )
    doc = msgspec.json.decode(f.data)
    assert doc["path"] == [[37.48, 127.03], [37.49, 127.03]]
    assert doc["reachable_cameras"] == ["cam-11", "cam-12"]
    assert doc["missing"] == []


def test_a_package_expires_after_its_period_unless_held_for_a_case_export() -> None:
    end = expires_at(NOW)
    assert end == NOW + timedelta(days=30)
    assert not is_expired(end, end - timedelta(seconds=1), held=False)
    assert is_expired(end, end, held=False)
    assert not is_expired(end, end + timedelta(days=400), held=True)
