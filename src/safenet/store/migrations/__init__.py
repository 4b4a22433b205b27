"""Numbered Alembic migrations, one chain per side (``center/``, ``police/``); see docs/store.md."""
