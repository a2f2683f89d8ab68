"""Persistence: SQLAlchemy 2 tables, Alembic migrations, repositories (they flush; callers commit)."""
