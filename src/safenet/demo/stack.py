"""The demo's running services: the police, one center per district, their HTTP servers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from safenet.audit import SigningKey
from safenet.audit import config as audit_config
from safenet.audit.origin import clear, cli_user, current_origin
from safenet.auth import Principal, PrincipalKind, Role, sign_principal
from safenet.center.app import build_app as build_center_app
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.config import Settings
from safenet.demo.users import POLICE_PEOPLE, DemoUser, add_people, demo_settings
from safenet.link import MemoryBroker, MemoryTransport
from safenet.police.app import build_app as build_police_app
from safenet.police.service import PoliceService
from safenet.roads.atlas import city_atlas
from safenet.sim import Simulation
from safenet.store import Database, migrate, open_database

log = logging.getLogger(__name__)

TOKEN_TTL_S = 12 * 3600
OPERATOR_NAMES = ("최유진", "정하늘", "강도윤", "윤서아", "임지호", "한예린")


def sim_operator_subject(site: str) -> str:
    """Who the simulated operator of ``site`` is in its decisions (``decided_by``).

    The console URL's token and the people's accounts are other identities, so the
    center's own records tell a simulated decision from one made at a console.
    """
    return f"sim-operator-{site}"


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to the demo (several share one event loop)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def install_signal_handlers(self) -> None:
        return None


class DemoError(Exception):
    """The demo cannot start as asked (a port in use, say); the message says what to do."""

    def __init__(self, message: str, *, option: str = "--port") -> None:
        super().__init__(message)
        self.option = option  # the command-line option to change


@dataclass
class CenterHandle:
    """One running center of the demo."""

    site: str
    name: str
    service: CenterService
    db: Database
    url: str
    operator_token: str  # the console URL's token (a person at the console)
    cameras: int
    sim_operator_token: str = ""  # the simulated operator's own identity


@dataclass
class Officer:
    """A police officer of the demo with a token, for registrations and approvals."""

    subject: str
    name: str
    token: str


@dataclass
class DemoStack:
    """Police and centers, started and stopped together; see the package docstring."""

    settings: Settings
    sim: Simulation
    root: Path
    sim_data_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8100
    broker: MemoryBroker | None = None
    police: PoliceService | None = None
    police_db: Database | None = None
    police_url: str = ""
    centers: dict[str, CenterHandle] = field(default_factory=dict)
    dispatcher_token: str = ""
    keys: dict[str, SigningKey] = field(default_factory=dict)
    _secret: bytes = b""
    _origin: str | None = None
    _servers: list[tuple[_Server, asyncio.Task[None]]] = field(default_factory=list)
    _officers: dict[str, Officer] = field(default_factory=dict)
    users: list[DemoUser] = field(default_factory=list)
    _camera_tokens: dict[str, str] = field(default_factory=dict)
    _stopped: bool = False

    def token(
        self,
        subject: str,
        name: str,
        roles: set[Role],
        sites: frozenset[str] = frozenset(),
        *,
        site: str = "police",
        kind: PrincipalKind = PrincipalKind.PERSON,
    ) -> str:
        """A token for ``site`` signed with the demo's secret, which every service trusts."""
        principal = Principal(subject, name, frozenset(roles), sites, kind=kind)
        return sign_principal(principal, self._secret, site=site, ttl_s=TOKEN_TTL_S)

    def camera_token(self, site: str, camera_id: str) -> str:
        """The token of one camera of ``site`` (a center binds it to that camera)."""
        key = f"{site}/{camera_id}"
        if key not in self._camera_tokens:
            self._camera_tokens[key] = self.token(
                camera_id,
                f"camera {camera_id}",
                {Role.CAMERA},
                frozenset({site}),
                site=site,
                kind=PrincipalKind.CAMERA,
            )
        return self._camera_tokens[key]

    def officer(self, key: str, name: str, role: Role) -> Officer:
        """The demo officer for ``key`` (one identity per person named in the scenario)."""
        if key not in self._officers:
            subject = f"officer-{len(self._officers) + 1:02d}"
            self._officers[key] = Officer(subject, name, self.token(subject, name, {role}))
        return self._officers[key]

    async def start(self) -> None:
        """Fresh databases under ``root``, then the police, the centers and their servers."""
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self._secret = secrets.token_bytes(32)
        self._origin = current_origin()  # the command's; the services' loops have none
        clear()
        # The journal makes the in-process link survive a crash the way JetStream does.
        self.broker = MemoryBroker(journal=self.root / "link.journal")
        clock = self.sim.clock.now

        self.police_db = open_database(f"sqlite:///{self.root / 'police.db'}")
        transport = MemoryTransport(self.broker, "police")
        await transport.start()
        # Each center signs its evidence packages with its own key; the police hold
        # the public halves ahead (the demo's keys live only as long as its run).
        self.keys = {d.site: SigningKey.generate() for d in self.sim.city.districts.values()}
        self.police = PoliceService(
            self.settings.police.model_copy(
                update={
                    "port": self.port,
                    "centers": list(self.sim.city.districts),
                    "auth": demo_settings(self.settings.police.auth, "police"),
                }
            ),
            db=self.police_db,
            transport=transport,
            clock=clock,
            trusted_keys={site: [key.public_key_b64] for site, key in self.keys.items()},
            roads=city_atlas(self.sim.city.networks),
            route_policy=self.settings.route.policy(),
            audit=self.settings.audit,
            audit_key=SigningKey.load_or_create(self.root / "audit" / "police-audit-key.pem"),
            privacy=self.settings.privacy,
        )
        police_app = build_police_app(
            self.police,
            token_secret=self._secret,
            web=self.settings.web,
            data_dir=self.sim_data_dir,
            var_dir=self.settings.var_dir,
        )
        await self.police.start()  # provisions the link's consumers first
        await self._record_config(self.police_db, "police", self.police.settings)
        self.police_url = await self._serve(police_app, self.port)
        self.dispatcher_token = self.token("dispatcher-01", "112 상황실", {Role.DISPATCHER})
        self.users += await asyncio.to_thread(
            add_people,
            self.police_db,
            "police",
            self.police.settings.auth,
            POLICE_PEOPLE,
            console=f"{self.police_url}/console/",
        )

        for index, district in enumerate(self.sim.city.districts.values(), start=1):
            await self._start_center(district, self.port + index)

    async def _start_center(self, district: Any, port: int) -> None:
        site = district.site
        db = open_database(f"sqlite:///{self.root / f'center-{site}.db'}")
        await asyncio.to_thread(migrate, db, "center")
        cameras_file = self.root / f"cameras-{site}.json"
        cameras_file.write_text(
            json.dumps(district.lpr_rows(), ensure_ascii=False), encoding="utf-8"
        )
        report = await asyncio.to_thread(import_camera_file, db, cameras_file)
        assert self.broker is not None
        transport = MemoryTransport(self.broker, site)
        await transport.start()
        center_auth = demo_settings(self.settings.center.auth, site)
        service = CenterService(
            self.settings.center.model_copy(
                update={"site": site, "port": port, "auth": center_auth}
            ),
            db=db,
            transport=transport,
            site=site,
            clock=self.sim.clock.now,
            signer=self.keys[site],
            audit=self.settings.audit,
            audit_key=SigningKey.load_or_create(self.root / "audit" / f"{site}-audit-key.pem"),
            privacy=self.settings.privacy,
        )
        app = build_center_app(
            service, token_secret=self._secret, web=self.settings.web, data_dir=self.sim_data_dir
        )
        await service.start()
        await self._record_config(db, site, service.settings)
        url = await self._serve(app, port)
        operator = OPERATOR_NAMES[len(self.centers) % len(OPERATOR_NAMES)]
        self.users += await asyncio.to_thread(
            add_people,
            db,
            site,
            center_auth,
            ((f"operator.{site}", operator, "주무관", Role.OPERATOR),),
            sites=(site,),
            console=f"{url}/console/",
        )
        self.centers[site] = CenterHandle(
            site=site,
            name=district.name,
            service=service,
            db=db,
            url=url,
            operator_token=self.token(
                f"operator-{site}",
                f"{district.name} 관제요원",
                {Role.OPERATOR},
                frozenset({site}),
                site=site,
            ),
            cameras=report.kept_cameras,
            sim_operator_token=self.token(
                sim_operator_subject(site),
                f"{district.name} 시뮬레이션 관제요원",
                {Role.OPERATOR},
                frozenset({site}),
                site=site,
            ),
        )

    async def _record_config(self, db: Any, site: str, effective: Any) -> None:
        """The site's settings into its audit log (``config.loaded``: the demo starts fresh)."""
        side = "police" if site == "police" else "center"
        await asyncio.to_thread(
            audit_config.record_service_start,
            db,
            audit_config.site_sections(self.settings, side, effective),
            site=site,
            actor=f"cli:{cli_user()}",
            origin=self._origin,
        )

    async def _serve(self, app: Any, port: int) -> str:
        # uvicorn exits the process when it cannot bind; say which port instead.
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, port))
            except OSError as exc:
                raise DemoError(
                    f"port {port} on {self.host} is not free ({exc.strerror}); "
                    "choose another base port with --port"
                ) from exc
        config = uvicorn.Config(
            app,
            host=self.host,
            port=port,
            log_config=None,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = _Server(config)
        task = asyncio.create_task(server.serve(), name=f"http-{port}")
        for _ in range(200):
            if server.started:
                break
            if task.done():
                task.result()  # raises what stopped it (a port in use, say)
                raise RuntimeError(f"the HTTP server on port {port} stopped at once")
            await asyncio.sleep(0.025)
        self._servers.append((server, task))
        return f"http://{self.host}:{port}"

    async def stop(self) -> None:
        """Stop taking requests, then the centers (draining their relays), then the police."""
        if self._stopped:
            return
        self._stopped = True
        for server, _ in self._servers:
            server.should_exit = True
        for _, task in self._servers:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        for handle in self.centers.values():
            await handle.service.stop()
            await handle.service.transport.close()
        if self.police is not None:
            await self.police.stop()
            await self.police.transport.close()
        if self.broker is not None:
            self.broker.close()
        for handle in self.centers.values():
            handle.db.dispose()
        if self.police_db is not None:
            self.police_db.dispose()
