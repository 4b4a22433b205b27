"""Outbound notifications: alerts fanned out to the systems officers already use.

The 112 situation room, in-car terminals and an SMS gateway receive alerts as signed
JSON webhooks; regional systems subscribe to an MQTT topic per center site. Intake
only *offers* an alert (never waits): each receiver has its own bounded queue and
background sender, so a failing or slow receiver delays nobody else, and when its
queue is full the oldest alert is dropped and counted rather than blocking.

Webhook delivery: ``POST`` of the alert as JSON with ``X-Safenet-Signature:
sha256=<hex HMAC-SHA256 of the body>`` (when the receiver has a secret),
``X-Safenet-Event`` (the kind) and ``X-Safenet-Delivery`` (the alert id, the same on
every retry, for the receiver's de-duplication). Connection errors, timeouts, 408,
429 and 5xx are retried with exponential backoff; other 4xx answers are final.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from safenet.police.alert_log import AlertRecord
from safenet.police.metrics import PoliceMetrics
from safenet.police.settings import PoliceSettings, WebhookSettings

log = logging.getLogger(__name__)

RETRYABLE = frozenset({408, 425, 429})


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Safenet-Signature`` value for a body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def encode_alert(alert: AlertRecord) -> bytes:
    """The JSON body every receiver gets for an alert."""
    return json.dumps(alert.data, ensure_ascii=False, separators=(",", ":")).encode()


class Receiver(Protocol):
    """A notification target: takes alerts without waiting, sends them in the background."""

    name: str

    def offer(self, alert: AlertRecord) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class QueuedReceiver:
    """A bounded drop-oldest queue feeding one background sender."""

    def __init__(self, name: str, size: int, metrics: PoliceMetrics, kind: str) -> None:
        self.name = name
        self._queue: asyncio.Queue[AlertRecord] = asyncio.Queue(size)
        self._metrics = metrics
        self._kind = kind
        self._task: asyncio.Task[None] | None = None

    def _enqueue(self, alert: AlertRecord) -> None:
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
                self._queue.task_done()
            self._metrics.notify_dropped.labels(self._kind, self.name).inc()
            log.warning("notify: %s %s queue full; dropped the oldest alert", self._kind, self.name)
        self._queue.put_nowait(alert)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"notify-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drain(self) -> None:
        """Wait until everything queued was handled (tests, shutdown)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                await self._deliver(alert)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "notify: %s %s failed on alert %d", self._kind, self.name, alert.alert_id
                )
            finally:
                self._queue.task_done()

    async def _deliver(self, alert: AlertRecord) -> None:
        raise NotImplementedError


class Webhook(QueuedReceiver):
    """One webhook receiver with its filter, secret, retries and backoff."""

    def __init__(
        self, config: WebhookSettings, settings: PoliceSettings, metrics: PoliceMetrics
    ) -> None:
        super().__init__(config.name, settings.webhook_queue_size, metrics, "webhook")
        self.config = config
        self.attempts = settings.webhook_attempts
        self.backoff_s = settings.webhook_backoff_s
        self.max_backoff_s = settings.webhook_max_backoff_s
        self.timeout_s = settings.webhook_timeout_s
        secret = os.environ.get(config.secret_env, "") if config.secret_env else ""
        if config.secret_env and not secret:
            log.warning(
                "notify: webhook %s: environment variable %s is empty; alerts go unsigned",
                config.name,
                config.secret_env,
            )
        self._secret = secret.encode()
        self._client: httpx.AsyncClient | None = None

    def wants(self, alert: AlertRecord) -> bool:
        if alert.kind not in self.config.kinds:
            return False
        return not self.config.sites or alert.site in self.config.sites

    def offer(self, alert: AlertRecord) -> None:
        if self.wants(alert):
            self._enqueue(alert)

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self.timeout_s)
        await super().start()

    async def stop(self) -> None:
        await super().stop()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _deliver(self, alert: AlertRecord) -> None:
        assert self._client is not None
        body = encode_alert(alert)
        headers = {
            "Content-Type": "application/json",
            "X-Safenet-Event": alert.kind,
            "X-Safenet-Delivery": str(alert.alert_id),
        }
        if self._secret:
            headers["X-Safenet-Signature"] = sign(self._secret, body)
        delay = self.backoff_s
        for attempt in range(1, self.attempts + 1):
            outcome = await self._post(body, headers)
            if outcome is None:
                self._metrics.notify_sent.labels("webhook", self.name).inc()
                return
            final = attempt == self.attempts or not _retryable(outcome)
            self._metrics.notify_failures.labels("webhook", self.name).inc()
            log.warning(
                "notify: webhook %s alert %d attempt %d/%d: %s%s",
                self.name,
                alert.alert_id,
                attempt,
                self.attempts,
                outcome,
                " (giving up)" if final else "",
            )
            if final:
                return
            await asyncio.sleep(delay)
            delay = min(self.max_backoff_s, delay * 2)

    async def _post(self, body: bytes, headers: dict[str, str]) -> str | int | None:
        """None on success, the HTTP status on a refusal, the error text otherwise."""
        assert self._client is not None
        try:
            response = await self._client.post(self.config.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if 200 <= response.status_code < 300:
            return None
        return response.status_code


def _retryable(outcome: str | int) -> bool:
    if isinstance(outcome, str):
        return True
    return outcome >= 500 or outcome in RETRYABLE


@dataclass
class Notifier:
    """Every configured receiver; intake hands each alert to :meth:`offer`."""

    receivers: Sequence[Receiver]

    @classmethod
    def from_settings(cls, settings: PoliceSettings, metrics: PoliceMetrics) -> Notifier:
        receivers: list[Receiver] = [Webhook(w, settings, metrics) for w in settings.webhooks]
        if settings.mqtt_enabled:
            from safenet.police.mqtt_out import MqttPublisher

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
