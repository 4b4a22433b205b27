"""MQTT ingest across a center's restart: the broker keeps the center's session.

A camera publishes at QoS 1 while its center is down (killed, restarting): the broker
answered PUBACK, so the camera will not send again. The center's subscription is a
persistent session (a fixed client id per center and topic, clean session off) and a
message is acknowledged only once its reads were taken, so the broker holds what came
while the center was down and delivers it when the center is back.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import aiomqtt
import pytest

from tests.center.conftest import center_settings, entry, read, running_center

pytestmark = pytest.mark.mqtt


async def test_a_read_published_while_the_center_is_down_is_taken_when_it_is_back(
    sqlite_url: str, tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    host, port = mqtt_broker
    prefix = f"safenet-test-{uuid.uuid4().hex[:8]}"
    settings = center_settings(
        mqtt_enabled=True,
        mqtt_host=host,
        mqtt_port=port,
        mqtt_topic=prefix + "/{site}/cameras/+/reads",
    )
    async with running_center(sqlite_url, tmp_path, settings=settings) as center:
        await center.snapshot([entry("E1", "12가3456")])
        assert center.service.mqtt is not None
        await asyncio.wait_for(center.service.mqtt.subscribed.wait(), 10)
        now = center.clock()
    # The center is down; a camera's read of the wanted plate is acknowledged by the broker.
    async with aiomqtt.Client(host, port) as camera:
        topic = f"{prefix}/seocho/cameras/SC-01/reads"
        await camera.publish(topic, json.dumps([read("down-1", "12가3456", now)]), qos=1)
    async with running_center(sqlite_url, tmp_path, settings=settings) as center:
        (report,) = await center.reports(1, within_s=20)
        assert report.entry_id == "E1"
