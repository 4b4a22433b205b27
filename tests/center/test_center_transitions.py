"""Camera-to-camera counts from the center's own read flow: counts leave, plates never do.

The attacker's tests come first: someone who reads the center's database, its logs or
the link (the police, or whoever taps the link) must find no plate and no plate hash
from the counting, and no count small enough to single out one vehicle's journey.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa

from safenet.center.transitions import TransitionTally, transition_counts
from safenet.center.types import CameraInfo, IncomingRead, ReadItem
from safenet.link import Family, encode
from safenet.link.messages import TransitionReport
from tests.center.conftest import (
    CAMERAS,
    SITE,
    CenterEnv,
    Police,
    center_settings,
    read,
    running_center,
)

# Six vehicles drive 서초역 (SC-01) -> 교대역 (SC-02) -> 고속터미널 (SC-03); one alone
# drives SC-01 -> 양재역 (SC-04): a journey of one, which must not leave the center.
COMMON = [f"{n}{n}가{n}{n}{n}{n}" for n in range(1, 7)]
RARE = "99하9999"
PLATES = [*COMMON, RARE]
HEX_OR_B64 = re.compile(r"[0-9a-f]{16,}|[A-Za-z0-9+/]{22,}={0,2}")


def _flow(start: datetime) -> list[dict[str, Any]]:
    reads: list[dict[str, Any]] = []
    for i, plate in enumerate(COMMON):
        t = start + timedelta(seconds=i)
        reads.append(read(f"a{i}", plate, t, camera="SC-01"))
        reads.append(read(f"b{i}", plate, t + timedelta(seconds=60), camera="SC-02"))
        reads.append(read(f"c{i}", plate, t + timedelta(seconds=120), camera="SC-03"))
    reads.append(read("rare-a", RARE, start, camera="SC-01"))
    reads.append(read("rare-b", RARE, start + timedelta(seconds=90), camera="SC-04"))
    return reads


async def _post_flow(env: CenterEnv) -> None:
    start = env.clock() - timedelta(minutes=5)
    response = await env.post(_flow(start))
    assert response.status_code == 200, response.text
    assert len(response.json()["accepted"]) == 3 * len(COMMON) + 2


async def _sent(env: CenterEnv) -> TransitionReport:
    police = Police()
    await env.police_transport.subscribe_family(Family.TRANSITIONS, police)
    assert env.service.transitions is not None
    assert await env.service.transitions.send()
    (report,) = await police.wait_for("TransitionReport")
    assert isinstance(report, TransitionReport)
    return report


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        # The keys are the schema's field names (unknown fields are refused): values only.
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


async def test_the_link_carries_camera_ids_and_counts_only(sqlite_url: str, tmp_path: Path) -> None:
    async with running_center(sqlite_url, tmp_path, settings=_settings()) as env:
        await _post_flow(env)
        report = await _sent(env)
    data = encode(report)
    for plate in PLATES:
        assert plate.encode() not in data
    body = msgspec.json.decode(data)
    cameras = {c["camera_id"] for c in CAMERAS}
    allowed = cameras | {SITE, report.message_id, "transition_counts"}
    times = {report.counted_since, report.issued_at}
    for text in _strings(body):
        if text in allowed:
            continue
        # Only the two times are left: anything else (a hash, a plate) is a leak.
        assert datetime.fromisoformat(text) in times, text


async def test_a_journey_of_fewer_than_the_floor_never_leaves_the_center(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with running_center(sqlite_url, tmp_path, settings=_settings()) as env:
        await _post_flow(env)
        report = await _sent(env)
        assert env.service.ctx.transitions is not None
        assert env.service.ctx.transitions.total == 2 * len(COMMON) + 1
    rows = {(r.previous, r.camera_id, r.following): r.count for r in report.counts}
    assert rows == {
        (None, "SC-01", "SC-02"): 6,
        (None, "SC-02", "SC-03"): 6,
        ("SC-01", "SC-02", "SC-03"): 6,
    }
    assert report.min_count == 5
    assert all("SC-04" not in (r.camera_id, r.following) for r in report.counts)


async def test_counting_stores_camera_ids_and_counts_only_and_logs_no_plate(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tables: dict[bool, dict[str, int]] = {}
    for counting in (False, True):
        url = sqlite_url.replace(".db", f"-{counting}.db")
        settings = _settings(transitions_interval_s=300.0 if counting else 0.0)
        async with running_center(url, tmp_path, settings=settings) as env:
            assert (env.service.ctx.transitions is not None) is counting
            await _post_flow(env)
            if counting:
                await _sent(env)
            tables[counting] = _row_counts(env)
            with env.service.db.read() as conn:
                stored = [tuple(r) for r in conn.execute(sa.select(transition_counts))]
    # The same reads leave the same rows whether the center counts or not, but for the
    # counts' own table, which holds camera ids, numbers and one time.
    counts_rows = tables[True].pop("transition_counts")
    tables[False].pop("transition_counts")
    assert tables[True] == tables[False]
    assert counts_rows == len(stored) > 0
    cameras = {c["camera_id"] for c in CAMERAS} | {""}
    for previous, camera, following, count, since in stored:
        assert {previous, camera, following} <= cameras
        assert isinstance(count, int)
        assert isinstance(since, datetime)
    text = caplog.text
    for plate in PLATES:
        assert plate not in text
    assert not HEX_OR_B64.findall(text.lower())


async def test_a_restart_goes_on_counting_from_the_stored_counts(
    db_url: str, tmp_path: Path
) -> None:
    async with running_center(db_url, tmp_path, settings=_settings()) as env:
        await _post_flow(env)
        assert env.service.ctx.transitions is not None
        before = env.service.ctx.transitions.rows()
        since = env.service.ctx.transitions.counted_since
    async with running_center(db_url, tmp_path, settings=_settings()) as env:
        assert env.service.ctx.transitions is not None
        assert env.service.ctx.transitions.rows() == before
        assert env.service.ctx.transitions.counted_since == since


def test_the_hashed_last_camera_is_forgotten_after_the_gap() -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    tally = TransitionTally(SITE, lambda: now, gap_s=60.0, min_count=1)

    def item(plate: str, camera: str, at: datetime) -> ReadItem:
        incoming = IncomingRead(
            read_id=f"r-{camera}", camera_id=camera, ts=at, plate=plate, confidence=0.9
        )
        info = CameraInfo(camera, 37.5, 127.0, None, "", None)
        return ReadItem(incoming, 0.0, at, plate=plate, camera=info)

    tally.observe([item("12가3456", "SC-01", now)])
    tally.observe([item("12가3456", "SC-02", now + timedelta(seconds=61))])  # too late
    assert tally.total == 0
    tally.observe([item("34나5678", "SC-03", now + timedelta(seconds=200))])
    # Only the last read's vehicle is still remembered (hashed): the others aged out.
    assert tally._learner.pending == 1
    assert tally.rows() == []


def _settings(**overrides: Any) -> Any:
    values: dict[str, Any] = {"transitions_interval_s": 300.0, "transitions_min_count": 5}
    values.update(overrides)
    return center_settings(**values)


def _row_counts(env: CenterEnv) -> dict[str, int]:
    db = env.service.db
    counts: dict[str, int] = {}
    with db.read() as conn:
        for name in sa.inspect(conn).get_table_names():
            counts[name] = conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
    # Audit entries and the outbox carry times and ids that differ run to run, not rows.
    return counts
