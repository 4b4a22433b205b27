"""Fixtures shared by every test: real PostgreSQL, NATS and Mosquitto, and SQLite.

- ``pg_url``: a fresh, empty PostgreSQL database (SQLAlchemy URL), dropped afterwards.
- ``sqlite_url``: a SQLite file under the test's tmp_path.
- ``db_url``: parametrized over both, so a store test runs on SQLite and PostgreSQL.
- ``nats_url``: the shared nats-server with JetStream (``make test`` starts it).
- ``nats_server``: a factory for private nats-servers (fenced configs, restarts).
- ``mqtt_broker``: (host, port) of the shared Mosquitto.
- ``cheap_password_hashes`` (autouse): argon2id at test cost inside the test process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.services import (
    MQTT_HOST,
    MQTT_PORT,
    NATS_URL,
    NatsServer,
    fresh_pg_database,
    require_port,
)


@pytest.fixture(autouse=True)
def cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with 1 MiB and one pass instead of 64 MiB and three, in this process only.

    The real profile costs 0.1-1.5 s a hash on 2 busy cores, and a sign-in test hashes
    several times. The hashes are still argon2id, verified by the same code; the real
    parameters are checked by tests/auth/test_password_cost.py (marked
    ``real_password_cost``), and services the tests start as processes keep them.
    """
    if request.node.get_closest_marker("real_password_cost"):
        return
    from argon2 import PasswordHasher, Type

    from safenet.auth import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "_HASHER", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("safenet: no such account"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'safenet.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'safenet.db'}"
    else:
        with fresh_pg_database() as url:
            yield url


@pytest.fixture(scope="session")
def nats_url() -> str:
    from urllib.parse import urlparse

    parsed = urlparse(NATS_URL)
    require_port("NATS", parsed.hostname or "127.0.0.1", parsed.port or 4222)
    return NATS_URL


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[Callable[..., NatsServer]]:
    started: list[NatsServer] = []

    def start(config: str = "", name: str = "nats") -> NatsServer:
        workdir = tmp_path / f"{name}-{len(started)}"
        workdir.mkdir()
        server = NatsServer(workdir, config)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def mqtt_broker() -> tuple[str, int]:
    require_port("Mosquitto", MQTT_HOST, MQTT_PORT)
    return MQTT_HOST, MQTT_PORT
