"""A center's Mosquitto credentials: the password file and the per-camera topic ACL.

Each camera signs in to the broker as itself and may only *write* its own read topic
(``safenet/{site}/cameras/{camera_id}/reads``); nobody else may write it and the camera
may read nothing. The center's ingest user may only *read* its site's camera topics.
With ``allow_anonymous false`` an unauthenticated client cannot connect at all, so a
forged sighting needs a camera's own password, and even then can only claim that
camera. Passwords are stored in Mosquitto's own ``$7$`` format (PBKDF2-HMAC-SHA512, the
one ``mosquitto_passwd`` writes), so the files work with a stock broker.

Pure functions: they return file contents; writing them is the command's job.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Mapping

DEFAULT_TOPIC = "safenet/{site}/cameras/{camera_id}/reads"
ITERATIONS = 101  # mosquitto_passwd's own default for $7$
_SALT_BYTES = 12
# A name that is safe both as an MQTT topic level and as a password-file user:
# no '/', '+', '#' (topic syntax), no ':' (the file's separator), no spaces.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _checked(kind: str, value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"{kind} {value!r}: only letters, digits and . _ - (no / + # : or spaces), "
            "1-100 characters"
        )
    return value


def password_hash(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The ``$7$`` hash Mosquitto checks ``password`` against."""
    if not password:
        raise ValueError("password: must not be empty")
    salt = os.urandom(_SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def password_file(users: Mapping[str, str]) -> str:
    """A Mosquitto password file: one ``user:$7$…`` line per user name → password."""
    return "".join(
        f"{_checked('user', user)}:{password_hash(pw)}\n" for user, pw in sorted(users.items())
    )


def camera_topic(site: str, camera_id: str, template: str = DEFAULT_TOPIC) -> str:
    """The one topic ``camera_id`` of ``site`` publishes its reads on."""
    return template.format(site=_checked("site", site), camera_id=_checked("camera_id", camera_id))


def acl_file(
    site: str,
    cameras: Iterable[str],
    *,
    ingest_user: str,
    template: str = DEFAULT_TOPIC,
) -> str:
    """A Mosquitto ACL: each camera writes only its own topic; the ingest user reads them.

    Nothing is granted before the first ``user`` line, so an anonymous client (should
    the listener ever allow one) may neither read nor write anything.
    """
    if "{camera_id}" not in template or "{site}" not in template:
        raise ValueError("template: must contain {site} and {camera_id}")
    lines = [f"# safenet: MQTT topic ACL of center {_checked('site', site)}", ""]
    lines += [
        f"user {_checked('user', ingest_user)}",
        f"topic read {template.format(site=site, camera_id='+')}",
        "",
    ]
    for camera_id in sorted(set(cameras)):
        lines += [
            f"user {_checked('camera_id', camera_id)}",
            f"topic write {camera_topic(site, camera_id, template)}",
            "",
        ]
    return "\n".join(lines)


def broker_config(*, port: int, password_file_path: str, acl_file_path: str) -> str:
    """The lines of ``mosquitto.conf`` that enforce the two files above on a listener."""
    return "\n".join(
        [
            f"listener {port} 127.0.0.1",
            "allow_anonymous false",
            f"password_file {password_file_path}",
            f"acl_file {acl_file_path}",
            "",
        ]
    )
