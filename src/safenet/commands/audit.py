"""``safenet audit``: verify a site's audit chain against outside keys and witnesses, sign heads."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="The tamper-evident audit log: verify a site's chain, sign its head, export witnesses.",
    no_args_is_help=True,
)

_DB = typer.Option(
    ...,
    "--db",
    help="The site's database URL (sqlite:///var/demo/police.db, postgresql+psycopg://…).",
)
_SITE = typer.Option(..., "--site", help="The site whose chain this is (police, seocho…).")
_CONFIG = typer.Option(
    None, "--config", help="A TOML settings file (audit.trusted_keys, audit.trusted_keys_file …)."
)


def _trusted_keys(
    site: str, keys: list[str], key_file: Path | None, config: Path | None
) -> list[str]:
    from safenet.audit.settings import read_trusted_keys
    from safenet.config import load_settings

    found = list(keys)
    if key_file is not None:
        found += read_trusted_keys(key_file).get(site, [])
    if not found:
        found += load_settings(config).audit.keys_for(site)
    return list(dict.fromkeys(found))


@app.command("verify")
def verify(
    db: str = _DB,
    site: str = _SITE,
    public_key: list[str] = typer.Option(
        [],
        "--public-key",
        help="A base64 Ed25519 public key trusted for this site (repeat for several).",
    ),
    public_key_file: Path | None = typer.Option(
        None,
        "--public-key-file",
        help="A file of `<site> <base64 key>` lines; its keys for --site are trusted.",
    ),
    witness_db: str | None = typer.Option(
        None,
        "--witness-db",
        help="The other side's database (the police's for a center, a center's for the "
        "police): the heads of this site it witnessed.",
    ),
    witness_file: Path | None = typer.Option(
        None,
        "--witness-file",
        help="Witnessed heads exported with `safenet audit export-heads` (JSON lines).",
    ),
    no_witness: bool = typer.Option(
        False,
        "--no-witness",
        help="Verify without witnessed heads (a truncated log or an older copy then passes).",
    ),
    max_uncovered_minutes: float | None = typer.Option(
        None,
        "--max-uncovered-minutes",
        help="Fail when a record older than this has no checkpoint (audit.max_uncovered_minutes).",
    ),
    config: Path | None = _CONFIG,
    json_out: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
) -> None:
    """Check the chain against trusted keys and the other side's witnessed heads.

    The trusted public keys come from --public-key, --public-key-file or the settings
    (audit.trusted_keys, audit.trusted_keys_file) — never from the database checked.
    Exit status 0 when the log is intact, 1 when it is not, 2 on a usage error.
    """
    import json
    from datetime import timedelta

    from safenet.audit import store, witness
    from safenet.audit.verify import WitnessedHead
    from safenet.config import load_settings
    from safenet.store import open_database

    try:
        keys = _trusted_keys(site, public_key, public_key_file, config)
        settings = load_settings(config).audit
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not keys:
        raise typer.BadParameter(
            f"no trusted public key for {site}: pass --public-key or --public-key-file, or set "
            "audit.trusted_keys; the key in the database being checked is never trusted",
            param_hint="--public-key",
        )
    if sum(x is not None for x in (witness_db, witness_file)) + no_witness != 1:
        raise typer.BadParameter(
            "name the other side's witness: --witness-db URL or --witness-file FILE "
            "(or --no-witness, which cannot see truncation or restored older copies)",
            param_hint="--witness-db",
        )
    heads: list[WitnessedHead] | None = None
    if witness_file is not None:
        try:
            heads = [h for h in witness.read_heads_file(witness_file) if h.site == site]
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--witness-file") from exc
    elif witness_db is not None:
        other = open_database(witness_db)
        try:
            with other.read() as conn:
                heads = witness.heads(conn, site)
        finally:
            other.dispose()
    lag = (
        timedelta(minutes=max_uncovered_minutes)
        if max_uncovered_minutes is not None
        else settings.max_uncovered
    )
    database = open_database(db)
    try:
        with database.read() as conn:
            verdict = store.verify_anchored(
                conn, site=site, trusted_keys=keys, witnessed=heads, max_uncovered=lag
            )
    finally:
        database.dispose()
    if json_out:
        typer.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
    elif verdict.ok:
        typer.echo(
            f"audit log of {site} intact: {verdict.checked} records, head {verdict.head_seq} "
            f"({verdict.head_hash[:16]}…), covered to {verdict.covered_seq}, "
            f"{verdict.witnessed} witnessed heads"
        )
        for warning in verdict.warnings:
            typer.echo(f"warning: {warning}")
    else:
        typer.echo(
            f"audit log of {site} BROKEN at record {verdict.first_bad_seq}: {verdict.reason}"
        )
        for problem in verdict.problems[1:]:
            typer.echo(f"  also: {problem}")
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("checkpoint")
def checkpoint(
    db: str = _DB,
    site: str = _SITE,
    key: Path = typer.Option(
        ...,
        "--key",
        help="The site's Ed25519 signing key file (PEM); created, mode 0600, when missing.",
    ),
) -> None:
    """Sign the chain's current head, store the checkpoint and queue it for the other side.

    The services do this by themselves (audit.checkpoint_every_records and
    audit.checkpoint_every_minutes); the command is for a site without its service.
    """
    from safenet.audit import SigningKey, store
    from safenet.audit.witness import head_message
    from safenet.link import outbox
    from safenet.store import open_database

    signing = SigningKey.load_or_create(key)
    database = open_database(db)
    try:
        with database.begin() as conn:
            cp = store.checkpoint(conn, signing, site)
            if cp is not None:
                outbox.enqueue(conn, head_message(cp))
    finally:
        database.dispose()
    if cp is None:
        typer.echo("the audit log is empty: nothing to sign")
        raise typer.Exit(0)
    typer.echo(f"checkpoint signed: {site} record {cp.seq} head {cp.head_hash[:16]}…")
    typer.echo(f"public key (give it to auditors): {cp.public_key}")


@app.command("export-heads")
def export_heads(
    db: str = typer.Option(
        ..., "--db", help="The witnessing side's database (holding the other side's heads)."
    ),
    site: str | None = typer.Option(
        None, "--site", help="Only the heads of this site's chain (default: every site's)."
    ),
    out: Path = typer.Option(..., "--out", help="The JSON-lines file to write."),
) -> None:
    """Export the heads this database witnessed, for `safenet audit verify --witness-file`."""
    import getpass

    from safenet.audit import store, witness
    from safenet.store import open_database

    database = open_database(db)
    try:
        with database.begin() as conn:
            n = witness.export_heads(out, witness.heads(conn, site))
            store.append(  # an export is a sensitive action: who, what, where to
                conn,
                f"cli:{getpass.getuser()}",
                "audit.export_heads",
                site or "every site",
                {"outcome": "exported", "heads": n, "file": str(out)},
            )
    finally:
        database.dispose()
    typer.echo(f"{n} witnessed heads written to {out}")


@app.command("public-key")
def public_key_of(
    key: Path = typer.Option(..., "--key", help="The site's Ed25519 signing key file (PEM)."),
) -> None:
    """Print the base64 public key of a signing key file (for audit.trusted_keys)."""
    from safenet.audit import SigningKey

    if not key.exists():
        raise typer.BadParameter(f"{key} does not exist", param_hint="--key")
    typer.echo(SigningKey.load_or_create(key).public_key_b64)
