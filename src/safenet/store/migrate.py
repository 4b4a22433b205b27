"""Bring a site's database schema to the current version, one migration chain per side.

A center's database and the police's database have different tables, so each side
has its own numbered chain of Alembic migrations under
``safenet/store/migrations/<side>/``. :func:`migrate` applies the missing ones inside
one transaction; running it again does nothing. Alembic is driven from here, so no
``alembic.ini`` is needed. Each side records its version in its own table
(``safenet_schema_center`` / ``safenet_schema_police``), which also lets us refuse to
put one side's schema into the other side's database.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Literal, get_args

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from safenet.store.database import Database
from safenet.store.errors import WrongSide

log = logging.getLogger(__name__)

Side = Literal["center", "police"]
SIDES: tuple[Side, ...] = get_args(Side)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Arbitrary constant: serializes concurrent migrate() calls on one PostgreSQL database.
_PG_LOCK_KEY = 0x5AFE_0001


def version_table(side: Side) -> str:
    """The table holding the side's schema version."""
    return f"safenet_schema_{side}"


def _check_side(side: str) -> Side:
    if side not in SIDES:
        raise ValueError(f"side: {side!r} is not one of {', '.join(SIDES)}")
    return side


def script_directory(side: Side) -> ScriptDirectory:
    """The side's migration chain, read from the package."""
    return ScriptDirectory(
        str(MIGRATIONS_DIR),
        version_locations=[str(MIGRATIONS_DIR / _check_side(side))],
    )


def head_revision(side: Side) -> str:
    """The newest migration of the side's chain."""
    head = script_directory(side).get_current_head()
    if head is None:
        raise RuntimeError(f"migrations/{side}: the chain is empty")
    return head


def current_revision(db: Database, side: Side) -> str | None:
    """The side's schema version recorded in the database, or None when never migrated."""
    with db.read() as conn:
        return _current(conn, side)


def _current(conn: Connection, side: Side) -> str | None:
    context = MigrationContext.configure(conn, opts={"version_table": version_table(side)})
    return context.get_current_revision()


def migrate(db: Database, side: Side, *, to: str = "head") -> str:
    """Apply the side's missing migrations in one transaction; return the revision reached.

    ``to`` stops at an earlier revision (a migration's own test starts from the schema
    before it).

    Idempotent and safe to call at every start-up; concurrent callers on PostgreSQL
    wait for each other. Raises :class:`WrongSide` when the database already holds the
    other side's schema.
    """
    side = _check_side(side)
    other = next(s for s in SIDES if s != side)
    script = script_directory(side)
    config = Config()
    with db.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        if sa.inspect(conn).has_table(version_table(other)):
            raise WrongSide(
                f"database {db.engine.url.render_as_string()}: it already holds the {other}'s "
                f"schema ({version_table(other)}); a {side} needs a database of its own"
            )
        before = _current(conn, side)

        def upgrade(rev: Any, _context: Any) -> Any:
            return script._upgrade_revs(to, rev)

        with EnvironmentContext(config, script, fn=upgrade, destination_rev=to) as env:
            env.configure(
                connection=conn,
                version_table=version_table(side),
                transactional_ddl=True,
                render_as_batch=db.dialect == "sqlite",
            )
            env.run_migrations()
        after = _current(conn, side)
    if before != after:
        log.info("store: %s schema migrated %s -> %s", side, before or "empty", after)
    if after is None:
        raise RuntimeError(f"migrations/{side}: nothing was applied")
    return after


_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

_TEMPLATE = '''"""{title}"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{side}_{number:04d}"
down_revision = {down!r}


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
'''


def new_migration(side: Side, slug: str, title: str) -> Path:
    """Write the next numbered, empty migration file of the side's chain and return it."""
    side = _check_side(side)
    if not _SLUG.match(slug):
        raise ValueError(f"slug: {slug!r} must be lower-case letters, digits and _")
    folder = MIGRATIONS_DIR / side
    numbers = [int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py")]
    number = max(numbers, default=0) + 1
    down = head_revision(side) if numbers else None
    path = folder / f"{number:04d}_{slug}.py"
    path.write_text(_TEMPLATE.format(title=title, side=side, number=number, down=down))
    return path
