"""What can go wrong with a safenet database, so callers can tell it apart.

::

    StoreError                 any database-layer failure safenet itself detects
    ├── UnsupportedDatabase    the URL names a database safenet does not run on
    └── WrongSide              a center's database migrated as the police's, or back
"""

from __future__ import annotations


class StoreError(Exception):
    """A database-layer failure that safenet detected itself (not a driver error)."""


class UnsupportedDatabase(StoreError):
    """The database URL names a backend other than SQLite or PostgreSQL."""


class WrongSide(StoreError):
    """A database already holds the other side's schema (center vs police)."""
