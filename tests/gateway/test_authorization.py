"""Every endpoint, every role: who may do what, and other tenants' objects are simply not there.

The matrix lists each API route once with the expected status per caller, for an object of
organisation A. Customers of B and support engineers not assigned to A must get 404 (never 403:
that would confirm the object exists); role-only refusals (admin endpoints) are 403; no
credential is 401. `test_matrix_covers_every_route` fails when a route is added without a row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute

from harguard.gateway.runtime import Gateway
from tests.gateway.builders import har_with_token
from tests.gateway.conftest import World, make_world, upload

ROLES = ("admin", "customer_a", "support_a", "customer_b", "support_none", "anonymous")


class Fixture:
    """A world with one uploaded file per organisation, shared by the module's tests."""

    def __init__(self, client: Any, world: World) -> None:
        self.client = client
        self.world = world
        self.files = {org: self.new_file(org) for org in ("a", "b")}

    def new_file(self, org: str) -> str:
        owner = self.world[f"customer_{org}"]
        response = upload(self.client, owner, self.world.cases[org], [("c.har", har_with_token(), "")])
        assert response.status_code == 201
        return str(response.json()["files"][0]["id"])

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "anonymous" else self.world[role].auth


@pytest.fixture(scope="module")
def fx(app_client: Any) -> Fixture:
    return Fixture(app_client, make_world(app_client.app.state.gateway))


@dataclass
class Row:
    method: str
    route: str
    path: Callable[[Fixture], str]
    expect: dict[str, int]
    body: Callable[[Fixture], Any] | None = None
    upload: bool = False


def _as(
    ok: int,
    *,
    admin: int | None = None,
    customer_a: int | None = None,
    support_a: int | None = None,
    others: int = 404,
) -> dict[str, int]:
    """Statuses for an object of org A: A's people get `ok`, everyone else `others`."""
    return {
        "admin": admin or ok,
        "customer_a": customer_a or ok,
        "support_a": support_a or ok,
        "customer_b": others,
        "support_none": others,
        "anonymous": 401,
    }


def _admin_only(ok: int) -> dict[str, int]:
    return {
        "admin": ok,
        "customer_a": 403,
        "support_a": 403,
        "customer_b": 403,
        "support_none": 403,
        "anonymous": 401,
    }


def _everyone(ok: int) -> dict[str, int]:
    return {role: (401 if role == "anonymous" else ok) for role in ROLES}


def _slug(fx: Fixture) -> str:
    return fx.world.orgs["a"]


