"""The police service's Prometheus figures, in the service's own registry.

Never the global registry: the embedded demo runs the police and several centers in
one process, and each must report only its own figures at its own ``/metrics``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class PoliceMetrics:
    """Every metric the police service exports (names start with ``safenet_police_``)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "safenet_police_link_messages_total",
            "Link messages processed, by type and outcome (new, duplicate, waiting, error).",
            ["type", "outcome"],
            registry=r,
        )
        self.intake_seconds = Histogram(
            "safenet_police_intake_seconds",
            "Time to store one LocationReport and raise its alerts.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=r,
        )
        self.alerts = Counter(
            "safenet_police_alerts_total", "Alerts raised, by kind.", ["kind"], registry=r
        )
        self.registry_actions = Counter(
            "safenet_police_registry_actions_total",
            "Wanted registry actions, by action and outcome (done, refused).",
            ["action", "outcome"],
            registry=r,
        )
        self.hotlist_version = Gauge(
            "safenet_police_hotlist_version", "Current hotlist version.", registry=r
        )
        self.active_entries = Gauge(
            "safenet_police_active_entries", "Wanted entries on the hotlist.", registry=r
        )
        self.centers_behind = Gauge(
            "safenet_police_centers_behind",
            "Known centers whose acknowledged version is below the current one.",
            registry=r,
        )
        self.snapshots = Counter(
            "safenet_police_snapshots_total", "Hotlist snapshots sent to one center.", registry=r
        )
        self.sse_clients = Gauge(
            "safenet_police_sse_clients", "Connected alert stream clients.", registry=r
        )
        self.sse_resyncs = Counter(
            "safenet_police_sse_resyncs_total",
            "Alert stream clients told to resync (fell behind or resumed too late).",
            registry=r,
        )
        self.notify_sent = Counter(
            "safenet_police_notify_sent_total",
            "Alerts delivered to an outbound receiver.",
            ["channel", "receiver"],
            registry=r,
        )
        self.notify_failures = Counter(
            "safenet_police_notify_failures_total",
            "Failed delivery attempts to an outbound receiver.",
            ["channel", "receiver"],
            registry=r,
        )
        self.notify_dropped = Counter(
            "safenet_police_notify_dropped_total",
            "Alerts dropped because a receiver's queue was full.",
            ["channel", "receiver"],
            registry=r,
        )
        self.outbox_depth = Gauge(
            "safenet_police_outbox_depth", "Link messages waiting to be published.", registry=r
        )
