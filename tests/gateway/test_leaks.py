"""Upload files full of planted secrets, then search everything the gateway keeps or says.

Searched for every spelling of every planted value (tests/leaks.py): every row of every table,
every file under the data folder (and every blob decrypted, through decoded views), every log
line, and every API response and web page, including the error answers to bad uploads.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from harguard.gateway import create_app
from harguard.gateway.runtime import Gateway
from tests.gateway.builders import GITHUB_TOKEN, zip_of
from tests.gateway.conftest import PASSWORD, TestClient, fresh_database_url, gateway_settings, make_world
from tests.leaks import assert_no_leak, assert_no_leak_deep, find_leaks
from tests.planted import PLANTS, make_jwt

LOG_JWT, _ = make_jwt(
    seed="gw-log", sub="dummy-sub-77", email="dummy.log@example.com", name="Dummy Logger", jti="dummy-jti-77"
)


def _planted() -> tuple[dict[str, Any], dict[str, str]]:
    har = PLANTS[0].har()
    for plant in PLANTS[1:]:
        plant.build(har)
    planted = {pid: v for p in PLANTS for pid, v in p.planted().items()}
    planted.update({"log.github": GITHUB_TOKEN, "log.jwt": LOG_JWT})
    return har, planted


class Recorder:
    """Calls the API and keeps every response body for the search."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.bodies: list[tuple[str, bytes]] = []

    def __call__(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.client.request(method, url, **kwargs)
        self.bodies.append((f"{method} {url.split('?')[0]} -> {response.status_code}", response.content))
        for name, value in response.headers.items():
            self.bodies.append((f"{method} {url} header {name}", value.encode()))
        return response


@pytest.fixture(scope="module")
def leak_app(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[Any, Gateway, Path]]:
    """A gateway of its own (fresh database and data folder): the search covers exactly this test."""
    root = tmp_path_factory.mktemp(f"leaks-{backend}")
    url = fresh_database_url(backend, root, request)
    app = create_app(gateway_settings(root / "data", url))
    with TestClient(app, base_url="https://testserver") as client:
        yield client, app.state.gateway, root


def test_no_planted_value_is_stored_logged_or_answered(
    leak_app: tuple[Any, Gateway, Path], gateway_logs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    app_client, gw, gateway_dir = leak_app
    har, planted = _planted()
    world = make_world(gw, password_for=("admin",))
    call = Recorder(app_client)
    customer, admin = world["customer_a"], world["admin"]
    raw = json.dumps(har, indent=1).encode()  # every plant: sanitizing it takes a few seconds, so once
    small_har = PLANTS[0].har()
    for plant in PLANTS[1:6]:
        plant.build(small_har)
    small = json.dumps(small_har).encode()
    log_text = (
        f"2024-05-14T10:00:00Z INFO auth ok token={GITHUB_TOKEN}\n"
        f"2024-05-14T10:00:01Z DEBUG header Authorization: Bearer {LOG_JWT}\n"
    ).encode()

    case = call(
        "POST",
        "/api/v1/cases",
        headers=customer.auth,
        json={"org": world.orgs["a"], "title": f"token {GITHUB_TOKEN} leaked"},
    ).json()
    url = f"/api/v1/cases/{case['id']}/files"
    files = [
        ("file", ("capture.har", raw, "")),
        ("file", ("capture.har.gz", gzip.compress(small), "")),
        ("file", ("bundle.zip", zip_of({"inner.har": small}), "")),
        ("file", ("named.zip", zip_of({f"{GITHUB_TOKEN}.har": small, f"logs/{GITHUB_TOKEN}.log": log_text}), "")),
        ("file", ("app.log", log_text, "text/plain")),
        ("file", (f"{GITHUB_TOKEN}.har", small, "")),
    ]
    accepted = call("POST", url, headers=customer.auth, files=files)
    assert accepted.status_code == 201, accepted.json()
    cut = small[: small.index(b"dummyOpaqueBearer") + 20]
    for name, data in (
        ("cut.har", cut),
        (f"{GITHUB_TOKEN}-cut.har", cut),
        ("nothar.har", json.dumps({"token": GITHUB_TOKEN}).encode()),
    ):
        refused = call("POST", url, headers=customer.auth, files=[("file", (name, data, ""))])
        assert refused.status_code in (400, 422)
    call(
        "POST",
        f"{url}?filename={GITHUB_TOKEN}.bin",
        headers={**customer.auth, "Content-Type": "image/png"},
        content=b"\x89PNG",
    )

    file_ids = [f["id"] for f in accepted.json()["files"]]
    for file_id in file_ids:
        for suffix in ("", "/findings?limit=5000", "/content", "/report?format=json", "/report?format=sarif"):
            assert call("GET", f"/api/v1/files/{file_id}{suffix}", headers=admin.auth).status_code == 200
    for path in (
        "/api/v1/files",
        "/api/v1/cases",
        f"/api/v1/cases/{case['id']}/files",
        f"/api/v1/cases/{case['id']}/report?format=sarif",
        "/api/v1/audit/events?limit=1000",
        "/api/v1/audit/alerts",
        "/api/v1/auth/me",
        "/api/v1/orgs",
        "/metrics",
        "/readyz",
    ):
        assert call("GET", path, headers=admin.auth).status_code == 200
    login = call("POST", "/api/v1/auth/login", json={"username": admin.username, "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    for page in ("/", f"/cases/{case['id']}", *(f"/files/{i}" for i in file_ids), "/admin/audit"):
        assert call("GET", page).status_code == 200
    call("POST", "/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})

    assert_none_leaked(call.bodies, planted)
    _assert_database_clean(gw, planted)
    _assert_data_folder_clean(gw, gateway_dir, planted, file_ids)
    assert_no_leak("\n".join(gateway_logs), planted, "gateway log")
    assert_no_leak(caplog.text, planted, "captured log")


def assert_none_leaked(items: list[tuple[str, bytes]], planted: dict[str, str]) -> None:
    """One search over everything (spellings are costly to build), then per item to say where."""
    __tracebackhide__ = True
    if not find_leaks(b"\n\0\n".join(data for _, data in items), planted):
        return
    for where, data in items:
        assert_no_leak(data, planted, where)


def _assert_database_clean(gw: Gateway, planted: dict[str, str]) -> None:
    items = []
    with gw.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            items.append((f"table {table}", "\n".join(repr(tuple(r)) for r in rows).encode()))
    assert_none_leaked(items, planted)


def _assert_data_folder_clean(gw: Gateway, data_dir: Path, planted: dict[str, str], file_ids: list[str]) -> None:
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    assert_none_leaked([(f"data folder {p.relative_to(data_dir)}", p.read_bytes()) for p in files], planted)
    with gw.sessions() as session:
        from harguard.gateway.tables import StoredFile

        blobs = session.scalars(sa.select(StoredFile.blob_id).where(StoredFile.id.in_(file_ids))).all()
    for blob_id in blobs:
        assert_no_leak_deep(gw.blobs.read(blob_id), planted, f"decrypted blob {blob_id}")
