"""``safenet audit verify`` and ``checkpoint`` on a real database file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import store as audit
from safenet.cli import app
from safenet.store import migrate, open_database

runner = CliRunner()


def _log(url: str, n: int) -> None:
    db = open_database(url)
    migrate(db, "police")
    with db.begin() as conn:
        for i in range(n):
            audit.append(conn, "officer-01", "wanted.approve", f"entry:{i}")
    db.dispose()


def test_verify_intact_then_broken(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'police.db'}"
    _log(url, 4)
    ok = runner.invoke(app, ["audit", "verify", "--db", url])
    assert ok.exit_code == 0, ok.output
    assert "intact: 4 records" in ok.output
    db = open_database(url)
    with db.begin() as conn:
        conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq == 2))
    db.dispose()
    bad = runner.invoke(app, ["audit", "verify", "--db", url, "--json"])
    assert bad.exit_code == 1
    assert '"first_bad_seq": 3' in bad.output


def test_checkpoint_then_rewritten_tail_is_caught(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'police.db'}"
    _log(url, 3)
    key = tmp_path / "keys" / "police.pem"
    signed = runner.invoke(
        app, ["audit", "checkpoint", "--db", url, "--site", "police", "--key", str(key)]
    )
    assert signed.exit_code == 0, signed.output
    assert key.exists()
    public = signed.output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    db = open_database(url)
    with db.begin() as conn:
        conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq == 3))
        audit.append(conn, "officer-01", "wanted.cancel", "entry:2")
    db.dispose()
    result = runner.invoke(app, ["audit", "verify", "--db", url, "--public-key", public])
    assert result.exit_code == 1
    assert "no longer matches its signed checkpoint" in result.output
