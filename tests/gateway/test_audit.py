"""The access audit log: reads are recorded (who, what, when, from where), refusals too, the
table is append-only in the database, and one account reading many organisations is flagged."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa

from harguard.gateway.runtime import Gateway
from harguard.gateway.tables import AuditEvent
from tests.gateway.builders import har_with_token
from tests.gateway.conftest import World, make_world, upload
from tests.leaks import assert_no_leak


def _events(client, world: World, **params: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/audit/events", headers=world["admin"].auth, params={"limit": "1000", **params})
    assert response.status_code == 200
    return list(response.json())


def test_views_downloads_listings_exports_are_recorded(client, world: World) -> None:
    person = world["support_a"]
    stored = upload(client, world["customer_a"], world.cases["a"], [("c.har", har_with_token(), "")]).json()
    file_id = stored["files"][0]["id"]
    headers = {**person.auth, "User-Agent": "audit-test/1.0"}
    client.get(f"/api/v1/cases/{world.cases['a']}/files", headers=headers)
    client.get(f"/api/v1/files/{file_id}", headers=headers)
    client.get(f"/api/v1/files/{file_id}/content", headers=headers)
    client.get(f"/api/v1/files/{file_id}/report?format=sarif", headers=headers)
    events = _events(client, world, actor=person.username)
    actions = [e["action"] for e in events]
    for action in ("file.list", "file.view", "file.download", "file.export"):
        assert action in actions, f"{action} missing from {actions}"
    download = next(e for e in events if e["action"] == "file.download")
    assert download["object_id"] == file_id and download["org_id"] == world.org_ids["a"]
    assert download["actor_id"] == person.id and download["role"] == "support"
    assert download["user_agent"] == "audit-test/1.0" and download["ip"]
    upload_events = _events(client, world, actor=world["customer_a"].username, action="file.upload")
    assert upload_events and upload_events[0]["outcome"] == "ok"


def test_refused_reads_are_recorded_with_the_id_tried(client, world: World) -> None:
    guess = secrets.token_hex(16)
    client.get(f"/api/v1/files/{guess}", headers=world["customer_b"].auth)
    events = _events(client, world, actor=world["customer_b"].username, action="file.view")
    assert any(e["outcome"] == "not-found" and e["object_id"] == guess for e in events)


def test_failed_login_is_recorded_without_the_name_typed(client, world: World) -> None:
    typed = f"not-a-user-{secrets.token_hex(4)}"
    response = client.post("/api/v1/auth/login", json={"username": typed, "password": "wrong password"})
    assert response.status_code == 401
    events = _events(client, world, action="auth.login")
    denied = [e for e in events if e["outcome"] == "denied"]
    assert denied
    assert_no_leak(str(events), {"typed username": typed}, "audit events")


def test_audit_log_is_append_only_in_the_database(gw: Gateway, world: World) -> None:
    with pytest.raises(sa.exc.DatabaseError):
        with gw.engine.begin() as conn:
            conn.execute(sa.update(AuditEvent).values(actor="someone else"))
    with pytest.raises(sa.exc.DatabaseError):
        with gw.engine.begin() as conn:
            conn.execute(sa.delete(AuditEvent))


def test_one_account_reading_many_organisations_raises_an_alert(client, gw: Gateway) -> None:
    """The threshold is 3 organisations in the test settings (default 5 in 15 minutes)."""
    worlds = [make_world(gw) for _ in range(2)]
    admin = worlds[0]["admin"]
    spy = worlds[0]["support_none"]
    org_ids = [w.org_ids[name] for w in worlds for name in ("a", "b")]
    client.patch(f"/api/v1/users/{spy.id}", headers=admin.auth, json={"orgs": org_ids})
    files = []
    for w in worlds:
        for name in ("a", "b"):
            answer = upload(client, w[f"customer_{name}"], w.cases[name], [("c.har", har_with_token(), "")]).json()
            files.append(answer["files"][0]["id"])
    for file_id in files[:2]:
        client.get(f"/api/v1/files/{file_id}/content", headers=spy.auth)
    assert not [a for a in client.get("/api/v1/audit/alerts", headers=admin.auth).json() if a["actor_id"] == spy.id]
    for file_id in files[2:]:
        client.get(f"/api/v1/files/{file_id}/content", headers=spy.auth)
    alerts = [a for a in client.get("/api/v1/audit/alerts", headers=admin.auth).json() if a["actor_id"] == spy.id]
    assert len(alerts) == 1, "one alert per window, not one per read"
    assert alerts[0]["rule"] == "many-organisations" and alerts[0]["org_count"] >= 3
    assert 'harguard_gateway_audit_alerts_total{rule="many-organisations"}' in client.get("/metrics").text


def test_audit_queries_filter_by_org_and_action_prefix(client, world: World) -> None:
    upload(client, world["customer_a"], world.cases["a"], [("c.har", har_with_token(), "")])
    events = _events(client, world, org=world.org_ids["a"], action="file.")
    assert events and all(e["org_id"] == world.org_ids["a"] and str(e["action"]).startswith("file.") for e in events)
