"""Where the police service's token secret comes from.

In production the secret is given through the environment
(``SAFENET_POLICE__TOKEN_SECRET``), never a file in the repository. For a local run
without one, a random secret is made on first start and kept in
``<var_dir>/police/token_secret`` with mode 0600, so tokens issued by
``safenet police token`` keep working across restarts; the log says so.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from safenet.auth.tokens import MIN_SECRET_BYTES
from safenet.police.settings import PoliceSettings

log = logging.getLogger(__name__)


def secret_path(var_dir: Path) -> Path:
    return var_dir / "police" / "token_secret"


def load_token_secret(settings: PoliceSettings, var_dir: Path) -> bytes:
    """The configured secret, else the local one (created on first use)."""
    if settings.token_secret is not None:
        secret = settings.token_secret.get_secret_value().encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(
                f"police.token_secret: must be at least {MIN_SECRET_BYTES} bytes, got {len(secret)}"
            )
        return secret
    path = secret_path(var_dir)
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    log.warning(
        "police: no SAFENET_POLICE__TOKEN_SECRET set; generated a local token secret in %s "
        "(mode 0600). Set the environment variable in production.",
        path,
    )
    return value.encode()


def database_url(settings: PoliceSettings, var_dir: Path) -> str:
    """The configured database URL, else the local SQLite file under ``var_dir``."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{var_dir / 'police' / 'police.db'}"
