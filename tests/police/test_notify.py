"""Outbound notifications: signed webhooks to a real local receiver, retries, MQTT on Mosquitto."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiomqtt
import pytest

from safenet.police.notify import Webhook
from safenet.police.settings import WebhookSettings
from tests.police.support import (
    APPROVER,
    REGISTRAR,
    T0,
    Police,
    Server,
    draft,
    report,
    start_police,
)

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Receiver:
    """A tiny ASGI webhook receiver that records requests and can fail or stall on demand."""

    def __init__(self, fail_first: int = 0, stall_s: float = 0.0) -> None:
        self.fail_first = fail_first
        self.stall_s = stall_s
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.attempts = 0

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.attempts += 1
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        status = 500 if self.attempts <= self.fail_first else 204
        if status == 204:
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            self.requests.append((headers, body))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _until(predicate: Callable[[], bool], limit_s: float = 10.0) -> None:
    deadline = time.monotonic() + limit_s
    while not predicate():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


async def _active(police: Police, **overrides: Any) -> str:
    entry = await police.service.actions.register(draft(**overrides), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


async def test_webhooks_are_signed_retried_and_never_block_intake(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFENET_TEST_HOOK_SECRET", "s3cret-for-112")
    good = Receiver(fail_first=2)
    stalled = Receiver(stall_s=30)
    async with Server(good) as good_server, Server(stalled) as stalled_server:
        police = await start_police(
            sqlite_url,
            webhooks=[
                WebhookSettings(
                    name="situation-room",
                    url=f"{good_server.url}/hook",
                    secret_env="SAFENET_TEST_HOOK_SECRET",
                ),
                WebhookSettings(name="stalled", url=stalled_server.url, kinds=["hit"]),
                WebhookSettings(name="gangnam-only", url=good_server.url, sites=["gangnam"]),
            ],
            webhook_backoff_s=0.01,
            webhook_timeout_s=20,
        )
        try:
            entry_id = await _active(police)
            started = time.perf_counter()
            await police.send(report(1, entry_id))
            await police.send(report(2, entry_id, at=T0.replace(minute=5), lat=37.49))
            # Intake went on although one receiver hangs and the other fails twice.
            assert time.perf_counter() - started < 5
            await _until(lambda: len(good.requests) == 2)
            assert good.attempts == 4  # two refusals, then each alert once
            headers, body = good.requests[0]
            expected = hmac.new(b"s3cret-for-112", body, hashlib.sha256).hexdigest()
            assert headers["x-safenet-signature"] == f"sha256={expected}"
            assert headers["x-safenet-event"] == "hit"
            alert = json.loads(body)
            assert headers["x-safenet-delivery"] == str(alert["alert_id"])
            assert alert["hit"]["hit_id"] == "hit-1"
            assert alert["entry"]["category"] == "kidnapping"
            text = police.service.metrics.registry.get_sample_value(
                "safenet_police_notify_failures_total",
                {"channel": "webhook", "receiver": "situation-room"},
            )
            assert text == 2.0
        finally:
            await police.close()


async def test_a_full_queue_drops_the_oldest(sqlite_url: str) -> None:
    police = await start_police(sqlite_url, webhook_queue_size=1)
    try:
        hook = Webhook(
            WebhookSettings(name="down", url="http://127.0.0.1:9"),
            police.service.settings.model_copy(update={"webhook_queue_size": 1}),
            police.service.metrics,
        )
        from safenet.police.alert_log import AlertRecord

        for i in range(3):
            hook.offer(AlertRecord(i, "hit", "W1", "seocho", {"alert_id": i}))
        dropped = police.service.metrics.registry.get_sample_value(
            "safenet_police_notify_dropped_total", {"channel": "webhook", "receiver": "down"}
        )
        assert dropped == 2.0
    finally:
        await police.close()


@pytest.mark.mqtt
async def test_alerts_are_published_to_mqtt_per_site(
    sqlite_url: str, mqtt_broker: tuple[str, int]
) -> None:
    host, port = mqtt_broker
    prefix = f"safenet-test-{uuid.uuid4().hex[:8]}"
    police = await start_police(
        sqlite_url,
        mqtt_enabled=True,
        mqtt_host=host,
        mqtt_port=port,
        mqtt_topic=prefix + "/alerts/{site}",
    )
    try:
        entry_id = await _active(police)
        async with aiomqtt.Client(host, port) as client:
            await client.subscribe(f"{prefix}/alerts/+", qos=1)
            await police.send(report(1, entry_id, site="gangnam"))
            message = await asyncio.wait_for(anext(aiter(client.messages)), 10)
            assert str(message.topic) == f"{prefix}/alerts/gangnam"
            assert isinstance(message.payload, bytes)
            alert = json.loads(message.payload)
            assert (alert["kind"], alert["site"]) == ("hit", "gangnam")
    finally:
        await police.close()
