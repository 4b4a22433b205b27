"""The demo's reckoning counts a hit alerted twice as a duplicate."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from safenet.demo.accounting import summarize
from safenet.demo.observer import AlertObserver
from safenet.police import alert_log
from safenet.store import migrate, open_database


def test_a_hit_alerted_twice_by_the_police_is_a_duplicate(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'police.db'}")
    migrate(db, "police")
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with db.begin() as conn:
        for _ in range(2):
            alert_log.insert(conn, "hit", "E-1", "seocho", {}, now, hit_row=1)
        alert_log.insert(conn, "update", "E-1", "seocho", {}, now, hit_row=1)
        alert_log.insert(conn, "hit", "E-1", "seocho", {}, now, hit_row=2)
    stack: Any = SimpleNamespace(centers={}, police_db=db)
    driver: Any = SimpleNamespace(
        registrations={}, sent_at={}, feed=None, decisions={}, problems=[]
    )
    try:
        summary = summarize(stack, driver, AlertObserver("", ""), drained=True)
    finally:
        db.dispose()
    assert summary["duplicates"] == 1
