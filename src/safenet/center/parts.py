"""Building a center's parts from the settings: its site id, database and link transport.

Shared by ``safenet center serve``, ``replay``, ``purge``, ``import-cameras`` and
``token`` (and usable by the embedded demo), so every entry point opens the same
database the same way.
"""

from __future__ import annotations

from pathlib import Path

from safenet.center.errors import CenterSetupError
from safenet.center.settings import CenterSettings
from safenet.link.sites import validate_center
from safenet.link.transport import Transport
from safenet.store import Database, open_database


def site_of(settings: CenterSettings, site: str | None) -> str:
    """The center's site id: ``--site`` if given, else ``center.site``; checked."""
    chosen = site or settings.site
    if not chosen:
        raise CenterSetupError("site: give --site SITE or set center.site (e.g. seocho)")
    try:
        return validate_center(chosen)
    except ValueError as exc:
        raise CenterSetupError(str(exc)) from exc


def database_url(settings: CenterSettings, var_dir: Path, site: str) -> str:
    """``center.database_url``, or the site's SQLite file under the var directory."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(var_dir / site / 'center.db').resolve()}"


def open_center_database(settings: CenterSettings, var_dir: Path, site: str) -> Database:
    """The center's database, opened (not migrated)."""
    return open_database(
        database_url(settings, var_dir, site), sqlite_synchronous=settings.sqlite_synchronous
    )


def build_transport(settings: CenterSettings, site: str) -> Transport:
    """The link transport ``center.link_transport`` asks for.

    ``memory`` stands alone in this process: its broker is provisioned here, so a
    center tried on its own runs quietly (the police and the demo share one broker
    and provision it themselves instead).
    """
    if settings.link_transport == "nats":
        from safenet.link.nats import NatsTransport

        return NatsTransport(
            settings.nats_url,
            site,
            user=settings.nats_user,
            password=None
            if settings.nats_password is None
            else settings.nats_password.get_secret_value(),
        )
    from safenet.link import MemoryBroker, MemoryTransport, all_consumers

    broker = MemoryBroker()
    broker.provision(all_consumers([site]))
    return MemoryTransport(broker, site)
