"""``safenet users``: the people who may sign in at a site (the police or a center).

Secrets a person needs once (their password when generated, the TOTP secret, its
otpauth URI and recovery codes) are printed once here and stored only hashed. Every
change is written to the site's audit log with ``--actor``.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from safenet.auth.accounts import Accounts, Credentials

app = typer.Typer(
    help="Personal accounts at a site: add, list, disable, reset password or TOTP, revoke.",
    no_args_is_help=True,
)

_SITE = typer.Option(..., "--site", help="The site: police, or a center's site id (seocho…).")
_DB = typer.Option(
    None,
    "--db",
    help="The site's database URL; default: the site's configured or local SQLite database.",
)
_CONFIG = typer.Option(None, "--config", help="A TOML configuration file.")
_ACTOR = typer.Option(
    None, "--actor", help="Who makes the change, for the audit log (default: cli:$USER)."
)


@contextmanager
def _accounts(site: str, db_url: str | None, config: Path | None) -> Iterator[Accounts]:
    from safenet.auth.accounts import Accounts
    from safenet.auth.settings import AuthSettings
    from safenet.config import load_settings
    from safenet.link.sites import POLICE, validate_site
    from safenet.store import migrate, open_database

    try:
        validate_site(site)
        settings = load_settings(config)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    side = "police" if site == POLICE else "center"
    if db_url is None:
        if side == "police":
            from safenet.police.credentials import database_url as police_db

            db_url = police_db(settings.police, settings.var_dir)
        else:
            from safenet.center.parts import database_url as center_db

            db_url = center_db(settings.center, settings.var_dir, site)
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    database = open_database(db_url)
    try:
        migrate(database, side)  # type: ignore[arg-type]
        # Until the services' settings carry an `auth` section, the defaults apply.
        yield Accounts(database, site, AuthSettings())
    finally:
        database.dispose()


def capped_ttl_s(hours: float, cap: float | None = None) -> int:
    """A service token's lifetime in seconds, refused over the cap (``--ttl-hours``)."""
    from safenet.auth.settings import AuthSettings

    cap = AuthSettings().max_service_token_hours if cap is None else cap
    if not 0 < hours <= cap:
        raise typer.BadParameter(
            f"must be more than 0 and at most {cap:g} hours (auth max_service_token_hours)",
            param_hint="--ttl-hours",
        )
    return max(1, int(hours * 3600))


def _actor(actor: str | None) -> str:
    return actor or f"cli:{os.environ.get('USER') or getpass.getuser()}"


def _fail(exc: ValueError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(2)


def _print_once(creds: Credentials, qr_svg: Path | None) -> None:
    account = creds.account
    typer.echo(f"{account.user_id} at {account.site}: {account.display_name}")
    typer.echo("Shown once — give these to the person in private; they are stored only hashed.")
    if creds.password is not None:
        typer.echo(f"  password:        {creds.password}")
    if creds.enrolment is not None:
        typer.echo(f"  TOTP secret:     {creds.enrolment.secret}")
        typer.echo(f"  otpauth URI:     {creds.enrolment.uri}")
        if qr_svg is not None:
            qr_svg.write_text(creds.enrolment.qr_svg, encoding="utf-8")
            qr_svg.chmod(0o600)
            typer.echo(f"  QR code (SVG):   {qr_svg}")
    if creds.recovery_codes:
        typer.echo("  recovery codes (each works once):")
        for code in creds.recovery_codes:
            typer.echo(f"    {code}")


def _password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    return sys.stdin.readline().rstrip("\n")


_QR = typer.Option(None, "--qr-svg", help="Also write the TOTP QR code to this SVG file.")
_PW_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from standard input (else generated)."
)


