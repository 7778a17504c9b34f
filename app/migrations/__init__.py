"""Alembic migrations of the registry schema (run through app.db.upgrade)."""
