"""Camera registries over the link: a center announces its cameras, the police hold it to them.

A center sends its plate-reading cameras — ids, positions, headings, which plates they
read — as :class:`~safenet.link.messages.CameraRegistry` messages (never a read):
:func:`registry_messages` cuts a registry into parts. The police keep every center's
latest complete registry (:mod:`safenet.link.camera_store`) and check each
LocationReport against it with :meth:`CameraDirectory.check`, a pure function of the
announced registries:

- ``belongs``: the sender announced the camera, and the report's position is the
  camera's (within ``tolerance_m``);
- ``foreign``: the camera is another center's, not the sender's — refused, alarmed;
- ``misplaced``: the sender's camera, but the report puts it somewhere else — refused,
  alarmed (a center cannot move a hit into another district by naming its own camera);
- ``unannounced``: nobody announced it (yet): held for a few attempts, because the
  registry and the report travel on different streams, then refused and alarmed.

:func:`guard_reports` wraps the police's report handler with that check.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.errors import MessageRefused
from safenet.link.messages import (
    CameraAnnouncement,
    CameraRegistry,
    Coordinates,
    LocationReport,
    Message,
)
from safenet.link.transport import Handler

log = logging.getLogger(__name__)

PART_SIZE = 500
"""Cameras per registry message: about 75 kB, far below NATS's 1 MB message limit."""

TOLERANCE_M = 150.0
"""How far a report's position may lie from its camera's announced one.

Generous for coordinate rounding and a camera re-surveyed between registry versions;
far below the distance to a neighbouring district's cameras in the pilot data."""


def registry_messages(
    site: str,
    version: int,
    cameras: Iterable[CameraAnnouncement],
    issued_at: datetime,
    part_size: int = PART_SIZE,
) -> list[CameraRegistry]:
    """A center's registry at ``version`` as the messages that carry it (one or more parts)."""
    if part_size < 1:
        raise ValueError(f"part_size: {part_size} must be at least 1")
    listed = sorted(cameras, key=lambda c: c.camera_id)
    chunks = [listed[i : i + part_size] for i in range(0, len(listed), part_size)] or [[]]
    return [
        CameraRegistry(
            site=site,
            version=version,
            issued_at=issued_at,
            cameras=chunk,
            part=i + 1,
            parts=len(chunks),
        )
        for i, chunk in enumerate(chunks)
    ]


class CameraVerdict(StrEnum):
    """What the announced registries say about a reported camera."""

    BELONGS = "belongs"
    FOREIGN = "foreign"
    MISPLACED = "misplaced"
    UNANNOUNCED = "unannounced"


@dataclass(frozen=True)
class CameraCheck:
    """The verdict on one (site, camera) and the reason, for the alarm and the dead letter."""

    verdict: CameraVerdict
    detail: str

    @property
    def ok(self) -> bool:
        return self.verdict is CameraVerdict.BELONGS


def distance_m(a: Coordinates, b: Coordinates) -> float:
    """Great-circle distance in metres (haversine on a 6,371 km sphere)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(min(1.0, math.sqrt(h)))


class CameraDirectory:
    """Every center's announced cameras, as the police hold them: answers whose a camera is."""

    def __init__(self, registries: Mapping[str, Mapping[str, CameraAnnouncement]]) -> None:
        self._registries = {site: dict(cams) for site, cams in registries.items()}
        owners: dict[str, list[str]] = {}
        for site, cams in self._registries.items():
            for camera_id in cams:
                owners.setdefault(camera_id, []).append(site)
        self._owners = {k: sorted(v) for k, v in owners.items()}

    @property
    def sites(self) -> list[str]:
        """The centers with an announced registry."""
        return sorted(self._registries)

    def announced(self, site: str) -> bool:
        """Whether ``site`` announced a registry at all."""
        return site in self._registries

    def camera(self, site: str, camera_id: str) -> CameraAnnouncement | None:
        return self._registries.get(site, {}).get(camera_id)

    def owners(self, camera_id: str) -> list[str]:
        """The centers that announced a camera with this id."""
        return list(self._owners.get(camera_id, []))

    def camera_belongs(self, site: str, camera_id: str) -> bool:
        """Whether ``site`` announced ``camera_id`` as one of its cameras."""
        return camera_id in self._registries.get(site, {})

    def check(
        self,
        site: str,
        camera_id: str,
        coordinates: Coordinates | None = None,
        tolerance_m: float = TOLERANCE_M,
    ) -> CameraCheck:
        """The verdict on a report from ``site`` naming ``camera_id`` at ``coordinates``."""
        announced = self.camera(site, camera_id)
        if announced is not None:
            if coordinates is not None:
                off = distance_m(announced.coordinates, coordinates)
                if off > tolerance_m:
                    return CameraCheck(
                        CameraVerdict.MISPLACED,
                        f"camera: {site} announced {camera_id} at ({announced.coordinates.lat}, "
                        f"{announced.coordinates.lon}); the report puts it {off:,.0f} m away",
                    )
            return CameraCheck(CameraVerdict.BELONGS, f"camera: {camera_id} is {site}'s")
        others = [s for s in self.owners(camera_id) if s != site]
        if others:
            return CameraCheck(
                CameraVerdict.FOREIGN,
                f"camera: {camera_id} is announced by {', '.join(others)}, not by {site}",
            )
        if not self.announced(site):
            return CameraCheck(
                CameraVerdict.UNANNOUNCED, f"camera: {site} has announced no camera registry yet"
            )
        return CameraCheck(
            CameraVerdict.UNANNOUNCED, f"camera: {camera_id} is not in {site}'s announced registry"
        )


class CameraNotYetAnnounced(Exception):
    """A report's camera is not announced yet: try the report again a little later."""


def guard_reports(
    handler: Handler,
    directory: Callable[[], CameraDirectory],
    alarms: LinkAlarms,
    *,
    hold_attempts: int = 4,
    tolerance_m: float = TOLERANCE_M,
) -> Handler:
    """``handler`` behind the camera check: only reports of the sender's own cameras pass.

    ``directory`` gives the current registries (they change as centers announce). A
    foreign or misplaced camera is refused at once (dead-lettered) with an alarm; an
    unannounced one is retried ``hold_attempts`` times first (its registry may still be
    on its way on another stream), then refused with an alarm. Keep ``hold_attempts``
    below the consumer's ``max_deliver`` so that the refusal, not the retry limit, ends
    it. Every other message passes straight through.
    """
    held: dict[str, int] = {}

    async def guarded(message: Message) -> None:
        if not isinstance(message, LocationReport):
            await handler(message)
            return
        check = directory().check(message.site, message.camera_id, message.coordinates, tolerance_m)
        if check.ok:
            held.pop(message.message_id, None)
            await handler(message)
            return
        if check.verdict is CameraVerdict.UNANNOUNCED:
            tries = held.get(message.message_id, 0) + 1
            if tries <= hold_attempts:
                if len(held) > 10_000:  # reports another receiver settled: forget them
                    held.clear()
                held[message.message_id] = tries
                log.warning("link: holding report %s: %s", message.message_id, check.detail)
                raise CameraNotYetAnnounced(check.detail)
            held.pop(message.message_id, None)
        alarms.raise_alarm(
            AlarmKind.FOREIGN_CAMERA,
            site=message.site,
            subject=message.subject,
            message_id=message.message_id,
            detail=check.detail,
        )
        raise MessageRefused(check.detail)

    return guarded
