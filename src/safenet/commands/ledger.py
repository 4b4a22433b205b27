"""``safenet center ledger``: the provision register (개인영상정보 제공 관리대장) of a center.

``safenet center ledger export --from 2026-11-01 --to 2026-12-01`` writes the rows
provided in that period as CSV (UTF-8 with BOM, Korean headers, times in KST) and the
monthly summary by requester and category beside it; the export is recorded in the
center's audit log (who, which period, how many rows).
"""

from __future__ import annotations

import getpass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import typer

app = typer.Typer(help="The provision register: export it for the period asked.")

KST = timezone(timedelta(hours=9))
SITE_HELP = "The center's site id (e.g. seocho); default: center.site."
CONFIG_HELP = "A TOML configuration file (see docs/configuration.md and docs/center.md)."


def _when(text: str, option: str) -> datetime:
    """A date (midnight KST) or a time with its offset (KST when it has none)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (2026-11-01) or a time (2026-11-01T09:00+09:00)",
            param_hint=option,
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=KST)


@app.command("export")
def export(
    start: str = typer.Option(..., "--from", help="From this date or time (KST unless given)."),
    end: str = typer.Option(..., "--to", help="Up to this date or time, not included."),
    out: Path = typer.Option(
        Path("provision-register.csv"), "--out", help="The register CSV to write."
    ),
    summary: Path | None = typer.Option(
        None,
        "--summary",
        help="The monthly summary CSV to write; default: beside --out, ending -summary.csv.",
    ),
    by: str | None = typer.Option(
        None, "--by", help="Who exports, for the audit log (default: the login name)."
    ),
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
) -> None:
    """Export the register rows of a period as CSV, with the monthly summary (audited)."""
    from safenet.audit import store as audit
    from safenet.center.parts import open_center_database
    from safenet.evidence import (
        export_register_csv,
        export_summary_csv,
        in_period,
        monthly_summary,
    )
    from safenet.evidence.tables import provision_register, record_from_row
    from safenet.store import migrate

    begin, finish = _when(start, "--from"), _when(end, "--to")
    if finish <= begin:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    from safenet.center.errors import CenterSetupError
    from safenet.center.parts import site_of
    from safenet.config import load_settings

    try:
        settings = load_settings(config)
        center = settings.center
        chosen = site_of(center, site)
    except (ValueError, CenterSetupError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    db = open_center_database(center, settings.var_dir, chosen)
    summary = summary or out.with_name(out.stem + "-summary.csv")
    try:
        migrate(db, "center")
        with db.begin() as conn:
            rows = conn.execute(
                provision_register.select().where(
                    provision_register.c.provided_at >= begin,
                    provision_register.c.provided_at < finish,
                )
            ).all()
            records = in_period([record_from_row(r) for r in rows], begin, finish)
            audit.append(
                conn,
                by or getpass.getuser(),
                "register.export",
                chosen,
                {
                    "from": begin.isoformat(),
                    "to": finish.isoformat(),
                    "rows": len(records),
                    "file": out.name,
                },
            )
    finally:
        db.dispose()
    out.write_bytes(export_register_csv(records))
    months = monthly_summary(records)
    summary.write_bytes(export_summary_csv(months))
    typer.echo(
        f"{len(records)} register rows of {chosen} from {begin.isoformat()} to "
        f"{finish.isoformat()} written to {out}; monthly summary ({len(months)} rows) to {summary}"
    )
