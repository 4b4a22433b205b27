"""Each site's own database: engine, transactions and numbered schema migrations.

Every service (a center, the police) keeps its facts in its own database — SQLite by
default, PostgreSQL in production — and never shares it with the other side::

    from safenet.store import open_database, migrate

    db = open_database("sqlite:///var/seocho.db")   # or postgresql+psycopg://…
    migrate(db, "center")                            # idempotent, at every start-up
    with db.begin() as conn:                         # one write transaction
        conn.execute(...)
    with db.read() as conn:                          # a read that takes no write lock
        conn.execute(...)

Schema changes are numbered Alembic migrations per side under
``safenet/store/migrations/<side>/`` (see docs/store.md for how to add one).
"""

from __future__ import annotations

from safenet.store.database import Database, after_commit, open_database
from safenet.store.errors import StoreError, UnsupportedDatabase, WrongSide
from safenet.store.migrate import (
    SIDES,
    Side,
    current_revision,
    head_revision,
    migrate,
    new_migration,
    version_table,
)
from safenet.store.sql import UtcDateTime, insert_if_absent

__all__ = [
    "SIDES",
    "Database",
    "Side",
    "StoreError",
    "UnsupportedDatabase",
    "UtcDateTime",
    "WrongSide",
    "after_commit",
    "current_revision",
    "head_revision",
    "insert_if_absent",
    "migrate",
    "new_migration",
    "open_database",
    "version_table",
]
