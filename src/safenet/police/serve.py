"""``safenet police serve``: the police service built from settings and run under uvicorn."""

from __future__ import annotations

import logging
from pathlib import Path

from safenet.audit.settings import AuditSettings
from safenet.link import MemoryBroker, MemoryTransport, Transport
from safenet.police.credentials import database_url, load_token_secret
from safenet.police.settings import PoliceSettings
from safenet.privacy import PrivacySettings
from safenet.service.serve import serve_app
from safenet.web.settings import WebSettings

log = logging.getLogger(__name__)


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
        settings.nats_url, "police", user=settings.nats_user or None, password=password
    )


async def serve(
    settings: PoliceSettings,
    var_dir: Path,
    *,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    audit: AuditSettings | None = None,
    privacy: PrivacySettings | None = None,
) -> None:
    """Run the police service (and its console) until interrupted."""
    from safenet.audit.checkpoint import SigningKey
    from safenet.police.app import build_app
    from safenet.police.service import PoliceService
    from safenet.store import open_database

    # The composition root: the service from its parts, then its app from the service.
    db = open_database(database_url(settings, var_dir))
    transport = build_transport(settings)
    await transport.start()
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
        audit=audit,
        audit_key=SigningKey.load_or_create(audit.key_path(var_dir, "police")),
        privacy=privacy,
        boundaries=boundaries,
    )
    app = build_app(
        service, token_secret=load_token_secret(settings, var_dir), web=web, data_dir=data_dir
    )
    await service.start()
    log.info("police: listening on http://%s:%d (OpenAPI at /docs)", settings.host, settings.port)
    try:
        await serve_app(app, host=settings.host, port=settings.port, timeout_graceful_shutdown=3)
    finally:
        await service.stop()
        await transport.close()
        db.dispose()
