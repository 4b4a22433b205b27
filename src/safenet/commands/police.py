"""``safenet police``: run and operate the police side (WASS).

Also registers ``safenet bench police`` (intake rate, intake-to-SSE latency, and the
time from a cancel to the last center's acknowledgement).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import typer

from safenet.commands.bench import app as bench_app
from safenet.commands.police_evidence import app as evidence_app

app = typer.Typer(
    help="The police side: the wanted registry, hotlist distribution, intake and alerts.",
    no_args_is_help=True,
)
wanted_app = typer.Typer(
    help="Scripted registry operations against a running police service (HTTP).",
    no_args_is_help=True,
)
app.add_typer(wanted_app, name="wanted")
app.add_typer(evidence_app, name="evidence")

DEFAULT_URL = "http://127.0.0.1:8100"

_CONFIG = typer.Option(None, "--config", help="TOML configuration file.")
_URL = typer.Option(
    DEFAULT_URL, "--url", envvar="SAFENET_POLICE_URL", help="The police service's base URL."
)
_TOKEN = typer.Option(
    ...,
    "--token",
    envvar="SAFENET_POLICE_TOKEN",
    help="Bearer token of the officer acting (from 'safenet police token').",
)
_JSON = typer.Option(False, "--json", help="Print the service's JSON answer instead of a summary.")


@app.command("serve")
def serve(
    config: Path | None = _CONFIG,
    host: str | None = typer.Option(None, "--host", help="Listen address (police.host)."),
    port: int | None = typer.Option(None, "--port", help="Listen port (police.port)."),
) -> None:
    """Run the police service: HTTP API, link intake, distribution, alerts."""
    import asyncio

    from safenet.audit.config import site_sections
    from safenet.config import load_settings
    from safenet.logs import configure
    from safenet.police.serve import serve as run

    settings = load_settings(config)
    configure(settings.log)
    police = settings.police
    if host is not None or port is not None:
        police = police.model_copy(
            update={k: v for k, v in {"host": host, "port": port}.items() if v is not None}
        )
    keys = {site: list(k) for site, k in settings.audit.trusted_keys.items()}
    for site, more in police.evidence_trusted_keys.items():
        keys[site] = [*more, *(k for k in keys.get(site, []) if k not in more)]
    police = police.model_copy(update={"evidence_trusted_keys": keys})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run(
                police,
                settings.var_dir,
                web=settings.web,
                data_dir=settings.data_dir,
                route=settings.route,
                audit=settings.audit,
                privacy=settings.privacy,
                config_sections=site_sections(settings, "police", police),
            )
        )


@app.command("token")
def token(
    subject: str = typer.Option(..., "--subject", help="The officer's id (e.g. kim.registrar)."),
    name: str = typer.Option(..., "--name", help="The officer's name, for the record."),
    roles: list[str] = typer.Option(
        ...,
        "--role",
        help="A role (registrar, approver, dispatcher, field_officer, auditor, admin); repeat.",
    ),
    sites: list[str] = typer.Option(
        [], "--site", help="Limit alerts to this center site; repeat (none: every site)."
    ),
    ttl_hours: float | None = typer.Option(
        None, "--ttl-hours", help="Token lifetime (default police.token_ttl_hours)."
    ),
    config: Path | None = _CONFIG,
) -> None:
    """Issue an access token for an officer, signed with the police token secret."""
    from safenet.auth import Principal, Role, sign_principal
    from safenet.auth.tokens import kind_for
    from safenet.commands.users import capped_ttl_s
    from safenet.config import load_settings
    from safenet.police.app import POLICE_SITE
    from safenet.police.credentials import load_token_secret

    settings = load_settings(config)
    try:
        granted = frozenset(Role(r) for r in roles)
        principal = Principal(
            subject=subject,
            name=name,
            roles=granted,
            sites=frozenset(sites),
            kind=kind_for(granted),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    secret = load_token_secret(settings.police, settings.var_dir)
    hours = ttl_hours if ttl_hours is not None else settings.police.token_ttl_hours
    ttl_s = capped_ttl_s(hours, settings.police.auth.max_service_token_hours)
    typer.echo(
        sign_principal(
            principal, secret, site=POLICE_SITE, settings=settings.police.auth, ttl_s=ttl_s
        )
    )


def _client(url: str, token: str) -> Any:
    from safenet.police.client import PoliceClient

    return PoliceClient(url, token)


def _run(call: Any, as_json: bool, summary: Any) -> None:
    import httpx

    from safenet.police.client import PoliceApiError

    try:
        body = call()
    except PoliceApiError as exc:
        typer.echo(f"refused (HTTP {exc.status}): {exc.message}", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem['field']}: {problem['reason']}", err=True)
        raise typer.Exit(1) from exc
    except httpx.TransportError as exc:
        typer.echo(f"cannot reach the police service: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        typer.echo(summary(body))


def _entry_line(e: dict[str, Any]) -> str:
    version = e.get("hotlist_version")
    tail = f" (hotlist v{version})" if version else ""
    return (
        f"{e['entry_id']} {e['status']} {e['plate']} {e['category']} case {e['case_number']} "
        f"expires {e['expires_at']}{tail}"
    )


@wanted_app.command("add")
def wanted_add(
    plate: str = typer.Option(..., "--plate", help="Full plate or witness pattern (12가34??)."),
    category: str = typer.Option(..., "--category", help="Lawful basis (e.g. kidnapping)."),
    case_number: str = typer.Option(..., "--case-number", help="The case number (사건번호)."),
    reason: str = typer.Option(..., "--reason", help="Why the vehicle is sought."),
    make: str = typer.Option("", "--make", help="Vehicle make."),
    model: str = typer.Option("", "--model", help="Vehicle model."),
    colour: str = typer.Option(
        "", "--colour", help="Vehicle colour, a vocabulary word (흰색, white, 은색, ...)."
    ),
    vehicle_type: str = typer.Option(
        "", "--type", help="Body type, a vocabulary word (승용, SUV, 승합, 화물, ...)."
    ),
    expires_in_hours: float | None = typer.Option(
        None, "--expires-in-hours", help="Expiry in hours from now (default 72, at most 30 days)."
    ),
    expires_at: str | None = typer.Option(
        None, "--expires-at", help="Expiry as RFC 3339 with offset (instead of hours)."
    ),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Register a wanted entry (a registrar's token); it waits for approval."""
    draft: dict[str, Any] = {
        "plate": plate,
        "category": category,
        "case_number": case_number,
        "reason": reason,
        "vehicle": {"make": make, "model": model, "colour": colour, "type": vehicle_type},
    }
    if expires_in_hours is not None:
        draft["expires_in_hours"] = expires_in_hours
    if expires_at is not None:
        draft["expires_at"] = expires_at
    with _client(url, token) as client:
        _run(lambda: client.add(draft), as_json, _entry_line)


