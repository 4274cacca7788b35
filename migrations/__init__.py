"""Alembic migrations (every table comes with one)."""
