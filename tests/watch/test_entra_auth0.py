"""Entra and Auth0 (anchors §9 scenarios 17, 18, 23): a JWT decoded offline from the HAR
matches sign-in rows by `UniqueTokenIdentifier` and log-stream events by `sid`; containment
runs against local servers speaking Graph's and Auth0's documented paths."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harguard.types import Severity
from harguard.watch.feed import Feed
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.intake import import_har
from harguard.watch.monitor import Monitor
from harguard.watch.playbooks import (
    ActionLog,
    Auth0SessionDelete,
    EntraRevokeSignInSessions,
    Runner,
    Target,
)
from harguard.watch.watchlist import Watchlist
from tests.builders import make_entry, make_har
from tests.harness import KEY
from tests.leaks import assert_no_leak
from tests.watch.support import CASE, TENANT, Request, auth0_log, entra_row, json_response, make_jwt, serve

UPLOADED = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
OID = "11111111-2222-4333-8444-555555555555"
ENTRA_TOKEN = make_jwt(
    {
        "aud": "00000003-0000-0000-c000-000000000000",
        "iss": "https://sts.windows.net/t/",
        "exp": 1906000000,
        "oid": OID,
        "sid": "5f0c0000-0000-4000-8000-00000000abcd",
        "uti": "AbCdEfGhIjKlMnOpQrStUv",
        "upn": "it-admin@contoso.example",
    }
)
AUTH0_SID = "BDN3rJ2vR9Gx1-T0kP4sQ7wZ"
AUTH0_TOKEN = make_jwt(
    {
        "iss": "https://tenant.auth0.example/",
        "sub": "auth0|64f0example",
        "aud": "AaiyAPdp",
        "exp": 1906000000,
        "sid": AUTH0_SID,
        "nonce": "n-0S6_WzA2Mj",
    }
)


def _feed(watchlist: Watchlist, guard: OutboundGuard) -> Feed:
    return Feed(Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY))


@pytest.fixture
def entra(watchlist: Watchlist, sanitizer: Any) -> Watchlist:
    har = make_har(
        [
            make_entry(
                url="https://graph.microsoft.com/v1.0/me",
                started="2024-02-01T08:55:00.000Z",
                request_headers=[("Authorization", f"Bearer {ENTRA_TOKEN}")],
            )
        ]
    )
    import_har(har, sanitizer=sanitizer, watchlist=watchlist, uploaded_at=UPLOADED, case=CASE, tenant=TENANT)
    return watchlist


def test_entra_unique_token_identifier_from_a_new_asn_is_critical(
    entra: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    export = tmp_path / "signins.json"
    export.write_text(
        json.dumps({"value": [entra_row("2024-02-01T10:07:00Z", uti="AbCdEfGhIjKlMnOpQrStUv", sid="other-session")]})
    )
    stats = _feed(entra, guard).ingest_files([export], ingestor_for("entra"))
    assert [(a.rule, a.severity, a.case) for a in stats.alerts] == [("watch.replay", Severity.CRITICAL, CASE)]
    alert = stats.alerts[0]
    assert alert.exposure is not None and alert.exposure["matched_via"] == "uti"
    assert alert.evidence["token_protection"] == "unbound (1008)"
    assert {"scripted-client", "token-unbound"} <= set(alert.signals)
    assert alert.playbooks == ("entra.revoke-sign-in-sessions",)


def test_entra_revoke_honours_429_and_then_use_after_revoke_alerts(
    entra: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    export = tmp_path / "signins.json"
    export.write_text(
        json.dumps({"value": [entra_row("2024-02-01T10:07:00Z", uti="AbCdEfGhIjKlMnOpQrStUv", sid="s1")]})
    )
    feed = _feed(entra, guard)
    alert = feed.ingest_files([export], ingestor_for("entra")).alerts[0]
    calls = iter([json_response(429, {"error": "throttled"}, {"Retry-After": "7"}), (204, {}, b"")])
    slept: list[float] = []
    with serve(lambda request: next(calls)) as graph:
        runner = Runner(
            log=ActionLog(tmp_path / "actions.jsonl"),
            live=True,
            approve=True,
            sleep=slept.append,
            on_done=lambda a: entra.set_status(
                a.exposure_id or 0, "revoked", at=datetime(2024, 2, 1, 10, 30, tzinfo=UTC)
            ),
        )
        results = runner.run(
            EntraRevokeSignInSessions(base_url=graph.url, token="graph-admin-token").plan(
                Target.from_alert(alert, key=KEY)
            )
        )
        runner.close()
    assert [r.outcome for r in results] == ["done"]
    assert slept == [7.0]
    assert [(r.method, r.path) for r in graph.requests] == [("POST", f"/v1.0/users/{OID}/revokeSignInSessions")] * 2
    assert graph.requests[0].headers["authorization"] == "Bearer graph-admin-token"
    later = tmp_path / "later.json"
    later.write_text(json.dumps([entra_row("2024-02-01T11:00:00Z", uti="AbCdEfGhIjKlMnOpQrStUv", sid="s1")]))
    after = feed.ingest_files([later], ingestor_for("entra")).alerts
    assert [(a.rule, a.severity) for a in after] == [("watch.revoked-use", Severity.CRITICAL)]
    assert after[0].evidence["status"] == "revoked"
    log = (tmp_path / "actions.jsonl").read_text()
    assert_no_leak(log, {"token": "graph-admin-token", "jwt": ENTRA_TOKEN, "oid": OID}, where="action log")
    assert ActionLog(tmp_path / "actions.jsonl").verify()


@pytest.fixture
def auth0(watchlist: Watchlist, sanitizer: Any) -> Watchlist:
    har = make_har(
        [
            make_entry(
                url="https://tenant.auth0.example/oauth/token",
                method="POST",
                started="2024-02-01T08:55:00.000Z",
                body=json.dumps({"id_token": AUTH0_TOKEN, "token_type": "Bearer"}),
            )
        ]
    )
    import_har(har, sanitizer=sanitizer, watchlist=watchlist, uploaded_at=UPLOADED, case=CASE, tenant=TENANT)
    return watchlist


def test_auth0_sid_from_a_new_country_alerts_and_the_playbook_deletes_the_session_once(
    auth0: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    stream = tmp_path / "auth0.json"
    before = auth0_log(
        "l1",
        "2024-02-01T08:50:00.000Z",
        sid=AUTH0_SID,
        code="s",
        country="US",
        ip="198.51.100.7",
        ua="Chrome 124.0.0 / Linux 0.0.0",
    )
    replay = auth0_log("l2", "2024-02-01T09:40:00.000Z", sid=AUTH0_SID)
    stream.write_text(json.dumps([before, replay]))
    alerts = _feed(auth0, guard).ingest_files([stream], ingestor_for("auth0")).alerts
    assert [(a.rule, a.severity) for a in alerts] == [("watch.replay", Severity.CRITICAL)]
    assert {"new-country", "dissimilar-user-agent"} <= set(alerts[0].signals)
    assert alerts[0].exposure is not None and alerts[0].exposure["matched_via"] == "sid"
    target = Target.from_alert(alerts[0], key=KEY)
    log = ActionLog(tmp_path / "actions.jsonl")

    def route(request: Request) -> tuple[int, dict[str, str], bytes]:
        return 204, {}, b""

    with serve(route) as api:
        playbook = Auth0SessionDelete(base_url=api.url, token="mgmt-token")
        dry = Runner(log=log).run(playbook.plan(target))
        assert [(r.outcome, r.action.shown()["url"]) for r in dry] == [("planned", "/api/v2/sessions/{id}")]
        assert api.requests == []
        live = Runner(log=log, live=True)
        assert [r.outcome for r in live.run(playbook.plan(target))] == ["done"]
        assert [r.outcome for r in live.run(playbook.plan(target))] == ["duplicate"]
        live.close()
    assert [(r.method, r.path) for r in api.requests] == [("DELETE", f"/api/v2/sessions/{AUTH0_SID}")]
    assert api.requests[0].headers["authorization"] == "Bearer mgmt-token"
    assert [r["outcome"] for r in log.records()] == ["planned", "done", "duplicate"]
    assert_no_leak(json.dumps(log.records()), {"sid": AUTH0_SID, "token": "mgmt-token"}, where="action log")
