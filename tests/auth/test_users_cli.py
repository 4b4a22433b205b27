"""``safenet users`` against a site's real database, on both sides, and its audit trail."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from safenet.audit import store as audit
from safenet.audit.origin import cli_origin
from safenet.cli import app
from safenet.store import open_database

runner = CliRunner()


def _run(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("site", ["police", "seocho"])
def test_add_list_reset_disable_revoke_are_audited(db_url: str, site: str) -> None:
    out = _run(
        "users",
        "add",
        "kim.approver",
        "--site",
        site,
        "--name",
        "김민수",
        "--rank",
        "경위",
        "--role",
        "approver" if site == "police" else "operator",
        "--db",
        db_url,
        "--actor",
        "admin.lee",
    )
    assert "TOTP secret:" in out
    assert re.search(r"otpauth://totp/safenet:kim\.approver%40" + site, out)
    assert len(re.findall(r"^    [a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", out, re.M)) == 10
    listed = _run("users", "list", "--site", site, "--db", db_url, "--json")
    assert '"display_name": "경위 김민수"' in listed
    expected_scope = "[]" if site == "police" else f'["{site}"]'
    assert f'"sites": {expected_scope}' in listed
    _run(
        "users",
        "reset-password",
        "kim.approver",
        "--site",
        site,
        "--db",
        db_url,
        "--password-stdin",
        stdin="a much longer passphrase\n",
    )
    assert "recovery codes" in _run(
        "users", "reset-totp", "kim.approver", "--site", site, "--db", db_url
    )
    _run("users", "revoke-sessions", "kim.approver", "--site", site, "--db", db_url)
    assert "disabled" in _run("users", "disable", "kim.approver", "--site", site, "--db", db_url)
    assert "disabled" in _run("users", "list", "--site", site, "--db", db_url)

    db = open_database(db_url)
    try:
        with db.read() as conn:
            rows = list(audit.records(conn))
            assert audit.verify(conn).ok
    finally:
        db.dispose()
    actions = [(r.actor, r.action, r.subject) for r in rows]
    # Each change says where it was made: the command line, which user on which host.
    assert {r.details.get("from") for r in rows} == {cli_origin()}
    names = [a for _, a, _ in actions]
    for action in (
        "auth.user_added",
        "auth.password_reset",
        "auth.totp_reset",
        "auth.sessions_revoked",
        "auth.user_disabled",
    ):
        assert action in names
    assert actions[0] == ("admin.lee", "auth.user_added", "kim.approver")


def test_bad_input_names_the_field(sqlite_url: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "lee",
            "--site",
            "police",
            "--name",
            "이",
            "--rank",
            "경사",
            "--role",
            "camera",
            "--db",
            sqlite_url,
        ],
    )
    assert result.exit_code == 2
    assert "roles: camera is for devices" in result.output
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "lee",
            "--site",
            "police",
            "--name",
            "이",
            "--rank",
            "경사",
            "--role",
            "registrar",
            "--password-stdin",
            "--db",
            sqlite_url,
        ],
        input="short\n",
    )
    assert result.exit_code == 2
    assert "password: must be at least 12 characters" in result.output
    result = runner.invoke(app, ["users", "list", "--site", "Not A Site", "--db", sqlite_url])
    assert result.exit_code == 2
