"""Fencing: what each site may publish and read on the link, as NATS subject permissions.

The same rules drive the nats-server configuration (:mod:`safenet.link.nats_config`)
and the in-process broker, so a test that a center cannot publish as another center
means the same thing on both.

A center ``s`` may publish only its own reports, updates, hotlist acks, heartbeats,
evidence replies, camera registries, audit heads and dead letters, and may pull
(``$JS.API.CONSUMER.MSG.NEXT``), inspect and acknowledge only its own consumers
(``s-hotlist`` …). It may subscribe only to its own inbox prefix ``_INBOX.s.>``:
JetStream delivers pulled messages and publish acknowledgements to the requester's
inbox, so a center allowed ``_INBOX.>`` could read the police's pulls — every hit. It
has no other ``$JS.API`` subject: it cannot create, change or delete a stream or
consumer, list them, or fetch stream messages directly, so it cannot read the hits
streams by any JetStream route.

The police may publish hotlists, evidence requests, their own heartbeats, audit heads
and dead letters, use the whole JetStream API (they run the server and provision the
streams), and subscribe only to ``_INBOX.police.>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from safenet.link.sites import POLICE, validate_site
from safenet.link.subjects import PREFIX, Family, subject_matches
from safenet.link.topology import CENTER_SENDS, ConsumerSpec, consumers_for

_CENTER_PUBLISHES = tuple(f for f in CENTER_SENDS if f is not Family.DEAD)


def inbox_prefix(site: str) -> str:
    """The reply-subject prefix a site's connections must use (``_INBOX.<site>``)."""
    return f"_INBOX.{validate_site(site)}"


@dataclass(frozen=True)
class Permissions:
    """The subjects one site's NATS user may publish to and subscribe to."""

    site: str
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]

    def may_publish(self, subject: str) -> bool:
        return any(subject_matches(p, subject) for p in self.publish)

    def may_subscribe(self, subject: str) -> bool:
        return any(subject_matches(p, subject) for p in self.subscribe)


def consumer_api_subjects(spec: ConsumerSpec, js_domain: str | None = None) -> tuple[str, ...]:
    """The JetStream subjects a site needs to pull from, and ack on, one existing consumer.

    With ``js_domain`` (a center behind a leaf node of a hub whose JetStream has that
    domain) also the same two API subjects under ``$JS.<domain>.API``: the leaf maps
    the center's ``$JS.API`` requests there, and both servers check the mapped subject.
    """
    api = (
        f"CONSUMER.MSG.NEXT.{spec.stream}.{spec.durable}",
        f"CONSUMER.INFO.{spec.stream}.{spec.durable}",
    )
    domained = tuple(f"$JS.{js_domain}.API.{a}" for a in api) if js_domain else ()
    return (
        *(f"$JS.API.{a}" for a in api),
        *domained,
        f"$JS.ACK.{spec.stream}.{spec.durable}.>",
    )


def permissions_for(site: str, js_domain: str | None = None) -> Permissions:
    """The permissions of one site's user (``police`` or a center).

    ``js_domain``: the hub's JetStream domain, for a center that reaches it through a
    leaf node (see :func:`consumer_api_subjects`); the police's permissions ignore it.
    """
    validate_site(site)
    if site == POLICE:
        return Permissions(
            site=site,
            publish=(
                Family.HOTLIST.all_subjects,
                Family.EVIDENCE_REQUEST.all_subjects,
                Family.HEADS_UP.all_subjects,
                Family.HEARTBEAT.subject(POLICE),
                Family.AUDIT.subject(POLICE),
                f"{PREFIX}.dead.{POLICE}.>",
                "$JS.API.>",
                "$JS.ACK.>",
            ),
            subscribe=(f"{inbox_prefix(site)}.>",),
        )
    publish = [family.subject(site) for family in _CENTER_PUBLISHES]
    publish.append(f"{PREFIX}.dead.{site}.>")
    for spec in consumers_for(site):
        publish.extend(consumer_api_subjects(spec, js_domain))
    return Permissions(site=site, publish=tuple(publish), subscribe=(f"{inbox_prefix(site)}.>",))


def may_consume(site: str, spec: ConsumerSpec) -> bool:
    """Whether ``site`` may pull from the consumer ``spec``."""
    return site == POLICE or spec.owner == site
