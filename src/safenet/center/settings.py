"""The center's settings section (``[center]`` in the configuration file)."""

from __future__ import annotations

from safenet.section import Section


class CenterSettings(Section):
    """How one smart-city center runs."""
