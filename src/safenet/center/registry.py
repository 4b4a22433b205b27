"""The center's camera registry: camera files imported into the database, cameras looked up.

:func:`import_camera_file` reads a camera file with :mod:`safenet.cctv` (the
national standard data in any layout, or an LPR list) and upserts it: new sites and
cameras are inserted, changed ones updated, identical ones left alone, so importing
the same file twice changes nothing and says so. ``agencies`` keeps only the rows
whose 관리기관명 contains one of the given texts (one district out of a city-wide
file). ``retire_missing`` marks retired the sites and cameras an earlier import of
the same file name brought in and this one no longer lists (docs/cameras.md explains
why a changed row of the older layouts comes back under a new id).

:class:`safenet.center.cameras.CameraRegistry` is the pipeline's in-memory view of
what was imported.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.cctv import (
    CameraSite,
    ImportResult,
    LprCamera,
    LprImportResult,
    SkippedRow,
    read_camera_file,
)
from safenet.cctv.ids import camera_id
from safenet.center.tables import cameras, installations
from safenet.center.types import Clock, system_clock
from safenet.store import Database

log = logging.getLogger(__name__)

_CHUNK = 2000
# Bookkeeping columns: they change on every import and never make a row "updated".
_BOOKKEEPING = frozenset({"source", "row_number", "imported_at", "retired_at"})


@dataclass
class UpsertCounts:
    """What an import did to one table."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    @property
    def changed(self) -> int:
        return self.new + self.updated + self.retired

    def __str__(self) -> str:
        text = f"{self.new:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged"
        return text + (f", {self.retired:,} retired" if self.retired else "")


@dataclass
class CameraImportReport:
    """One camera file's import: what the parser found and what the database got."""

    source: str
    parsed: ImportResult | LprImportResult
    filtered_out: int = 0
    agencies: tuple[str, ...] = ()
    kept_sites: int = 0
    kept_cameras: int = 0
    sites: UpsertCounts = field(default_factory=UpsertCounts)
    cameras: UpsertCounts = field(default_factory=UpsertCounts)

    @property
    def skipped(self) -> list[SkippedRow]:
        return self.parsed.skipped

    @property
    def changed(self) -> bool:
        return bool(self.sites.changed or self.cameras.changed)

    def lines(self) -> list[str]:
        """The import's summary for a person, a few lines."""
        parsed = self.parsed
        if not self.agencies or not isinstance(parsed, ImportResult):
            out = [parsed.summary()]
        else:
            reasons = ", ".join(f"{r.value} {n:,}" for r, n in parsed.skipped_by_reason.items())
            out = [
                f"{parsed.source}: layout {parsed.layout.value}, {parsed.encoding}; "
                f"{parsed.rows_read:,} rows, {len(parsed.skipped):,} skipped"
                + (f" ({reasons})" if reasons else ""),
                f"  agency {', '.join(self.agencies)}: {self.kept_sites:,} sites with "
                f"{self.kept_cameras:,} cameras kept, {self.filtered_out:,} sites of other "
                "agencies left out",
            ]
        if isinstance(parsed, ImportResult):
            out.append(f"  sites:   {self.sites}")
        out.append(f"  cameras: {self.cameras}")
        if not self.changed:
            out.append("  nothing changed: the registry already held this file")
        return out


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def agency_matches(agency: str, agencies: Sequence[str]) -> bool:
    """Whether 관리기관명 names one of ``agencies`` (substring, spaces ignored)."""
    folded = _fold(agency)
    return any(_fold(a) in folded for a in agencies)


def import_camera_file(
    db: Database,
    path: Path | str,
    *,
    agencies: Sequence[str] = (),
    keep_repeated_rows: bool = False,
    retire_missing: bool = False,
    clock: Clock = system_clock,
    actor: str = "cli",
) -> CameraImportReport:
    """Read one camera file and upsert it into the registry; see the module docstring.

    The import is a configuration change: it is audited (``config.cameras_import``, by
    ``actor``, with the counts) in its own transaction.

    Raises :class:`safenet.cctv.CameraFileError` for a file unusable as a whole.
    """
    file = Path(path)
    parsed = read_camera_file(file, keep_repeated_rows=keep_repeated_rows)
    report = CameraImportReport(source=file.name, parsed=parsed, agencies=tuple(agencies))
    now = clock()
    if isinstance(parsed, ImportResult):
        sites = parsed.sites
        if agencies:
            sites = [s for s in sites if agency_matches(s.agency, agencies)]
            report.filtered_out = len(parsed.sites) - len(sites)
        site_rows = [_site_row(s, file.name, now) for s in sites]
        camera_rows = [
            _standard_camera_row(s, index, file.name, now)
            for s in sites
            for index in range(1, s.camera_count + 1)
        ]
    else:
        site_rows = []
        camera_rows = [_lpr_camera_row(c, file.name, now) for c in parsed.cameras]
    report.kept_sites, report.kept_cameras = len(site_rows), len(camera_rows)
    with db.begin() as conn:
        if isinstance(parsed, ImportResult):
            report.sites = _upsert(conn, installations, "installation_id", site_rows)
        report.cameras = _upsert(conn, cameras, "camera_id", camera_rows)
        if retire_missing:
            if isinstance(parsed, ImportResult):
                report.sites.retired = _retire(
                    conn, installations, "installation_id", file.name, site_rows, now, agencies
                )
            report.cameras.retired = _retire(
                conn, cameras, "camera_id", file.name, camera_rows, now, agencies
            )
        audit.append(
            conn,
            actor,
            "config.cameras_import",
            file.name,
            {
                "outcome": "imported",
                "cameras": asdict(report.cameras),
                "sites": asdict(report.sites),
                "skipped_rows": len(parsed.skipped),
                "agencies": list(agencies),
                "retire_missing": retire_missing,
            },
            ts=now,
        )
    log.info(
        "cameras: %s imported: sites %s; cameras %s; %d rows skipped",
        file.name,
        report.sites,
        report.cameras,
        len(parsed.skipped),
    )
    return report


