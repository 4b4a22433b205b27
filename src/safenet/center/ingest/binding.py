"""A camera's credential is bound to its camera id: reads of another camera are refused.

Over HTTP the caller is a :class:`~safenet.auth.types.Principal` of kind ``camera``
(its own ``X-Camera-Key``, or a camera token) whose subject is the camera id; over
MQTT the topic names the camera (``safenet/{site}/cameras/<camera_id>/reads``, the
only topic Mosquitto's ACL from ``safenet center mqtt-config`` lets that camera write).
Either way a read whose ``camera_id`` is another camera is refused on its own, with the
reason, and the camera's other reads go through.
"""

from __future__ import annotations

from safenet.auth.types import Principal, PrincipalKind

REASON = "camera_mismatch"
"""The rejection reason counted in the metrics."""


def credential_mismatch(principal: Principal, camera_id: str) -> str | None:
    """Why ``principal`` may not post a read of ``camera_id``; None when it may."""
    if principal.kind is not PrincipalKind.CAMERA:
        return "only a camera's own credential may post reads"
    if camera_id != principal.subject:
        return (
            f"this credential belongs to camera {principal.subject}; "
            f"it may not post reads of camera {camera_id}"
        )
    return None


def topic_camera(pattern: str, topic: str) -> str | None:
    """The camera id a topic names: its level at the pattern's single ``+``; else None."""
    levels = pattern.split("/")
    if levels.count("+") != 1 or "#" in levels:
        return None
    parts = topic.split("/")
    if len(parts) != len(levels):
        return None
    return parts[levels.index("+")]


def topic_mismatch(pattern: str, topic: str, camera_id: str) -> str | None:
    """Why a read of ``camera_id`` may not come on ``topic``; None when it may."""
    named = topic_camera(pattern, topic)
    if named is None:
        return f"the topic {topic!r} does not name a camera as {pattern!r} does"
    if named != camera_id:
        return f"the topic is camera {named}'s; a read of camera {camera_id} may not come on it"
    return None
