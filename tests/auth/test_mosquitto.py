"""The generated password file and ACL, enforced by a real Mosquitto on a free port."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import pytest

from safenet.auth import mosquitto
from tests.support.services import free_port, port_open

pytestmark = pytest.mark.mqtt

SITE = "seocho"
PASSWORDS = {"SC-01": "camera-one-secret", "SC-05": "camera-five-secret", "ingest": "center-pw"}


def test_hash_is_mosquittos_pbkdf2_sha512() -> None:
    salt = b"\x01" * 12
    line = mosquitto.password_hash("pass", salt=salt)
    _, seven, iterations, salt_b64, digest_b64 = line.split("$")
    assert (seven, iterations) == ("7", "101")
    assert base64.b64decode(salt_b64) == salt
    expected = hashlib.pbkdf2_hmac("sha512", b"pass", salt, 101, 64)
    assert base64.b64decode(digest_b64) == expected


@pytest.mark.parametrize("bad", ["a/b", "+", "#", "a:b", "a b", ""])
def test_names_that_would_break_topics_or_the_file_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="camera_id"):
        mosquitto.acl_file(SITE, [bad], ingest_user="ingest")


def test_acl_grants_each_camera_only_its_own_topic() -> None:
    acl = mosquitto.acl_file(SITE, ["SC-05", "SC-01"], ingest_user="ingest")
    assert "user SC-01\ntopic write safenet/seocho/cameras/SC-01/reads" in acl
    assert "user ingest\ntopic read safenet/seocho/cameras/+/reads" in acl
    rules = [line for line in acl.splitlines() if line and not line.startswith("#")]
    assert rules[0].startswith("user ")  # nothing granted before it: anonymous gets nothing


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    (tmp_path / "passwd").write_text(mosquitto.password_file(PASSWORDS))
    (tmp_path / "acl").write_text(
        mosquitto.acl_file(SITE, ["SC-01", "SC-05"], ingest_user="ingest")
    )
    config = mosquitto.broker_config(
        port=port,
        password_file_path=str(tmp_path / "passwd"),
        acl_file_path=str(tmp_path / "acl"),
    )
    if os.geteuid() == 0:
        config += "user root\n"  # keep the privileges needed to read files under tmp_path
    (tmp_path / "mosquitto.conf").write_text(config + "persistence false\n")
    proc = subprocess.Popen(
        [binary, "-c", str(tmp_path / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mosquitto did not start with the generated config")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def _collect(sub: aiomqtt.Client, until: bytes, seen: list[tuple[str, bytes]]) -> None:
    async for message in sub.messages:
        payload = bytes(message.payload) if isinstance(message.payload, bytes | bytearray) else b""
        seen.append((str(message.topic), payload))
        if payload == until:
            return


async def test_camera_cannot_publish_as_another_and_anonymous_cannot_connect(
    broker: int,
) -> None:
    topic = "safenet/seocho/cameras/{}/reads"
    seen: list[tuple[str, bytes]] = []
    async with aiomqtt.Client(
        "127.0.0.1", broker, username="ingest", password=PASSWORDS["ingest"]
    ) as sub:
        await sub.subscribe(topic.format("+"), qos=1)
        async with aiomqtt.Client(
            "127.0.0.1", broker, username="SC-01", password=PASSWORDS["SC-01"]
        ) as camera_a:
            # The forgery first, then a real read as a marker: the broker keeps one
            # publisher's order, so when the marker arrives the forgery would have too.
            await camera_a.publish(topic.format("SC-05"), b"forged by SC-01", qos=1)
            await camera_a.publish(topic.format("SC-01"), b"real read", qos=1)
            await asyncio.wait_for(_collect(sub, b"real read", seen), timeout=10)
    assert seen == [("safenet/seocho/cameras/SC-01/reads", b"real read")]

    with pytest.raises(aiomqtt.MqttError):
        async with aiomqtt.Client("127.0.0.1", broker) as anonymous:
            await anonymous.publish(topic.format("SC-01"), b"anonymous", qos=1)
    with pytest.raises(aiomqtt.MqttError):
        async with aiomqtt.Client("127.0.0.1", broker, username="SC-01", password="wrong") as c:
            await c.publish(topic.format("SC-01"), b"wrong password", qos=1)


async def test_cameras_are_write_only(broker: int) -> None:
    topic = "safenet/seocho/cameras/{}/reads"
    spied: list[tuple[str, bytes]] = []
    marker: list[tuple[str, bytes]] = []
    async with (
        aiomqtt.Client("127.0.0.1", broker, username="SC-01", password=PASSWORDS["SC-01"]) as spy,
        aiomqtt.Client("127.0.0.1", broker, username="ingest", password=PASSWORDS["ingest"]) as sub,
    ):
        await spy.subscribe(topic.format("+"), qos=1)
        await sub.subscribe(topic.format("+"), qos=1)
        async with aiomqtt.Client(
            "127.0.0.1", broker, username="SC-05", password=PASSWORDS["SC-05"]
        ) as camera_b:
            await camera_b.publish(topic.format("SC-05"), b"b's read", qos=1)
        await asyncio.wait_for(_collect(sub, b"b's read", marker), timeout=10)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(_collect(spy, b"b's read", spied), timeout=1.0)
    assert marker == [("safenet/seocho/cameras/SC-05/reads", b"b's read")]
    assert spied == []
