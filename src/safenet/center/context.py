"""Everything the pipeline's stages share: the center's parts and its knobs, built once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from safenet.center.cameras import CameraRegistry
from safenet.center.decide import LiveDecisions
from safenet.center.decision_store import DecisionStore
from safenet.center.hotlist import Hotlist
from safenet.center.metrics import CenterMetrics
from safenet.center.recent import RecentPlates
from safenet.center.settings import CenterSettings
from safenet.center.transitions import TransitionTally
from safenet.center.types import CameraInfo, Clock
from safenet.matching.decision import DEFAULT_WINDOW_S, DecisionPolicy
from safenet.store import Database
from safenet.tracking import PlausibilityPolicy


@dataclass
class PipelineContext:
    """The parts a stage may use; stages keep no state of their own."""

    site: str
    db: Database
    registry: CameraRegistry
    hotlist: Hotlist
    metrics: CenterMetrics
    recent: RecentPlates
    clock: Clock
    read_retention: timedelta
    max_clock_skew: timedelta
    alert_window: timedelta
    plausibility: PlausibilityPolicy
    min_score: float | None = None
    confirm_categories: frozenset[str] = frozenset()
    check_age: bool = True
    """False for a replay of old reads (``safenet center replay --ignore-age``)."""
    decisions: LiveDecisions | None = None
    """The decision chain (``center.decisions``); None: every match is a hit as it is."""
    transitions: TransitionTally | None = None
    """The camera-to-camera counts the ``learn`` stage feeds (None: not counted)."""

    @classmethod
    def from_settings(
        cls,
        settings: CenterSettings,
        *,
        site: str,
        db: Database,
        registry: CameraRegistry,
        hotlist: Hotlist,
        metrics: CenterMetrics,
        clock: Clock,
    ) -> PipelineContext:
        return cls(
            site=site,
            db=db,
            registry=registry,
            hotlist=hotlist,
            metrics=metrics,
            recent=RecentPlates(timedelta(seconds=settings.dedup_window_s)),
            clock=clock,
            read_retention=timedelta(hours=settings.read_retention_hours),
            max_clock_skew=timedelta(seconds=settings.max_clock_skew_s),
            alert_window=timedelta(seconds=settings.alert_window_s),
            plausibility=PlausibilityPolicy(
                max_speed_kmh=settings.max_speed_kmh, min_distance_m=settings.min_distance_m
            ),
            min_score=settings.min_score,
            confirm_categories=frozenset(settings.confirm_categories),
            decisions=_stored(live_decisions(settings), db, hotlist, registry),
        )

    def retention_for(self, camera: CameraInfo) -> timedelta:
        """How long this camera's non-hit reads may be kept: never beyond its 보관일수."""
        if camera.retention_days is None:
            return self.read_retention
        return min(self.read_retention, timedelta(days=camera.retention_days))


def _stored(
    decisions: LiveDecisions | None, db: Database, hotlist: Hotlist, registry: CameraRegistry
) -> LiveDecisions | None:
    """The decision chain keeping its held candidates in the database (they survive a restart)."""
    if decisions is not None:
        decisions.attach(DecisionStore(db), hotlist, registry.get)
    return decisions


def live_decisions(settings: CenterSettings) -> LiveDecisions | None:
    """The center's decision chain from its settings, or None when ``center.decisions`` is off."""
    if not settings.decisions:
        return None
    return LiveDecisions(
        DecisionPolicy(
            hold_s=settings.decision_hold_s,
            window_s=max(DEFAULT_WINDOW_S, settings.alert_window_s, settings.decision_hold_s),
            plausibility=PlausibilityPolicy(
                max_speed_kmh=settings.max_speed_kmh, min_distance_m=settings.min_distance_m
            ),
            surface_at=settings.decision_surface_at,
            memory_s=settings.decision_memory_s,
            memory_confidence=settings.decision_memory_confidence,
            memory_plates=settings.decision_memory_plates,
            memory_passes=settings.decision_memory_passes,
            lookalike_s=settings.decision_lookalike_s,
            lookalike_exact_s=settings.decision_lookalike_exact_s,
            traffic_s=settings.decision_traffic_s,
            traffic_passes=settings.decision_traffic_passes,
        ),
        min_score=settings.min_score,
        confirm_categories=frozenset(settings.confirm_categories),
    )