MATRIX = [
    Row("GET", "/api/v1/auth/me", lambda fx: "/api/v1/auth/me", _everyone(200)),
    Row("GET", "/api/v1/orgs", lambda fx: "/api/v1/orgs", _everyone(200)),
    Row(
        "POST",
        "/api/v1/orgs",
        lambda fx: "/api/v1/orgs",
        _admin_only(201),
        body=lambda fx: {"slug": f"n-{secrets.token_hex(4)}", "name": "New"},
    ),
    Row("GET", "/api/v1/orgs/{org}", lambda fx: f"/api/v1/orgs/{_slug(fx)}", _as(200)),
    Row(
        "PATCH",
        "/api/v1/orgs/{org}",
        lambda fx: f"/api/v1/orgs/{_slug(fx)}",
        _admin_only(200),
        body=lambda fx: {"name": "Org A"},
    ),
    Row("GET", "/api/v1/cases", lambda fx: "/api/v1/cases", _everyone(200)),
    Row(
        "POST",
        "/api/v1/cases",
        lambda fx: "/api/v1/cases",
        _as(201),
        body=lambda fx: {"org": _slug(fx), "title": "new case"},
    ),
    Row("GET", "/api/v1/cases/{case_id}", lambda fx: f"/api/v1/cases/{fx.world.cases['a']}", _as(200)),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/report",
        lambda fx: f"/api/v1/cases/{fx.world.cases['a']}/report",
        _as(200),
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/files",
        lambda fx: f"/api/v1/cases/{fx.world.cases['a']}/files",
        _as(200),
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/files",
        lambda fx: f"/api/v1/cases/{fx.world.cases['a']}/files",
        _as(201),
        upload=True,
    ),
    Row("GET", "/api/v1/files", lambda fx: "/api/v1/files", _everyone(200)),
    Row("GET", "/api/v1/files/{file_id}", lambda fx: f"/api/v1/files/{fx.files['a']}", _as(200)),
    Row(
        "GET",
        "/api/v1/files/{file_id}/findings",
        lambda fx: f"/api/v1/files/{fx.files['a']}/findings",
        _as(200),
    ),
    Row(
        "GET",
        "/api/v1/files/{file_id}/content",
        lambda fx: f"/api/v1/files/{fx.files['a']}/content",
        _as(200),
    ),
    Row("GET", "/api/v1/files/{file_id}/report", lambda fx: f"/api/v1/files/{fx.files['a']}/report", _as(200)),
    Row(
        "DELETE",
        "/api/v1/files/{file_id}",
        lambda fx: f"/api/v1/files/{fx.new_file('a')}",
        _as(204, support_a=403),
    ),
    Row("GET", "/api/v1/findings", lambda fx: "/api/v1/findings?fingerprint=" + "0" * 64, _everyone(200)),
    Row("GET", "/api/v1/users", lambda fx: "/api/v1/users", _admin_only(200)),
    Row(
        "POST",
        "/api/v1/users",
        lambda fx: "/api/v1/users",
        _admin_only(201),
        body=lambda fx: {"username": f"u-{secrets.token_hex(4)}", "role": "support"},
    ),
    Row(
        "GET",
        "/api/v1/users/{user}",
        lambda fx: f"/api/v1/users/{fx.world['customer_a'].id}",
        {**_admin_only(200), "customer_a": 200, "support_a": 404, "customer_b": 404, "support_none": 404},
    ),
    Row(
        "PATCH",
        "/api/v1/users/{user}",
        lambda fx: f"/api/v1/users/{fx.world['support_none'].id}",
        _admin_only(200),
        body=lambda fx: {"active": True},
    ),
    Row(
        "POST",
        "/api/v1/users/{user}/tokens",
        lambda fx: f"/api/v1/users/{fx.world['customer_a'].id}/tokens",
        _admin_only(201),
        body=lambda fx: {"name": "x"},
    ),
    Row("GET", "/api/v1/tokens", lambda fx: "/api/v1/tokens", _everyone(200)),
    Row("POST", "/api/v1/tokens", lambda fx: "/api/v1/tokens", _everyone(201), body=lambda fx: {"name": "x"}),
    Row(
        "DELETE",
        "/api/v1/tokens/{token_id}",
        lambda fx: f"/api/v1/tokens/{_spare_token(fx)}",
        {**_admin_only(200), "customer_a": 200, "support_a": 404, "customer_b": 404, "support_none": 404},
    ),
    Row("GET", "/api/v1/audit/events", lambda fx: "/api/v1/audit/events", _admin_only(200)),
    Row("GET", "/api/v1/audit/alerts", lambda fx: "/api/v1/audit/alerts", _admin_only(200)),
    Row("POST", "/api/v1/admin/purge", lambda fx: "/api/v1/admin/purge?dry_run=true", _admin_only(200)),
    Row("POST", "/api/v1/auth/logout", lambda fx: "/api/v1/auth/logout", _everyone(204)),
]
UNAUTHENTICATED = {("POST", "/api/v1/auth/login")}  # the one API route without a caller


def _spare_token(fx: Fixture) -> str:
    """A fresh token of customer A (so revoking it breaks nothing else)."""
    from harguard.gateway.bootstrap import cli_identity
    from harguard.gateway.store import Store

    gw: Gateway = fx.client.app.state.gateway
    with gw.sessions.begin() as session:
        token, _ = Store(session, cli_identity("tests")).create_token(
            user_ref=fx.world["customer_a"].id, name="spare", expires_days=None
        )
    return token.id


def _call(fx: Fixture, row: Row, role: str) -> int:
    headers = fx.headers(role)
    path = row.path(fx)
    if row.upload:
        response = fx.client.post(path, headers=headers, files={"file": ("x.har", har_with_token(), "")})
    else:
        response = fx.client.request(row.method, path, headers=headers, json=row.body(fx) if row.body else None)
    return int(response.status_code)


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.route}")
def test_every_role_on_every_endpoint(row: Row, fx: Fixture) -> None:
    wrong = {}
    for role in ROLES:
        got = _call(fx, row, role)
        if got != row.expect[role]:
            wrong[role] = f"got {got}, expected {row.expect[role]}"
    assert not wrong, f"{row.method} {row.route}: {wrong}"


def test_matrix_covers_every_route(fx: Fixture) -> None:
    covered = {(r.method, r.route) for r in MATRIX} | UNAUTHENTICATED
    routes = {
        (method, route.path)
        for route in fx.client.app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
        for method in route.methods
    }
    missing = sorted(routes - covered)
    assert not missing, f"routes without an authorisation row: {missing}"