def _site_row(site: CameraSite, source: str, now: datetime) -> dict[str, Any]:
    return {
        "installation_id": site.site_id,
        "source": source,
        "row_number": site.row_number,
        "agency": site.agency,
        "road_address": site.road_address,
        "lot_address": site.lot_address,
        "purpose": site.purpose,
        "camera_count": site.camera_count,
        "resolution": site.resolution,
        "view_direction": site.view_direction,
        "retention_days": site.retention_days,
        "installed": site.installed,
        "lat": site.lat,
        "lon": site.lon,
        "data_date": site.data_date,
        "local_gov_code": site.local_gov_code,
        "management_no": site.management_no,
        "imported_at": now,
        "retired_at": None,
    }


def _standard_camera_row(
    site: CameraSite, index: int, source: str, now: datetime
) -> dict[str, Any]:
    return {
        "camera_id": camera_id(site.site_id, index),
        "kind": "standard",
        "installation_id": site.site_id,
        "camera_index": index,
        "lat": site.lat,
        "lon": site.lon,
        # 촬영방면정보 says where the camera looks, not which way the traffic it reads
        # goes, so the standard data gives no heading (docs/center.md).
        "heading": None,
        "purpose": site.purpose,
        "view_direction": site.view_direction,
        "retention_days": site.retention_days,
        "name": None,
        "address": site.road_address or site.lot_address or site.agency,
        "camera_group": None,
        "source": source,
        "imported_at": now,
        "retired_at": None,
    }


def _lpr_camera_row(camera: LprCamera, source: str, now: datetime) -> dict[str, Any]:
    return {
        "camera_id": camera.camera_id,
        "kind": "lpr",
        "installation_id": None,
        "camera_index": None,
        "lat": camera.lat,
        "lon": camera.lon,
        "heading": camera.heading,
        "purpose": "차량방범",
        "view_direction": None,
        "retention_days": None,
        "name": camera.name,
        "address": camera.address or camera.name or camera.site or camera.camera_id,
        "camera_group": camera.site,
        "source": source,
        "imported_at": now,
        "retired_at": None,
    }


def _same(old: sa.Row[Any], new: dict[str, Any]) -> bool:
    for key, value in new.items():
        if key in _BOOKKEEPING:
            continue
        current = getattr(old, key)
        if isinstance(value, float) and current is not None:
            if abs(float(current) - value) > 1e-9:
                return False
        elif current != value:
            return False
    return old.retired_at is None


def _upsert(
    conn: Connection, table: sa.Table, key: str, rows: list[dict[str, Any]]
) -> UpsertCounts:
    counts = UpsertCounts()
    if not rows:
        return counts
    existing: dict[str, sa.Row[Any]] = {}
    ids = [r[key] for r in rows]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in conn.execute(sa.select(table).where(table.c[key].in_(chunk))):
            existing[getattr(row, key)] = row
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen: set[str] = set()
    for new in rows:
        if new[key] in seen:
            continue  # the parser already reported duplicates; never insert one twice
        seen.add(new[key])
        old = existing.get(new[key])
        if old is None:
            inserts.append(new)
        elif _same(old, new):
            counts.unchanged += 1
        else:
            updates.append(new)
    for start in range(0, len(inserts), _CHUNK):
        conn.execute(table.insert(), inserts[start : start + _CHUNK])
    if updates:
        columns = [c for c in updates[0] if c != key]
        stmt = (
            table.update()
            .where(table.c[key] == sa.bindparam("_key"))
            .values({c: sa.bindparam(c) for c in columns})
        )
        conn.execute(stmt, [{**u, "_key": u[key]} for u in updates])
    counts.new = len(inserts)
    counts.updated = len(updates)
    return counts


def _retire(
    conn: Connection,
    table: sa.Table,
    key: str,
    source: str,
    rows: list[dict[str, Any]],
    now: datetime,
    agencies: Sequence[str],
) -> int:
    present = {r[key] for r in rows}
    query = sa.select(table.c[key]).where(table.c.source == source, table.c.retired_at.is_(None))
    if agencies and table is installations:
        candidates = [
            r[0]
            for r in conn.execute(query.add_columns(table.c.agency))
            if agency_matches(r.agency, agencies)
        ]
    elif agencies and table is cameras:
        kept_sites = {
            r.installation_id
            for r in conn.execute(
                sa.select(installations.c.installation_id, installations.c.agency).where(
                    installations.c.source == source
                )
            )
            if agency_matches(r.agency, agencies)
        }
        candidates = [
            r[0]
            for r in conn.execute(query.add_columns(table.c.installation_id))
            if r.installation_id is None or r.installation_id in kept_sites
        ]
    else:
        candidates = [r[0] for r in conn.execute(query)]
    gone = [c for c in candidates if c not in present]
    for start in range(0, len(gone), _CHUNK):
        conn.execute(
            table.update()
            .where(table.c[key].in_(gone[start : start + _CHUNK]))
            .values(retired_at=now)
        )
    return len(gone)
