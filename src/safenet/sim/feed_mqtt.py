"""The cameras' MQTT uplink: each camera publishes its reads on its own topic.

Topic ``safenet/{site}/cameras/{camera_id}/reads`` (the centers subscribe to
``safenet/{site}/cameras/+/reads``); payload one read object, or a JSON array
when a camera has several reads in one batch. QoS 1, so the broker acknowledges
each message. A lost connection is a transient error: the feeder retries and
the sink reconnects.
"""

from __future__ import annotations

import json
import logging
import uuid
from contextlib import AsyncExitStack
from typing import Any

import aiomqtt

from safenet.sim.feed import PermanentSendError, Read, SendResult, TransientSendError

logger = logging.getLogger(__name__)

DEFAULT_TOPIC = "safenet/{site}/cameras/{camera_id}/reads"


class MqttSink:
    """Publishes reads to an MQTT broker, one topic per camera."""

    def __init__(
        self,
        host: str,
        port: int = 1883,
        *,
        topic: str = DEFAULT_TOPIC,
        qos: int = 1,
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        if "{site}" not in topic or "{camera_id}" not in topic:
            raise ValueError(f"topic {topic!r} must contain {{site}} and {{camera_id}}")
        if qos not in (0, 1, 2):
            raise ValueError(f"qos must be 0, 1 or 2, got {qos}")
        self._host = host
        self._port = port
        self._topic = topic
        self._qos = qos
        self._username = username
        self._password = password
        self._timeout = timeout_s
        self._stack: AsyncExitStack | None = None
        self._client: aiomqtt.Client | None = None

    async def start(self) -> None:
        """Nothing to do: the connection opens with the first send (and after a loss)."""

    async def _connect(self) -> aiomqtt.Client:
        if self._client is not None:
            return self._client
        stack = AsyncExitStack()
        client = aiomqtt.Client(
            self._host,
            self._port,
            username=self._username,
            password=self._password,
            identifier=f"safenet-sim-{uuid.uuid4().hex[:12]}",
            timeout=self._timeout,
        )
        try:
            await stack.enter_async_context(client)
        except aiomqtt.MqttError as exc:
            await stack.aclose()
            raise TransientSendError(f"mqtt {self._host}:{self._port}: {exc}") from exc
        self._stack, self._client = stack, client
        return client

    async def _disconnect(self) -> None:
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            try:
                await stack.aclose()
            except aiomqtt.MqttError as exc:  # already gone; nothing more to tell
                logger.debug("mqtt disconnect: %s", exc)

    async def close(self) -> None:
        """Disconnect from the broker."""
        await self._disconnect()

    async def send(self, site: str, reads: list[Read]) -> SendResult:
        """Publish the batch, one message per camera (an array when it has several reads)."""
        by_camera: dict[str, list[Read]] = {}
        for read in reads:
            camera = str(read.get("camera_id", ""))
            if not camera or any(ch in camera for ch in "/+#"):
                raise PermanentSendError(f"camera_id {camera!r} cannot name an MQTT topic")
            by_camera.setdefault(camera, []).append(read)
        client = await self._connect()
        try:
            for camera, items in by_camera.items():
                payload: Any = items[0] if len(items) == 1 else items
                await client.publish(
                    self._topic.format(site=site, camera_id=camera),
                    json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                    qos=self._qos,
                )
        except aiomqtt.MqttError as exc:
            # Some cameras' messages may have gone out; the center's de-duplication by read
            # id makes the retry of the whole batch safe.
            await self._disconnect()
            raise TransientSendError(f"mqtt {self._host}:{self._port}: {exc}") from exc
        return SendResult(accepted=len(reads))
