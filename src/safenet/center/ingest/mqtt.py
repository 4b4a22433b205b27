"""MQTT ingest: camera reads published to a real broker (Mosquitto), taken in by the center.

The center subscribes to ``center.mqtt_topic`` (``{site}`` filled in, e.g.
``safenet/seocho/cameras/+/reads``). A message holds one read object or a JSON array
of them, in the same format as HTTP. A message that is not JSON, a read that breaks
the format, or a read the pipeline refuses is logged (counts and camera topics, never
plates) and counted; a read whose ``camera_id`` is not the camera its topic names is
refused (a camera may write only its own topic: ``safenet center mqtt-config``).
Nothing a camera sends can stop the subscriber. A lost broker connection is retried
with a growing pause. When the pipeline queue is full the subscriber waits before
taking the next message, so the broker holds the backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import aiomqtt

from safenet.center.ingest import binding
from safenet.center.ingest.binding import topic_mismatch
from safenet.center.ingest.schema import ReadProblem, parse_read
from safenet.center.ingest.typed import decode_message
from safenet.center.metrics import CenterMetrics
from safenet.center.settings import CenterSettings
from safenet.center.sink import ReadSink
from safenet.center.types import IncomingRead, ReadFate, ReadItem

log = logging.getLogger(__name__)


def _ack(client: aiomqtt.Client, mid: int, qos: int) -> None:
    if qos:
        client._client.ack(mid, qos)  # manual PUBACK, see MqttIngest._run


MAX_BACKOFF_S = 10.0


class MqttIngest:
    """One center's MQTT subscriber; see the module docstring."""

    def __init__(
        self,
        settings: CenterSettings,
        site: str,
        runner: ReadSink,
        metrics: CenterMetrics,
    ) -> None:
        self.settings = settings
        self.site = site
        self.topic = settings.mqtt_topic.replace("{site}", site)
        self.pattern = self.topic
        self.runner = runner
        self.metrics = metrics
        self.connected = False
        self.subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # One session per center and topic at the broker (kept across restarts).
        digest = hashlib.sha256(self.topic.encode()).hexdigest()[:10]
        self.identifier = f"safenet-center-{site}-{digest}"

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"center-mqtt-{self.site}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.connected = False

    async def _run(self) -> None:
        s = self.settings
        backoff = 0.5
        while True:
            try:
                async with aiomqtt.Client(
                    hostname=s.mqtt_host,
                    port=s.mqtt_port,
                    username=s.mqtt_username,
                    password=None
                    if s.mqtt_password is None
                    else s.mqtt_password.get_secret_value(),
                    identifier=self.identifier,
                    clean_session=False,
                ) as client:
                    # The PUBACK of a message goes once its reads are taken (queue mode:
                    # in the work queue; inline: through the pipeline), and the session
                    # outlives the connection: the broker keeps what a killed center had
                    # not taken, and what came while it was down, and sends it again.
                    client._client.manual_ack_set(True)  # aiomqtt has no option
                    await client.subscribe(self.topic, qos=s.mqtt_qos)
                    self.connected = True
                    self.subscribed.set()
                    backoff = 0.5
                    log.info(
                        "mqtt: subscribed to %s on %s:%d",
                        self.topic,
                        s.mqtt_host,
                        s.mqtt_port,
                    )
                    async for message in client.messages:
                        ack = functools.partial(_ack, client, message.mid, message.qos)
                        await self.handle(str(message.topic), message.payload, ack)
            except asyncio.CancelledError:
                raise
            except aiomqtt.MqttError as exc:
                self._lost(f"broker connection: {exc}")
            except Exception as exc:
                log.exception("mqtt: subscriber error")
                self._lost(type(exc).__name__)
            await asyncio.sleep(backoff)
            backoff = min(MAX_BACKOFF_S, backoff * 2)

    def _lost(self, why: str) -> None:
        if self.connected:
            log.warning("mqtt: %s; reconnecting", why)
        self.connected = False
        self.subscribed.clear()

    async def handle(
        self, topic: str, payload: Any, ack: Callable[[], None] = lambda: None
    ) -> None:
        """Take in one message; never raises for anything the message holds.

        ``ack`` (the message's PUBACK) is called once the message is done with: its reads
        taken by the pipeline or the work queue, or the message refused.
        """
        taken = False
        try:
            taken = await self._handle(topic, payload, ack)
        finally:
            if not taken:
                ack()

    async def _handle(self, topic: str, payload: Any, ack: Callable[[], None]) -> bool:
        """True when the reads were handed on (``ack`` then follows their completion)."""
        data = bytes(payload) if isinstance(payload, bytes | bytearray) else str(payload).encode()
        if len(data) > self.settings.max_body_bytes:
            self._bad(topic, f"message of {len(data):,} bytes is over center.max_body_bytes")
            return False
        typed = decode_message(
            data,
            max_reads=self.settings.max_batch_reads,
            max_snapshot_bytes=self.settings.max_snapshot_bytes,
        )
        if typed is not None and any(
            topic_mismatch(self.pattern, topic, r.camera_id) is not None for r in typed
        ):
            typed = None  # a read of another camera: the per-read path refuses and counts it
        if typed is not None:
            self.metrics.mqtt_messages.labels(result="ok").inc()
            return bool(typed) and await self._submit(topic, typed, ack)
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            self._bad(topic, "message is not JSON")
            return False
        objects = document if isinstance(document, list) else [document]
        if len(objects) > self.settings.max_batch_reads:
            self._bad(
                topic,
                f"message holds {len(objects):,} reads, over center.max_batch_reads",
            )
            return False
        reads: list[IncomingRead] = []
        problems = 0
        for obj in objects:
            try:
                read = parse_read(obj, max_snapshot_bytes=self.settings.max_snapshot_bytes)
            except ReadProblem as problem:
                problems += 1
                self.metrics.count_rejection(problem.rejection.code.value)
                if problems == 1:
                    log.warning(
                        "mqtt: read refused on %s: %s: %s",
                        topic,
                        problem.rejection.field,
                        problem.rejection.reason,
                    )
                continue
            mismatch = topic_mismatch(self.pattern, topic, read.camera_id)
            if mismatch is not None:
                problems += 1
                self.metrics.count_rejection(binding.REASON)
                if problems == 1:
                    log.warning("mqtt: read refused on %s: camera_id: %s", topic, mismatch)
                continue
            reads.append(read)
        self.metrics.mqtt_messages.labels(result="bad" if problems and not reads else "ok").inc()
        if not reads:
            return False
        return await self._submit(topic, reads, ack)

    async def _submit(self, topic: str, reads: list[IncomingRead], ack: Callable[[], None]) -> bool:
        try:
            done = await self.runner.submit(reads, wait_for_room=True)
        except Exception as exc:
            log.warning("mqtt: %d reads from %s not taken: %s", len(reads), topic, exc)
            return False

        def finished(f: asyncio.Future[list[ReadItem]]) -> None:
            self._report(topic, f)
            ack()

        done.add_done_callback(finished)
        return True

    def _bad(self, topic: str, why: str) -> None:
        self.metrics.mqtt_messages.labels(result="bad").inc()
        self.metrics.count_rejection("schema")
        log.warning("mqtt: message on %s dropped: %s", topic, why)

    @staticmethod
    def _report(topic: str, done: asyncio.Future[list[ReadItem]]) -> None:
        if done.cancelled() or done.exception() is not None:
            return
        refused = [i for i in done.result() if i.fate is ReadFate.REJECTED]
        if refused:
            first = refused[0].rejection
            assert first is not None
            log.warning(
                "mqtt: %d reads from %s refused (first: %s: %s)",
                len(refused),
                topic,
                first.field,
                first.reason,
            )
