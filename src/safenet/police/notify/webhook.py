"""Alerts as signed JSON webhooks, for the 112 situation room, in-car terminals, SMS gateways.

Delivery: ``POST`` of the alert as JSON with ``X-Safenet-Signature:
sha256=<hex HMAC-SHA256 of the body>`` (when the receiver has a secret),
``X-Safenet-Event`` (the kind) and ``X-Safenet-Delivery`` (the alert id, the same on
every retry, for the receiver's de-duplication). Connection errors, timeouts, 408,
429 and 5xx are retried with exponential backoff; other 4xx answers are final.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os

import httpx

from safenet.police.alert_log import AlertRecord
from safenet.police.metrics import PoliceMetrics
from safenet.police.notify.base import QueuedReceiver, encode_alert
from safenet.police.settings import PoliceSettings, WebhookSettings

log = logging.getLogger(__name__)

RETRYABLE = frozenset({408, 425, 429})


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Safenet-Signature`` value for a body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


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
