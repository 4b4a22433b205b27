"""The police's schema changes keep what was stored before them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from safenet.store import head_revision, migrate, open_database


def test_hits_stored_before_report_decisions_get_what_schema_1_meant(db_url: str) -> None:
    db = open_database(db_url)
    try:
        migrate(db, "police", to="police_0006")
        now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
        row = {
            "site": "seocho",
            "entry_id": "E1",
            "hotlist_version": 2,
            "camera_id": "cam-1",
            "lat": 37.48,
            "lon": 127.03,
            "address": "서울 서초구 반포대로 1",
            "read_at": now,
            "plate_read": "12가3456",
            "score": 1.0,
            "explanation": "",
            "read_confidence": 0.9,
            "retrospective": False,
            "received_at": now,
            "alerted": False,
        }
        table = sa.table("police_hits", *(sa.column(c) for c in [*row, "hit_id", "level"]))
        with db.begin() as conn:
            conn.execute(table.insert().values(**row, hit_id="h-exact", level="exact"))
            conn.execute(table.insert().values(**row, hit_id="h-fuzzy", level="fuzzy"))
        assert migrate(db, "police") == head_revision("police")
        with db.read() as conn:
            decided = dict(
                conn.execute(sa.text("SELECT hit_id, report_decision FROM police_hits")).all()
            )
        assert decided == {"h-exact": "alert", "h-fuzzy": "candidate"}
    finally:
        db.dispose()
