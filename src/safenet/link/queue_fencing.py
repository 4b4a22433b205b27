"""Fencing of a site's read work queue: one NATS identity for ingest, another for workers.

The work queue (:mod:`safenet.link.nats_queue`) holds every read a center takes, so
who may do what on it is kept as narrow as the link's fencing
(:mod:`safenet.link.fencing`):

- **ingest** (``<site>-ingest``, the center process) may append to its own site's
  shard subjects ``safenet.reads.<site>.*``, create, update and inspect the site's two
  streams (the center provisions them), and hear the workers' "committed" signal. It
  may not create, inspect or pull from a consumer, acknowledge a batch, fetch a stream
  message directly, delete or purge a stream, or publish a dead letter: it can put
  reads into the queue but never take one out.
- **worker** (``<site>-worker``) may inspect the two streams, create and pull from
  consumers of its site's work stream, acknowledge its batches, publish dead letters
  to ``safenet.reads-dead.<site>`` and the "committed" signal. It may not publish a
  read (its own site's or another's), nor change, delete or purge a stream.

Both subscribe only to their own inbox prefix ``_INBOX.<user>``: JetStream sends
pulled batches and acknowledgements to the requester's inbox, so an identity allowed
``_INBOX.>`` could read the batches the workers pull. The queue's account has no other
subject (no link subject at all: it is never joined to the hub), so neither identity
can publish a hit.
"""

from __future__ import annotations

from typing import Literal

from safenet.link.fencing import Permissions
from safenet.link.nats_queue import (
    dead_stream_name,
    dead_subject,
    queue_inbox,
    stream_name,
    subject,
    wake_subject,
)
from safenet.link.sites import validate_center

Role = Literal["ingest", "worker"]
ROLES: tuple[Role, ...] = ("ingest", "worker")


def queue_user(site: str, role: Role) -> str:
    """``<site>-ingest`` or ``<site>-worker``: the work queue's user for that role."""
    return f"{validate_center(site)}-{role}"


def queue_permissions(site: str, role: Role) -> Permissions:
    """What ``role``'s identity may publish and subscribe to on ``site``'s work queue."""
    user = queue_user(site, role)
    work, dead = stream_name(site), dead_stream_name(site)
    inbox = (f"{queue_inbox(user)}.>",)
    if role == "ingest":
        publish = (
            subject(site),
            *(f"$JS.API.STREAM.{op}.{s}" for s in (work, dead) for op in ("CREATE", "UPDATE")),
            f"$JS.API.STREAM.INFO.{work}",
            f"$JS.API.STREAM.INFO.{dead}",
        )
        return Permissions(user, publish, (*inbox, wake_subject(site)))
    publish = (
        f"$JS.API.STREAM.INFO.{work}",
        f"$JS.API.STREAM.INFO.{dead}",
        f"$JS.API.CONSUMER.CREATE.{work}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{work}.>",
        f"$JS.API.CONSUMER.INFO.{work}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{work}.>",
        f"$JS.ACK.{work}.>",
        f"$JS.ACK.*.*.{work}.>",  # the acknowledgement subject's form with a domain
        dead_subject(site),
        wake_subject(site),
    )
    return Permissions(user, publish, inbox)


def queue_users_config(site: str, passwords: dict[Role, str]) -> str:
    """The ``users`` of a nats-server account holding ``site``'s work queue."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    users = []
    for role in ROLES:
        perms = queue_permissions(site, role)
        pub = ", ".join(q(s) for s in perms.publish)
        sub = ", ".join(q(s) for s in perms.subscribe)
        users.append(
            f"{{ user: {q(perms.site)}, password: {q(passwords[role])},\n"
            f"      permissions: {{ publish: {{ allow: [{pub}] }},\n"
            f"        subscribe: {{ allow: [{sub}] }} }} }}"
        )
    return "users: [ " + ",\n    ".join(users) + " ]"
