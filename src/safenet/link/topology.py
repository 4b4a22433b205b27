"""The link's streams and durable consumers: who keeps what, and who reads it.

One JetStream stream per message family (:class:`Family`) and one durable consumer per
receiving site and family. The police provision all of them (they own the NATS
server); a center only pulls from its own consumers, which a center cannot create,
change or point at another site's subjects (see :mod:`safenet.link.fencing`).

Police consumers: ``police-report``, ``police-update``, ``police-ack``,
``police-heartbeat``, ``police-evidence-reply`` (every center's messages).
A center's consumers: ``<site>-hotlist`` (``hotlist.all`` + ``hotlist.<site>``),
``<site>-evidence-request`` and ``<site>-heartbeat`` (the police's heartbeats).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safenet.link.errors import LinkConfigError
from safenet.link.sites import ALL_CENTERS, POLICE, validate_center
from safenet.link.subjects import Family


@dataclass(frozen=True)
class StreamSpec:
    """A JetStream stream holding one family of messages."""

    family: Family
    max_age_s: float
    duplicate_window_s: float
    max_msgs_per_subject: int = -1

    @property
    def name(self) -> str:
        return self.family.stream

    @property
    def subjects(self) -> list[str]:
        return [self.family.all_subjects]


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer: one receiving site's view of one stream.

    ``max_deliver`` counts handler attempts: a message whose handler raised that many
    times goes to the dead-letter subject. ``ack_wait_s`` is how long a delivery may
    stay unacknowledged (the receivers send in-progress signals while they work) before
    the server hands it out again. A failed attempt is retried after
    ``retry_backoff_s``, doubling each time, capped at ``ack_wait_s``.
    """

    durable: str
    family: Family
    owner: str
    filter_subjects: tuple[str, ...]
    ack_wait_s: float = 30.0
    max_deliver: int = 5
    max_ack_pending: int = 1000
    retry_backoff_s: float = 0.5

    @property
    def stream(self) -> str:
        return self.family.stream

    @property
    def server_max_deliver(self) -> int:
        """MaxDeliver on the server: two spare deliveries so that a message whose handler
        crashed the process every time is still seen once more, and dead-lettered."""
        return self.max_deliver + 2


DAY = 86_400.0

# Long enough to cover a relay that was down a while and resends what it had published
# but not yet marked as sent; the receivers' inboxes catch anything older.
DUPLICATE_WINDOW_S = 600.0

STREAMS: dict[Family, StreamSpec] = {
    Family.HOTLIST: StreamSpec(Family.HOTLIST, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.REPORT: StreamSpec(Family.REPORT, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.UPDATE: StreamSpec(Family.UPDATE, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.ACK: StreamSpec(Family.ACK, 7 * DAY, DUPLICATE_WINDOW_S),
    Family.HEARTBEAT: StreamSpec(Family.HEARTBEAT, 1 * DAY, 60.0, max_msgs_per_subject=100),
    Family.EVIDENCE_REQUEST: StreamSpec(Family.EVIDENCE_REQUEST, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.EVIDENCE_REPLY: StreamSpec(Family.EVIDENCE_REPLY, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.DEAD: StreamSpec(Family.DEAD, 90 * DAY, DUPLICATE_WINDOW_S),
}

_POLICE_READS = (
    Family.REPORT,
    Family.UPDATE,
    Family.ACK,
    Family.HEARTBEAT,
    Family.EVIDENCE_REPLY,
)


def _durable(site: str, family: Family) -> str:
    return f"{site}-{family.value.replace('.', '-')}"


def police_consumers() -> list[ConsumerSpec]:
    """The police's consumers: every center's hits, updates, acks, heartbeats, evidence."""
    return [
        ConsumerSpec(
            durable=_durable(POLICE, family),
            family=family,
            owner=POLICE,
            filter_subjects=(family.all_subjects,),
        )
        for family in _POLICE_READS
    ]


def center_consumers(site: str) -> list[ConsumerSpec]:
    """A center's consumers: hotlist (all + its own), its evidence requests, police heartbeats."""
    validate_center(site)
    return [
        ConsumerSpec(
            durable=_durable(site, Family.HOTLIST),
            family=Family.HOTLIST,
            owner=site,
            filter_subjects=(
                Family.HOTLIST.subject(ALL_CENTERS),
                Family.HOTLIST.subject(site),
            ),
            # Hotlist deltas build on each other: keep them strictly in order.
            max_ack_pending=1,
        ),
        ConsumerSpec(
            durable=_durable(site, Family.EVIDENCE_REQUEST),
            family=Family.EVIDENCE_REQUEST,
            owner=site,
            filter_subjects=(Family.EVIDENCE_REQUEST.subject(site),),
        ),
        ConsumerSpec(
            durable=_durable(site, Family.HEARTBEAT),
            family=Family.HEARTBEAT,
            owner=site,
            filter_subjects=(Family.HEARTBEAT.subject(POLICE),),
        ),
    ]


def consumers_for(site: str) -> list[ConsumerSpec]:
    """The consumers a site reads from (police or a center)."""
    return police_consumers() if site == POLICE else center_consumers(site)


def all_consumers(centers: Iterable[str]) -> list[ConsumerSpec]:
    """Every consumer of a deployment with these centers."""
    specs = police_consumers()
    for site in centers:
        specs.extend(center_consumers(site))
    return specs


def consumer(site: str, family: Family) -> ConsumerSpec:
    """The consumer through which ``site`` reads ``family``."""
    for spec in consumers_for(site):
        if spec.family is family:
            return spec
    raise LinkConfigError(f"family: {site} does not read {family.value} messages")
