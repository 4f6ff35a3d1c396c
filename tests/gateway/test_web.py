"""The web page over HTTP: login with the double-submit token, cookie flags, CSRF on changes,
security headers, pages for each role, health, readiness and the OpenAPI description."""

from __future__ import annotations

import re
from typing import Any

from harguard.gateway.runtime import Gateway
from tests.gateway.builders import har_with_token
from tests.gateway.conftest import PASSWORD, make_world, upload
from tests.leaks import assert_no_leak


def _login(client: Any, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token, "no login token in the form"
    return client.post(
        "/login",
        data={"login_csrf": token.group(1), "username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )


def test_login_sets_a_hardened_session_cookie(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_a",))
    response = _login(client, world["customer_a"].username)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-harguard_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower(), f"cookie lacks {flag}"
    home = client.get("/")
    assert home.status_code == 200 and "case of a" in home.text and "case of b" not in home.text


def test_login_form_needs_its_token_and_the_right_password(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_a",))
    client.get("/login")
    forged = client.post(
        "/login",
        data={"login_csrf": "forged", "username": world["customer_a"].username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    wrong = _login(client, world["customer_a"].username, "not the password")
    assert wrong.status_code == 401 and "Wrong username" in wrong.text
    assert "set-cookie" not in wrong.headers or "__Host-harguard_session" not in wrong.headers["set-cookie"]


def test_api_token_also_logs_in_for_the_first_admin(client: Any, gw: Gateway) -> None:
    world = make_world(gw)
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"login_csrf": token, "token": world["admin"].token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/admin/audit").status_code == 200


def test_cookie_requests_that_change_something_need_the_csrf_token(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_a",))
    login = client.post("/api/v1/auth/login", json={"username": world["customer_a"].username, "password": PASSWORD})
    assert login.status_code == 200
    csrf = login.json()["csrf_token"]
    body = {"org": world.orgs["a"], "title": "from the browser"}
    assert client.post("/api/v1/cases", json=body).status_code == 403
    assert client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert client.get("/api/v1/cases").status_code == 200  # reads need no token
    nocsrf = client.post(f"/api/v1/cases/{world.cases['a']}/files", files={"file": ("c.har", har_with_token(), "")})
    assert nocsrf.status_code == 403


def test_logged_out_pages_redirect_and_pages_hide_other_tenants(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_b",))
    file_a = upload(client, world["customer_a"], world.cases["a"], [("c.har", har_with_token(), "")]).json()
    response = client.get(f"/files/{file_a['files'][0]['id']}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/files/")
    _login(client, world["customer_b"].username)
    assert client.get(f"/files/{file_a['files'][0]['id']}").status_code == 404
    assert client.get(f"/cases/{world.cases['a']}").status_code == 404
    assert client.get("/admin/audit").status_code == 403


def test_file_page_shows_findings_and_what_was_kept(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_a",))
    stored = upload(client, world["customer_a"], world.cases["a"], [("c.har", har_with_token(), "")]).json()
    _login(client, world["customer_a"].username)
    page = client.get(f"/files/{stored['files'][0]['id']}")
    assert page.status_code == 200
    for text in (
        "bearer-token",
        "session-cookie",
        "api.example.com",
        "Download sanitized file",
        stored["files"][0]["findings"][0]["fingerprint"][:12],
    ):
        assert text in page.text, f"file page lacks {text}"


def test_security_headers_and_no_store(client: Any) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert client.get("/api/v1/openapi.json").headers["cache-control"] == "no-store"


def test_health_readiness_metrics_and_openapi(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "blobs": "ok"}
    metrics = client.get("/metrics").text
    for name in (
        "harguard_gateway_uploads_total",
        "harguard_gateway_upload_bytes_total",
        "harguard_gateway_findings_total",
        "harguard_gateway_rejections_total",
        "harguard_gateway_upload_seconds_bucket",
        "harguard_gateway_request_seconds_bucket",
    ):
        assert name in metrics, f"{name} missing"
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "harguard gateway"
    assert "/api/v1/cases/{case_id}/files" in spec["paths"]
    assert "multipart/form-data" in spec["paths"]["/api/v1/cases/{case_id}/files"]["post"]["requestBody"]["content"]


def test_validation_errors_do_not_echo_input(client: Any, gw: Gateway) -> None:
    world = make_world(gw)
    secret = "ghp_" + "x" * 36
    response = client.post(
        "/api/v1/users",
        headers=world["admin"].auth,
        json={"username": "ok-name", "role": "customer", "password": secret[:5]},
    )
    assert response.status_code == 422
    assert_no_leak(response.text, {"password": secret[:5]}, "422 answer")
    response = client.post("/api/v1/orgs", headers=world["admin"].auth, json={"slug": secret, "name": "x"})
    assert response.status_code == 422
    assert_no_leak(response.text, {"slug": secret}, "422 answer")


def test_validation_errors_do_not_echo_unknown_keys(client: Any, gw: Gateway) -> None:
    world = make_world(gw)
    secret = "ghp_" + "y" * 36
    response = client.post(
        "/api/v1/orgs", headers=world["admin"].auth, json={"slug": "fine", "name": "x", secret: 1, "nested": {}}
    )
    assert response.status_code == 422
    assert_no_leak(response.text, {"key": secret}, "422 answer")
    problems = response.json()["detail"]
    assert {tuple(p["loc"]) for p in problems if p["type"] == "extra_forbidden"} == {
        ("body", "<extra field>"),
    }, problems


def test_password_guessing_is_throttled_per_username(client: Any, gw: Gateway) -> None:
    world = make_world(gw, password_for=("customer_b",))
    name = world["customer_b"].username
    statuses = [
        client.post("/api/v1/auth/login", json={"username": name, "password": f"guess {i}"}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 403
    right = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert right.status_code == 403, "locked for the window, even with the right password"


def test_access_log_and_metrics_use_route_templates(client: Any, gw: Gateway, gateway_logs: list[str]) -> None:
    guess = "f" * 32
    client.get(f"/api/v1/files/{guess}")
    assert any("GET /api/v1/files/{file_id} 401" in line for line in gateway_logs)
    assert not any(guess in line for line in gateway_logs), "an id reached the log"
    assert 'route="/api/v1/files/{file_id}"' in client.get("/metrics").text
