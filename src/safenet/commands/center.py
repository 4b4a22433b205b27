"""``safenet center``: run and operate a smart-city center.

The center's benchmarks (``safenet bench center``, ``pipeline``, ``queue``, ``ingest``,
``retention``) are in :mod:`safenet.commands.center_bench`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from safenet.commands.ledger import app as ledger_app

if TYPE_CHECKING:
    from safenet.center.settings import CenterSettings
    from safenet.config import Settings

app = typer.Typer(
    help="A smart-city center: import cameras, serve ingest and matching, replay, purge, "
    "MQTT credentials.",
    no_args_is_help=True,
)

app.add_typer(ledger_app, name="ledger")

SITE_HELP = "This center's site id on the link (e.g. seocho); default: center.site."
CONFIG_HELP = "A TOML configuration file (see docs/configuration.md and docs/center.md)."


def _load(config: Path | None, site: str | None) -> tuple[Settings, CenterSettings, str]:
    from safenet.center.errors import CenterSetupError
    from safenet.center.parts import site_of
    from safenet.config import load_settings
    from safenet.logs import configure

    try:
        settings = load_settings(config)
        center = settings.center
        chosen = site_of(center, site)
    except (ValueError, CenterSetupError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    configure(settings.log)
    return settings, center, chosen


@app.command("import-cameras")
def import_cameras(
    files: list[Path] = typer.Argument(
        ..., help="Camera files: 전국CCTV표준데이터 (any layout, UTF-8 or CP949) or LPR lists."
    ),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    agency: list[str] = typer.Option(
        [],
        "--agency",
        help="Keep only rows whose 관리기관명 contains this text (e.g. 서초구); repeat for "
        "several. Applies to the national standard data only.",
    ),
    keep_repeated_rows: bool = typer.Option(
        False,
        "--keep-repeated-rows",
        help="Keep rows that repeat an earlier row exactly as sites of their own "
        "(docs/cameras.md); by default they are skipped as duplicates.",
    ),
    retire_missing: bool = typer.Option(
        False,
        "--retire-missing",
        help="Retire sites and cameras an earlier import of a file with the same name "
        "brought in and this file no longer lists.",
    ),
    list_skipped: bool = typer.Option(
        False, "--list-skipped", help="Print every skipped row, not only the first ten."
    ),
) -> None:
    """Import camera files into the center's registry (idempotent upsert)."""
    import getpass

    from safenet.cctv import CameraFileError
    from safenet.center.parts import open_center_database
    from safenet.center.registry import import_camera_file
    from safenet.store import migrate

    settings, center, chosen = _load(config, site)
    db = open_center_database(center, settings.var_dir, chosen)
    failed = False
    try:
        migrate(db, "center")
        for path in files:
            try:
                report = import_camera_file(
                    db,
                    path,
                    agencies=agency,
                    keep_repeated_rows=keep_repeated_rows,
                    retire_missing=retire_missing,
                    actor=f"cli:{getpass.getuser()}",
                )
            except CameraFileError as exc:
                typer.echo(f"{path}: not imported: {exc}", err=True)
                failed = True
                continue
            for line in report.lines():
                typer.echo(line)
            shown = report.skipped if list_skipped else report.skipped[:10]
            for row in shown:
                typer.echo(f"  skipped {row}")
            if len(shown) < len(report.skipped):
                typer.echo(
                    f"  … and {len(report.skipped) - len(shown):,} more skipped rows "
                    "(--list-skipped shows them all)"
                )
    finally:
        db.dispose()
    if failed:
        raise typer.Exit(1)


@app.command("serve")
def serve(
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    host: str | None = typer.Option(None, "--host", help="Listen address (center.host)."),
    port: int | None = typer.Option(None, "--port", help="Listen port (center.port)."),
) -> None:
    """Run the center: HTTP API, MQTT subscriber, pipeline, relay and purge in one process."""
    import asyncio

    settings, center, chosen = _load(config, site)
    asyncio.run(_serve(settings, center, chosen, host or center.host, port or center.port))


