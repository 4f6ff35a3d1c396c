"""Fixtures for the watch tests: one key, one Sanitizer per worker, a database per test.

`db_url` is a SQLite file by default; tests marked `postgres` also run it on the local
PostgreSQL in a database unique to this worker (`harguard_watch_<random>`, dropped at the end).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from harguard import Sanitizer
from harguard.watch.guard import OutboundGuard
from harguard.watch.watchlist import Watchlist
from tests.harness import KEY
from tests.postgres import temporary_database


@pytest.fixture(scope="session")
def sanitizer() -> Sanitizer:
    return Sanitizer(key=KEY)


@pytest.fixture
def guard(sanitizer: Sanitizer) -> OutboundGuard:
    return OutboundGuard(sanitizer)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL database for this worker's session, dropped at the end."""
    with temporary_database("harguard_watch") as url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh schema in the worker's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'watch.db'}"
        return
    base: str = request.getfixturevalue("pg_server")
    schema = f"s_{secrets.token_hex(6)}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    yield f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watch.db'}"


@pytest.fixture
def watchlist(sqlite_url: str) -> Watchlist:
    return Watchlist(sqlite_url)
