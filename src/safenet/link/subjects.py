"""Where each kind of link message travels: subject names, one family per stream.

Every subject carries the site it belongs to, so that what a site may publish or read
is a plain subject permission::

    safenet.v1.hotlist.all                  police -> every center (snapshots, deltas)
    safenet.v1.hotlist.<center>             police -> one center
    safenet.v1.report.<center>              center -> police   LocationReport (a hit)
    safenet.v1.update.<center>              center -> police   HitUpdate (confirm/reject)
    safenet.v1.ack.<center>                 center -> police   HotlistAck
    safenet.v1.heartbeat.<site>             both ways          Heartbeat
    safenet.v1.evidence.request.<center>    police -> center   EvidenceRequest
    safenet.v1.evidence.reply.<center>      center -> police   EvidencePackage / EvidenceDenial
    safenet.v1.registry.<center>            center -> police   CameraRegistry (cameras, no reads)
    safenet.v1.audit.<site>                 both ways          AuditHead (a signed audit chain head)
    safenet.v1.dead.<receiver>.<family>     a receiver's dead letters (poison messages)
"""

from __future__ import annotations

from enum import StrEnum

from safenet.link.sites import ALL_CENTERS, validate_site

PREFIX = "safenet.v1"


class Family(StrEnum):
    """A family of link messages: one JetStream stream and its own consumers."""

    HOTLIST = "hotlist"
    REPORT = "report"
    UPDATE = "update"
    ACK = "ack"
    HEARTBEAT = "heartbeat"
    EVIDENCE_REQUEST = "evidence.request"
    EVIDENCE_REPLY = "evidence.reply"
    REGISTRY = "registry"
    AUDIT = "audit"
    HEADS_UP = "headsup"
    TRANSITIONS = "transitions"
    DEAD = "dead"

    @property
    def stream(self) -> str:
        """The family's stream name (``SAFENET_EVIDENCE_REQUEST`` …).

        The police's families (hotlist, evidence requests) have one stream of that
        name; every other family has one stream per sending site, named with this
        prefix (see :func:`safenet.link.topology.stream_name`).
        """
        return "SAFENET_" + self.value.replace(".", "_").upper()

    @property
    def all_subjects(self) -> str:
        """The wildcard subject covering the whole family."""
        return f"{PREFIX}.{self.value}.>"

    def subject(self, site: str) -> str:
        """The family's subject for one site (or ``all`` for the hotlist)."""
        if not (self is Family.HOTLIST and site == ALL_CENTERS):
            validate_site(site)
        return f"{PREFIX}.{self.value}.{site}"


def dead_subject(receiver: str, family: Family) -> str:
    """Where ``receiver`` puts the messages of ``family`` it could not process."""
    validate_site(receiver, field="receiver")
    return f"{PREFIX}.dead.{receiver}.{family.value.replace('.', '-')}"


def site_of(subject: str) -> str | None:
    """The site token of a link subject (the receiver's for a dead letter), or None."""
    family = family_of(subject)
    if family is None:
        return None
    rest = subject[len(PREFIX) + 1 + len(family.value) + 1 :]
    site = rest.split(".", 1)[0]
    return site or None


def family_of(subject: str) -> Family | None:
    """The family a subject belongs to, or None when it is not a link subject."""
    if not subject.startswith(PREFIX + "."):
        return None
    rest = subject[len(PREFIX) + 1 :]
    for family in sorted(Family, key=lambda f: -len(f.value)):
        if rest.startswith(family.value + "."):
            return family
    return None


def subject_matches(pattern: str, subject: str) -> bool:
    """Whether ``subject`` matches the NATS ``pattern`` (``*`` one token, ``>`` the rest)."""
    p_tokens = pattern.split(".")
    s_tokens = subject.split(".")
    for i, token in enumerate(p_tokens):
        if token == ">":
            return len(s_tokens) > i
        if i >= len(s_tokens):
            return False
        if token != "*" and token != s_tokens[i]:
            return False
    return len(p_tokens) == len(s_tokens)
