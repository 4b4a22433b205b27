"""safenet's one configuration tree.

Settings come, in order of precedence, from keyword arguments, ``SAFENET_*``
environment variables (nested sections joined by ``__``, e.g.
``SAFENET_LOG__LEVEL=debug``) and an optional TOML file given with ``--config``.
Unknown keys are refused, so a typo is an error rather than a silently ignored
setting. Every field carries a description; ``docs/configuration.md`` lists them all
(a test fails when one is missing there).

Services add their own sections here as they arrive.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from safenet.audit.settings import AuditSettings
from safenet.center.settings import CenterSettings
from safenet.police.settings import PoliceSettings
from safenet.privacy import PrivacySettings
from safenet.roads.settings import RouteSettings
from safenet.section import Section
from safenet.sim.settings import SimSettings
from safenet.web.settings import WebSettings

DEFAULT_DATA_DIR = Path("../shared/data")


class LogSettings(Section):
    """How safenet logs."""

    level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Lowest level written to the log."
    )
    json_lines: bool = Field(
        False, description="Write one JSON object per line instead of human-readable lines."
    )


class Settings(BaseSettings):
    """Everything safenet can be told, for every service and command."""

    model_config = SettingsConfigDict(
        env_prefix="SAFENET_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(
        DEFAULT_DATA_DIR,
        description=(
            "Folder with the third-party public data (cctv/, boundaries/, roads/). "
            "It is read in place and never copied into the repository."
        ),
    )
    var_dir: Path = Field(
        Path("var"), description="Folder for local state: SQLite files, logs, evidence."
    )
    log: LogSettings = Field(default_factory=LogSettings, description="Logging.")
    center: CenterSettings = Field(
        default_factory=CenterSettings, description="A smart-city center (see docs/center.md)."
    )
    police: PoliceSettings = Field(
        default_factory=PoliceSettings, description="The police service (see docs/police.md)."
    )
    web: WebSettings = Field(
        default_factory=WebSettings, description="The consoles (see docs/consoles.md)."
    )
    sim: SimSettings = Field(
        default_factory=SimSettings, description="The city simulator (see docs/simulator.md)."
    )
    audit: AuditSettings = Field(
        default_factory=AuditSettings,
        description="The audit trail: anchoring, trusted keys, retention (see docs/audit.md).",
    )
    privacy: PrivacySettings = Field(
        default_factory=PrivacySettings,
        description="How vague a wanted entry may be (see docs/matching.md).",
    )
    route: RouteSettings = Field(
        default_factory=RouteSettings,
        description="The escape route: road-based plausibility, reach, ranking (docs/tracking.md).",
    )


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from an optional TOML file, the environment and explicit overrides."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ValueError(f"config file {config_file} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"config file {config_file} is not valid TOML: {exc}") from exc
    values.update(overrides)
    return Settings(**values)


def iter_setting_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every setting's dotted path (``log.level``), for the documentation check."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(iter_setting_paths(annotation, prefix=f"{path}."))
        else:
            paths.append(path)
    return paths
