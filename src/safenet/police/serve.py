"""``safenet police serve``: the police service built from settings and run under uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safenet.audit.settings import AuditSettings
from safenet.link import MemoryBroker, MemoryTransport, Transport
from safenet.link.errors import LinkConfigError
from safenet.police.credentials import database_url, load_token_secret
from safenet.police.settings import PoliceSettings
from safenet.privacy import PrivacySettings
from safenet.roads.atlas import load_atlas
from safenet.roads.settings import RouteSettings
from safenet.service.serve import serve_app
from safenet.web.settings import WebSettings

if TYPE_CHECKING:
    from safenet.police.service import PoliceService

log = logging.getLogger(__name__)

START_WAIT_S = 5.0
"""How long serving waits for the link and the loops before answering HTTP regardless."""


def build_transport(settings: PoliceSettings) -> Transport:
    """The police's link transport as configured (an in-process broker of its own for memory)."""
    if settings.link == "memory":
        log.warning(
            "police: link=memory in a process of its own: no center can reach this service; "
            "use link=nats, or run the embedded demo"
        )
        return MemoryTransport(MemoryBroker(), "police")
    from safenet.link.nats import NatsTransport

    password = settings.nats_password.get_secret_value() if settings.nats_password else None
    return NatsTransport(
        [url.strip() for url in settings.nats_url.split(",") if url.strip()],
        "police",
        user=settings.nats_user or None,
        password=password,
        stream_replicas=settings.nats_replicas,
    )


async def serve(
    settings: PoliceSettings,
    var_dir: Path,
    *,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    route: RouteSettings | None = None,
    audit: AuditSettings | None = None,
    privacy: PrivacySettings | None = None,
    config_sections: Mapping[str, Any] | None = None,
) -> None:
    """Run the police service (and its console) until interrupted.

    ``config_sections`` (the effective settings, :func:`safenet.audit.config.site_sections`)
    are recorded in the audit log at start: ``config.loaded`` or ``config.changed``.

    Tracks use the road data in ``<data_dir>/roads`` (through compact copies under
    ``var_dir`` when ``route.cache_graphs``); without it they say they are on the
    straight line.
    """
    from safenet.audit import config as audit_config
    from safenet.audit.checkpoint import SigningKey
    from safenet.audit.origin import clear, cli_user, current_origin
    from safenet.police.app import build_app
    from safenet.police.service import PoliceService
    from safenet.store import migrate, open_database

    origin = current_origin()  # the command's; the service's own loops have none
    clear()
    # The composition root: the service from its parts, then its app from the service.
    db = open_database(database_url(settings, var_dir))
    transport = build_transport(settings)
    route = route or RouteSettings()
    roads = (
        await asyncio.to_thread(load_atlas, data_dir, var_dir, cache=route.cache_graphs)
        if data_dir is not None
        else None
    )
    audit = audit or AuditSettings()
    boundaries = None
    if settings.center_districts:  # the outlines the announced cameras must stand in
        from safenet.web.boundaries import boundaries_for

        web_settings = web or WebSettings()
        path = Path(web_settings.boundary_file)
        if not path.is_absolute():
            path = (data_dir or Path("../shared/data")) / path
        boundaries = boundaries_for(path, web_settings.boundary_tolerance_m)
    service = PoliceService(
        settings,
        db=db,
        transport=transport,
        roads=roads,
        route_policy=route.policy(),
        audit=audit,
        audit_key=(audit_key := SigningKey.load_or_create(audit.key_path(var_dir, "police"))),
        privacy=privacy,
        boundaries=boundaries,
    )
    app = build_app(
        service,
        token_secret=load_token_secret(settings, var_dir),
        web=web,
        data_dir=data_dir,
        var_dir=var_dir,
    )
    # The schema first, so /healthz answers (and says "link down" and why) while the
    # link is still connecting: a police that cannot reach NATS never hangs silently.
    await asyncio.to_thread(migrate, db, "police")
    if config_sections is not None:
        await asyncio.to_thread(
            audit_config.record_service_start,
            db,
            config_sections,
            site="police",
            actor=f"cli:{cli_user()}",
            origin=origin,
            fingerprint=audit_key,
        )
    failed: list[BaseException] = []
    serving = asyncio.Event()
    starting = asyncio.create_task(_connect_and_start(transport, service, failed, serving))
    # A link that comes up at once is up before the first request; one that does not
    # keeps trying behind the HTTP server.
    await asyncio.wait({starting}, timeout=START_WAIT_S)
    if failed:
        await transport.close()
        db.dispose()
        raise failed[0]
    log.info("police: listening on http://%s:%d (OpenAPI at /docs)", settings.host, settings.port)
    serving.set()
    try:
        await serve_app(app, host=settings.host, port=settings.port, timeout_graceful_shutdown=3)
    finally:
        starting.cancel()
        with contextlib.suppress(BaseException):
            await starting
        await service.stop()
        await transport.close()
        db.dispose()
    if failed:
        raise failed[0]


async def _connect_and_start(
    transport: Transport,
    service: PoliceService,
    failed: list[BaseException],
    serving: asyncio.Event,
) -> None:
    """Connect the link (it retries and logs why), then start the service's loops.

    A link that can never work (a nats-server older than 2.10) stops the process
    with that error instead of retrying.
    """
    try:
        await transport.start()
        await service.start()
    except LinkConfigError as exc:
        log.error("police: cannot start: %s", exc)
        failed.append(exc)
        if serving.is_set():
            os.kill(os.getpid(), signal.SIGTERM)  # serving stops; serve() raises the error
    except Exception:
        log.exception("police: the link is connected but the service did not start")
