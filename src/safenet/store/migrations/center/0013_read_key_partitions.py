"""The reads' match keys partitioned with the reads on PostgreSQL (issue 16); SQLite as it is.

``read_keys`` becomes ``PARTITION BY RANGE (read_at)`` with one partition for each
partition of ``reads`` and the same bounds, named after it (``reads_p202612041300`` →
``read_keys_p202612041300``, ``reads_kept`` → ``read_keys_kept``). A key row carries
its read's time, so it lands in the partition matching its read's. The retention
purge then drops a key partition with its read partition (:mod:`safenet.center.partitions`)
instead of deleting the keys row by row (a DELETE on a GIN-indexed table, in the
purge's exclusive lock, was the slow part of a partition drop).

The keys of reads that are still stored are copied over (keys whose read is gone are
left behind); the GIN index on ``keys`` and the BRIN index on ``read_seq`` are made on
the partitioned table, so every partition has them.

Written out statement by statement so that it stays what it was when it first ran.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0013"
down_revision = "center_0012"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    kind = bind.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass('reads')")
    ).scalar()
    if kind != "p":  # center_0011 partitions reads on PostgreSQL; nothing to follow
        return
    run = bind.exec_driver_sql
    run(
        "CREATE TABLE read_keys_new (read_seq BIGINT NOT NULL, "
        "read_at TIMESTAMP WITH TIME ZONE NOT NULL, keys BIGINT[] NOT NULL) "
        "PARTITION BY RANGE (read_at)"
    )
    for name, bound in bind.execute(
        sa.text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reads'::regclass"
        )
    ).all():
        keys_name = "read_keys" + str(name).removeprefix("reads")
        run(f"CREATE TABLE {keys_name} PARTITION OF read_keys_new {bound}")
    run(
        "INSERT INTO read_keys_new SELECT k.read_seq, k.read_at, k.keys FROM read_keys k "
        "WHERE EXISTS (SELECT 1 FROM reads r WHERE r.seq = k.read_seq AND r.read_at = k.read_at)"
    )
    run("DROP TABLE read_keys")
    run("ALTER TABLE read_keys_new RENAME TO read_keys")
    run("CREATE INDEX ix_read_keys_keys ON read_keys USING gin (keys)")
    run("CREATE INDEX ix_read_keys_read_seq ON read_keys USING brin (read_seq)")


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
