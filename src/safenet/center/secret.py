"""The secret that signs a center's API tokens: from the environment, or made once and kept.

Production sets ``SAFENET_CENTER__TOKEN_SECRET``. A local run without it gets a random
secret, written to ``<var_dir>/<site>/token_secret`` with mode 0600 so that tokens
issued with ``safenet center token`` keep working across restarts.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from safenet.auth.tokens import MIN_SECRET_BYTES
from safenet.center.errors import CenterSetupError
from safenet.center.settings import CenterSettings

log = logging.getLogger(__name__)


def secret_path(var_dir: Path, site: str) -> Path:
    return var_dir / site / "token_secret"


def token_secret(settings: CenterSettings, var_dir: Path, site: str) -> bytes:
    """The token secret to use: the configured one, else the site's kept (or new) one."""
    if settings.token_secret is not None:
        value = settings.token_secret.get_secret_value().encode()
        if len(value) < MIN_SECRET_BYTES:
            raise CenterSetupError(
                f"center.token_secret: it has {len(value)} bytes; use at least "
                f"{MIN_SECRET_BYTES} (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)"
            )
        return value
    path = secret_path(var_dir, site)
    if path.exists():
        value = path.read_bytes().strip()
        if len(value) >= MIN_SECRET_BYTES:
            return value
        log.warning("center: %s is too short; making a new token secret", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(value + b"\n")
    os.chmod(path, 0o600)
    log.warning(
        "center: no center.token_secret set; a random one was written to %s (mode 0600). "
        "Set SAFENET_CENTER__TOKEN_SECRET in production.",
        path,
    )
    return value
