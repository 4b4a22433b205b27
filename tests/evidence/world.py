"""A small world for the evidence tests: one center, one wanted entry, its hits, a key.

The pictures are real: the simulator's renderer draws each snapshot, so sizes and
hashes are those of the JPEGs a center stores.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from safenet.audit import SigningKey
from safenet.evidence import (
    BuiltPackage,
    Decision,
    EntryStatus,
    EvidenceFile,
    HitFacts,
    ItemQuery,
    RouteHit,
    RouteQuery,
    SnapshotQuery,
    build_package,
    plan_items,
    route_file,
    snapshot_file,
)
from safenet.link.messages import (
    EscapeRoute,
    EvidenceRequest,
    Officer,
    PipaBasis,
    ScenePhotos,
    VideoRange,
)
from safenet.plates import parse
from safenet.sim.snapshot import SnapshotRenderer, SnapshotScene

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SITE = "seocho"
CASE = "2026-서초-0042"
OFFICER = Officer(
    officer_id="officer-7", name="김민수", rank="경위", agency="서울서초경찰서 형사과"
)
ENTRY = EntryStatus("entry-1", "kidnapping", "active", NOW + timedelta(days=2), CASE)
HITS = {
    "hit-1": HitFacts("hit-1", SITE, "entry-1", "cam-7", NOW - timedelta(minutes=10)),
    "hit-2": HitFacts("hit-2", SITE, "entry-1", "cam-9", NOW - timedelta(minutes=5)),
    "hit-x": HitFacts("hit-x", SITE, "entry-2", "cam-7", NOW - timedelta(minutes=8)),
}
COORDS = {"cam-7": (37.4837, 127.0324), "cam-9": (37.4901, 127.0301)}


def make_request(**overrides: object) -> EvidenceRequest:
    fields: dict[str, object] = {
        "site": SITE,
        "request_id": "req-1",
        "entry_id": "entry-1",
        "case_number": CASE,
        "category": "kidnapping",
        "legal_basis": PipaBasis(item=7),
        "requester": OFFICER,
        "purpose": "약취 피의차량 현장 사진 및 도주경로 확인",
        "items": [
            ScenePhotos(hit_id="hit-1", window_s=60),
            EscapeRoute(hit_id="hit-1"),
            VideoRange(
                camera_id="cam-9",
                time_from=NOW - timedelta(minutes=6),
                time_to=NOW - timedelta(minutes=4),
            ),
        ],
        "requested_at": NOW,
    }
    fields.update(overrides)
    return EvidenceRequest(**fields)  # type: ignore[arg-type]


@functools.cache
def renderer() -> SnapshotRenderer:
    return SnapshotRenderer()


def jpeg(camera_id: str, at: datetime, plate: str = "123가4567") -> bytes:
    p = parse(plate)
    return renderer().render(SnapshotScene(p, "흰색", p.vehicle_type, camera_id, at))


@dataclass
class Store:
    """What a center's evidence store would answer: snapshots per camera, the entry's hits."""

    snapshots: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)

    @classmethod
    def default(cls) -> Store:
        store = cls()
        for hit in HITS.values():
            for offset in (-90, -30, 0, 20, 45, 120):  # some inside a 60 s window, some out
                at = hit.read_at + timedelta(seconds=offset)
                store.snapshots.setdefault(hit.camera_id, []).append(
                    (f"r-{hit.hit_id}-{offset}", at)
                )
        return store

    def files(self, plan: Sequence[ItemQuery]) -> list[EvidenceFile]:
        out: list[EvidenceFile] = []
        for query in plan:
            if isinstance(query, SnapshotQuery):
                for read_id, at in sorted(self.snapshots.get(query.camera_id, [])):
                    if query.time_from <= at <= query.time_to:
                        out.append(
                            snapshot_file(
                                query,
                                jpeg=jpeg(query.camera_id, at),
                                read_id=read_id,
                                captured_at=at,
                                received_at=at + timedelta(milliseconds=400),
                            )
                        )
            elif isinstance(query, RouteQuery):
                hits = [
                    RouteHit(h.hit_id, h.camera_id, h.read_at, *COORDS[h.camera_id])
                    for h in HITS.values()
                    if h.entry_id == query.entry_id
                ]
                out.append(route_file(query, site=SITE, hits=hits))
        return out


def build(
    request: EvidenceRequest | None = None,
    decision: Decision | None = None,
    *,
    key: SigningKey,
    part_bytes: int = 8 * 1024,
) -> BuiltPackage:
    request = request or make_request()
    plan = plan_items(request, HITS)
    decision = decision or Decision.approve_all(request, "op-3", NOW)
    files = [f for f in Store.default().files(plan) if f.item in decision.approved]
    return build_package(
        request, decision, files, plan=plan, signer=key, provided_at=NOW, part_bytes=part_bytes
    )