def test_listings_show_only_visible_tenants(fx: Fixture) -> None:
    a, b = fx.world.org_ids["a"], fx.world.org_ids["b"]
    expectations = {
        "customer_a": ({a}, {b}),
        "customer_b": ({b}, {a}),
        "support_a": ({a}, {b}),
        "support_none": (set(), {a, b}),
        "admin": ({a, b}, set()),
    }
    for role, (must, must_not) in expectations.items():
        h = fx.headers(role)
        orgs = {o["id"] for o in fx.client.get("/api/v1/orgs", headers=h).json()}
        cases = {c["org_id"] for c in fx.client.get("/api/v1/cases", headers=h).json()}
        files = {f["org_id"] for f in fx.client.get("/api/v1/files", headers=h).json()}
        for name, seen in (("orgs", orgs), ("cases", cases), ("files", files)):
            assert must <= seen and not (must_not & seen), f"{role} {name}: wrong tenants listed"


def test_cross_tenant_writes_are_refused_and_change_nothing(fx: Fixture) -> None:
    b = fx.world["customer_b"]
    case_a, file_a = fx.world.cases["a"], fx.files["a"]
    assert (
        fx.client.post("/api/v1/cases", headers=b.auth, json={"org": fx.world.orgs["a"], "title": "x"}).status_code
        == 404
    )
    assert upload(fx.client, b, case_a, [("x.har", har_with_token(), "")]).status_code == 404
    assert fx.client.delete(f"/api/v1/files/{file_a}", headers=b.auth).status_code == 404
    assert fx.client.get(f"/api/v1/files/{file_a}", headers=fx.headers("customer_a")).status_code == 200


@pytest.mark.parametrize("role", ["admin", "customer_a", "support_a"])
def test_guessed_ids_are_404(role: str, fx: Fixture) -> None:
    guess = secrets.token_hex(16)
    for path in (
        f"/api/v1/files/{guess}",
        f"/api/v1/files/{guess}/content",
        f"/api/v1/cases/{guess}",
        f"/api/v1/cases/{guess}/files",
        f"/api/v1/orgs/{guess}",
        "/api/v1/files/1",
        "/api/v1/files/../../etc/passwd",
    ):
        response = fx.client.get(path, headers=fx.headers(role))
        assert response.status_code == 404, f"{path}: {response.status_code}"
    assert fx.client.delete(f"/api/v1/tokens/{guess}", headers=fx.headers(role)).status_code == 404


def test_not_found_and_forbidden_objects_look_the_same(fx: Fixture) -> None:
    h = fx.headers("customer_b")
    other = fx.client.get(f"/api/v1/files/{fx.files['a']}", headers=h)
    missing = fx.client.get(f"/api/v1/files/{secrets.token_hex(16)}", headers=h)
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_bad_revoked_expired_and_disabled_credentials(fx: Fixture) -> None:
    client = fx.client
    for header in ("Bearer hgt_not-a-real-token", "Basic YWRtaW46YWRtaW4=", "Bearer ", "hgt_x"):
        assert client.get("/api/v1/auth/me", headers={"Authorization": header}).status_code == 401
    token = client.post("/api/v1/tokens", headers=fx.headers("customer_a"), json={"name": "t"}).json()
    mine = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/auth/me", headers=mine).status_code == 200
    client.delete(f"/api/v1/tokens/{token['id']}", headers=fx.headers("customer_a"))
    assert client.get("/api/v1/auth/me", headers=mine).status_code == 401

    from datetime import timedelta

    import sqlalchemy as sa

    from harguard.gateway.tables import ApiToken, utcnow

    gw: Gateway = client.app.state.gateway
    token = client.post(
        "/api/v1/tokens", headers=fx.headers("customer_a"), json={"name": "t", "expires_days": 1}
    ).json()
    with gw.sessions.begin() as session:
        session.execute(
            sa.update(ApiToken).where(ApiToken.id == token["id"]).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token['token']}"}).status_code == 401

    world = make_world(gw)
    person = world["customer_a"]
    assert client.get("/api/v1/auth/me", headers=person.auth).status_code == 200
    assert (
        client.patch(f"/api/v1/users/{person.id}", headers=world["admin"].auth, json={"active": False}).status_code
        == 200
    )
    assert client.get("/api/v1/auth/me", headers=person.auth).status_code == 401


def test_token_listing_shows_no_secret_and_only_own_tokens(fx: Fixture) -> None:
    mine = fx.client.get("/api/v1/tokens", headers=fx.headers("customer_b")).json()
    assert mine and {t["user_id"] for t in mine} == {fx.world["customer_b"].id}
    assert all("token" not in t and "token_hash" not in t for t in mine)
