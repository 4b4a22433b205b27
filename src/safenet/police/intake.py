"""Location intake: the centers' hits, decisions, acknowledgements and heartbeats, stored once.

Each link message is processed in one transaction that records its id in the inbox
(:func:`safenet.link.inbox.first_receipt`) together with its effect, so a redelivered
message changes nothing. A hit is also unique by (center, hit id). Messages may come
out of order: a HitUpdate for a hit not yet received is kept and applied when the
hit arrives, and of several decisions on one hit the latest (by the operator's time)
wins, whatever order they arrived in.

Hits and decisions are processed one at a time (the intake lock), because each also
changes its entry's in-memory track; an alert row is written in the same
transaction as its cause. The caller publishes the returned alerts once it commits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link import Heartbeat, HitUpdate, HotlistAck, LocationReport, inbox
from safenet.link.messages import TransitionReport
from safenet.link.site_names import SiteNames
from safenet.police import alert_log, distribution, hit_log
from safenet.police.alert_log import AlertRecord
from safenet.police.categories import CategoryPolicy
from safenet.police.clock import Clock, as_utc
from safenet.police.learned import LearnedTransitions
from safenet.police.rows import entry_from_row
from safenet.police.tables import hit_updates, hits, wanted
from safenet.police.tracks import TrackBook
from safenet.police.types import Status, WantedEntry
from safenet.store import Database, insert_if_absent
from safenet.tracking import Leg

log = logging.getLogger(__name__)


@dataclass
class IntakeResult:
    """What one message did: alerts to publish, whether it was a repeat, snapshots sent."""

    alerts: list[AlertRecord] = field(default_factory=list)
    duplicate: bool = False
    waiting: bool = False
    """A HitUpdate kept until its hit arrives."""
    snapshot_to: str | None = None
    new_center: str | None = None
    """A center heard of for the first time (its link consumers need provisioning)."""


def alerts_on_arrival(hit: Any, policy: CategoryPolicy) -> bool:
    """Whether a stored hit alerts officers as it arrives, before any operator decision.

    The center's ``alert`` always does. A ``candidate`` (or a ``confirmed`` one, whose
    HitUpdate comes with it) does when its category's policy lets its level alert
    (``alert_levels``); otherwise it waits on the track for the center's confirmation.
    """
    return bool(hit.report_decision == "alert" or hit.level in policy.alert_levels)


class Intake:
    """Stores what the centers send and turns it into alerts; see the module docstring."""

    def __init__(
        self,
        db: Database,
        tracks: TrackBook,
        policies: Mapping[str, CategoryPolicy],
        *,
        clock: Clock,
        resync_grace: timedelta,
        snapshot_part_size: int,
        learned: LearnedTransitions | None = None,
        names: SiteNames | None = None,
    ) -> None:
        self.db = db
        self.tracks = tracks
        self.policies = policies
        self.clock = clock
        self.resync_grace = resync_grace
        self.snapshot_part_size = snapshot_part_size
        self._lock = threading.Lock()
        self.learned = learned if learned is not None else LearnedTransitions()
        self.names = names if names is not None else SiteNames()

    # -- LocationReport ------------------------------------------------------------------

    def report(self, message: LocationReport) -> IntakeResult:
        """Store a hit, put it on its track, and raise its alerts (worker thread)."""
        with self._lock:
            try:
                return self._report(message)
            except Exception:
                self._recover(message.entry_id)
                raise

    def _report(self, m: LocationReport) -> IntakeResult:
        now = self.clock()
        with self.db.begin() as conn:
            if not inbox.first_receipt(conn, m):
                return IntakeResult(duplicate=True)
            stored = insert_if_absent(conn, hits, hit_log.values(m, now), ["site", "hit_id"])
            if not stored:
                return IntakeResult(duplicate=True)
            decision = hit_log.latest_update(conn, m.site, m.hit_id)
            if decision is not None:
                hit_log.apply_decision(conn, m.site, m.hit_id, decision)
            row = hit_log.row(conn, m.site, m.hit_id)
            entry = _entry(conn, m.entry_id)
            gained: tuple[Leg, ...] = ()
            if row.decision != "rejected":
                gained = self.tracks.add(self.tracks.sighting(row)).new_impossible
            result = IntakeResult()
            if not self._live(entry, now):
                if entry is None:
                    log.warning(
                        "intake: hit %s:%s names unknown entry %s", m.site, m.hit_id, m.entry_id
                    )
                return result
            assert entry is not None
            policy = self.policies[entry.category]
            if row.decision == "confirmed" or (
                row.decision is None and alerts_on_arrival(row, policy)
            ):
                result.alerts.append(self._hit_alert(conn, row, entry, now))
            result.alerts.extend(self._flags(conn, gained, entry, m.site, now))
            return result

    # -- TransitionReport --------------------------------------------------------------

    def transitions(self, message: TransitionReport) -> IntakeResult:
        """A center's learned camera counts: kept if newer than the ones held (no tables)."""
        return IntakeResult(duplicate=not self.learned.take(message))

    # -- HitUpdate -----------------------------------------------------------------------

    def update(self, message: HitUpdate) -> IntakeResult:
        """Store an operator's decision and apply it if its hit is here (worker thread)."""
        with self._lock:
            try:
                return self._update(message)
            except Exception:
                self._recover(None)
                raise

    def _update(self, m: HitUpdate) -> IntakeResult:
        now = self.clock()
        with self.db.begin() as conn:
            if not inbox.first_receipt(conn, m):
                return IntakeResult(duplicate=True)
            conn.execute(
                hit_updates.insert().values(
                    message_id=m.message_id,
                    site=m.site,
                    hit_id=m.hit_id,
                    decision=m.decision,
                    reason=m.reason,
                    operator=m.operator,
                    operator_name=m.operator_name,
                    decided_at=m.decided_at,
                    received_at=now,
                )
            )
            before = conn.execute(
                sa.select(hits).where(hits.c.site == m.site, hits.c.hit_id == m.hit_id)
            ).first()
            if before is None:
                return IntakeResult(waiting=True)
            latest = hit_log.latest_update(conn, m.site, m.hit_id)
            assert latest is not None
            if before.decided_at is not None and as_utc(before.decided_at) >= latest["decided_at"]:
                return IntakeResult()  # an older decision arriving late changes nothing
            hit_log.apply_decision(conn, m.site, m.hit_id, latest)
            row = hit_log.row(conn, m.site, m.hit_id)
            gained: list[Leg] = []
            if (before.decision == "rejected") != (row.decision == "rejected"):
                _, gained = self.tracks.rebuild_entry(conn, row.entry_id)
            entry = _entry(conn, row.entry_id)
            result = IntakeResult()
            if not self._live(entry, now):
                return result
            assert entry is not None
            if row.decision == "confirmed" and not row.alerted:
                result.alerts.append(self._hit_alert(conn, row, entry, now))
            elif row.alerted:
                result.alerts.append(self._update_alert(conn, row, entry, now))
            result.alerts.extend(self._flags(conn, gained, entry, m.site, now))
            return result

    # -- HotlistAck and Heartbeat ------------------------------------------------------------

    def ack(self, m: HotlistAck) -> IntakeResult:
        """Record which version a center matches with; resync it when it is behind."""
        now = self.clock()
        with self.db.begin() as conn:
            if not inbox.first_receipt(conn, m):
                return IntakeResult(duplicate=True)
            new = distribution.record_ack(conn, m.site, m.version, m.entry_count, m.acked_at, now)
            result = self._maybe_snapshot(conn, m.site, now)
        result.new_center = m.site if new else None
        return result

    def heartbeat(self, m: Heartbeat) -> IntakeResult:
        """Record a center's heartbeat (idempotent by nature: no inbox row per beat)."""
        now = self.clock()
        if m.site == "police":
            return IntakeResult()
        self.names.hear(m.site, m.site_name, m.site_name_en)
        with self.db.begin() as conn:
            new = distribution.record_heartbeat(
                conn, m.site, m.hotlist_version, m.software_version, m.sent_at, now
            )
            result = self._maybe_snapshot(conn, m.site, now)
        result.new_center = m.site if new else None
        return result

    def _maybe_snapshot(self, conn: Connection, site: str, now: datetime) -> IntakeResult:
        if not distribution.needs_snapshot(conn, site, now, self.resync_grace):
            return IntakeResult()
        version = distribution.send_snapshot(
            conn, site, now, self.policies, self.snapshot_part_size
        )
        log.info("hotlist: snapshot v%d sent to %s", version, site)
        return IntakeResult(snapshot_to=site)

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _live(entry: WantedEntry | None, now: datetime) -> bool:
        return entry is not None and entry.status is Status.ACTIVE and entry.expires_at > now

    def _hit_alert(
        self, conn: Connection, row: Any, entry: WantedEntry, now: datetime
    ) -> AlertRecord:
        conn.execute(hits.update().where(hits.c.id == row.id).values(alerted=True))
        payload = alert_log.hit_payload(
            hit_log.hit_view(row),
            alert_log.entry_brief(entry, entry.entry_id),
            self.tracks.brief(entry.entry_id),
        )
        return alert_log.insert(conn, "hit", entry.entry_id, row.site, payload, now, row.id)

    def _update_alert(
        self, conn: Connection, row: Any, entry: WantedEntry, now: datetime
    ) -> AlertRecord:
        payload = alert_log.update_payload(
            row,
            alert_log.entry_brief(entry, entry.entry_id),
            self.tracks.brief(entry.entry_id),
        )
        return alert_log.insert(conn, "update", entry.entry_id, row.site, payload, now, row.id)

    def _flags(
        self, conn: Connection, legs: Any, entry: WantedEntry, site: str, now: datetime
    ) -> list[AlertRecord]:
        brief = alert_log.entry_brief(entry, entry.entry_id)
        return [
            alert_log.insert(
                conn, "flag", entry.entry_id, site, alert_log.flag_payload(leg, brief), now
            )
            for leg in legs
        ]

    def _recover(self, entry_id: str | None) -> None:
        """After a failed transaction, make the tracks match what was committed."""
        try:
            with self.db.read() as conn:
                if entry_id is None:
                    self.tracks.rebuild_all(conn)
                else:
                    self.tracks.rebuild_entry(conn, entry_id)
        except Exception:  # pragma: no cover - the database is down; the next start rebuilds
            log.exception("intake: could not rebuild tracks after a failed message")


def _entry(conn: Connection, entry_id: str) -> WantedEntry | None:
    row = conn.execute(sa.select(wanted).where(wanted.c.entry_id == entry_id)).first()
    return None if row is None else entry_from_row(row)
