"""A center cannot announce another district's positions as its own cameras (issue 13).

With ``police.center_districts`` the police hold each announced registry to the center's
시군구 outline: 서초구 announcing a camera at 코엑스 (강남구) is refused and alarmed, and the
registry it held before stays; its own cameras, and one just across a border road, pass.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safenet.config import DEFAULT_DATA_DIR
from safenet.link import (
    CameraAnnouncement,
    CameraRegistry,
    Coordinates,
    MemoryBroker,
    MemoryTransport,
)
from safenet.link.alarms import AlarmKind
from safenet.police.service import PoliceService
from safenet.store import open_database
from safenet.web.boundaries import boundaries_for
from tests.police.support import settings, wait_until

BOUNDARIES = DEFAULT_DATA_DIR / "boundaries" / "sigungu-2023-ngii.geojson"
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not BOUNDARIES.exists(), reason="no boundary data")


def camera(camera_id: str, lat: float, lon: float) -> CameraAnnouncement:
    return CameraAnnouncement(camera_id=camera_id, coordinates=Coordinates(lat=lat, lon=lon))


@pytest.fixture
async def police(tmp_path: Path) -> AsyncIterator[tuple[PoliceService, MemoryTransport]]:
    broker = MemoryBroker()
    link = MemoryTransport(broker, "police")
    await link.start()
    db = open_database(f"sqlite:///{tmp_path / 'police.db'}")
    service = PoliceService(
        settings(center_districts={"seocho": ["서초구"]}),
        db=db,
        transport=link,
        boundaries=boundaries_for(BOUNDARIES, 25.0),
    )
    await service.start()
    center = MemoryTransport(broker, "seocho")
    await center.start()
    yield service, center
    await center.close()
    await service.stop()
    await link.close()
    db.dispose()


async def test_a_camera_announced_in_another_district_is_refused_and_alarmed(
    police: tuple[PoliceService, MemoryTransport],
) -> None:
    service, center = police
    directory = service.safeguards.cameras.directory
    own = [camera("SC-01", 37.48366, 127.03257), camera("SC-02", 37.4920, 127.0119)]
    await center.publish(CameraRegistry(site="seocho", version=1, issued_at=NOW, cameras=own))
    await wait_until(lambda: directory().camera_belongs("seocho", "SC-02"))
    coex = camera("SC-99", 37.5116, 127.0595)  # 코엑스, 강남구
    await center.publish(
        CameraRegistry(site="seocho", version=2, issued_at=NOW, cameras=[*own, coex])
    )
    alarms = service.transport.alarms
    await wait_until(lambda: alarms.count(AlarmKind.FOREIGN_CAMERA, site="seocho") == 1)
    [alarm] = alarms.recent()
    assert "SC-99" in alarm.detail
    assert "서초구" in alarm.detail
    assert not directory().camera_belongs("seocho", "SC-99")
    assert directory().camera_belongs("seocho", "SC-01")  # the registry held before stays