@wanted_app.command("approve")
def wanted_approve(
    entry_id: str = typer.Argument(..., help="The entry to approve."),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Approve a pending entry (an approver's token, not the registrar's)."""
    with _client(url, token) as client:
        _run(lambda: client.approve(entry_id), as_json, _entry_line)


@wanted_app.command("renew")
def wanted_renew(
    entry_id: str = typer.Argument(..., help="The entry to renew."),
    reason: str = typer.Option(..., "--reason", help="Why it must stay on the hotlist."),
    expires_in_hours: float | None = typer.Option(
        None, "--expires-in-hours", help="New expiry in hours from now (at most 30 days)."
    ),
    expires_at: str | None = typer.Option(
        None, "--expires-at", help="New expiry as RFC 3339 with offset."
    ),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Move an entry's expiry, with a reason."""
    body: dict[str, Any] = {"reason": reason}
    if expires_in_hours is not None:
        body["expires_in_hours"] = expires_in_hours
    if expires_at is not None:
        body["expires_at"] = expires_at
    with _client(url, token) as client:
        _run(lambda: client.renew(entry_id, body), as_json, _entry_line)


@wanted_app.command("cancel")
def wanted_cancel(
    entry_id: str = typer.Argument(..., help="The entry to end."),
    reason: str = typer.Option(..., "--reason", help="Why it ends."),
    resolved: bool = typer.Option(
        False, "--resolved", help="End it as resolved (vehicle found, person safe), not lifted."
    ),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """Lift an entry (or resolve it with --resolved): it stops matching everywhere."""
    with _client(url, token) as client:
        if resolved:
            _run(lambda: client.resolve(entry_id, reason), as_json, _entry_line)
        else:
            _run(lambda: client.cancel(entry_id, reason), as_json, _entry_line)


@wanted_app.command("list")
def wanted_list(
    status: str | None = typer.Option(
        None, "--status", help="pending, active, expired, cancelled or resolved."
    ),
    category: str | None = typer.Option(None, "--category", help="Only this category."),
    url: str = _URL,
    token: str = _TOKEN,
    as_json: bool = _JSON,
) -> None:
    """List wanted entries, newest first."""
    with _client(url, token) as client:
        _run(
            lambda: {"entries": client.entries(status, category)},
            as_json,
            lambda body: "\n".join(_entry_line(e) for e in body["entries"]) or "(no entries)",
        )


@bench_app.command("police")
def bench_police(
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures as JSON."),
    quick: bool = typer.Option(False, "--quick", help="Fewer messages and centers: a smoke run."),
    reports: int = typer.Option(2000, "--reports", help="LocationReports for the intake rate."),
    latency_samples: int = typer.Option(
        200, "--latency-samples", help="LocationReports timed from the link to the SSE client."
    ),
    centers: int = typer.Option(10, "--centers", help="Simulated centers acknowledging deltas."),
    cancels: int = typer.Option(20, "--cancels", help="Cancels timed to the last center's ack."),
    database: str | None = typer.Option(
        None,
        "--database",
        help="SQLAlchemy URL of an empty database (default: SQLite in a temp dir).",
    ),
) -> None:
    """Police intake rate, intake-to-SSE latency, and cancel-to-last-ack time."""
    from safenet.bench.police import run_police_bench

    report = run_police_bench(
        reports=300 if quick else reports,
        latency_samples=50 if quick else latency_samples,
        centers=3 if quick else centers,
        cancels=5 if quick else cancels,
        database=database,
        quick=quick,
    )
    report.emit(json_path)
