"""A long-running job of a service: one class, one task, started and stopped by its service.

Each loop of a center or of the police (the hotlist subscriber, the retrospective
look-up worker, the purge, the heartbeat, the expiry sweep …) subclasses :class:`Loop`
and writes only :meth:`Loop.run`. The base class owns the task: :meth:`Loop.start` is
idempotent, :meth:`Loop.stop` cancels and waits (and says so when a loop will not
stop), and a loop that raises is logged and ends without taking its service down.
:class:`Periodic` is the common case, a step every so many seconds that survives its
own failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import ClassVar

log = logging.getLogger(__name__)


class Loop:
    """One long-running job; see the module docstring."""

    name: ClassVar[str] = "loop"

    def __init__(self, owner: str) -> None:
        self.owner = owner
        """Whose loop this is, for the logs (``center seocho``, ``police``)."""
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def run(self) -> None:
        """The job itself; runs until it returns or the loop is stopped."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start the job in its own task (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._guarded(), name=f"{self.owner}-{self.name}")

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Cancel the job and wait for it (at most ``timeout_s``)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done:
            log.error("%s: the %s loop did not stop within %g s", self.owner, self.name, timeout_s)

    async def _guarded(self) -> None:
        await self._survive(self.run, f"the {self.name} loop stopped")

    async def _survive(self, job: Callable[[], Awaitable[None]], failure: str) -> None:
        """Run ``job``; when it raises, log ``failure`` with the error and return."""
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s: %s", self.owner, failure)


class Periodic(Loop):
    """A step every ``interval_s`` seconds; a step that fails is logged and tried next time."""

    def __init__(self, owner: str, interval_s: float) -> None:
        super().__init__(owner)
        self.interval_s = interval_s
        self._wake = asyncio.Event()

    async def step(self) -> None:
        """One round of the job."""
        raise NotImplementedError

    def wake(self) -> None:
        """Run the next step now instead of at the end of the interval."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            await self.pause()
            await self._survive(self.step, f"{self.name} failed; trying again next round")

    async def pause(self) -> None:
        """Wait for the interval or a :meth:`wake`, whichever comes first."""
        # asyncio.timeout, not wait_for: on 3.11 wait_for around an Event can swallow
        # the cancellation that stop() sends.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.interval_s):
                await self._wake.wait()
        self._wake.clear()
