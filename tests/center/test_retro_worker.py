"""The retrospective look-up never stands in the pipeline's way (issue 16).

Structural, not timed: the look-up is held fast on an event (mid-search, or on
PostgreSQL inside its write transaction) while a live read goes through the
pipeline to the police. A look-up that ran on a thread the pipeline waits for, or
held a lock the pipeline needs, would keep that read's report from coming.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from safenet.center import retro as retro_module
from safenet.center.retro import THREAD_NAME, RetroLookup
from tests.center.conftest import CenterEnv, entry, read

HELD_S = 30.0


def _gate(
    original: Callable[..., Any],
) -> tuple[Callable[..., Any], threading.Event, threading.Event]:
    """``original`` made to wait on ``release`` once it has been entered (``entered``)."""
    entered, release = threading.Event(), threading.Event()

    def gated(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        entered.set()
        try:
            if not release.wait(HELD_S):
                raise AssertionError("the test never released the look-up")
        finally:
            entered.clear()  # no longer held
        return result

    return gated, entered, release


async def _live_read_goes_through(center: CenterEnv, entered: threading.Event) -> None:
    assert await asyncio.to_thread(entered.wait, 10), "the look-up never started"
    # The look-up is stuck; a live read of another entry must still reach the police.
    await center.post([read("live", "12가3456", center.clock(), camera="SC-02")])
    (report,) = await center.reports(1)
    assert (report.entry_id, report.retrospective) == ("E1", False)
    # ... while the look-up was still held (not after it gave up).
    assert entered.is_set(), "the live read got through only once the look-up let go"
    assert center.service.retro.pending() == 1


async def _seed(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    seen = center.clock() - timedelta(hours=1)
    await center.post([read("old", "34나5678", seen)])
    await center.settle()


async def test_a_look_up_held_mid_search_does_not_hold_up_a_live_read(
    center: CenterEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(center)
    gated, entered, release = _gate(RetroLookup.search)
    monkeypatch.setattr(RetroLookup, "search", gated)
    await center.delta(added=[entry("E2", "34나5678")])
    try:
        await _live_read_goes_through(center, entered)
    finally:
        release.set()
    reports = await center.reports(2)
    assert (reports[1].entry_id, reports[1].retrospective) == ("E2", True)
    assert center.service.retro.last_thread == THREAD_NAME


@pytest.mark.pg
async def test_a_look_up_held_in_its_write_transaction_does_not_hold_up_a_live_read(
    center: CenterEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    if center.service.db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a held write transaction holds all")
    await _seed(center)
    # Held after its hits are written, before the commit: its transaction is open.
    gated, entered, release = _gate(retro_module.write_hits)
    monkeypatch.setattr(retro_module, "write_hits", gated)
    await center.delta(added=[entry("E2", "34나5678")])
    try:
        await _live_read_goes_through(center, entered)
    finally:
        release.set()
    reports = await center.reports(2)
    assert (reports[1].entry_id, reports[1].retrospective) == ("E2", True)


async def test_many_added_entries_are_looked_up_in_passes_of_a_few(
    center: CenterEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One pass per few entries, each committed on its own: a snapshot adding thousands
    # makes neither one long transaction nor one long stretch on the look-up thread.
    monkeypatch.setattr(retro_module, "PASS_ENTRIES", 2)
    searched: list[int] = []
    original = RetroLookup.search

    def counted(self: RetroLookup, entries: Any, *args: Any, **kwargs: Any) -> Any:
        searched.append(len(entries))
        return original(self, entries, *args, **kwargs)

    monkeypatch.setattr(RetroLookup, "search", counted)
    plates = ["12가3456", "34나5678", "56다7890", "78라1234", "90마5678"]
    await center.snapshot([entry(f"E{i}", p) for i, p in enumerate(plates)])
    for _ in range(200):
        if center.service.retro.pending() == 0 and sum(searched) == len(plates):
            break
        await asyncio.sleep(0.05)
    assert sum(searched) == len(plates)
    assert max(searched) <= 2
