"""What an approved evidence request releases, read from the center's store.

Scene photos and video ranges are the stored snapshots of one camera in a time range
(the camera's clock, as each read carried it); an escape route is the entry's later
hits with the cameras' places (``route.json``: the road path and the cameras within
reach are listed as missing where the center has no escape-route model).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.center.cameras import CameraRegistry
from safenet.center.tables import hits, reads, snapshots, utc
from safenet.evidence import (
    EvidenceFile,
    ItemQuery,
    RouteHit,
    RouteQuery,
    SnapshotQuery,
    route_file,
    snapshot_file,
)


def stored_files(
    conn: Connection,
    plan: Sequence[ItemQuery],
    approved: frozenset[int],
    registry: CameraRegistry,
    site: str,
) -> list[EvidenceFile]:
    """The files of the approved items, from the center's store."""
    files: list[EvidenceFile] = []
    for query in plan:
        if query.item not in approved:
            continue
        if isinstance(query, SnapshotQuery):
            files += _snapshots(conn, query)
        elif isinstance(query, RouteQuery):
            files.append(_route(conn, query, registry, site))
    return files


def _snapshots(conn: Connection, query: SnapshotQuery) -> list[EvidenceFile]:
    """The stored pictures of one camera in the asked range (camera clock), oldest first."""
    rows = conn.execute(
        sa.select(reads.c.read_id, reads.c.read_at, reads.c.received_at, snapshots.c.jpeg)
        .select_from(reads.join(snapshots, snapshots.c.read_seq == reads.c.seq))
        .where(
            reads.c.camera_id == query.camera_id,
            reads.c.read_at >= query.time_from,
            reads.c.read_at <= query.time_to,
        )
        .order_by(reads.c.read_at, reads.c.seq)
        .limit(1000)
    ).all()
    seen: set[str] = set()
    out = []
    for r in rows:
        f = snapshot_file(
            query,
            jpeg=r.jpeg,
            read_id=r.read_id,
            captured_at=utc(r.read_at),
            received_at=utc(r.received_at),
        )
        if f.name not in seen:
            seen.add(f.name)
            out.append(f)
    return out


def _route(
    conn: Connection, query: RouteQuery, registry: CameraRegistry, site: str
) -> EvidenceFile:
    """The entry's hits from the asked one on, with the cameras' places (``route.json``)."""
    rows = conn.execute(
        sa.select(hits.c.hit_id, hits.c.camera_id, hits.c.read_at, hits.c.level)
        .where(
            hits.c.entry_id == query.entry_id,
            hits.c.read_at >= query.since,
            hits.c.state != "rejected",
        )
        .order_by(hits.c.read_at)
    ).all()
    points = []
    for r in rows:
        camera = registry.get(r.camera_id)
        points.append(
            RouteHit(
                hit_id=r.hit_id,
                camera_id=r.camera_id,
                read_at=utc(r.read_at),
                lat=camera.lat if camera else 0.0,
                lon=camera.lon if camera else 0.0,
                address=camera.address if camera else "",
                level=r.level,
            )
        )
    return route_file(query, site=site, hits=points)
