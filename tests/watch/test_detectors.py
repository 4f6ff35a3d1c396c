"""Detectors without a HAR (the public Okta rules, ported) and native verdict pass-through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from harguard.types import Severity
from harguard.watch.alerts import Alert
from harguard.watch.config import DetectionConfig
from harguard.watch.detectors import default_detectors
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.intake import import_har
from harguard.watch.monitor import Monitor
from harguard.watch.watchlist import Watchlist
from tests.harness import KEY
from tests.watch.support import ATTACKER_UA, CASE, okta_event, okta_har

START = okta_event("s", "2023-10-02T13:40:00Z", event_type="user.session.start", session="idxOTHERsession0002BBBB")


def run(watchlist: Watchlist, guard: OutboundGuard, *records: dict[str, Any]) -> list[Alert]:
    monitor = Monitor(watchlist=watchlist, guard=guard)
    ctx = IngestContext(key=KEY)
    events = [ingestor_for("okta").parse(r, ctx) for r in records]
    return monitor.process(e for e in events if e is not None)


def later(uuid: str, **kw: Any) -> dict[str, Any]:
    return okta_event(uuid, "2023-10-02T14:00:00Z", session="idxOTHERsession0002BBBB", **kw)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, []),  # same device, same ASN
        ({"asn": 64511, "ip": "192.0.2.8"}, []),  # ASN changed, same UA: Panther's "no alert"
        ({"ua": ATTACKER_UA}, []),  # new browser on the same ASN
        ({"asn": 64511, "ip": "192.0.2.8", "ua": ATTACKER_UA}, [("watch.drift.asn-ua", Severity.HIGH)]),
    ],
)
def test_panther_potentially_stolen_session(
    watchlist: Watchlist, guard: OutboundGuard, change: dict[str, Any], expected: list[tuple[str, Severity]]
) -> None:
    alerts = run(watchlist, guard, START, later("l", **change))
    assert [(a.rule, a.severity) for a in alerts] == expected


def test_an_allow_listed_asn_with_another_browser_is_not_drift(watchlist: Watchlist, guard: OutboundGuard) -> None:
    vpn = later("v", asn=64511, ip="192.0.2.8", ua=ATTACKER_UA)
    config = DetectionConfig(allow_asns=frozenset({64511}))
    monitor = Monitor(watchlist=watchlist, guard=guard, config=config)
    ctx = IngestContext(key=KEY)
    events = [ingestor_for("okta").parse(r, ctx) for r in (START, vpn)]
    assert monitor.process(e for e in events if e is not None) == []
    assert [a.rule for a in run(watchlist, guard, START, vpn)] == ["watch.drift.asn-ua"]  # not allow-listed


def test_okta_internal_actors_are_excluded(watchlist: Watchlist, guard: OutboundGuard) -> None:
    internal = later("l", asn=64511, ip="192.0.2.8", ua="Okta-Integrations")
    assert run(watchlist, guard, START, internal) == []


def test_elastic_multiple_device_token_hashes(watchlist: Watchlist, guard: OutboundGuard) -> None:
    first = later("a", event_type="user.session.access_admin_app")
    second = later("b", event_type="user.session.access_admin_app", dt="ffee99887766", ip="198.51.100.8")
    alerts = run(watchlist, guard, START, first, second)
    assert [(a.rule, a.severity) for a in alerts] == [("watch.drift.device-token", Severity.MEDIUM)]


def test_elastic_aitm_session_cookie_replay_by_a_scripted_client(watchlist: Watchlist, guard: OutboundGuard) -> None:
    scripted = later("c", event_type="policy.evaluate_sign_on", ua="python-requests/2.31.0", ip="198.51.100.8")
    alerts = run(watchlist, guard, START, scripted)
    rules = {a.rule for a in alerts}
    assert "watch.drift.scripted" in rules


def test_native_roaming_verdict_passes_through_at_native_severity(watchlist: Watchlist, guard: OutboundGuard) -> None:
    roaming = later("r", event_type="security.session.detect_client_roaming", result="DENY")
    alerts = run(watchlist, guard, START, roaming)
    assert [(a.rule, a.severity) for a in alerts] == [("watch.native", Severity.MEDIUM)]


def test_session_context_change_needs_high_risk_when_unwatched(watchlist: Watchlist, guard: OutboundGuard) -> None:
    medium = later("m", event_type="user.session.context.change", risk="MEDIUM")
    high = later("h", event_type="user.session.context.change", risk="HIGH")
    assert run(watchlist, guard, START, medium) == []
    assert [(a.rule, a.severity) for a in run(watchlist, guard, START, high)] == [("watch.native", Severity.HIGH)]


def test_native_verdict_on_a_watched_session_is_critical(
    watchlist: Watchlist, guard: OutboundGuard, sanitizer: Any
) -> None:
    import_har(
        okta_har(),
        sanitizer=sanitizer,
        watchlist=watchlist,
        uploaded_at=datetime(2023, 10, 2, 14, 0, tzinfo=UTC),
        case=CASE,
    )
    start = okta_event("s", "2023-10-02T13:40:00Z", event_type="user.session.start")
    roaming = okta_event("r", "2023-10-02T14:05:00Z", event_type="security.session.detect_client_roaming")
    alerts = run(watchlist, guard, start, roaming)
    assert [(a.rule, a.severity, a.case) for a in alerts] == [("watch.native", Severity.CRITICAL, CASE)]


def test_every_detector_has_a_stable_unique_rule_id() -> None:
    rules = [d.rule for d in default_detectors()]
    assert len(rules) == len(set(rules)) and all(r.startswith("watch.") for r in rules)
