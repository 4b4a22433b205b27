"""Reads partitioned by read time on PostgreSQL (issue 16); SQLite is left as it is.

``reads`` becomes ``PARTITION BY RANGE (read_at)`` (see :mod:`safenet.center.partitions`
for how the center uses it). The existing rows are copied into the partitioned table:

- rows older than one day (the default read retention) go to the kept partition
  ``reads_kept`` (``FROM (MINVALUE)``), which the purge empties row by row as before;
- newer rows go to hourly partitions ``reads_pYYYYMMDDHHMM`` (the default
  ``center.read_partition_hours``), created for every hour that has rows and for the
  next two hours.

A unique constraint on a partitioned table must include the partition key, so the
primary key becomes ``(seq, read_at)`` and the resend guard ``uq_reads_camera_read``
becomes ``(camera_id, read_id, read_at)``. ``reads.seq`` alone is no longer unique in
the database's eyes, so the foreign keys of ``read_snapshots`` and ``hits`` onto it go
(the center still writes one seq per read from the same sequence; the purge removes
snapshots with their reads explicitly, and keeps hit reads when it drops a partition).

Written out statement by statement so that it stays what it was when it first ran.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "center_0011"
down_revision = "center_0010"

_HOUR = timedelta(hours=1)


def _hour(t: datetime) -> datetime:
    t = t.astimezone(UTC)
    return t.replace(minute=0, second=0, microsecond=0)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    run = bind.exec_driver_sql
    sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence('reads', 'seq')")).scalar()
    now = datetime.now(UTC)
    horizon = _hour(now - timedelta(days=1))
    run("CREATE TABLE reads_new (LIKE reads INCLUDING DEFAULTS) PARTITION BY RANGE (read_at)")
    run(
        "CREATE TABLE reads_kept PARTITION OF reads_new "
        f"FOR VALUES FROM (MINVALUE) TO ('{horizon.isoformat()}')"
    )
    hours = {horizon + k * _HOUR for k in range(int((_hour(now) - horizon) / _HOUR) + 3)}
    for (t,) in bind.execute(
        sa.text(
            "SELECT DISTINCT date_trunc('hour', read_at AT TIME ZONE 'UTC') FROM reads "
            "WHERE read_at >= :horizon"
        ),
        {"horizon": horizon},
    ):
        hours.add(t.replace(tzinfo=UTC))
    for start in sorted(hours):
        run(
            f"CREATE TABLE reads_p{start:%Y%m%d%H%M} PARTITION OF reads_new "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{(start + _HOUR).isoformat()}')"
        )
    run("INSERT INTO reads_new SELECT * FROM reads")
    run("ALTER TABLE read_snapshots DROP CONSTRAINT IF EXISTS fk_read_snapshots_read")
    run("ALTER TABLE hits DROP CONSTRAINT IF EXISTS fk_hits_read")
    if sequence is not None:
        run(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    run("DROP TABLE reads")
    run("ALTER TABLE reads_new RENAME TO reads")
    if sequence is not None:
        run(f"ALTER SEQUENCE {sequence} OWNED BY reads.seq")
    run("ALTER TABLE reads ADD CONSTRAINT reads_pkey PRIMARY KEY (seq, read_at)")
    run(
        "ALTER TABLE reads ADD CONSTRAINT uq_reads_camera_read UNIQUE (camera_id, read_id, read_at)"
    )
    run("CREATE INDEX ix_reads_read_id ON reads (read_id)")
    run("CREATE INDEX ix_reads_hit_read_at ON reads (is_hit, read_at)")
    run("CREATE INDEX ix_reads_camera_read_at ON reads (camera_id, read_at)")


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
