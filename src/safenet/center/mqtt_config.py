"""``safenet center mqtt-config``: Mosquitto files that bind each camera to its own topic.

From the center's camera registry (its LPR cameras in service) this writes, into one
folder: ``passwd`` (every camera and the center's ingest user, each with a new random
password, in Mosquitto's ``$7$`` format), ``acl`` (each camera may only write its own
``safenet/{site}/cameras/{camera_id}/reads``; the ingest user may only read them),
``mosquitto.conf`` (a listener with ``allow_anonymous false`` using both) and
``credentials.txt`` (the passwords in clear, once, for installing on the cameras and
as ``center.mqtt_password``). Every file is written with mode 0600. The center also
refuses, on its side, a read whose ``camera_id`` is not the camera its topic names.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from safenet.auth import mosquitto
from safenet.center.tables import cameras
from safenet.store import Database


@dataclass(frozen=True)
class MqttFiles:
    """What was written, for the command to report (never the passwords)."""

    folder: Path
    cameras: int
    ingest_user: str


def camera_ids(db: Database) -> list[str]:
    """The LPR cameras in service at this center."""
    with db.read() as conn:
        rows = conn.execute(
            sa.select(cameras.c.camera_id)
            .where(cameras.c.kind == "lpr", cameras.c.retired_at.is_(None))
            .order_by(cameras.c.camera_id)
        ).scalars()
        return [str(r) for r in rows]


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(0o600)


def write_mqtt_config(
    db: Database, site: str, folder: Path, *, port: int, ingest_user: str | None = None
) -> MqttFiles:
    """Write the four files (see the module docstring) for ``site`` into ``folder``."""
    ids = camera_ids(db)
    if not ids:
        raise ValueError("the camera registry has no LPR camera: run import-cameras first")
    user = ingest_user or f"center-{site}"
    passwords = {camera_id: secrets.token_urlsafe(24) for camera_id in ids}
    passwords[user] = secrets.token_urlsafe(24)
    acl = mosquitto.acl_file(site, ids, ingest_user=user)  # checks every name first
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "passwd", mosquitto.password_file(passwords))
    _write(folder / "acl", acl)
    conf = mosquitto.broker_config(
        port=port,
        password_file_path=str((folder / "passwd").resolve()),
        acl_file_path=str((folder / "acl").resolve()),
    )
    _write(folder / "mosquitto.conf", conf)
    lines = [
        f"# MQTT credentials of center {site}: install each on its camera, then delete this",
        f"# file. The center itself: center.mqtt_username = {user!r} and",
        "# SAFENET_CENTER__MQTT_PASSWORD = the password on its line.",
        *(f"{name} {pw} {_topic(site, name, user)}" for name, pw in sorted(passwords.items())),
        "",
    ]
    _write(folder / "credentials.txt", "\n".join(lines))
    return MqttFiles(folder, len(ids), user)


def _topic(site: str, name: str, ingest_user: str) -> str:
    if name == ingest_user:
        return f"(reads {mosquitto.DEFAULT_TOPIC.format(site=site, camera_id='+')})"
    return f"(writes {mosquitto.camera_topic(site, name)})"
