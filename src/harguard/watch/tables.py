"""Tables the monitor owns beside the watchlist: status history and alerts.

They live in their own `MetaData` on purpose. The gateway's Alembic migrations own
`watchlist_metadata` (`watchlist`, `watchlist_links`); these tables are only ever *added*
(`ensure_watch_tables`, a `create_all` with `checkfirst`), never altered, so the same code works
on a fresh database, on a gateway database at any migration head, and on PostgreSQL or SQLite.
A column added later gets a new table rather than an ALTER; that keeps the story additive.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["ensure_watch_tables", "watch_alerts_table", "watch_metadata", "watch_status_table"]

watch_metadata = sa.MetaData()

watch_status_table = sa.Table(
    "watch_status",
    watch_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # No foreign key: the watchlist table belongs to another migration history.
    sa.Column("exposure_id", sa.Integer, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(256), nullable=True),
)

watch_alerts_table = sa.Table(
    "watch_alerts",
    watch_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(40), nullable=False, unique=True),
    sa.Column("rule", sa.String(64), nullable=False, index=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("time", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("tenant", sa.String(128), nullable=True, index=True),
    sa.Column("case_ref", sa.String(128), nullable=True, index=True),
    sa.Column("exposure_id", sa.Integer, nullable=True, index=True),
    sa.Column("payload", sa.JSON, nullable=False),
)


def ensure_watch_tables(engine: sa.Engine) -> None:
    """Create whichever watch tables are missing (idempotent, additive only)."""
    watch_metadata.create_all(engine, checkfirst=True)
