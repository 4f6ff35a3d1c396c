"""The local PostgreSQL for tests: one throwaway database per worker session.

Gateway, audit and watch tests run against SQLite and against this real server (127.0.0.1:5432,
trust auth). Each worker gets a database of its own, so `pytest -n 2` workers never meet, and the
database is dropped with `FORCE` at the end even if a test left a connection open.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

__all__ = ["PG_ADMIN", "temporary_database"]

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """A fresh database named `<prefix>_<random>`; yields its URL (`postgresql://…`)."""
    if not _available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
