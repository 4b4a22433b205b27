"""Alerts published to MQTT, one topic per center site, for regional systems.

One background task holds the connection to the broker (reconnecting with backoff)
and publishes each alert at QoS 1 to the topic template with ``{site}`` filled in
(default ``safenet/alerts/<site>``). An alert that could not be published stays at
the head of the queue until the broker is back; the queue is bounded and drops the
oldest alert when full, so intake never waits on the broker.
"""

from __future__ import annotations

import asyncio
import logging

import aiomqtt

from safenet.police.alert_log import AlertRecord
from safenet.police.metrics import PoliceMetrics
from safenet.police.notify.base import QueuedReceiver, encode_alert
from safenet.police.settings import PoliceSettings

log = logging.getLogger(__name__)


class MqttPublisher(QueuedReceiver):
    """Publishes ``hit``, ``update`` and ``flag`` alerts to the configured broker."""

    def __init__(self, settings: PoliceSettings, metrics: PoliceMetrics) -> None:
        super().__init__("mqtt", settings.mqtt_queue_size, metrics, "mqtt")
        self.settings = settings
        self._client: aiomqtt.Client | None = None
        self._backoff = 0.5

    def topic(self, site: str) -> str:
        return self.settings.mqtt_topic.format(site=site)

    def offer(self, alert: AlertRecord) -> None:
        self._enqueue(alert)

    async def _deliver(self, alert: AlertRecord) -> None:
        payload = encode_alert(alert)
        topic = self.topic(alert.site)
        while True:
            try:
                client = await self._connected()
                await client.publish(topic, payload, qos=1)
            except aiomqtt.MqttError as exc:
                self._metrics.notify_failures.labels("mqtt", self.name).inc()
                log.warning(
                    "notify: mqtt %s:%d: %s; retrying in %.1f s",
                    self.settings.mqtt_host,
                    self.settings.mqtt_port,
                    exc,
                    self._backoff,
                )
                await self._disconnect()
                await asyncio.sleep(self._backoff)
                self._backoff = min(30.0, self._backoff * 2)
                continue
            self._backoff = 0.5
            self._metrics.notify_sent.labels("mqtt", self.name).inc()
            return

    async def _connected(self) -> aiomqtt.Client:
        if self._client is None:
            s = self.settings
            client = aiomqtt.Client(
                s.mqtt_host,
                s.mqtt_port,
                username=s.mqtt_username or None,
                password=s.mqtt_password.get_secret_value() if s.mqtt_password else None,
                identifier=f"safenet-police-{id(self):x}",
            )
            await client.__aenter__()
            self._client = client
        return self._client

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.__aexit__(None, None, None)
            except Exception:
                log.debug("notify: mqtt disconnect failed", exc_info=True)

    async def stop(self) -> None:
        await super().stop()
        await self._disconnect()
