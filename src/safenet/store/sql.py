"""Small SQL helpers every service needs on both SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
