"""Alembic environment: runs on the connection that certprep hands it."""

from __future__ import annotations

from alembic import context

from certprep.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - certprep always passes its connection
    raise RuntimeError("run migrations through certprep.storage.database.migrate")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