@app.command("add")
def add(
    user_id: str = typer.Argument(..., help="The account's user id (e.g. kim.approver)."),
    site: str = _SITE,
    name: str = typer.Option(..., "--name", help="The person's real name (e.g. 김민수)."),
    rank: str = typer.Option(..., "--rank", help="Rank or title (e.g. 경위, 주무관)."),
    role: list[str] = typer.Option(..., "--role", help="A role; repeat for several."),
    scope: list[str] = typer.Option(
        [],
        "--scope",
        help="A site the person may see; repeat. Default: the site itself at a center, "
        "every site at the police.",
    ),
    password_stdin: bool = _PW_STDIN,
    qr_svg: Path | None = _QR,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    actor: str | None = _ACTOR,
) -> None:
    """Add a person's account; prints their TOTP enrolment and recovery codes once."""
    sites = scope or ([] if site == "police" else [site])
    with _accounts(site, db, config) as accounts:
        try:
            creds = accounts.add(
                user_id,
                name=name,
                rank=rank,
                roles=role,
                sites=sites,
                password=_password(password_stdin),
                actor=_actor(actor),
            )
        except ValueError as exc:
            raise _fail(exc) from exc
    _print_once(creds, qr_svg)


@app.command("list")
def list_users(
    site: str = _SITE,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    json_out: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """List the site's accounts: roles, scope, second factor, lockout, disabled."""
    import json

    with _accounts(site, db, config) as accounts:
        rows = accounts.all()
    if json_out:
        for a in rows:
            typer.echo(json.dumps(a.as_dict(), ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"no accounts at {site}")
        return
    for a in rows:
        state = "disabled" if a.disabled else ("locked" if a.locked_until else "active")
        scope = ",".join(sorted(a.sites)) or "*"
        typer.echo(
            f"{a.user_id:<20} {a.display_name:<16} {','.join(sorted(a.roles)):<24} "
            f"scope={scope:<12} totp={a.totp_state:<8} {state}"
        )


@app.command("disable")
def disable(
    user_id: str = typer.Argument(..., help="The account's user id."),
    site: str = _SITE,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    actor: str | None = _ACTOR,
) -> None:
    """Disable an account: no more sign-ins, and its sessions end at once."""
    with _accounts(site, db, config) as accounts:
        try:
            accounts.disable(user_id, actor=_actor(actor))
        except ValueError as exc:
            raise _fail(exc) from exc
    typer.echo(f"{user_id} at {site} is disabled; its sessions have ended")


@app.command("reset-password")
def reset_password(
    user_id: str = typer.Argument(..., help="The account's user id."),
    site: str = _SITE,
    password_stdin: bool = _PW_STDIN,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    actor: str | None = _ACTOR,
) -> None:
    """Set a new password (printed once when generated); unlocks; ends the sessions."""
    with _accounts(site, db, config) as accounts:
        try:
            creds = accounts.reset_password(
                user_id, actor=_actor(actor), password=_password(password_stdin)
            )
        except ValueError as exc:
            raise _fail(exc) from exc
    _print_once(creds, None)


@app.command("reset-totp")
def reset_totp(
    user_id: str = typer.Argument(..., help="The account's user id."),
    site: str = _SITE,
    qr_svg: Path | None = _QR,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    actor: str | None = _ACTOR,
) -> None:
    """A new TOTP secret and recovery codes (printed once); the old ones stop working."""
    with _accounts(site, db, config) as accounts:
        try:
            creds = accounts.reset_totp(user_id, actor=_actor(actor))
        except ValueError as exc:
            raise _fail(exc) from exc
    _print_once(creds, qr_svg)


@app.command("revoke-sessions")
def revoke_sessions(
    user_id: str = typer.Argument(..., help="The account's user id."),
    site: str = _SITE,
    db: str | None = _DB,
    config: Path | None = _CONFIG,
    actor: str | None = _ACTOR,
) -> None:
    """End every session of an account at once (a lost device, a suspicion)."""
    with _accounts(site, db, config) as accounts:
        try:
            count = accounts.revoke_sessions(user_id, actor=_actor(actor))
        except ValueError as exc:
            raise _fail(exc) from exc
    typer.echo(f"{count} session(s) of {user_id} at {site} ended")
