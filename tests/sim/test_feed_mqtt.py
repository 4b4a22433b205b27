"""The MQTT feeder against the real Mosquitto: one topic per camera, payloads in ingest format."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from safenet.sim import Feeder, FeedSettings, ReadEvent
from safenet.sim.feed_mqtt import MqttSink
from safenet.sim.snapshot import SnapshotRenderer
from tests.sim.simdata import default_run, pictured
from tests.support.services import free_port

pytestmark = pytest.mark.mqtt

FAST = FeedSettings(batch_interval_s=0.05, retry_initial_s=0.05, retry_max_s=0.2)


@pytest.fixture(scope="module")
def events(data_dir: Path) -> list[ReadEvent]:
    return list(default_run(data_dir)[0][:300])


async def test_reads_are_published_per_camera_in_ingest_format(
    mqtt_broker: tuple[str, int], events: list[ReadEvent]
) -> None:
    host, port = mqtt_broker
    # A site of its own so that no other test's subscriber sees these reads.
    site = f"simtest-{uuid.uuid4().hex[:8]}"
    sample = [replace(e, site=site) for e in events]
    received: list[tuple[str, Any]] = []
    async with aiomqtt.Client(host, port, identifier=f"sub-{site}") as sub:
        await sub.subscribe(f"safenet/{site}/cameras/+/reads", qos=1)

        async def collect() -> None:
            count = 0
            async for message in sub.messages:
                payload = json.loads(bytes(message.payload).decode("utf-8"))
                received.append((str(message.topic), payload))
                count += len(payload) if isinstance(payload, list) else 1
                if count >= len(sample):
                    return

        listener = asyncio.create_task(collect())
        report = await Feeder(MqttSink(host, port), FAST).run(sample)
        await asyncio.wait_for(listener, 10)
    assert report.delivered == len(sample)
    assert report.lost == 0
    reads: list[dict[str, Any]] = []
    for topic, payload in received:
        items = payload if isinstance(payload, list) else [payload]
        assert all(topic == f"safenet/{site}/cameras/{r['camera_id']}/reads" for r in items)
        reads.extend(items)
    renderer = SnapshotRenderer()
    assert sorted(reads, key=lambda r: r["id"]) == sorted(
        (pictured(renderer, e) for e in sample), key=lambda r: r["id"]
    )


async def test_a_broker_that_is_not_there_leaves_the_reads_counted(
    events: list[ReadEvent],
) -> None:
    settings = replace(FAST, drain_timeout_s=0.5)
    sink = MqttSink("127.0.0.1", free_port(), timeout_s=0.5)
    report = await Feeder(sink, settings).run(events[:20])
    assert report.delivered == 0
    assert report.lost == 20
    assert sum(s.retries for s in report.sites.values()) > 0


def test_topic_templates_must_name_site_and_camera() -> None:
    with pytest.raises(ValueError, match="must contain"):
        MqttSink("127.0.0.1", topic="safenet/reads")
