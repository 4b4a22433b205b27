"""Small SQL helpers every service needs on both SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_if_absent(
    conn: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """Insert a row unless one with the same unique key exists; True when it was inserted.

    Uses ``INSERT … ON CONFLICT DO NOTHING`` so a duplicate neither raises nor aborts
    the surrounding transaction (PostgreSQL would abort it on an IntegrityError).
    """
    name = conn.dialect.name
    stmt: Any
    if name == "postgresql":
        stmt = postgresql.insert(table).values(**values)
    elif name == "sqlite":
        stmt = sqlite.insert(table).values(**values)
    else:  # pragma: no cover - open_database refuses other backends
        raise NotImplementedError(f"insert_if_absent: dialect {name!r}")
    # RETURNING rather than rowcount: drivers disagree on rowcount for ON CONFLICT.
    stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict_columns)).returning(
        sa.literal_column("1")
    )
    return conn.execute(stmt).first() is not None


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A moment in time, stored as UTC and read back tz-aware on SQLite and PostgreSQL alike.

    SQLite keeps no offset: a plain ``DateTime(timezone=True)`` writes a ``+09:00`` time
    as its Seoul wall-clock digits and reads them back as UTC, nine hours off. This type
    converts to UTC before writing (comparison parameters too) and marks what it reads as
    UTC. The schema is the plain column's, so migrations do not change.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value  # naive times are UTC by this project's convention
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
