"""Audit fixtures: one generated store per test session (copied for tests that change it), one
scan of it, and a uniquely named PostgreSQL database per xdist worker (dropped at the end).

Tests use the pure-Python matching engine: it compiles in a tenth of a second where hyperscan
takes seconds, and every spawned worker compiles its own; the engines give the same results
(tests/rules), and `test_audit_e2e.py` runs one audit on the default engine.
"""

from __future__ import annotations

import dataclasses
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from harguard.audit import AuditConfig, AuditOptions, AuditRun
from harguard.audit.run import AuditTotals
from tests.audit.storegen import KEY, Store, build_store
from tests.postgres import temporary_database

CONFIG = AuditConfig(key=KEY, engine="python")
TENANTS = r"^(?P<tenant>[^/]+)/(?P<case>CASE-\d+)/"


@dataclass(frozen=True)
class Scanned:
    store: Store
    db_url: str
    totals: AuditTotals


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The generated store; tests that change files use `store` (a copy) instead."""
    return build_store(tmp_path_factory.mktemp("pristine") / "store")


@pytest.fixture
def store(pristine: Store, tmp_path: Path) -> Store:
    """A private copy of the store (times kept), for tests that fix or modify files."""
    root = tmp_path / "store"
    shutil.copytree(pristine.root, root, symlinks=True)
    (root / "acme/link.png").unlink()
    (root / "acme/link.png").symlink_to(root / "acme/CASE-101/screenshot.png")
    return dataclasses.replace(pristine, root=root)


@pytest.fixture(scope="session")
def scanned(pristine: Store, tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    """One scan (no fix) of the pristine store, in this process, into a SQLite inventory."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('scanned') / 'inventory.db'}"
    options = AuditOptions(roots=[str(pristine.root)], db_url=db_url, workers=1, tenant_pattern=TENANTS)
    return Scanned(pristine, db_url, AuditRun(options, CONFIG).execute())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A fresh database on the local PostgreSQL for this worker's session; dropped at the end."""
    with temporary_database("harguard_audit") as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """An empty schema in the session's database, so every test starts from nothing."""
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{pg_server}?options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inventory.db'}"
    return str(request.getfixturevalue("pg_url"))
