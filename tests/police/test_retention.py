"""Police-side retention (issue 13): an ended entry's hits and track go N days after it ended.

Before, the police kept every hit of every entry forever. Now ``police.ended_retention_days``
after an entry is resolved, cancelled or expired, its hits, alerts and track are
purged, the counts (never a plate) in the audit log; an active entry keeps its hits.
"""

from __future__ import annotations

import sqlalchemy as sa

from safenet.audit import store as audit_store
from safenet.audit.store import audit_log
from safenet.police.tables import alerts, hits, wanted
from safenet.police.types import Ending
from tests.police.support import APPROVER, REGISTRAR, Police, draft, report


def _count(police: Police, table: sa.Table, entry_id: str) -> int:
    with police.db.read() as conn:
        query = sa.select(sa.func.count()).select_from(table).where(table.c.entry_id == entry_id)
        return int(conn.execute(query).scalar_one())


async def test_an_ended_entrys_hits_and_track_go_after_the_retention(police: Police) -> None:
    service = police.service
    ended = await service.actions.register(draft(), REGISTRAR)
    await service.actions.approve(ended.entry_id, APPROVER)
    live = await service.actions.register(draft(plate="34나5678"), REGISTRAR)
    await service.actions.approve(live.entry_id, APPROVER)
    await police.send(report(1, ended.entry_id, at=police.clock()))
    await police.send(report(2, live.entry_id, at=police.clock(), plate_read="34나5678"))
    assert _count(police, hits, ended.entry_id) == 1
    assert service.tracks.get(ended.entry_id) is not None
    await service.actions.cancel(ended.entry_id, Ending(reason="arrested"), REGISTRAR)

    police.clock.advance(days=29)  # within the 30 days: kept
    assert service.retention.now().entries == 0
    police.clock.advance(days=2)
    result = service.retention.now()
    assert (result.entries, result.hits) == (1, 1)
    assert result.alerts >= 1
    assert _count(police, hits, ended.entry_id) == 0
    assert _count(police, alerts, ended.entry_id) == 0
    assert service.tracks.get(ended.entry_id) is None
    # The active entry keeps its hits; the ended entry itself stays on record.
    assert _count(police, hits, live.entry_id) == 1
    assert _count(police, wanted, ended.entry_id) == 1
    with police.db.read() as conn:
        [record] = conn.execute(
            sa.select(audit_log).where(audit_log.c.action == "retention.purge")
        ).all()
        assert audit_store.verify(conn).ok
    assert record.details["hits"] == 1
    assert "12가3456" not in str(record.details)
    assert service.retention.now().entries == 0  # nothing left to purge