async def _serve(
    settings: Settings, center: CenterSettings, site: str, host: str, port: int
) -> None:
    import asyncio

    from safenet.audit import config as audit_config
    from safenet.audit.origin import clear, cli_user, current_origin
    from safenet.center.app import build_app
    from safenet.center.parts import build_transport, open_center_database
    from safenet.center.secret import token_secret
    from safenet.center.service import CenterService
    from safenet.service.serve import serve_app

    origin = current_origin()  # the command's; the service's own loops have none
    clear()
    # The composition root: the service from its parts, then its app from the service.
    db = open_center_database(center, settings.var_dir, site)
    transport = build_transport(center, site)
    from safenet.audit import SigningKey

    # The center's one Ed25519 key signs its audit checkpoints and its evidence packages.
    key = SigningKey.load_or_create(settings.audit.key_path(settings.var_dir, site))
    service = CenterService(
        center,
        db=db,
        transport=transport,
        site=site,
        signer=key,
        audit=settings.audit,
        audit_key=key,
        privacy=settings.privacy,
    )
    app = build_app(
        service,
        token_secret=token_secret(center, settings.var_dir, site),
        web=settings.web,
        data_dir=settings.data_dir,
    )
    await service.start()  # migrates first
    await asyncio.to_thread(
        audit_config.record_service_start,
        db,
        audit_config.site_sections(settings, "center", center),
        site=site,
        actor=f"cli:{cli_user()}",
        origin=origin,
        fingerprint=key,
    )
    try:
        await serve_app(app, host=host, port=port)
    finally:
        await service.stop()
        await transport.close()
        db.dispose()


@app.command("worker")
def worker(
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    concurrency: int = typer.Option(
        1, "--concurrency", min=1, max=64, help="Pipelines run side by side in this process."
    ),
    metrics_port: int | None = typer.Option(
        None,
        "--metrics-port",
        min=1,
        max=65535,
        help="Serve this worker's Prometheus figures at http://<center.host>:PORT/metrics.",
    ),
) -> None:
    """Run the pipeline on the site's work queue (center.ingest_mode = "queue").

    Start as many as the load needs, on any machines: they share the site's batches.
    Stops on SIGTERM/SIGINT after the batches in hand (the rest stay in the queue).
    """
    import asyncio

    settings, center, chosen = _load(config, site)
    asyncio.run(_work(settings, center, chosen, concurrency, metrics_port))


async def _work(
    settings: Settings,
    center: CenterSettings,
    site: str,
    concurrency: int,
    metrics_port: int | None,
) -> None:
    import asyncio
    import contextlib
    import signal

    from safenet.center.parts import open_center_database
    from safenet.center.queue_ingest import queue_config
    from safenet.center.worker import CenterWorker
    from safenet.link.nats_queue import WorkQueue

    db = open_center_database(center, settings.var_dir, site)
    queue = WorkQueue(queue_config(center, site, None, provision=False))
    worker = CenterWorker(center, site=site, db=db, queue=queue, concurrency=concurrency)
    metrics = None
    if metrics_port is not None:
        from prometheus_client import start_http_server

        metrics, _ = start_http_server(
            metrics_port, addr=center.host, registry=worker.metrics.registry
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        # start() waits for the center to make the streams: a signal must end that wait too.
        starting = asyncio.create_task(worker.start())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if starting.done():
            starting.result()
            await stopped
        else:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
    finally:
        await worker.stop()
        await queue.close()
        db.dispose()
        if metrics is not None:
            metrics.shutdown()


@app.command("replay")
def replay(
    file: Path = typer.Argument(..., help="Reads as JSON lines, one read object per line."),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    ignore_age: bool = typer.Option(
        False,
        "--ignore-age",
        help="Take reads older than the read retention too (an incident replayed later).",
    ),
) -> None:
    """Feed a file of reads through the center's pipeline (reports leave via the relay)."""
    from safenet.center.cameras import CameraRegistry
    from safenet.center.context import PipelineContext
    from safenet.center.hotlist import Hotlist
    from safenet.center.ingest.replay import replay_file
    from safenet.center.metrics import CenterMetrics
    from safenet.center.parts import open_center_database
    from safenet.center.pipeline import Pipeline
    from safenet.center.types import system_clock
    from safenet.store import migrate

    settings, center, chosen = _load(config, site)
    if not file.exists():
        raise typer.BadParameter(f"{file} does not exist", param_hint="FILE")
    db = open_center_database(center, settings.var_dir, chosen)
    try:
        migrate(db, "center")
        registry = CameraRegistry(db)
        registry.load()
        hotlist = Hotlist(db, chosen)
        hotlist.load()
        ctx = PipelineContext.from_settings(
            center,
            site=chosen,
            db=db,
            registry=registry,
            hotlist=hotlist,
            metrics=CenterMetrics(),
            clock=system_clock,
        )
        ctx.check_age = not ignore_age
        ctx.recent.warm(db, system_clock())
        result = replay_file(
            Pipeline(ctx),
            file,
            batch_size=center.pipeline_batch_size,
            max_snapshot_bytes=center.max_snapshot_bytes,
        )
    finally:
        db.dispose()
    typer.echo(f"{file}: {result.summary()} (hotlist version {hotlist.version})")
    for problem in result.problems[:20]:
        typer.echo(f"  {problem}")
    if len(result.problems) > 20:
        typer.echo(f"  … and {len(result.problems) - 20:,} more")


@app.command("purge")
def purge(
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would be deleted; delete nothing."
    ),
) -> None:
    """Delete reads and hits past their retention now (counts are printed, never plates)."""
    from datetime import timedelta

    from safenet.center.parts import open_center_database
    from safenet.center.retention import purge as run_purge
    from safenet.center.types import system_clock
    from safenet.store import migrate

    settings, center, chosen = _load(config, site)
    db = open_center_database(center, settings.var_dir, chosen)
    try:
        migrate(db, "center")
        result = run_purge(
            db,
            site=chosen,
            read_retention=timedelta(hours=center.read_retention_hours),
            hit_retention=timedelta(days=center.hit_retention_days),
            now=system_clock(),
            dry_run=dry_run,
            read_partition=timedelta(hours=center.read_partition_hours),
        )
    finally:
        db.dispose()
    typer.echo(str(result))


