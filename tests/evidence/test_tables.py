"""The evidence tables in safenet.evidence.tables are what migrations 0005 create."""

from __future__ import annotations

import sqlalchemy as sa

from safenet.audit import SigningKey
from safenet.evidence import records_for
from safenet.evidence.tables import (
    center_metadata,
    evidence_provisions,
    police_metadata,
    provision_register,
    record_from_row,
    register_values,
)
from safenet.store import migrate, open_database
from tests.evidence.world import build


def _shape(table: sa.Table) -> dict[str, tuple[bool, bool]]:
    return {c.name: (bool(c.nullable), bool(c.primary_key)) for c in table.columns}


def _check(url: str, side: str, metadata: sa.MetaData) -> None:
    db = open_database(url)
    try:
        migrate(db, side)  # type: ignore[arg-type]
        with db.read() as conn:
            inspector = sa.inspect(conn)
            for table in metadata.sorted_tables:
                got = {
                    c["name"]: (bool(c["nullable"]), c["name"] in pk)
                    for pk in [inspector.get_pk_constraint(table.name)["constrained_columns"]]
                    for c in inspector.get_columns(table.name)
                }
                assert got == _shape(table), table.name
                declared = {i.name for i in table.indexes}
                found = {i["name"] for i in inspector.get_indexes(table.name)}
                assert declared <= found, (table.name, declared - found)
    finally:
        db.dispose()


def test_the_center_tables_match_the_migration(db_url: str) -> None:
    _check(db_url, "center", center_metadata)


def test_the_police_tables_match_the_migration(db_url: str) -> None:
    _check(db_url, "police", police_metadata)


def test_a_provision_and_its_register_rows_store_and_read_back(
    db_url: str, center_key: SigningKey
) -> None:
    built = build(key=center_key)
    rows = records_for(built.manifest, built.package_sha256)
    db = open_database(db_url)
    try:
        migrate(db, "center")
        with db.begin() as conn:  # the release and its rows: one transaction
            conn.execute(
                evidence_provisions.insert().values(
                    package_id=built.manifest.package_id,
                    request_id=built.manifest.request_id,
                    manifest=built.manifest_bytes,
                    signature=built.header.signature,
                    key_id=built.header.key_id,
                    package_sha256=built.package_sha256,
                    parts=built.header.parts,
                    body_size=built.manifest.body_size,
                    approver=built.manifest.approver,
                    provided_at=built.manifest.provided_at,
                    expires_at=built.manifest.expires_at,
                )
            )
            conn.execute(provision_register.insert(), [register_values(r) for r in rows])
        with db.read() as conn:
            got = conn.execute(
                sa.select(provision_register).order_by(provision_register.c.record_id)
            ).all()
            stored = conn.execute(sa.select(evidence_provisions.c.manifest)).scalar_one()
        assert [record_from_row(g) for g in got] == rows
        assert bytes(stored) == built.manifest_bytes
    finally:
        db.dispose()
