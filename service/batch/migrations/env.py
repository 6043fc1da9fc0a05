"""Alembic environment: migrations always run on the connection service.batch.database hands in (inside its
transaction and migration lock), never on a URL of their own, and never offline."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through service.batch.database.upgrade (docgen db upgrade)")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
