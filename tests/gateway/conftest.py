"""Gateway fixtures: one app per database backend per test session, tenants per test.

The database fixture is parametrised over SQLite (a file in tmp) and the local PostgreSQL
(127.0.0.1:5432, user postgres, trust auth). Each xdist worker creates its own uniquely named
PostgreSQL database (`harguard_gw_<random>`) and drops it at the end, so parallel runs never share
tables. Each test makes its own organisations with random slugs (`world`), so tests sharing an
app never see each other's data; that is itself what tenant scoping must guarantee.
"""

from __future__ import annotations

import logging
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from harguard.gateway import create_app, load_settings
from harguard.gateway.bootstrap import cli_identity
from harguard.gateway.runtime import Gateway
from harguard.gateway.settings import GatewaySettings
from harguard.gateway.store import Store
from tests.postgres import temporary_database

with warnings.catch_warnings():  # starlette warns at import when it finds httpx rather than httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MiB = 2**20
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this worker's session; dropped at the end."""
    with temporary_database("harguard_gw") as url:
        yield url


def fresh_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new empty database (for migration tests): a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    base: str = request.getfixturevalue("pg_database")
    schema = f"s_{secrets.token_hex(6)}"
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def gateway_settings(data_dir: Path, database_url: str | None = None, **extra: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "purge_interval_seconds": 0,
        "sanitizer_workers": 1,
        "max_upload_bytes": 4 * MiB,
        "max_expanded_bytes": 16 * MiB,
        "alert_org_threshold": 3,
        "alert_download_threshold": 1000,
        **extra,
    }
    return load_settings(**values)


@pytest.fixture(scope="session")
def gateway_dir(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Path:
    return tmp_path_factory.mktemp(f"gw-{backend}")


@pytest.fixture(scope="session")
def app_client(backend: str, gateway_dir: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The app for this backend, shared by the session's tests (each test has its own tenants)."""
    url = None if backend == "sqlite" else request.getfixturevalue("pg_database")
    app = create_app(gateway_settings(gateway_dir, url))
    with TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    app_client.cookies.clear()
    return app_client


@pytest.fixture
def gw(app_client: TestClient) -> Gateway:
    gateway: Gateway = app_client.app.state.gateway  # type: ignore[attr-defined]
    return gateway


@dataclass
class Person:
    username: str
    role: str
    token: str
    id: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """Two customer organisations (a, b) with a case each, and people of every role."""

    gw: Gateway
    orgs: dict[str, str] = field(default_factory=dict)  # name -> slug
    org_ids: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # org name -> case id
    people: dict[str, Person] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Person:
        return self.people[name]


def make_world(gw: Gateway, *, password_for: tuple[str, ...] = ()) -> World:
    """admin, customer_a, customer_b, support_a (assigned to a), support_none (unassigned)."""
    world = World(gw=gw)
    tag = secrets.token_hex(4)
    with gw.sessions.begin() as session:
        store = Store(session, cli_identity("tests"))
        for name in ("a", "b"):
            org = store.create_org(slug=f"{name}-{tag}", name=f"Org {name.upper()}", retention_days=None)
            world.orgs[name], world.org_ids[name] = org.slug, org.id
            world.cases[name] = store.create_case(org_ref=org.id, title=f"case of {name}", ref=None).id
        specs = [("admin", "admin", None), ("customer_a", "customer", "a"), ("customer_b", "customer", "b"),
                 ("support_a", "support", None), ("support_none", "support", None)]  # fmt: skip
        for key, role, org_name in specs:
            user = store.create_user(
                username=f"{key}-{tag}",
                role=role,  # type: ignore[arg-type]
                org_ref=world.org_ids[org_name] if org_name else None,
                password=PASSWORD if key in password_for else None,
            )
            _, token = store.create_token(user_ref=user.id, name="tests", expires_days=None)
            world.people[key] = Person(user.username, role, token, user.id)
        store.assign(world.people["support_a"].id, [world.org_ids["a"]])
    return world


@pytest.fixture
def world(gw: Gateway) -> World:
    return make_world(gw)


def upload(client: TestClient, person: Person, case_id: str, files: list[tuple[str, bytes, str]]) -> Any:
    """POST files as multipart, like the web page and `curl -F` do."""
    return client.post(
        f"/api/v1/cases/{case_id}/files",
        headers=person.auth,
        files=[("file", (name, data, ctype)) for name, data, ctype in files],
    )


def stored_counts(gw: Gateway, case_id: str) -> dict[str, int]:
    """Rows and blobs that exist for a case: what 'nothing stored' is checked against."""
    from harguard.gateway.tables import FindingRow, StoredFile
    from harguard.watch.watchlist import watchlist_table

    with gw.engine.connect() as conn:
        files = conn.scalar(sa.select(sa.func.count()).select_from(StoredFile).where(StoredFile.case_id == case_id))
        findings = conn.scalar(
            sa.select(sa.func.count())
            .select_from(FindingRow)
            .join(StoredFile, StoredFile.id == FindingRow.file_id)
            .where(StoredFile.case_id == case_id)
        )
        watch = conn.scalar(
            sa.select(sa.func.count()).select_from(watchlist_table).where(watchlist_table.c.case_ref == case_id)
        )
    blobs = sum(1 for _ in gw.blobs.root.glob("??/*"))
    return {
        "files": int(files or 0),
        "findings": int(findings or 0),
        "watchlist": int(watch or 0),
        "blobs": blobs,
    }


@pytest.fixture
def gateway_logs() -> Iterator[list[str]]:
    """Every log line the gateway emits during the test, formatted (for the leak search)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    logger = logging.getLogger("harguard")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)
