"""Outbound notifications: alerts fanned out to the systems officers already use.

The 112 situation room, in-car terminals and an SMS gateway receive alerts as signed
JSON webhooks (:mod:`.webhook`); regional systems subscribe to an MQTT topic per
center site (:mod:`.mqtt`). Every receiver is a :class:`~.base.QueuedReceiver`: intake
only offers an alert, never waits (:mod:`.base`). :class:`Notifier` holds the
configured receivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safenet.police.alert_log import AlertRecord
from safenet.police.metrics import PoliceMetrics
from safenet.police.notify.base import QueuedReceiver, Receiver, encode_alert
from safenet.police.notify.webhook import Webhook, sign
from safenet.police.settings import PoliceSettings

__all__ = ["Notifier", "QueuedReceiver", "Receiver", "Webhook", "encode_alert", "sign"]


@dataclass
class Notifier:
    """Every configured receiver; intake hands each alert to :meth:`offer`."""

    receivers: Sequence[Receiver]

    @classmethod
    def from_settings(cls, settings: PoliceSettings, metrics: PoliceMetrics) -> Notifier:
        receivers: list[Receiver] = [Webhook(w, settings, metrics) for w in settings.webhooks]
        if settings.mqtt_enabled:
            from safenet.police.notify.mqtt import MqttPublisher  # aiomqtt only when used

            receivers.append(MqttPublisher(settings, metrics))
        return cls(receivers)

    def offer(self, alerts: Sequence[AlertRecord]) -> None:
        for alert in alerts:
            for receiver in self.receivers:
                receiver.offer(alert)

    async def start(self) -> None:
        for receiver in self.receivers:
            await receiver.start()

    async def stop(self) -> None:
        for receiver in self.receivers:
            await receiver.stop()

    def status(self) -> list[dict[str, Any]]:
        return [{"name": r.name, "kind": type(r).__name__} for r in self.receivers]