@app.command("camera-key")
def camera_key(
    camera_id: str = typer.Argument(..., help="The camera the key is for (its registry id)."),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    revoke: bool = typer.Option(False, "--revoke", help="End the camera's keys; issue none."),
    actor: str | None = typer.Option(None, "--actor", help="Who does it, for the audit log."),
) -> None:
    """Issue a camera's own API key (X-Camera-Key; shown once), or revoke its keys."""
    import getpass

    from safenet.auth.context import AuthContext
    from safenet.center.parts import open_center_database
    from safenet.center.secret import token_secret
    from safenet.store import migrate

    settings, center, chosen = _load(config, site)
    who = actor or f"cli:{getpass.getuser()}"
    db = open_center_database(center, settings.var_dir, chosen)
    try:
        migrate(db, "center")
        secret = token_secret(center, settings.var_dir, chosen)
        ctx = AuthContext.build(
            db, site=chosen, side="center", settings=center.auth, token_secret=secret
        )
        assert ctx.cameras is not None
        if revoke:
            count = ctx.cameras.revoke(camera_id, actor=who)
            typer.echo(f"{count} key(s) of camera {camera_id} revoked")
            return
        try:
            key = ctx.cameras.issue(camera_id, actor=who)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="CAMERA_ID") from exc
    finally:
        db.dispose()
    typer.echo(key)


@app.command("mqtt-config")
def mqtt_config(
    out: Path = typer.Option(..., "--out", help="Folder to write passwd, acl, mosquitto.conf."),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    port: int = typer.Option(1883, "--port", min=1, max=65535, help="The broker's port."),
    ingest_user: str | None = typer.Option(
        None, "--ingest-user", help="The center's own MQTT user (default center-<site>)."
    ),
) -> None:
    """Write Mosquitto files binding each camera to its own topic (no anonymous clients)."""
    from safenet.center.mqtt_config import write_mqtt_config
    from safenet.center.parts import open_center_database
    from safenet.store import migrate

    settings, center, chosen = _load(config, site)
    db = open_center_database(center, settings.var_dir, chosen)
    try:
        migrate(db, "center")
        files = write_mqtt_config(db, chosen, out, port=port, ingest_user=ingest_user)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    finally:
        db.dispose()
    typer.echo(
        f"wrote {files.folder}/passwd, acl, mosquitto.conf and credentials.txt (mode 0600): "
        f"{files.cameras} cameras, each may write only its own topic; ingest user "
        f"{files.ingest_user}. Install the passwords from credentials.txt, then delete it."
    )


@app.command("token")
def token(
    subject: str = typer.Option(..., "--subject", help="Who the token is for (an id)."),
    name: str = typer.Option(..., "--name", help="The person's or system's name."),
    role: list[str] = typer.Option(
        ..., "--role", help="A role (operator, supervisor, camera, auditor, admin); repeat."
    ),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    ttl_hours: float = typer.Option(12.0, "--ttl-hours", help="Hours until the token expires."),
) -> None:
    """Issue a bearer token for this center's API."""
    from safenet.auth import Principal, Role, sign_principal
    from safenet.auth.tokens import kind_for
    from safenet.center.secret import token_secret
    from safenet.commands.users import capped_ttl_s

    settings, center, chosen = _load(config, site)
    try:
        roles = frozenset(Role(r) for r in role)
        principal = Principal(
            subject=subject,
            name=name,
            roles=roles,
            sites=frozenset({chosen}),
            kind=kind_for(roles),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    secret = token_secret(center, settings.var_dir, chosen)
    ttl_s = capped_ttl_s(ttl_hours, center.auth.max_service_token_hours)
    typer.echo(sign_principal(principal, secret, site=chosen, settings=center.auth, ttl_s=ttl_s))
