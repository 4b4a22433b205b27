"""Times keep their instant through the database, whatever offset they were written with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa

from safenet.store import UtcDateTime, open_database

KST = timezone(timedelta(hours=9))

_meta = sa.MetaData()
_events = sa.Table(
    "utc_time_probe",
    _meta,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=True),
)


def test_a_seoul_time_reads_back_as_the_same_instant_in_utc(db_url: str) -> None:
    db = open_database(db_url)
    try:
        _meta.create_all(db.engine)
        seoul = datetime(2026, 3, 2, 12, 0, tzinfo=KST)
        with db.begin() as conn:
            conn.execute(_events.insert().values(id=1, at=seoul))
            conn.execute(_events.insert().values(id=2, at=None))
        with db.read() as conn:
            got = conn.execute(sa.select(_events.c.at).where(_events.c.id == 1)).scalar_one()
            # The comparison parameter is converted too: 03:00 UTC is the same instant.
            later = conn.execute(
                sa.select(sa.func.count())
                .select_from(_events)
                .where(_events.c.at > datetime(2026, 3, 2, 2, 59, tzinfo=UTC))
            ).scalar_one()
            missing = conn.execute(sa.select(_events.c.at).where(_events.c.id == 2)).scalar_one()
        assert got == seoul
        assert got.utcoffset() == timedelta(0)
        assert later == 1
        assert missing is None
    finally:
        _meta.drop_all(db.engine)
        db.dispose()
