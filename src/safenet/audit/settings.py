"""The audit trail's settings: how often a site anchors its chain, whom it trusts, what it keeps.

One section (``audit``) for both services; docs/audit.md explains each default.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, field_validator

from safenet.section import Section

MIN_RETENTION_DAYS = 730
"""Two years: sign-in and access records must be kept at least this long.

개인정보의 안전성 확보조치 기준 (PIPC notice) 제8조: access records of a personal-data
processing system are kept at least one year, and at least two years for a system
holding the data of 50,000 people or more, unique identifiers or sensitive data — which
a city's CCTV plate reads and the police's wanted registry are."""


class AuditSettings(Section):
    """How each site anchors, witnesses and keeps its audit chain."""

    key_file: Path | None = Field(
        None,
        description="The site's Ed25519 audit signing key (PEM, created mode 0600 on first "
        "use). Empty: `<var_dir>/audit/<site>-audit-key.pem`. Keep a copy of its public key "
        "with the auditors and the other side, not only on this server.",
    )
    trusted_keys: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Site id to the base64 Ed25519 public keys whose signatures "
        "`safenet audit verify` accepts for that site's chain (more than one while a key is "
        "being replaced). Never read from the database being checked.",
    )
    trusted_keys_file: Path | None = Field(
        None,
        description="A file of trusted public keys, one `<site> <base64 key>` per line "
        "(`#` comments), read in addition to `trusted_keys`.",
    )
    checkpoint_every_records: int = Field(
        100,
        ge=1,
        description="Sign a checkpoint once this many records are newer than the last one.",
    )
    checkpoint_every_minutes: float = Field(
        15.0,
        gt=0,
        description="Sign a checkpoint at least this often while new records exist.",
    )
    max_uncovered_minutes: float = Field(
        60.0,
        gt=0,
        description="`safenet audit verify` fails when a record older than this is covered "
        "by no checkpoint (a site that stopped anchoring, or a rewritten tail).",
    )
    poll_seconds: float = Field(
        10.0,
        gt=0,
        description="How often the checkpoint loop looks at the chain's head.",
    )
    retention_days: int = Field(
        MIN_RETENTION_DAYS,
        ge=MIN_RETENTION_DAYS,
        description="Audit records (sign-ins and access records among them) older than "
        "this are pruned, under a signed pruning anchor; at least 730 days (2 years).",
    )
    prune_every_hours: float = Field(
        24.0, gt=0, description="How often the checkpoint loop prunes records past retention."
    )

    @field_validator("trusted_keys")
    @classmethod
    def _keys_are_base64(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        import base64

        for site, keys in value.items():
            for key in keys:
                try:
                    raw = base64.b64decode(key, validate=True)
                except ValueError as exc:
                    raise ValueError(f"trusted_keys.{site}: {key!r} is not base64") from exc
                if len(raw) != 32:
                    raise ValueError(f"trusted_keys.{site}: {key!r} is not an Ed25519 key")
        return value

    @property
    def checkpoint_interval(self) -> timedelta:
        return timedelta(minutes=self.checkpoint_every_minutes)

    @property
    def max_uncovered(self) -> timedelta:
        return timedelta(minutes=self.max_uncovered_minutes)

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    def key_path(self, var_dir: Path, site: str) -> Path:
        """Where the site's signing key lives."""
        return self.key_file or var_dir / "audit" / f"{site}-audit-key.pem"

    def keys_for(self, site: str) -> list[str]:
        """Every trusted public key of ``site``: from the settings and the keys file."""
        keys = list(self.trusted_keys.get(site, []))
        if self.trusted_keys_file is not None:
            keys += read_trusted_keys(self.trusted_keys_file).get(site, [])
        return list(dict.fromkeys(keys))


def read_trusted_keys(path: Path) -> dict[str, list[str]]:
    """Trusted public keys from a file of ``<site> <base64 key>`` lines."""
    keys: dict[str, list[str]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValueError(f"trusted keys file {path} does not exist") from exc
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected `<site> <base64 public key>`")
        keys.setdefault(parts[0], []).append(parts[1])
    return keys
