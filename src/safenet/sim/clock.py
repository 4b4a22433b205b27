"""The simulated clock: simulated time runs ``speed_factor`` times faster than the wall clock.

Reads carry simulated timestamps so that distances over times stay true to the
roads (a car at 50 km/h looks like a car at 50 km/h to the police's plausibility
check). The centers and the police in the demo must therefore run on the same
clock: hand them :meth:`SimClock.now` as their injected clock, and reads arrive
"now" in their eyes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SimClock:
    """Maps simulated seconds since the start to wall-clock (monotonic) time and back."""

    def __init__(
        self,
        start: datetime,
        speed_factor: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if not speed_factor > 0:
            raise ValueError(f"speed_factor must be > 0, got {speed_factor}")
        self.start = start.astimezone(UTC)
        self.speed_factor = float(speed_factor)
        self._monotonic = monotonic
        self._wall0: float | None = None

    def begin(self) -> None:
        """Start the clock: simulated second 0 is now. Calling again does nothing."""
        if self._wall0 is None:
            self._wall0 = self._monotonic()

    @property
    def started(self) -> bool:
        """Whether :meth:`begin` has been called."""
        return self._wall0 is not None

    def elapsed_s(self) -> float:
        """Simulated seconds since the start (0 before :meth:`begin`)."""
        if self._wall0 is None:
            return 0.0
        return (self._monotonic() - self._wall0) * self.speed_factor

    def now(self) -> datetime:
        """The simulated time now, timezone-aware (UTC): the services' clock in the demo."""
        return self.at(self.elapsed_s())

    def at(self, t_s: float) -> datetime:
        """The simulated time of simulated second ``t_s``."""
        return self.start + timedelta(seconds=t_s)

    def wall_delay(self, t_s: float) -> float:
        """Wall-clock seconds until simulated second ``t_s`` (negative when it has passed)."""
        if self._wall0 is None:
            raise RuntimeError("the simulated clock has not begun; call begin() first")
        return self._wall0 + t_s / self.speed_factor - self._monotonic()
