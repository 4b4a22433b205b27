"""The police service's settings section (``[police]`` in the configuration file)."""

from __future__ import annotations

from safenet.section import Section


class PoliceSettings(Section):
    """How the police service runs."""
