"""The consoles' settings section (``[web]`` in the configuration file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from safenet.section import Section


class WebSettings(Section):
    """How the consoles look, where the map gets its tiles, and which districts it draws."""

    tile_url: str = Field(
        "",
        description=(
            "Map tile URL template ({z}/{x}/{y}), e.g. a national map service inside the "
            "police network. Empty: no tiles; the map still shows boundaries, cameras and "
            "tracks."
        ),
    )
    tile_attribution: str = Field(
        "", description="Credit line shown on the map for the tiles (e.g. the map's publisher)."
    )
    tile_max_zoom: int = Field(19, ge=1, le=22, description="Deepest zoom the tile service has.")
    boundary_file: str = Field(
        "boundaries/sigungu-2023-ngii.geojson",
        description="시군구 boundaries (GeoJSON with code/sido/sigungu properties), relative to "
        "data_dir unless absolute. Read in place; a filtered, simplified copy is served.",
    )
    districts: list[str] = Field(
        default_factory=list,
        description="Districts the maps draw: 시군구 codes ('11650'), names ('서초구') or "
        "'시도 시군구' ('서울특별시 중구', for names several provinces share). Empty: the "
        "districts holding the cameras the console knows (center: its registry; police: "
        "cameras of hits), or every district, coarsely simplified, when there are none.",
    )
    boundary_tolerance_m: float = Field(
        25.0,
        ge=0.0,
        le=5000.0,
        description="How far (metres) a simplified district line may stray from the original.",
    )
    default_language: Literal["ko", "en"] = Field(
        "ko", description="Interface language before a user presses the language toggle."
    )
    map_center: tuple[float, float] = Field(
        (37.5665, 126.9780),
        description="Latitude and longitude the map opens on when it has nothing to show yet.",
    )
    map_zoom: int = Field(11, ge=1, le=22, description="Zoom the map opens on in that case.")
    center_refresh_s: float = Field(
        2.0,
        gt=0.0,
        le=300.0,
        description="How often the center console reloads its candidate queue and ingest "
        "health (seconds); the police console is pushed alerts and does not poll.",
    )
    alert_history: int = Field(
        200,
        ge=1,
        le=5000,
        description="How many recent alerts the police console loads when it opens.",
    )
    leaflet_dir: str = Field(
        "",
        description="Folder holding Leaflet's dist/ files. Empty: node_modules/leaflet/dist "
        "beside the safenet.web package, installed by 'npm ci --prefix src/safenet/web'.",
    )

    @field_validator("map_center")
    @classmethod
    def _on_earth(cls, value: tuple[float, float]) -> tuple[float, float]:
        lat, lon = value
        if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
            raise ValueError(f"({lat}, {lon}) is not a latitude/longitude pair")
        return value
