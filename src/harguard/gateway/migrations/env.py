"""Alembic environment: runs on the connection `gateway.db.migrate` hands over.

There is no alembic.ini and no URL here: the gateway reads its settings once and passes a live
connection in `config.attributes`, so migrations use exactly the database the app uses.
"""

from __future__ import annotations

from alembic import context

from harguard.gateway.db import target_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic command line
    raise RuntimeError("run migrations through `harguard admin migrate`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
