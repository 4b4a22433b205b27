"""Configuration changes in the audit log: what a service started with, and what changed.

At start each service (``police serve``, ``center serve``, the demo) records its
effective settings in its own audit log. :func:`canonical_settings` flattens them to
dotted keys (``police.port``) with every secret redacted: a ``SecretStr``, a field whose
name says it holds a secret (password, secret, pepper, private key) and the password
inside a URL (``postgresql://user:…@host``) are written as ``<redacted>``, followed by a
fingerprint when the site's audit key is given (its Ed25519 signature of the value,
hashed: the same secret gives the same fingerprint, so a changed secret is seen as a
change, while the fingerprint tells nothing about the secret to whoever reads the log).

:func:`record_start` compares them with the site's last ``config.loaded`` /
``config.changed`` record: nothing before → ``config.loaded`` with the settings and their
hash; different → ``config.changed`` naming each changed key with its old and new
(redacted) value; the same → nothing (a restart with the same settings is no change).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Protocol

import sqlalchemy as sa
from pydantic import BaseModel, SecretBytes, SecretStr
from sqlalchemy.engine import Connection

from safenet.audit import store
from safenet.audit.chain import AuditRecord
from safenet.audit.origin import ORIGIN

REDACTED = "<redacted>"
CONFIG_ACTIONS = ("config.loaded", "config.changed")
"""The start-up records; ``config.cameras_import`` and the like are other changes."""

_SECRET_NAME = re.compile(r"(password|passwd|secret|pepper|private|credential|passphrase)", re.I)
_URL_PASSWORD = re.compile(r"^(?P<head>[a-zA-Z][\w+.-]*://[^/:@\s]*:)(?P<pw>[^@/\s]+)(?P<tail>@)")


class Fingerprinter(Protocol):
    """What can fingerprint a secret (the site's audit key: ``SigningKey``)."""

    def sign(self, data: bytes) -> str: ...


def _redact(key: str, value: str, fingerprint: Fingerprinter | None) -> str:
    if fingerprint is None:
        return REDACTED
    mark = hashlib.sha256(fingerprint.sign(f"config:{key}:{value}".encode()).encode())
    return f"{REDACTED} {mark.hexdigest()[:16]}"


def _flatten(prefix: str, value: Any, out: dict[str, Any], fp: Fingerprinter | None) -> None:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flatten(f"{prefix}.{name}", getattr(value, name), out, fp)
        return
    if isinstance(value, SecretStr | SecretBytes):
        out[prefix] = _redact(prefix, str(value.get_secret_value()), fp)
        return
    if isinstance(value, Mapping) and not _SECRET_NAME.search(prefix.rsplit(".", 1)[-1]):
        if not value:
            out[prefix] = {}
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, out, fp)
        return
    plain = json.loads(json.dumps(value, default=str, ensure_ascii=False))
    name = prefix.rsplit(".", 1)[-1]
    numeric = isinstance(plain, bool | int | float)  # password_min_length is no secret
    if (
        plain is not None
        and plain != ""
        and not numeric
        and _SECRET_NAME.search(name)
        and not name.endswith(("_file", "_path", "_env"))
    ):
        out[prefix] = _redact(prefix, json.dumps(plain, sort_keys=True), fp)
    elif isinstance(plain, str) and (match := _URL_PASSWORD.match(plain)):
        secret = match.group("pw")
        out[prefix] = plain.replace(
            match.group(0),
            f"{match.group('head')}{_redact(prefix, secret, fp)}{match.group('tail')}",
            1,
        )
    else:
        out[prefix] = plain


def canonical_settings(
    sections: Mapping[str, Any], fingerprint: Fingerprinter | None = None
) -> dict[str, Any]:
    """The settings as ``{dotted key: JSON value}``, sorted, every secret redacted."""
    out: dict[str, Any] = {}
    for name, value in sections.items():
        if isinstance(value, BaseModel):
            for field in type(value).model_fields:
                _flatten(f"{name}.{field}", getattr(value, field), out, fingerprint)
        else:
            _flatten(name, value, out, fingerprint)
    return dict(sorted(out.items()))


def settings_hash(flat: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical settings (sorted keys, compact JSON)."""
    text = json.dumps(flat, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def last_config(conn: Connection) -> dict[str, Any] | None:
    """The settings of the site's last ``config.loaded`` / ``config.changed`` record."""
    log = store.audit_log
    row = conn.execute(
        sa.select(log.c.details)
        .where(log.c.action.in_(CONFIG_ACTIONS))
        .order_by(log.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    details = row.details if isinstance(row.details, dict) else json.loads(row.details)
    settings = details.get("settings")
    return dict(settings) if isinstance(settings, dict) else {}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each key whose value differs: ``{key: {"old": …, "new": …}}`` (None when absent)."""
    keys = sorted(set(old) | set(new))
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)}


def record_start(
    conn: Connection, flat: Mapping[str, Any], *, actor: str, site: str
) -> AuditRecord | None:
    """Record the settings a service starts with, inside the caller's transaction.

    Returns the record written (``config.loaded`` or ``config.changed``), or None when
    the settings are those of the last start.
    """
    digest = settings_hash(flat)
    previous = last_config(conn)
    if previous is None:
        return store.append(
            conn,
            actor,
            "config.loaded",
            f"site:{site}",
            {"outcome": "loaded", "settings_hash": digest, "settings": dict(flat)},
        )
    changes = diff(previous, flat)
    if not changes:
        return None
    return store.append(
        conn,
        actor,
        "config.changed",
        f"site:{site}",
        {
            "outcome": "changed",
            "settings_hash": digest,
            "previous_hash": settings_hash(previous),
            "changed": sorted(changes),
            "changes": changes,
            "settings": dict(flat),
        },
    )


def site_sections(settings: Any, side: str, effective: BaseModel) -> dict[str, Any]:
    """The settings one site runs with: the common sections and its side's own, effective one.

    ``settings`` is the whole :class:`safenet.config.Settings`; ``effective`` its ``police``
    or ``center`` section as the service uses it (command-line overrides applied).
    """
    common = ("data_dir", "var_dir", "log", "web", "audit", "privacy", "route")
    sections: dict[str, Any] = {name: getattr(settings, name) for name in common}
    sections[side] = effective
    return sections


def record_service_start(
    db: Any,
    sections: Mapping[str, Any],
    *,
    site: str,
    actor: str,
    origin: str | None,
    fingerprint: Fingerprinter | None = None,
) -> AuditRecord | None:
    """Record a starting service's settings in its database (one transaction).

    ``origin`` is written as the record's ``from`` (``cli:<user>@<host>``), given
    explicitly because a service clears the command's origin before its loops start.
    """
    flat = canonical_settings(sections, fingerprint)
    with db.begin() as conn:
        token = ORIGIN.set(origin)
        try:
            return record_start(conn, flat, actor=actor, site=site)
        finally:
            ORIGIN.reset(token)
