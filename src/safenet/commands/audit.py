"""``safenet audit``: verify a site's audit chain and sign checkpoints of its head."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="The tamper-evident audit log: verify a site's chain, sign its head.",
    no_args_is_help=True,
)

_DB = typer.Option(
    ...,
    "--db",
    help="The site's database URL (sqlite:///var/demo/police.db, postgresql+psycopg://…).",
)


@app.command("verify")
def verify(
    db: str = _DB,
    public_key: str | None = typer.Option(
        None,
        "--public-key",
        help="Trust only checkpoints signed with this base64 Ed25519 public key.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
) -> None:
    """Check every record's hash and link, and that signed checkpoints still match.

    Exit status 0 when the chain is intact, 1 when it is not.
    """
    import json

    from safenet.audit import store
    from safenet.store import open_database

    database = open_database(db)
    try:
        with database.read() as conn:
            verdict = store.verify(conn, public_key)
    finally:
        database.dispose()
    if json_out:
        typer.echo(
            json.dumps(
                {
                    "ok": verdict.ok,
                    "checked": verdict.checked,
                    "head_seq": verdict.head_seq,
                    "head_hash": verdict.head_hash,
                    "first_bad_seq": verdict.first_bad_seq,
                    "reason": verdict.reason,
                }
            )
        )
    elif verdict.ok:
        typer.echo(
            f"audit chain intact: {verdict.checked} records, head {verdict.head_seq} "
            f"({verdict.head_hash[:16]}…)"
        )
    else:
        typer.echo(f"audit chain BROKEN at record {verdict.first_bad_seq}: {verdict.reason}")
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("checkpoint")
def checkpoint(
    db: str = _DB,
    site: str = typer.Option(..., "--site", help="The site whose chain this is (police, seocho…)."),
    key: Path = typer.Option(
        ...,
        "--key",
        help="The site's Ed25519 signing key file (PEM); created, mode 0600, when missing.",
    ),
) -> None:
    """Sign the chain's current head and store the checkpoint beside the log."""
    from safenet.audit import SigningKey, store
    from safenet.store import open_database

    signing = SigningKey.load_or_create(key)
    database = open_database(db)
    try:
        with database.begin() as conn:
            cp = store.checkpoint(conn, signing, site)
    finally:
        database.dispose()
    if cp is None:
        typer.echo("the audit log is empty: nothing to sign")
        raise typer.Exit(0)
    typer.echo(f"checkpoint signed: {site} record {cp.seq} head {cp.head_hash[:16]}…")
    typer.echo(f"public key (give it to auditors): {cp.public_key}")
