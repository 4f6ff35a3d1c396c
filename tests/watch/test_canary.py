"""Canary mode (anchors §9 scenario 16): a stripped session cookie becomes a registered decoy;
presenting it anywhere we can see (an nginx JSON log, the edge sensor) is a critical alert."""

from __future__ import annotations

import asyncio
import json
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from harguard import Sanitizer
from harguard.redact.placeholders import fingerprint
from harguard.types import Severity
from harguard.watch.canary import CanaryMinter, mint_like
from harguard.watch.events import Event
from harguard.watch.feed import Feed
from harguard.watch.guard import OutboundGuard
from harguard.watch.index import WatchIndex
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.intake import import_har
from harguard.watch.middleware import EdgeSensorMiddleware, Sensor
from harguard.watch.monitor import Monitor
from harguard.watch.watchlist import Watchlist
from tests.harness import KEY
from tests.leaks import assert_no_leak
from tests.watch.support import CASE, DT, IDX, TENANT, okta_har

UPLOADED = datetime(2023, 10, 2, 14, 0, tzinfo=UTC)


def _classes(value: str) -> list[str]:
    return ["d" if c.isdigit() else "l" if c.islower() else "u" if c.isupper() else c for c in value]


@pytest.mark.parametrize("value", [IDX, "s%3AAbCdEfGh12345678.IjKlMnOp", "0123456789abcdef0123456789abcdef"])
def test_canaries_keep_the_shape_and_never_equal_the_value(value: str) -> None:
    seen = set()
    for _ in range(10_000):
        minted = mint_like(value)
        assert minted is not None and minted != value
        assert len(minted) == len(value) and minted[:3] == value[:3]
        assert _classes(minted[3:]) == _classes(value[3:]) or set(value[3:]) <= set(string.hexdigits)
        seen.add(minted)
    assert len(seen) == 10_000  # a CSPRNG: no repeats


def test_short_values_and_jwts_get_a_placeholder_instead() -> None:
    assert mint_like("abc123") is None
    assert mint_like("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln") is None


@pytest.fixture
def planted(watchlist: Watchlist) -> tuple[Watchlist, bytes, Any]:
    minter = CanaryMinter(KEY)
    sanitizer = Sanitizer(key=KEY, canary=minter)
    result = import_har(
        okta_har(),
        sanitizer=sanitizer,
        watchlist=watchlist,
        uploaded_at=UPLOADED,
        case=CASE,
        tenant=TENANT,
        origin="okta-admin.har",
        canary=minter,
    )
    assert result.sanitized is not None and result.canaries == 2
    return watchlist, result.sanitized, result


def _decoy(sanitized: bytes) -> str:
    entry = json.loads(sanitized)["log"]["entries"][0]
    return next(c["value"] for c in entry["request"]["cookies"] if c["name"] == "idx")


def test_the_sanitized_file_holds_a_registered_decoy(planted: tuple[Watchlist, bytes, Any]) -> None:
    watchlist, sanitized, _ = planted
    assert_no_leak(sanitized, {"idx": IDX, "dt": DT}, where="sanitized HAR")
    decoy = _decoy(sanitized)
    assert not decoy.startswith("[REDACTED") and len(decoy) == len(IDX)
    canary = watchlist.lookup([fingerprint(KEY, decoy)])
    assert [(e.status, e.case, e.context["canary_of"]) for e in canary] == [("canary", CASE, fingerprint(KEY, IDX))]
    assert_no_leak(
        json.dumps([e.__dict__ for e in watchlist.all()], default=str),
        {"idx": IDX, "decoy": decoy},
        where="watchlist rows",
    )


def test_a_canary_in_an_nginx_json_log_is_a_support_store_compromise(
    planted: tuple[Watchlist, bytes, Any], guard: OutboundGuard, tmp_path: Path
) -> None:
    watchlist, sanitized, _ = planted
    log = tmp_path / "access.json"
    line = {
        "time": "2023-10-05T08:00:00+00:00",
        "remote_addr": "203.0.113.77",
        "request_id": "7f1c",
        "method": "GET",
        "uri": "/admin/dashboard?x=1",
        "status": 200,
        "ua": "curl/8.4.0",
        "sess_fp": "hm1:" + fingerprint(KEY, _decoy(sanitized))[:16],
    }
    log.write_text(json.dumps(line) + "\n")
    feed = Feed(Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY))
    stats = feed.ingest_files([log], ingestor_for("nginx-json"))
    assert [(a.rule, a.severity, a.case) for a in stats.alerts] == [("watch.canary", Severity.CRITICAL, CASE)]
    alert = stats.alerts[0]
    assert "support-store compromise" in alert.title
    assert alert.exposure is not None and alert.exposure["origin"] == "okta-admin.har"
    assert alert.exposure["canary_of"] == fingerprint(KEY, IDX)[:12]


def test_the_edge_sensor_sees_a_canary_at_our_own_door(
    planted: tuple[Watchlist, bytes, Any], guard: OutboundGuard, caplog: pytest.LogCaptureFixture
) -> None:
    watchlist, sanitized, _ = planted
    decoy = _decoy(sanitized)
    monitor = Monitor(watchlist=watchlist, guard=guard)
    alerts: list[Any] = []

    def emit(event: Event) -> None:
        alerts.extend(monitor.process_event(event))

    index = WatchIndex(watchlist)
    index.refresh()
    sensor = Sensor(key=KEY, index=index, emit=emit)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def requests() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=EdgeSensorMiddleware(app, sensor), client=("198.51.100.99", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="https://app.example.com") as client:
            quiet = await client.get("/home", headers={"Cookie": "theme=dark; idx=someone-elses-session-value"})
            hit = await client.get(
                "/admin?token=x",
                headers={"Cookie": f"theme=dark; idx={decoy}", "User-Agent": "python-requests/2.31"},
            )
        return quiet, hit

    quiet, hit = asyncio.run(requests())
    assert quiet.status_code == hit.status_code == 200
    assert [(a.rule, a.severity) for a in alerts] == [("watch.canary", Severity.CRITICAL)]
    assert alerts[0].evidence["ip"]["current"] == "198.51.100.99"
    assert alerts[0].evidence["url_path"] == "/admin"
    assert_no_leak(caplog.text + repr(alerts), {"decoy": decoy}, where="logs and alerts")
