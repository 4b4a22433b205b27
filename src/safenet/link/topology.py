"""The link's streams and durable consumers: who keeps what, and who reads it.

The police's own families (hotlists, evidence requests) each have one JetStream stream,
which only the police may publish into. Every family a center publishes (reports,
updates, acks, heartbeats, evidence replies, camera registries, audit heads, dead
letters) has **one stream per site**: ``SAFENET_REPORT_SEOCHO`` holds only
``safenet.v1.report.seocho``. JetStream de-duplicates message ids per stream, so a
site's ids live in a de-duplication window no other site can write into: a center that
publishes under another center's (predictable) message id only fills its own stream
(docs/link.md, "Why one stream per site"). Each stream also has its own limits, so one
site flooding its stream cannot push another site's messages out.

The police provision every stream and consumer (they own the NATS server); a center
only pulls from its own consumers, which a center cannot create, change or point at
another site's subjects (see :mod:`safenet.link.fencing`).

Police consumers: ``police-<family>-<center>`` for each center and each family the
police read (``police-report-seocho`` …). A center's consumers: ``<site>-hotlist``
(``hotlist.all`` + ``hotlist.<site>``), ``<site>-evidence-request``, and
``<site>-heartbeat`` / ``<site>-audit`` (the police's heartbeats and audit heads).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safenet.link.errors import LinkConfigError
from safenet.link.sites import ALL_CENTERS, POLICE, validate_center, validate_site
from safenet.link.subjects import PREFIX, Family, family_of, site_of


@dataclass(frozen=True)
class StreamSpec:
    """A JetStream stream holding one family of messages, of one site or the police's.

    ``site`` is the one site whose user may publish into the stream (None for the
    police's shared streams, the hotlist and evidence requests).
    """

    family: Family
    max_age_s: float
    duplicate_window_s: float
    max_msgs_per_subject: int = -1
    site: str | None = None

    @property
    def name(self) -> str:
        return stream_name(self.family, self.site)

    @property
    def owner(self) -> str:
        """The site whose credentials alone can put a message into this stream."""
        return self.site or POLICE

    @property
    def subjects(self) -> list[str]:
        if self.site is None:
            return [self.family.all_subjects]
        if self.family is Family.DEAD:
            return [f"{PREFIX}.dead.{self.site}.>"]
        return [self.family.subject(self.site)]

    def for_site(self, site: str) -> StreamSpec:
        """This family's stream of one site."""
        return StreamSpec(
            self.family,
            self.max_age_s,
            self.duplicate_window_s,
            self.max_msgs_per_subject,
            validate_site(site),
        )


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer: one receiving site's view of one stream.

    ``source`` is the site whose per-site stream the consumer reads (None for the
    police's shared streams). ``max_deliver`` counts handler attempts: a message whose
    handler raised that many times goes to the dead-letter subject. ``ack_wait_s`` is
    how long a delivery may stay unacknowledged (the receivers send in-progress signals
    while they work) before the server hands it out again. A failed attempt is retried
    after ``retry_backoff_s``, doubling each time, capped at ``ack_wait_s``.
    """

    durable: str
    family: Family
    owner: str
    filter_subjects: tuple[str, ...]
    ack_wait_s: float = 30.0
    max_deliver: int = 5
    max_ack_pending: int = 1000
    retry_backoff_s: float = 0.5
    source: str | None = None

    @property
    def stream(self) -> str:
        return stream_name(self.family, self.source)

    @property
    def stream_spec(self) -> StreamSpec:
        return stream_spec(self.family, self.source)

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
    Family.REGISTRY: StreamSpec(Family.REGISTRY, 30 * DAY, DUPLICATE_WINDOW_S),
    Family.AUDIT: StreamSpec(Family.AUDIT, 30 * DAY, DUPLICATE_WINDOW_S),
    # Heads-ups are void within minutes; a day covers any outage worth catching up on.
    Family.HEADS_UP: StreamSpec(Family.HEADS_UP, 1 * DAY, DUPLICATE_WINDOW_S),
    # Each report holds all its center has counted: only the newest one matters.
    Family.TRANSITIONS: StreamSpec(Family.TRANSITIONS, 7 * DAY, DUPLICATE_WINDOW_S),
    Family.DEAD: StreamSpec(Family.DEAD, 90 * DAY, DUPLICATE_WINDOW_S),
}
"""Each family's stream limits; a per-site family has one stream per site with these."""

SHARED_FAMILIES = frozenset({Family.HOTLIST, Family.EVIDENCE_REQUEST, Family.HEADS_UP})
"""Families only the police publish: one stream each."""

CENTER_SENDS = (
    Family.REPORT,
    Family.UPDATE,
    Family.ACK,
    Family.HEARTBEAT,
    Family.EVIDENCE_REPLY,
    Family.REGISTRY,
    Family.AUDIT,
    Family.TRANSITIONS,
    Family.DEAD,
)
"""The families with a stream per center."""

POLICE_SENDS_OWN = (Family.HEARTBEAT, Family.AUDIT, Family.DEAD)
"""The per-site families with a stream of the police's own."""

POLICE_READS = (
    Family.REPORT,
    Family.UPDATE,
    Family.ACK,
    Family.HEARTBEAT,
    Family.EVIDENCE_REPLY,
    Family.REGISTRY,
    Family.AUDIT,
    Family.TRANSITIONS,
)
"""The families the police read from every center's stream."""


def stream_name(family: Family, site: str | None = None) -> str:
    """The stream of ``family`` (of ``site``, for a per-site family)."""
    if family in SHARED_FAMILIES:
        return family.stream
    if site is None:
        raise LinkConfigError(f"stream: {family.value} has one stream per site; name the site")
    return f"{family.stream}_{validate_site(site).upper()}"


def stream_spec(family: Family, site: str | None = None) -> StreamSpec:
    """The stream of ``family`` (of ``site``, for a per-site family)."""
    base = STREAMS[family]
    if family in SHARED_FAMILIES:
        return base
    if site is None:
        raise LinkConfigError(f"stream: {family.value} has one stream per site; name the site")
    return base.for_site(site)


def site_streams(site: str) -> list[StreamSpec]:
    """The per-site streams of one site (the police's or a center's)."""
    families = POLICE_SENDS_OWN if site == POLICE else CENTER_SENDS
    if site != POLICE:
        validate_center(site)
    return [STREAMS[f].for_site(site) for f in families]


def streams_for(centers: Iterable[str]) -> list[StreamSpec]:
    """Every stream of a deployment with these centers."""
    specs = [STREAMS[f] for f in STREAMS if f in SHARED_FAMILIES]
    specs += site_streams(POLICE)
    for site in dict.fromkeys(centers):
        specs += site_streams(site)
    return specs


def stream_for_subject(subject: str) -> StreamSpec | None:
    """The stream that stores ``subject``, or None when no stream does."""
    family = family_of(subject)
    if family is None:
        return None
    if family in SHARED_FAMILIES:
        return STREAMS[family]
    site = site_of(subject)
    if site is None:
        return None
    try:
        spec = STREAMS[family].for_site(site)
    except ValueError:
        return None
    if family is not Family.DEAD and subject != family.subject(site):
        return None
    if site == POLICE and family not in POLICE_SENDS_OWN:
        return None
    return spec


def stream_named(name: str) -> StreamSpec | None:
    """The stream spec a stream name stands for, or None for a name of no stream here."""
    for family in sorted(STREAMS, key=lambda f: -len(f.stream)):
        if name == family.stream and family in SHARED_FAMILIES:
            return STREAMS[family]
        prefix = family.stream + "_"
        if family not in SHARED_FAMILIES and name.startswith(prefix):
            site = name[len(prefix) :].lower()
            if site == POLICE and family not in POLICE_SENDS_OWN:
                return None
            try:
                spec = STREAMS[family].for_site(site)
            except ValueError:
                return None
            return spec if spec.name == name else None
    return None


def stream_owner(name: str) -> str | None:
    """The site whose credentials alone may publish into stream ``name`` (None: unknown)."""
    spec = stream_named(name)
    return None if spec is None else spec.owner


def _durable(site: str, family: Family, source: str | None = None) -> str:
    base = f"{site}-{family.value.replace('.', '-')}"
    return base if source is None else f"{base}-{source}"


def police_consumers(centers: Iterable[str]) -> list[ConsumerSpec]:
    """The police's consumers of these centers' reports, updates, acks, heartbeats …"""
    specs: list[ConsumerSpec] = []
    for center in dict.fromkeys(centers):
        validate_center(center)
        for family in POLICE_READS:
            specs.append(
                ConsumerSpec(
                    durable=_durable(POLICE, family, center),
                    family=family,
                    owner=POLICE,
                    filter_subjects=(family.subject(center),),
                    source=center,
                )
            )
    return specs


def center_consumers(site: str) -> list[ConsumerSpec]:
    """A center's consumers: hotlist (all + its own), its evidence requests and heads-ups,
    police heartbeats and police audit heads."""
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
            durable=_durable(site, Family.HEADS_UP),
            family=Family.HEADS_UP,
            owner=site,
            filter_subjects=(Family.HEADS_UP.subject(site),),
        ),
        ConsumerSpec(
            durable=_durable(site, Family.HEARTBEAT),
            family=Family.HEARTBEAT,
            owner=site,
            filter_subjects=(Family.HEARTBEAT.subject(POLICE),),
            source=POLICE,
        ),
        ConsumerSpec(
            durable=_durable(site, Family.AUDIT),
            family=Family.AUDIT,
            owner=site,
            filter_subjects=(Family.AUDIT.subject(POLICE),),
            source=POLICE,
        ),
    ]


def consumers_for(site: str, centers: Iterable[str] = ()) -> list[ConsumerSpec]:
    """The consumers a site reads from (the police: those of ``centers``)."""
    return police_consumers(centers) if site == POLICE else center_consumers(site)


def all_consumers(centers: Iterable[str]) -> list[ConsumerSpec]:
    """Every consumer of a deployment with these centers."""
    centers = list(dict.fromkeys(centers))
    specs = police_consumers(centers)
    for site in centers:
        specs.extend(center_consumers(site))
    return specs


def consumer(site: str, family: Family, source: str | None = None) -> ConsumerSpec:
    """The consumer through which ``site`` reads ``family`` (the police: from ``source``)."""
    if site == POLICE:
        if source is None:
            raise LinkConfigError(
                f"family: the police read {family.value} from each center's stream; "
                "name the center (source=...)"
            )
        for spec in police_consumers([source]):
            if spec.family is family:
                return spec
        raise LinkConfigError(f"family: the police do not read {family.value} messages")
    for spec in center_consumers(site):
        if spec.family is family:
            return spec
    raise LinkConfigError(f"family: {site} does not read {family.value} messages")


def police_reads(family: Family) -> bool:
    """Whether the police read ``family`` from the centers."""
    return family in POLICE_READS
