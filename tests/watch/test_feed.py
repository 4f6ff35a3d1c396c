"""Follow mode with persisted state: a line written is an alert; a restart resumes exactly."""

from __future__ import annotations

import json
import queue
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harguard.redact.placeholders import fingerprint
from harguard.types import Severity
from harguard.watch.alerts import Alert
from harguard.watch.feed import Feed, FeedStats
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.monitor import Monitor
from harguard.watch.recovery import build_bundle, render_markdown
from harguard.watch.state import StateStore
from harguard.watch.watchlist import Exposure, Watchlist
from tests.harness import KEY

COOKIE = "s%3AFollowModeSessionValue0123456789.sig"
CANARY = "s%3ACanaryDecoyValueForTheFeedTest01.sig"
UPLOADED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def line(minute: int, ip: str, ua: str, cookie: str = COOKIE) -> str:
    return (
        json.dumps(
            {
                "time": f"2024-03-01T12:{minute:02d}:00+00:00",
                "remote_addr": ip,
                "request_id": f"r{minute}",
                "method": "GET",
                "uri": "/app",
                "status": 200,
                "ua": ua,
                "sess_fp": "hm1:" + fingerprint(KEY, cookie)[:16],
            }
        )
        + "\n"
    )


def follow(feed: Feed, path: Path, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(
        target=feed.follow_files,
        args=([path], ingestor_for("nginx-json")),
        kwargs={"stop": stop, "poll_interval": 0.02},
        daemon=True,
    )
    thread.start()
    return thread


def test_follow_alerts_on_a_new_line_and_resumes_after_a_restart(
    watchlist: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    watchlist.add(
        [
            Exposure(
                fingerprint=fingerprint(KEY, COOKIE),
                kind="session-cookie",
                severity="critical",
                source="test",
                exposed_at=UPLOADED,
                case="C-5",
                context={
                    "user_agents": ["Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"],
                    "uploader_ip": "198.51.100.7",
                },
            )
        ]
    )
    log = tmp_path / "access.json"
    log.write_text(line(5, "198.51.100.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"))
    state = StateStore(tmp_path / "state")
    alerts: queue.Queue[Alert] = queue.Queue()
    stop = threading.Event()
    feed = Feed(Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY), state=state, on_alert=alerts.put)
    thread = follow(feed, log, stop)
    with log.open("a") as handle:
        handle.write(line(9, "203.0.113.66", "curl/8.4.0"))
    alert = alerts.get(timeout=30)
    assert (alert.rule, alert.severity, alert.case) == ("watch.replay", Severity.CRITICAL, "C-5")
    assert {"new-network", "scripted-client"} <= set(alert.signals)
    stop.set()
    thread.join(30)
    saved = state.load()
    assert saved["cursors"][f"file:{log.resolve()}"]["offset"] == log.stat().st_size
    assert saved["monitor"]["sessions"]  # the session memory survives the restart

    watchlist.add(
        [
            Exposure(
                fingerprint=fingerprint(KEY, CANARY),
                kind="session-cookie",
                severity="critical",
                source="canary",
                exposed_at=UPLOADED,
                case="C-5",
                status="canary",
            )
        ]
    )
    with log.open("a") as handle:
        handle.write(line(12, "192.0.2.200", "python-requests/2.31"))  # same session: same incident, no page
        handle.write(line(13, "192.0.2.200", "python-requests/2.31", cookie=CANARY))
    restarted = Feed(
        Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY), state=state, on_alert=alerts.put
    )
    stop = threading.Event()
    result: list[FeedStats] = []
    thread = threading.Thread(
        target=lambda: result.append(
            restarted.follow_files([log], ingestor_for("nginx-json"), stop=stop, poll_interval=0.02)
        ),
        daemon=True,
    )
    thread.start()
    second = alerts.get(timeout=30)  # line 13 comes after line 12: both were read by now
    stop.set()
    thread.join(30)
    assert (second.rule, second.events) == ("watch.canary", ("r13",)) and alerts.empty()
    assert result[0].records == 2  # only the lines written after the restart


def test_recovery_bundle_without_alerts_has_templates_and_a_checklist(
    watchlist: Watchlist, guard: OutboundGuard
) -> None:
    watchlist.add(
        [
            Exposure(
                fingerprint="ab" * 32,
                kind="okta-api-token",
                severity="critical",
                source="t",
                exposed_at=UPLOADED,
                case="C-6",
            ),
            Exposure(
                fingerprint="cd" * 32,
                kind="unheard-of-kind",
                severity="high",
                source="t",
                exposed_at=UPLOADED,
                case="C-6",
            ),
        ]
    )
    exposures = watchlist.all(case="C-6")
    bundle = build_bundle(case="C-6", tenant=None, exposures=exposures, history={}, alerts=[], guard=guard)
    assert bundle["uploaded_at"] == "2024-03-01T12:00:00+00:00"
    assert [r["kind"] for r in bundle["rotation"]] == ["okta-api-token", "unheard-of-kind"]
    assert "SSWS" in bundle["rotation"][0]["action"] and "Rotate or revoke" in bundle["rotation"][1]["action"]
    assert bundle["queries"]["edge_grep"] == [
        "grep -F 'hm1:abababababababab' access.log",
        "grep -F 'hm1:cdcdcdcdcdcdcdcd' access.log",
    ]
    assert "<the uploader's Okta user id>" in bundle["queries"]["okta"][0]
    markdown = render_markdown(bundle)
    guard.check(markdown, what="markdown")
    assert "[REDACTED:okta-api-token:abababababab]" in json.dumps(bundle)


class CountingStore(StateStore):
    saves = 0

    def save(self, state: dict[str, Any]) -> None:
        self.saves += 1
        super().save(state)


def test_an_idle_follow_loop_saves_only_after_reading_something(
    watchlist: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    log = tmp_path / "access.json"
    log.write_text(line(5, "198.51.100.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"))
    state = CountingStore(tmp_path / "state")
    feed = Feed(Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY), state=state)
    stop = threading.Event()
    thread = follow(feed, log, stop)
    deadline = time.monotonic() + 30
    while state.saves == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert state.saves == 1  # the line read, then the first idle poll
    time.sleep(0.3)  # ~15 idle polls of 0.02 s
    assert state.saves == 1
    with log.open("a") as handle:
        handle.write(line(6, "198.51.100.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"))
    deadline = time.monotonic() + 30
    while state.saves == 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    stop.set()
    thread.join(30)
    assert state.saves == 3  # the second line at its idle poll, and once when stopping
