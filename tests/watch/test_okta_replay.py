"""The Okta replay scenarios of the monitoring anchors (§9, 12-15, 20), end to end.

The full scenario runs through the CLI: a HAR is imported with its real upload time, the
System Log is served by a local server speaking the documented `GET /api/v1/logs` protocol
(SSWS auth, `Link: rel="next"` cursor), one `harguard watch poll-okta` later a signed webhook
has received a critical alert that names the case, and nothing carried a cookie value.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from harguard.cli.app import app
from harguard.types import Severity
from harguard.watch.alerts import Alert
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.intake import import_har
from harguard.watch.monitor import Monitor
from harguard.watch.sinks import verify_signature
from harguard.watch.watchlist import Watchlist
from tests.harness import KEY
from tests.leaks import assert_no_leak
from tests.watch.support import (
    ATTACKER_UA,
    CASE,
    DT,
    IDX,
    TENANT,
    Request,
    json_response,
    okta_event,
    okta_har,
    serve,
)

UPLOADED = datetime(2023, 10, 2, 14, 0, tzinfo=UTC)
PLANTED = {"idx": IDX, "dt": DT}
START = okta_event("e-start", "2023-10-02T13:40:07.120Z", event_type="user.session.start")
LEGIT = okta_event("e-legit", "2023-10-02T14:10:00.000Z")
REPLAY = okta_event(
    "e-replay",
    "2023-10-02T14:25:55.004Z",
    event_type="user.session.access_admin_app",
    ip="203.0.113.50",
    asn=64510,
    ua=ATTACKER_UA,
    dt="ffee99887766",
    proxy=True,
    request_uri="/admin/sso/request",
)
GRANT = dict(REPLAY, uuid="e-grant", published="2023-10-02T14:26:30.000Z", eventType="user.account.privilege.grant")


def run(watchlist: Watchlist, guard: OutboundGuard, *records: dict[str, Any]) -> list[Alert]:
    monitor = Monitor(watchlist=watchlist, guard=guard)
    ctx = IngestContext(key=KEY)
    ingestor = ingestor_for("okta")
    events = [ingestor.parse(r, ctx) for r in records]
    return monitor.process(e for e in events if e is not None)


@pytest.fixture
def watched(watchlist: Watchlist, sanitizer: Any) -> Watchlist:
    import_har(
        okta_har(),
        sanitizer=sanitizer,
        watchlist=watchlist,
        uploaded_at=UPLOADED,
        case=CASE,
        tenant=TENANT,
        origin="okta-admin.har",
    )
    return watchlist


def okta_api(events: list[dict[str, Any]], token: str) -> Any:
    """`GET /api/v1/logs` as documented: SSWS auth, ascending order, `after` cursor in Link."""

    def route(request: Request) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("authorization") != f"SSWS {token}":
            return json_response(401, {"errorCode": "E0000011"})
        query = parse_qs(urlsplit(request.path).query)
        after = query.get("after", [None])[0]
        start = next((i + 1 for i, e in enumerate(events) if e["uuid"] == after), 0)
        page = events[start : start + int(query.get("limit", ["1000"])[0])]
        cursor = page[-1]["uuid"] if page else after or ""
        link = f'<{server_url[0]}/api/v1/logs?after={cursor}&limit=1000>; rel="next"'
        return json_response(200, page, {"Link": link})

    server_url = [""]
    return route, server_url


def test_full_okta_replay_scenario_through_the_cli(tmp_path: Path) -> None:
    har = tmp_path / "okta-admin.har"
    har.write_text(json.dumps(okta_har()))
    webhook_secret = "webhook-test-secret-0123456789"
    received: list[Request] = []

    def hook(request: Request) -> tuple[int, dict[str, str], bytes]:
        received.append(request)
        return 204, {}, b""

    route, url_cell = okta_api([START, LEGIT, REPLAY, GRANT], "okta-admin-token")
    with serve(route) as okta, serve(hook) as webhook:
        url_cell[0] = okta.url
        config = tmp_path / "watch.toml"
        config.write_text(
            f'[[sinks]]\ntype = "webhook"\nurl = "{webhook.url}/hook"\n'
            f'secret_env = "WEBHOOK_SECRET"\nmin_severity = "high"\n'
        )
        env = {
            "HARGUARD_KEY": KEY.hex(),
            "HARGUARD_DATA_DIR": str(tmp_path / "data"),
            "HARGUARD_OKTA_TOKEN": "okta-admin-token",
            "WEBHOOK_SECRET": webhook_secret,
        }
        cli = CliRunner()
        imported = cli.invoke(
            app,
            [
                "watch",
                "import",
                str(har),
                "--case",
                CASE,
                "--tenant",
                TENANT,
                "--uploaded-at",
                "2023-10-02T14:00:00Z",
            ],
            env=env,
        )
        assert imported.exit_code == 0, imported.output
        polled = cli.invoke(app, ["watch", "poll-okta", "--org", okta.url, "-c", str(config)], env=env)
        assert polled.exit_code == 0, polled.output
        again = cli.invoke(app, ["watch", "poll-okta", "--org", okta.url, "-c", str(config)], env=env)
        assert again.exit_code == 0, again.output
        listed = cli.invoke(app, ["watch", "alerts", "--format", "json"], env=env)

    alerts = json.loads(listed.stdout)
    rules = [(a["rule"], a["severity"]) for a in alerts]
    assert rules == [("watch.replay", "critical"), ("watch.sensitive-action", "critical")]
    replay = alerts[0]
    assert replay["case"] == CASE and replay["tenant"] == TENANT
    assert replay["events"] == ["e-replay"]
    assert replay["session"]["uid"] == "idxEXAMPLEsess0001AAAA"
    evidence = replay["evidence"]
    assert evidence["asn"] == {"current": 64510, "previous": [64500]}
    assert evidence["user_agent"]["current"] == ATTACKER_UA
    assert evidence["device"] == {"current": "ffee99887766", "previous": ["a1b2c3d4e5f6"]}
    assert evidence["time_since_upload_seconds"] == 25 * 60 + 55
    assert {"new-asn", "dissimilar-user-agent", "new-device", "anonymizer"} <= set(replay["signals"])
    # Within one poll: both alerts went out on the first poll; the second poll read nothing new.
    assert len(received) == 2
    assert "after=e-grant" in okta.requests[-1].path
    for request in received:
        assert verify_signature(
            webhook_secret.encode(),
            body=request.body,
            timestamp=request.headers["x-harguard-timestamp"],
            signature=request.headers["x-harguard-signature"],
        )
        assert json.loads(request.body)["alert"]["case"] == CASE
    everything = b"".join(r.body for r in received) + (imported.output + polled.output + listed.output).encode()
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            everything += path.read_bytes()
    assert_no_leak(everything, PLANTED, where="webhook bodies, CLI output, database and state files")


def test_legitimate_continued_use_does_not_alert(watched: Watchlist, guard: OutboundGuard) -> None:
    later = okta_event("e-later", "2023-10-02T18:00:00.000Z", event_type="user.session.access_admin_app")
    assert run(watched, guard, START, LEGIT, later) == []


def test_browser_upgrade_on_the_same_network_does_not_alert(watched: Watchlist, guard: OutboundGuard) -> None:
    upgraded = okta_event(
        "e-up",
        "2023-10-02T15:00:00Z",
        ua=START["client"]["userAgent"]["rawUserAgent"].replace("117.0.0.0", "118.0.0.0"),
    )
    assert run(watched, guard, START, upgraded) == []


def test_vpn_toggle_does_not_alert_but_a_scripted_client_does(watched: Watchlist, guard: OutboundGuard) -> None:
    toggled = okta_event("e-vpn", "2023-10-02T14:20:00Z", ip="192.0.2.44", asn=64496)
    assert run(watched, guard, START, LEGIT, toggled) == []
    scripted = okta_event("e-script", "2023-10-02T14:21:00Z", ip="192.0.2.44", asn=64496, ua="python-requests/2.31.0")
    alerts = run(watched, guard, START, LEGIT, toggled, scripted)
    assert [(a.rule, a.severity) for a in alerts] == [("watch.replay", Severity.CRITICAL)]
    assert "scripted-client" in alerts[0].signals


def test_copied_user_agent_from_a_new_network_still_alerts(watched: Watchlist, guard: OutboundGuard) -> None:
    copied = okta_event("e-copy", "2023-10-02T14:31:00Z", ip="203.0.113.9", asn=64511, proxy=True)
    alerts = run(watched, guard, START, LEGIT, copied)
    assert [(a.rule, a.severity, a.case) for a in alerts] == [("watch.replay", Severity.CRITICAL, CASE)]
    assert "dissimilar-user-agent" not in alerts[0].signals
    assert {"new-asn", "anonymizer"} <= set(alerts[0].signals)


def test_events_before_the_upload_never_match(watched: Watchlist, guard: OutboundGuard) -> None:
    early = okta_event(
        "e-early",
        "2023-10-02T13:50:00Z",
        event_type="user.session.access_admin_app",
        ip="203.0.113.50",
        asn=64510,
        ua=ATTACKER_UA,
        dt="ffee99887766",
        proxy=True,
    )
    # Before the upload, the session is not yet exposed (the drift rules still see the session).
    alerts = run(watched, guard, START, early)
    assert [a.rule for a in alerts if a.exposure] == []


def test_two_minutes_of_clock_skew_before_the_upload_are_tolerated(watched: Watchlist, guard: OutboundGuard) -> None:
    skewed = dict(REPLAY, uuid="e-skew", published="2023-10-02T13:58:30Z")
    alerts = run(watched, guard, START, skewed)
    assert [a.rule for a in alerts] == ["watch.replay"]


def test_use_after_expiry_is_reported_as_such(watched: Watchlist, guard: OutboundGuard) -> None:
    after_exp = dict(REPLAY, uuid="e-exp", published="2023-10-03T02:00:00Z")
    alerts = run(watched, guard, START, after_exp)
    assert [(a.rule, a.severity) for a in alerts] == [("watch.revoked-use", Severity.HIGH)]
    assert alerts[0].evidence["status"] == "expired"


def test_same_logs_give_the_same_alerts_whenever_processed(
    watched: Watchlist, guard: OutboundGuard, tmp_path: Path, sanitizer: Any
) -> None:
    first = run(watched, guard, START, LEGIT, REPLAY, GRANT)
    again = run(watched, guard, START, LEGIT, REPLAY, GRANT)
    assert again == []  # already stored: a re-run pages nobody
    other = Watchlist(f"sqlite:///{tmp_path / 'other.db'}")
    import_har(
        okta_har(),
        sanitizer=sanitizer,
        watchlist=other,
        uploaded_at=UPLOADED,
        case=CASE,
        tenant=TENANT,
        origin="okta-admin.har",
    )
    fresh = run(other, guard, START, LEGIT, REPLAY, GRANT)
    assert [a.uid for a in fresh] == [a.uid for a in first]
    assert [a.as_dict() for a in fresh] == [a.as_dict() for a in first]
