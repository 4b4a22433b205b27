"""The center's Prometheus figures, in the service's own registry (never the global one).

Several services share one process in the embedded demo, so each center builds its
own :class:`CenterMetrics` and ``/metrics`` serves that registry. Alongside the
Prometheus objects it keeps the two figures the status page shows that Prometheus
cannot answer by itself: reads per second over the last minute and rejections by
reason since start. Labels never carry a plate.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter as Tally
from collections import deque
from collections.abc import Callable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def observe_many(histogram: Histogram, values: Sequence[float]) -> None:
    """Observe every one of ``values``, at the cost of one step per bucket, not per value.

    The same figures as ``histogram.observe(v)`` for each value (each value counted in
    its bucket, the sum of all), for the pipeline's per-read latency of a whole batch.
    Uses the client's bucket counters directly; without them (another client version)
    it observes one by one.
    """
    if not values:
        return
    bounds = getattr(histogram, "_upper_bounds", None)
    buckets = getattr(histogram, "_buckets", None)
    total = getattr(histogram, "_sum", None)
    if bounds is None or buckets is None or total is None or len(bounds) != len(buckets):
        for value in values:
            histogram.observe(value)
        return
    ordered = sorted(values)
    below = 0
    for bound, bucket in zip(bounds, buckets, strict=True):
        upto = bisect.bisect_right(ordered, bound, lo=below)  # value <= bound, as observe
        if upto > below:
            bucket.inc(upto - below)
            below = upto
    total.inc(sum(values))


class RateWindow:
    """Events per second over a sliding window (one bucket per second)."""

    def __init__(self, seconds: int = 60, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._now = now
        self._buckets: deque[list[float]] = deque()
        self._lock = threading.Lock()

    def add(self, count: int) -> None:
        second = float(int(self._now()))
        with self._lock:
            if self._buckets and self._buckets[-1][0] == second:
                self._buckets[-1][1] += count
            else:
                self._buckets.append([second, float(count)])
            self._trim(second)

    def _trim(self, second: float) -> None:
        while self._buckets and self._buckets[0][0] <= second - self.seconds:
            self._buckets.popleft()

    def rate(self) -> float:
        """Average events per second over the window."""
        with self._lock:
            self._trim(float(int(self._now())))
            total = sum(b[1] for b in self._buckets)
        return total / self.seconds


class CenterMetrics:
    """Every figure one center exports."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.reads = Counter(
            "center_reads",
            "Reads taken in, by outcome (accepted, duplicate, rejected; queued: stored in the "
            "work queue by ingest in queue mode, the workers count the rest).",
            ["outcome"],
            registry=r,
        )
        self.rejected = Counter(
            "center_reads_rejected", "Reads refused, by reason.", ["reason"], registry=r
        )
        self.hits = Counter(
            "center_hits",
            "Hits recorded, by match level and state.",
            ["level", "state"],
            registry=r,
        )
        self.pipeline_latency = Histogram(
            "center_pipeline_latency_seconds",
            "Time from a read's arrival to the commit of its batch.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_reads = Histogram(
            "center_pipeline_batch_reads",
            "Reads per pipeline batch.",
            buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000),
            registry=r,
        )
        self.stage_failures = Counter(
            "center_pipeline_stage_failures",
            "Reads a pipeline stage failed on, by stage.",
            ["stage"],
            registry=r,
        )
        self.alternatives_dropped = Counter(
            "center_alternatives_dropped",
            "OCR alternatives left out because their text cannot be a plate.",
            registry=r,
        )
        self.mqtt_messages = Counter(
            "center_mqtt_messages",
            "MQTT messages received, by result (ok, bad).",
            ["result"],
            registry=r,
        )
        self.outbox_depth = Gauge(
            "center_outbox_depth", "Link messages waiting in the outbox.", registry=r
        )
        self.queue_depth = Gauge(
            "center_pipeline_queue_reads", "Reads waiting for the pipeline.", registry=r
        )
        self.hotlist_version = Gauge(
            "center_hotlist_version", "Hotlist version in force.", registry=r
        )
        self.hotlist_entries = Gauge(
            "center_hotlist_entries", "Entries on the hotlist in force.", registry=r
        )
        self.decisions_held = Gauge(
            "center_decisions_held",
            "Weak candidates the decision chain holds for corroboration.",
            registry=r,
        )
        self.decisions_settled = Gauge(
            "center_decisions_settled",
            "Held candidates since start, by outcome (corroborated, dropped).",
            ["outcome"],
            registry=r,
        )
        self.purged = Counter(
            "center_purged_rows",
            "Rows deleted by the retention purge, by kind.",
            ["kind"],
            registry=r,
        )
        self.retro_reads = Counter(
            "center_retro_reads_searched",
            "Retained reads searched by retrospective look-ups.",
            registry=r,
        )
        self.read_rate = RateWindow()
        self.rejected_by_reason: Tally[str] = Tally()
        self._lock = threading.Lock()

    def count_rejection(self, reason: str) -> None:
        self.rejected.labels(reason=reason).inc()
        self.reads.labels(outcome="rejected").inc()
        with self._lock:
            self.rejected_by_reason[reason] += 1

    def rejections(self) -> dict[str, int]:
        with self._lock:
            return dict(self.rejected_by_reason)
