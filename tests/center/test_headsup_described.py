"""A heads-up names the wanted vehicle in the vocabulary's codes, for the console to word.

Issue 18: the police's heads-up carries the vehicle as the registry's text; the
center adds the entry's description from its own hotlist as codes (``described``),
so the operator reads 흰색 SUV 현대 or white SUV Hyundai, in the chosen language.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from safenet.center.headsup import HeadsUpBoard
from safenet.center.tables import hotlist_entries
from safenet.store import migrate, open_database
from tests.police.support import Clock
from tests.police.test_headsup import _heads_up


def test_a_heads_up_carries_the_entrys_description_as_codes(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    clock = Clock()
    with db.begin() as conn:
        conn.execute(
            sa.insert(hotlist_entries).values(
                entry_id="e-1",
                plate="12가3456",
                category="kidnapping",
                expires_at=clock.now + timedelta(days=1),
                fuzzy_allowance=1.0,
                vehicle="현대 싼타페 흰색",
                policy="default",
                confirm_before_send=False,
                added_version=1,
                colour="흰색",
                vehicle_type="SUV",
                make="현대",
                model="싼타페",
            )
        )
    board = HeadsUpBoard(db, "gangnam", clock)
    assert board.take(_heads_up(300, clock, vehicle="현대 싼타페 흰색"))
    assert board.take(_heads_up(300, clock, heads_up_id="hu-2", entry_id="e-unknown"))
    by_entry = {h["entry_id"]: h for h in board.active()}
    assert by_entry["e-1"]["described"] == {
        "colour": "white",
        "type": "suv",
        "make": "hyundai",
        "model": "싼타페",
    }
    assert by_entry["e-1"]["vehicle"] == "현대 싼타페 흰색"
    assert by_entry["e-unknown"]["described"] is None
