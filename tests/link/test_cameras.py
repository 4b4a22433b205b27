"""Camera registries: a center announces its cameras; the police refuse reports of others'."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from safenet.link import (
    POLICE,
    CameraAnnouncement,
    CameraRegistry,
    Coordinates,
    Family,
    MemoryBroker,
    MemoryTransport,
    Message,
)
from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.camera_store import RegistryKeeper, applied_version, load_directory, record
from safenet.link.cameras import (
    CameraDirectory,
    CameraVerdict,
    distance_m,
    guard_reports,
    registry_messages,
)
from safenet.store import migrate, open_database
from tests.link.conftest import make_report

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SEOCHO_CAM = CameraAnnouncement(
    camera_id="s-cam-1", coordinates=Coordinates(lat=37.4837, lon=127.0324), heading=90.0
)
GANGNAM_CAM = CameraAnnouncement(
    camera_id="g-cam-1",
    coordinates=Coordinates(lat=37.4979, lon=127.0276),
    heading=180.0,
    facing="rear",
)


def directory() -> CameraDirectory:
    return CameraDirectory(
        {
            "seocho": {SEOCHO_CAM.camera_id: SEOCHO_CAM},
            "gangnam": {GANGNAM_CAM.camera_id: GANGNAM_CAM},
        }
    )


def test_a_camera_belongs_only_to_the_center_that_announced_it() -> None:
    d = directory()
    assert d.camera_belongs("seocho", "s-cam-1")
    assert not d.camera_belongs("seocho", "g-cam-1")
    assert not d.camera_belongs("eunpyeong", "s-cam-1")
    assert d.check("seocho", "s-cam-1", SEOCHO_CAM.coordinates).verdict is CameraVerdict.BELONGS
    foreign = d.check("seocho", "g-cam-1", GANGNAM_CAM.coordinates)
    assert foreign.verdict is CameraVerdict.FOREIGN
    assert "announced by gangnam, not by seocho" in foreign.detail
    assert d.check("seocho", "nobody-cam").verdict is CameraVerdict.UNANNOUNCED
    assert "has announced no camera registry" in d.check("eunpyeong", "e-1").detail


def test_a_center_cannot_move_a_hit_by_naming_its_own_camera() -> None:
    elsewhere = Coordinates(lat=37.4979, lon=127.0276)  # 강남역, about 1.6 km away
    check = directory().check("seocho", "s-cam-1", elsewhere)
    assert check.verdict is CameraVerdict.MISPLACED
    assert "m away" in check.detail
    nearby = Coordinates(lat=37.4838, lon=127.0325)  # rounding, a few metres
    assert directory().check("seocho", "s-cam-1", nearby).ok
    assert 1_000 < distance_m(SEOCHO_CAM.coordinates, elsewhere) < 2_500


def test_a_large_registry_goes_in_parts() -> None:
    cams = [
        CameraAnnouncement(camera_id=f"c-{i:04d}", coordinates=Coordinates(lat=37.5, lon=127.0))
        for i in range(1201)
    ]
    messages = registry_messages("seocho", 3, cams, T0, part_size=500)
    assert [(m.part, m.parts, len(m.cameras)) for m in messages] == [
        (1, 3, 500),
        (2, 3, 500),
        (3, 3, 201),
    ]
    assert len({m.message_id for m in messages}) == 3
    assert registry_messages("seocho", 1, [], T0)[0].cameras == []  # "no cameras" is news too
    with pytest.raises(ValueError, match="announced twice"):
        CameraRegistry(site="seocho", version=1, issued_at=T0, cameras=[SEOCHO_CAM, SEOCHO_CAM])


def test_the_police_store_the_newest_complete_registry(db_url: str) -> None:
    db = open_database(db_url)
    try:
        migrate(db, "police")
        v1 = registry_messages("seocho", 1, [SEOCHO_CAM], T0)
        moved = CameraAnnouncement(
            camera_id="s-cam-2", coordinates=Coordinates(lat=37.49, lon=127.03)
        )
        v2 = registry_messages("seocho", 2, [SEOCHO_CAM, moved], T0, part_size=1)
        with db.begin() as conn:
            assert record(conn, v1[0]).applied
            assert not record(conn, v2[1]).applied  # waiting for part 1
            assert load_directory(conn).camera_belongs("seocho", "s-cam-1")
            assert not load_directory(conn).camera_belongs("seocho", "s-cam-2")
            update = record(conn, v2[0])
            assert (update.applied, update.cameras) == (True, 2)
            assert record(conn, v1[0]).stale  # an older version comes late: kept out
            assert applied_version(conn, "seocho") == 2
            d = load_directory(conn)
        assert d.camera_belongs("seocho", "s-cam-2")
        assert d.sites == ["seocho"]
    finally:
        db.dispose()


async def test_a_report_naming_another_centers_camera_is_refused_and_alarmed(
    sqlite_url: str,
) -> None:
    db = open_database(sqlite_url)
    migrate(db, "police")
    broker = MemoryBroker()
    police = MemoryTransport(broker, POLICE)
    await police.provision(["seocho", "gangnam"])
    keeper = RegistryKeeper(db)
    await keeper.start()
    got: list[Message] = []

    async def intake(message: Message) -> None:
        got.append(message)

    guarded = guard_reports(intake, keeper.directory, police.alarms, hold_attempts=1)
    subs = [
        await police.subscribe_family(Family.REGISTRY, keeper.on_registry),
        await police.subscribe_family(Family.REPORT, guarded),
    ]
    seocho = MemoryTransport(broker, "seocho")
    gangnam = MemoryTransport(broker, "gangnam")
    for site, cam in (("seocho", SEOCHO_CAM), ("gangnam", GANGNAM_CAM)):
        for message in registry_messages(site, 1, [cam], T0):
            await (seocho if site == "seocho" else gangnam).publish(message)
    for _ in range(200):
        if len(keeper.directory().sites) == 2:
            break
        await asyncio.sleep(0.02)
    own = make_report(1, "seocho", camera_id="s-cam-1", coordinates=SEOCHO_CAM.coordinates)
    forged = make_report(2, "seocho", camera_id="g-cam-1", coordinates=GANGNAM_CAM.coordinates)
    await seocho.publish(forged)
    await seocho.publish(own)
    for _ in range(200):
        if got and police.alarms.count():
            break
        await asyncio.sleep(0.02)
    for sub in subs:
        await sub.stop()
    assert [m.message_id for m in got] == [own.message_id]
    [alarm] = police.alarms.recent()
    assert (alarm.kind, alarm.site, alarm.message_id) == (
        AlarmKind.FOREIGN_CAMERA,
        "seocho",
        forged.message_id,
    )
    [letter] = await police.dead_letters()
    assert "refused: camera: g-cam-1 is announced by gangnam" in letter.reason
    db.dispose()


async def test_a_report_before_its_registry_is_held_not_refused() -> None:
    directories = [CameraDirectory({}), directory()]
    alarms = LinkAlarms(POLICE)
    got: list[Message] = []

    async def intake(message: Message) -> None:
        got.append(message)

    guarded = guard_reports(intake, lambda: directories[0], alarms, hold_attempts=2)
    report = make_report(1, "seocho", camera_id="s-cam-1", coordinates=SEOCHO_CAM.coordinates)
    with pytest.raises(Exception, match="no camera registry yet"):
        await guarded(report)  # retried by the link after a pause
    directories.pop(0)  # the registry arrived meanwhile
    await guarded(report)
    assert got == [report]
    assert alarms.count() == 0
