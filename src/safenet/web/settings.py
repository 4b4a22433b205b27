"""The consoles' settings section (``[web]`` in the configuration file)."""

from __future__ import annotations

from pydantic import Field

from safenet.section import Section


class WebSettings(Section):
    """How the consoles look and where the map gets its tiles."""

    tile_url: str = Field(
        "",
        description=(
            "Map tile URL template ({z}/{x}/{y}), e.g. a national map service inside the "
            "police network. Empty: no tiles; the map still shows boundaries, cameras and "
            "tracks."
        ),
    )
