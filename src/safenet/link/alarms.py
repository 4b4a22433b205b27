"""Link alarms: signs that a site tried to forge, suppress or misroute messages.

The link refuses what it must refuse (a report claiming another site, a forged
de-duplication id, a camera of another center) and *says so*: each refusal raises an
:class:`Alarm` on the observing site's :class:`LinkAlarms`, which logs it, counts it
(``counts``, and a Prometheus counter through :meth:`LinkAlarms.collector`), keeps
the latest ones for a console, and calls the hooks a service registered (to put it on
the operators' screen, in the audit log, on a webhook)::

    transport.alarms.add_hook(lambda alarm: console.show(alarm))
    registry.register(transport.alarms.collector("safenet_police"))

Every transport has its own ``alarms``; a :class:`safenet.link.relay.Relay` raises its
publish alarms there too. A hook that raises is logged and never stops the link.
"""

from __future__ import annotations

import collections
import enum
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)


class AlarmKind(enum.StrEnum):
    """What the link caught."""

    DUPLICATE_FIRST_PUBLISH = "duplicate_first_publish"
    """The server already held a message id the sender had never published before:
    someone published under it first (a forged or replayed id)."""

    FORGED_MESSAGE_ID = "forged_message_id"
    """A message's de-duplication id is not its own message id."""

    SITE_MISMATCH = "site_mismatch"
    """The subject's site, the publishing account's site and the message's site differ."""

    INVALID_MESSAGE = "invalid_message"
    """A payload that is not a valid link message arrived on a site's subject."""

    FOREIGN_CAMERA = "foreign_camera"
    """A center reported a camera it never announced (another center's, or none)."""

    EVIDENCE_REFUSED = "evidence_refused"
    """An evidence package failed verification (signature, a hash, a part): never shown."""
    LOOKUP_CAP = "lookup_cap"
    """A retrospective look-up found more distinct vehicles than the privacy cap allows:
    the wanted entry behaves like a search of everyone (raised on both sides)."""


@dataclass(frozen=True)
class Alarm:
    """One thing the link refused or caught, and who did it."""

    kind: AlarmKind
    site: str
    """The site the alarm is about: the sender of the refused message."""
    observed_by: str
    """The site whose link raised the alarm."""
    subject: str
    message_id: str
    detail: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "site": self.site,
            "observed_by": self.observed_by,
            "subject": self.subject,
            "message_id": self.message_id,
            "detail": self.detail,
            "at": self.at.isoformat(),
        }


Hook = Callable[[Alarm], None]


class LinkAlarms:
    """One site's link alarms: logged, counted by kind and site, kept, handed to hooks."""

    def __init__(self, site: str, *, keep: int = 200) -> None:
        self.site = site
        self._lock = threading.Lock()
        self._counts: collections.Counter[tuple[AlarmKind, str]] = collections.Counter()
        self._recent: collections.deque[Alarm] = collections.deque(maxlen=keep)
        self._hooks: list[Hook] = []

    def add_hook(self, hook: Hook) -> None:
        """Call ``hook(alarm)`` for every alarm from now on (from the raising thread)."""
        with self._lock:
            self._hooks.append(hook)

    def raise_alarm(
        self, kind: AlarmKind, *, site: str, subject: str, message_id: str, detail: str
    ) -> Alarm:
        """Record an alarm: log it, count it, keep it and hand it to every hook."""
        alarm = Alarm(kind, site, self.site, subject, message_id, detail)
        with self._lock:
            self._counts[(kind, site)] += 1
            self._recent.append(alarm)
            hooks = list(self._hooks)
        log.error(
            "link ALARM %s at %s about %s: %s (subject %s, message %s)",
            kind.value,
            self.site,
            site,
            detail,
            subject,
            message_id,
        )
        for hook in hooks:
            try:
                hook(alarm)
            except Exception:
                log.exception("link: an alarm hook failed (the alarm stands)")
        return alarm

    def count(self, kind: AlarmKind | None = None, site: str | None = None) -> int:
        """How many alarms of ``kind`` about ``site`` (None: any) were raised."""
        with self._lock:
            return sum(
                n
                for (k, s), n in self._counts.items()
                if (kind is None or k is kind) and (site is None or s == site)
            )

    def recent(self) -> list[Alarm]:
        """The latest alarms, oldest first."""
        with self._lock:
            return list(self._recent)

    def collector(self, prefix: str) -> Collector:
        """A Prometheus collector exporting ``<prefix>_link_alarms_total{kind,site}``."""
        return _AlarmCollector(self, prefix)

    def _snapshot(self) -> dict[tuple[AlarmKind, str], int]:
        with self._lock:
            return dict(self._counts)


class _AlarmCollector(Collector):
    def __init__(self, alarms: LinkAlarms, prefix: str) -> None:
        self._alarms = alarms
        self._name = f"{prefix}_link_alarms"

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            self._name,
            "Link alarms raised (forged ids, sites that do not agree, foreign cameras …), "
            "by kind and by the site they are about.",
            labels=["kind", "site"],
        )
        for kind in AlarmKind:  # every kind shows, at 0 until raised
            family.add_metric([kind.value, ""], 0.0)
        for (kind, site), n in sorted(self._alarms._snapshot().items()):
            family.add_metric([kind.value, site], float(n))
        return iter([family])
