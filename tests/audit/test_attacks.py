"""Rewriting the audit log as issue 13's attacker did, against `safenet audit verify`.

Each attack passed as intact with the verify of before (which trusted the key stored
in the checked database and had no witness): a rewritten tail after the last
checkpoint, a chain re-chained and re-signed with the attacker's key, all checkpoints
deleted, the whole log truncated, an older copy restored. Now the trusted key comes
from outside and the other side's database witnesses every signed head.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import SigningKey, witness
from safenet.audit import store as audit
from safenet.cli import app
from safenet.store import migrate, open_database

runner = CliRunner()
NOW = datetime.now(UTC)


class Sites:
    """A police database (the chain attacked) and a center's (its witness)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.key = SigningKey.generate()
        self.police_path = tmp / "police.db"
        self.url = f"sqlite:///{self.police_path}"
        self.witness_url = f"sqlite:///{tmp / 'seocho.db'}"
        self.police = open_database(self.url)
        migrate(self.police, "police")
        self.center = open_database(self.witness_url)
        migrate(self.center, "center")

    def act(self, n: int, start: int = 0) -> None:
        with self.police.begin() as conn:
            for i in range(start, start + n):
                audit.append(conn, "officer-01", "alert.acknowledge", f"alert:{i}", ts=NOW)

    def checkpoint(self) -> None:
        """Sign the head and hand it to the witness, as the loop and the link do."""
        with self.police.begin() as conn:
            cp = audit.checkpoint(conn, self.key, "police")
        assert cp is not None
        with self.center.begin() as conn:
            witness.keep(conn, witness.witnessed(witness.head_message(cp)))

    def verify(self, *extra: str) -> tuple[int, str]:
        args = ["audit", "verify", "--db", self.url, "--site", "police"]
        args += ["--public-key", self.key.public_key_b64, "--witness-db", self.witness_url]
        result = runner.invoke(app, [*args, *extra])
        return result.exit_code, result.output

    def close(self) -> None:
        self.police.dispose()
        self.center.dispose()


@pytest.fixture
def sites(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Sites(tmp_path)
    s.act(3)
    s.checkpoint()
    s.act(3, 3)
    s.checkpoint()
    yield s
    s.close()


def rechain(conn: sa.Connection, start: int) -> None:
    """Rewrite records from ``start`` on, consistently re-chained."""
    recs = list(audit.records(conn))
    conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq >= start))
    for r in recs[start - 1 :]:
        audit.append(conn, r.actor, "alert.acknowledge", r.subject, {"note": "forged"}, ts=NOW)


def test_an_intact_log_passes(sites: Sites) -> None:
    code, out = sites.verify()
    assert code == 0, out
    assert "intact: 6 records" in out
    assert "2 witnessed heads" in out


def test_a_tail_rewritten_after_the_last_checkpoint_is_caught(sites: Sites) -> None:
    sites.act(2, 6)  # records 7-8, not yet checkpointed: old enough to be overdue
    with sites.police.begin() as conn:
        rechain(conn, 7)
    code, out = sites.verify("--max-uncovered-minutes", "0")
    assert code == 1
    assert "covered by no checkpoint" in out


def test_a_chain_rechained_and_resigned_with_another_key_is_caught(sites: Sites) -> None:
    attacker = SigningKey.generate()
    with sites.police.begin() as conn:
        conn.execute(sa.delete(audit.audit_checkpoint))
        rechain(conn, 1)
        audit.checkpoint(conn, attacker, "police")
    code, out = sites.verify()
    assert code == 1
    assert "not signed by a trusted key" in out
    assert "the history was rewritten" in out


def test_deleting_every_checkpoint_is_caught(sites: Sites) -> None:
    with sites.police.begin() as conn:
        conn.execute(sa.delete(audit.audit_checkpoint))
    code, out = sites.verify()
    assert code == 1
    assert "checkpoints were deleted" in out


def test_a_truncated_log_is_caught(sites: Sites) -> None:
    with sites.police.begin() as conn:
        conn.execute(sa.delete(audit.audit_checkpoint))
        conn.execute(sa.delete(audit.audit_log))
    code, out = sites.verify("--json")
    assert code == 1
    assert '"ok": false' in out
    assert "the log ends at 0" in out


def test_an_older_copy_restored_is_caught(sites: Sites) -> None:
    sites.police.dispose()
    shutil.copy(sites.police_path, sites.tmp / "backup.db")
    sites.police = open_database(sites.url)
    sites.act(2, 6)
    sites.checkpoint()  # the witness now holds record 8
    sites.police.dispose()
    shutil.copy(sites.tmp / "backup.db", sites.police_path)
    sites.police = open_database(sites.url)
    code, out = sites.verify()
    assert code == 1
    assert "the log ends at 6" in out


def test_the_key_in_the_checked_database_is_never_trusted(sites: Sites) -> None:
    result = runner.invoke(
        app, ["audit", "verify", "--db", sites.url, "--site", "police", "--no-witness"]
    )
    assert result.exit_code == 2
    assert "no trusted public key" in result.output


def test_verify_reads_witnesses_from_an_exported_file(sites: Sites) -> None:
    heads = sites.tmp / "heads.jsonl"
    exported = runner.invoke(
        app,
        [
            "audit",
            "export-heads",
            "--db",
            sites.witness_url,
            "--site",
            "police",
            "--out",
            str(heads),
        ],
    )
    assert exported.exit_code == 0, exported.output
    assert "2 witnessed heads" in exported.output
    with sites.center.read() as conn:  # the export is itself on the exporting side's record
        [record] = [r for r in audit.records(conn) if r.action == "audit.export_heads"]
    assert (record.subject, record.details["heads"]) == ("police", 2)
    with sites.police.begin() as conn:
        conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq > 4))
    args = ["audit", "verify", "--db", sites.url, "--site", "police"]
    keys = sites.tmp / "keys.txt"
    keys.write_text(f"# the police's audit key\npolice {sites.key.public_key_b64}\n")
    result = runner.invoke(
        app, [*args, "--public-key-file", str(keys), "--witness-file", str(heads)]
    )
    assert result.exit_code == 1
    assert "the log ends at 4" in result.output


@pytest.mark.parametrize(
    "tamper",
    [
        lambda conn: conn.execute(
            sa.update(audit.audit_log).where(audit.audit_log.c.seq == 2).values(actor="x")
        ),
        lambda conn: conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq == 3)),
    ],
    ids=["changed", "deleted"],
)
def test_what_the_chain_caught_before_it_still_catches(
    sites: Sites, tamper: Callable[[sa.Connection], object]
) -> None:
    with sites.police.begin() as conn:
        tamper(conn)
    code, _ = sites.verify()
    assert code == 1
