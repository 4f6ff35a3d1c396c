"""Raw values a log line may carry (a session handle, a cookie in a "fingerprint" field, a key in a
user agent) never reach what the watch stores or sends: alerts, sinks, the state file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from harguard.redact.placeholders import fingerprint
from harguard.watch.alertstore import AlertStore
from harguard.watch.feed import Feed
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for
from harguard.watch.monitor import Monitor
from harguard.watch.sinks import Dispatcher, OcsfFileSink, Route
from harguard.watch.state import StateStore
from harguard.watch.watchlist import Exposure, Watchlist
from tests.harness import KEY
from tests.leaks import assert_no_leak

COOKIE = "s%3ARawValuesTestSessionCookie0123456789.sig"
RAW_SESSION = "AppSessionHandleRawValue7Q2xW9pL4mZ8"  # planted: a raw session value in a JSON line
UPLOADED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _watch(watchlist: Watchlist) -> None:
    watchlist.add(
        [
            Exposure(
                fingerprint=fingerprint(KEY, COOKIE),
                kind="session-cookie",
                severity="critical",
                source="test",
                exposed_at=UPLOADED,
                case="C-7",
                context={
                    "user_agents": ["Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"],
                    "uploader_ip": "198.51.100.7",
                },
            )
        ]
    )


def test_a_raw_session_value_in_a_json_line_never_reaches_a_stored_or_sent_alert(
    watchlist: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    _watch(watchlist)
    sent = tmp_path / "sent.ocsf.jsonl"
    monitor = Monitor(
        watchlist=watchlist, guard=guard, dispatcher=Dispatcher([Route(OcsfFileSink(path=sent))], guard=guard)
    )
    log = tmp_path / "app.jsonl"
    log.write_text(
        json.dumps(
            {
                "time": "2024-03-01T12:09:00+00:00",
                "ip": "203.0.113.66",
                "user_agent": "curl/8.4.0",
                "sess_fp": "hm1:" + fingerprint(KEY, COOKIE)[:16],
                "session": RAW_SESSION,
            }
        )
        + "\n"
    )
    state = StateStore(tmp_path / "state")
    stats = Feed(monitor, IngestContext(key=KEY), state=state).ingest_files([log], ingestor_for("jsonl"))
    assert [a.rule for a in stats.alerts] == ["watch.replay"]
    planted = {"session": RAW_SESSION}
    stored = AlertStore(watchlist.engine).list()
    assert len(stored) == 1
    assert_no_leak(json.dumps([a.as_dict() for a in stored]), planted, where="stored alerts")
    assert_no_leak(json.dumps([a.to_ocsf() for a in stats.alerts]), planted, where="returned alerts")
    assert_no_leak(sent.read_text(), planted, where="sent alerts")
    assert_no_leak(state.path.read_text(), planted, where="state file")


def test_a_raw_cookie_in_a_fingerprint_field_is_fingerprinted_before_it_is_tracked(
    watchlist: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    _watch(watchlist)
    nginx = tmp_path / "access.json"
    nginx.write_text(
        json.dumps(
            {
                "time": "2024-03-01T12:09:00+00:00",
                "remote_addr": "203.0.113.66",
                "request_id": "r9",
                "uri": "/app",
                "status": 200,
                "ua": "curl/8.4.0",
                "sess_fp": COOKIE,  # a misconfigured `sess_fp=$cookie_sid`
            }
        )
        + "\n"
    )
    app = tmp_path / "app.jsonl"
    app.write_text(json.dumps({"time": "2024-03-01T12:10:00+00:00", "ip": "203.0.113.67", "session_fp": COOKIE}) + "\n")
    state = StateStore(tmp_path / "state")
    ctx = IngestContext(key=KEY)
    feed = Feed(Monitor(watchlist=watchlist, guard=guard), ctx, state=state)
    stats = feed.ingest_files([nginx], ingestor_for("nginx-json"))
    stats.add(feed.ingest_files([app], ingestor_for("jsonl")))
    assert [a.rule for a in stats.alerts] == ["watch.replay"]  # the fingerprint of the value still matches
    assert sum(n for note, n in ctx.notes.items() if "fingerprint field holds a raw value" in note) == 2
    saved = state.path.read_text()
    assert list(json.loads(saved)["state"]["monitor"]["sessions"]) == [fingerprint(KEY, COOKIE)]
    assert_no_leak(saved, {"cookie": COOKIE}, where="state file")
    assert_no_leak(json.dumps([a.as_dict() for a in stats.alerts]), {"cookie": COOKIE}, where="alerts")


def test_only_values_shaped_like_our_fingerprints_are_taken_as_such() -> None:
    ctx = IngestContext(key=KEY)
    full = fingerprint(KEY, COOKIE)
    assert ctx.presented_fp(f" HM1:{full[:16].upper()} ", source="t") == f"hm1:{full[:16]}"
    assert ctx.presented_fp(full, source="t") == full
    hex_session_id = "0123456789abcdef0123456789abcdef"  # 32 hex: a raw session id, not a fingerprint
    assert ctx.presented_fp(hex_session_id, source="t") == fingerprint(KEY, hex_session_id)
    assert ctx.presented_fp(f"hm1:{full[:15]}", source="t") == fingerprint(KEY, f"hm1:{full[:15]}")
    assert sum(ctx.notes.values()) == 2


UA_TOKEN = "20111aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd"  # planted: a token a client put in its UA
LEAKY_UA = f"MyApp/1.0 (+https://example.com/cb?sessionToken={UA_TOKEN}&x=1)"


def test_user_agents_are_scrubbed_before_the_session_memory_is_saved(
    watchlist: Watchlist, guard: OutboundGuard, tmp_path: Path
) -> None:
    log = tmp_path / "app.jsonl"
    log.write_text(
        "".join(
            json.dumps({"time": f"2024-03-01T12:0{i}:00+00:00", "ip": "198.51.100.7", "ua": LEAKY_UA, "session_uid": s})
            + "\n"
            for i, s in enumerate(("app-session-one", "app-session-one", "app-session-two"))
        )
    )
    state = StateStore(tmp_path / "state")
    monitor = Monitor(watchlist=watchlist, guard=guard)
    Feed(monitor, IngestContext(key=KEY), state=state).ingest_files([log], ingestor_for("jsonl"))
    saved = state.path.read_text()
    assert_no_leak(saved, {"ua-token": UA_TOKEN}, where="state file")
    sessions = json.loads(saved)["state"]["monitor"]["sessions"]
    assert [len(s["contexts"]) for s in sessions.values()] == [1, 1]  # the same UA is still one context
    (agent,) = {c["user_agent"] for s in sessions.values() for c in s["contexts"]}
    assert agent.startswith("MyApp/1.0 (+https://example.com/cb?sessionToken=[REDACTED:")

    # A state saved before user agents were scrubbed is cleaned when it is loaded.
    old = json.loads(saved)
    for session in old["state"]["monitor"]["sessions"].values():
        for context in session["contexts"]:
            context["user_agent"] = LEAKY_UA
    state.path.write_text(json.dumps(old))
    Feed(Monitor(watchlist=watchlist, guard=guard), IngestContext(key=KEY), state=state).save()
    assert_no_leak(state.path.read_text(), {"ua-token": UA_TOKEN}, where="state file after a restore")
