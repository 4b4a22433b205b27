"""``safenet audit verify`` and ``checkpoint`` on a real database file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import SigningKey
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
    key = SigningKey.generate()
    args = ["--site", "police", "--public-key", key.public_key_b64, "--no-witness"]
    ok = runner.invoke(app, ["audit", "verify", "--db", url, *args])
    assert ok.exit_code == 0, ok.output
    assert "intact: 4 records" in ok.output
    assert "no witnessed heads were consulted" in ok.output
    db = open_database(url)
    with db.begin() as conn:
        conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq == 2))
    db.dispose()
    bad = runner.invoke(app, ["audit", "verify", "--db", url, *args, "--json"])
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
    result = runner.invoke(
        app,
        [
            "audit",
            "verify",
            "--db",
            url,
            "--site",
            "police",
            "--public-key",
            public,
            "--no-witness",
        ],
    )
    assert result.exit_code == 1
    assert "no longer matches its signed checkpoint" in result.output


def test_verify_needs_exactly_one_witness_source(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'police.db'}"
    _log(url, 1)
    key = SigningKey.generate().public_key_b64
    base = ["audit", "verify", "--db", url, "--site", "police", "--public-key", key]
    result = runner.invoke(app, base)
    assert result.exit_code == 2
    assert "--witness-db" in result.output
    both = runner.invoke(app, [*base, "--no-witness", "--witness-file", str(tmp_path / "x")])
    assert both.exit_code == 2


def test_public_key_prints_the_key_of_a_key_file(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    key = SigningKey.load_or_create(path)
    result = runner.invoke(app, ["audit", "public-key", "--key", str(path)])
    assert result.exit_code == 0
    assert result.output.strip() == key.public_key_b64
    missing = runner.invoke(app, ["audit", "public-key", "--key", str(tmp_path / "none.pem")])
    assert missing.exit_code == 2
