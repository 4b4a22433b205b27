"""MQTT ingest against the real Mosquitto: reads in, bad messages counted, subscriber alive."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import aiomqtt
import pytest

from tests.center.conftest import center_settings, entry, read, running_center

pytestmark = pytest.mark.mqtt


async def test_a_read_over_mqtt_for_a_wanted_plate_produces_one_report(
    db_url: str, tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    host, port = mqtt_broker
    prefix = f"safenet-test-{uuid.uuid4().hex[:8]}"
    settings = center_settings(
        mqtt_enabled=True,
        mqtt_host=host,
        mqtt_port=port,
        mqtt_topic=prefix + "/{site}/cameras/+/reads",
    )
    async with running_center(db_url, tmp_path, settings=settings) as center:
        await center.snapshot([entry("E1", "12가3456")])
        assert center.service.mqtt is not None
        await asyncio.wait_for(center.service.mqtt.subscribed.wait(), 10)
        now = center.clock()
        async with aiomqtt.Client(host, port) as camera:
            topic = f"{prefix}/seocho/cameras/SC-01/reads"
            await camera.publish(topic, b"this is not json", qos=1)
            await camera.publish(topic, json.dumps({"id": "x", "plate": 5}).encode(), qos=1)
            await camera.publish(
                topic,
                json.dumps([read("m1", "12가3456", now), read("m2", "34나5678", now)]).encode(),
                qos=1,
            )
            await camera.publish(topic, json.dumps(read("m3", "56다7890", now)).encode(), qos=1)
        (report,) = await center.reports(1)
        assert report.entry_id == "E1"
        deadline = asyncio.get_running_loop().time() + 10
        metrics = center.service.metrics
        while metrics.reads.labels(outcome="accepted")._value.get() < 3:
            assert asyncio.get_running_loop().time() < deadline, "reads did not all arrive"
            await asyncio.sleep(0.05)
        assert metrics.mqtt_messages.labels(result="bad")._value.get() == 2
        assert metrics.mqtt_messages.labels(result="ok")._value.get() == 2
        assert center.service.mqtt.connected
        await center.settle()
        assert len(center.police.of("LocationReport")) == 1


async def test_a_read_of_another_camera_on_a_cameras_topic_is_refused(
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
        await center.snapshot([entry("E1", "12가3456", category="homicide")])
        assert center.service.mqtt is not None
        await asyncio.wait_for(center.service.mqtt.subscribed.wait(), 10)
        now = center.clock()
        async with aiomqtt.Client(host, port) as camera:
            topic = f"{prefix}/seocho/cameras/SC-01/reads"
            forged = read("f1", "12가3456", now, camera="SC-05")  # SC-05's read on SC-01's topic
            await camera.publish(topic, json.dumps([forged, read("f2", "34나5678", now)]), qos=1)
        metrics = center.service.metrics
        deadline = asyncio.get_running_loop().time() + 10
        while metrics.reads.labels(outcome="accepted")._value.get() < 1:
            assert asyncio.get_running_loop().time() < deadline, "the good read did not arrive"
            await asyncio.sleep(0.05)
        assert metrics.rejections().get("camera_mismatch") == 1
        await center.settle()
        assert center.police.of("LocationReport") == []  # the forged homicide sighting: none
