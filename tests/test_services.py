"""The fixture layer reaches the real services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.support.services import NatsServer, port_open


@pytest.mark.pg
def test_pg_url_is_a_fresh_empty_database(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        tables = conn.execute(
            sa.text("select count(*) from information_schema.tables where table_schema='public'")
        ).scalar_one()
    engine.dispose()
    assert tables == 0


@pytest.mark.nats
async def test_shared_nats_has_jetstream(nats_url: str) -> None:
    import nats

    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().account_info()
        assert info.limits is not None
    finally:
        await nc.close()


@pytest.mark.nats
def test_private_nats_server_can_be_killed_and_restarted(
    nats_server: Callable[..., NatsServer],
) -> None:
    server = nats_server()
    assert port_open("127.0.0.1", server.port)
    server.kill()
    assert not port_open("127.0.0.1", server.port)
    server.start()
    assert port_open("127.0.0.1", server.port)


@pytest.mark.mqtt
def test_mosquitto_is_listening(mqtt_broker: tuple[str, int]) -> None:
    assert port_open(*mqtt_broker)
