"""A service's loops: a failing step is logged and tried again; stop ends the task."""

from __future__ import annotations

import asyncio

import pytest

from safenet.service.loop import Loop, Periodic


class Flaky(Periodic):
    name = "flaky"

    def __init__(self) -> None:
        super().__init__("test", interval_s=0.01)
        self.rounds = 0

    async def step(self) -> None:
        self.rounds += 1
        if self.rounds == 1:
            raise RuntimeError("first round fails")


class Crashing(Loop):
    name = "crashing"

    async def run(self) -> None:
        raise RuntimeError("boom")


async def test_a_periodic_loop_survives_a_failing_step_and_stops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = Flaky()
    await loop.start()
    await loop.start()  # idempotent: still one task
    for _ in range(200):
        if loop.rounds >= 3:
            break
        await asyncio.sleep(0.01)
    assert loop.rounds >= 3
    assert "test: flaky failed; trying again next round" in caplog.text
    await loop.stop()
    assert not loop.running
    rounds = loop.rounds
    await asyncio.sleep(0.05)
    assert loop.rounds == rounds


async def test_wake_runs_the_next_step_at_once() -> None:
    loop = Flaky()
    loop.interval_s = 60.0
    loop.rounds = 1  # past the failing round
    await loop.start()
    loop.wake()
    for _ in range(100):
        if loop.rounds == 2:
            break
        await asyncio.sleep(0.01)
    assert loop.rounds == 2
    await loop.stop()


async def test_a_loop_that_raises_ends_without_taking_its_owner_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = Crashing("center seocho")
    await loop.start()
    await asyncio.sleep(0.05)
    assert not loop.running
    assert "center seocho: the crashing loop stopped" in caplog.text
    await loop.stop()
