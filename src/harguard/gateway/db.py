"""The database: one engine per app, and Alembic migrations run from the package.

SQLite (the embedded default) gets WAL, foreign keys and a busy timeout, so the periodic purge
and uploads can write from different threads; PostgreSQL needs nothing special. Migrations live
in `gateway/migrations/` and cover the gateway's tables and the watchlist's
(`harguard.watch.watchlist.watchlist_metadata` is the source of truth for those).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreError
from ..watch.watchlist import watchlist_metadata
from .tables import Base

__all__ = ["alembic_config", "create_engine", "is_current", "migrate", "session_factory", "target_metadata"]

MIGRATIONS = Path(__file__).parent / "migrations"
target_metadata = [Base.metadata, watchlist_metadata]


def create_engine(url: str) -> sa.Engine:
    """An engine for `url`; a SQLite file's folder is created if missing."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent)."""
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"database migration failed ({type(exc).__name__})") from None


def is_current(engine: sa.Engine) -> bool:
    """True when the database is at the newest migration (readiness)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
