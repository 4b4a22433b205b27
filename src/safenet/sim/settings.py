"""The simulator's settings: the cameras' pictures."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from safenet.section import Section


class SimSettings(Section):
    """How the simulated cameras draw the snapshot they send with each read."""

    snapshot_font: Path | None = Field(
        None,
        description="TrueType/OpenType font with Hangul for the snapshots' plates and "
        "burnt-in text; unset: Debian's fonts-nanum (or another Korean font package, or "
        "what fc-match names).",
    )
