"""Alert sinks (anchors §9 scenarios 24, 25): formats, signatures, escaping, breaker, guard."""

from __future__ import annotations

import json
import queue
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from harguard.types import Severity
from harguard.watch.alerts import Alert
from harguard.watch.config import DeliveryConfig
from harguard.watch.guard import OutboundGuard
from harguard.watch.sinks import (
    CefSyslogSink,
    Dispatcher,
    OcsfFileSink,
    Route,
    SlackSink,
    SplunkHecSink,
    WebhookSink,
    cef_line,
    parse_cef,
    sign,
    verify_signature,
)
from tests.leaks import assert_no_leak
from tests.watch.support import Request, serve

SESSION_TOKEN = "20111aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd"


def alert(**overrides: object) -> Alert:
    base = dict(
        uid="4c1d0f0f2a8e4b7c9d7e6f5a4b3c2d1e",
        rule="watch.replay",
        title="Exposed okta-session replayed",
        severity=Severity.CRITICAL,
        time=datetime(2023, 10, 2, 14, 25, 55, tzinfo=UTC),
        summary="okta-session 3f9a1c2b7d4e from case CASE-1042 used 25m after upload",
        dedup_key="1|x",
        tenant="acme",
        case="CASE-1042",
        exposure={"id": 1, "kind": "okta-session", "fingerprint": "3f9a1c2b7d4e"},
        actor={"uid": "00uEXAMPLEADMIN01"},
        session={"uid": "idxEXAMPLEsess0001AAAA"},
        evidence={
            "asn": {"current": 64510, "previous": [64500]},
            "ip": {"current": "203.0.113.50", "previous": []},
            "user_agent": {"current": "Mozilla/5.0 (Windows NT 10.0) Firefox/118.0", "previous": []},
        },
        signals=("new-asn", "anonymizer"),
        events=("e-replay",),
        source="okta",
    )
    base.update(overrides)
    return Alert(**base)  # type: ignore[arg-type]


def test_webhook_signature_covers_timestamp_and_body() -> None:
    body = b'{"a": 1}'
    signature = sign(b"secret", "1700000000", body)
    assert verify_signature(b"secret", body=body, timestamp="1700000000", signature=signature, now=1700000100)
    assert not verify_signature(
        b"secret", body=body + b" ", timestamp="1700000000", signature=signature, now=1700000100
    )
    assert not verify_signature(b"secret", body=body, timestamp="1700000000", signature=signature, now=1700009999)
    assert not verify_signature(b"other", body=body, timestamp="1700000000", signature=signature, now=1700000100)


def test_slack_and_splunk_payloads(guard: OutboundGuard) -> None:
    got: list[Request] = []

    def route(request: Request) -> tuple[int, dict[str, str], bytes]:
        got.append(request)
        return 200, {"Content-Type": "application/json"}, b'{"text":"Success","code":0}'

    with serve(route) as server:
        slack = SlackSink(url=f"{server.url}/slack")
        splunk = SplunkHecSink(url=f"{server.url}/services/collector/event", token="hec-token-123", index="sirt")
        dispatcher = Dispatcher([Route(slack), Route(splunk)], guard=guard)
        assert dispatcher.deliver(alert()) == {"slack": "sent", "splunk": "sent"}
        dispatcher.close()
    slack_body = json.loads(got[0].body)
    assert (
        "CRITICAL" in slack_body["text"] and "CASE-1042" in slack_body["text"] and "3f9a1c2b7d4e" in slack_body["text"]
    )
    assert slack_body["blocks"][0]["text"]["type"] == "mrkdwn"
    assert got[1].path == "/services/collector/event"
    assert got[1].headers["authorization"] == "Splunk hec-token-123"
    hec = json.loads(got[1].body)
    assert hec["index"] == "sirt" and hec["sourcetype"] == "harguard:alert"
    assert hec["time"] == alert().time.timestamp() and hec["event"]["case"] == "CASE-1042"


def test_cef_escaping_round_trips() -> None:
    tricky = alert(title="pipe | back\\slash", summary="a=b c\\d\nnew line | pipe", case="CASE=1|x")
    header, extensions = parse_cef(cef_line(tricky))
    assert header[0] == "CEF:0" and header[4] == "watch.replay" and header[5] == "pipe | back\\slash"
    assert header[6] == "10"
    assert extensions["msg"] == "a=b c\\d\nnew line | pipe"
    assert extensions["cs1"] == "CASE=1|x" and extensions["cs1Label"] == "case"
    assert extensions["src"] == "203.0.113.50" and extensions["cs3"] == "3f9a1c2b7d4e"
    assert "\n" not in cef_line(tricky)


@pytest.fixture
def syslog_server() -> Iterator[tuple[int, queue.Queue[bytes]]]:
    """A syslog receiver over TCP with RFC 6587 octet counting."""
    received: queue.Queue[bytes] = queue.Queue()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            length, _, message = self.rfile.read().partition(b" ")
            received.put(message if length.isdigit() and int(length) == len(message) else b"bad framing")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_cef_over_tcp_syslog(syslog_server: tuple[int, queue.Queue[bytes]], guard: OutboundGuard) -> None:
    port, received = syslog_server
    sink = CefSyslogSink(host="127.0.0.1", port=port)
    assert Dispatcher([Route(sink)], guard=guard).deliver(alert()) == {"cef": "sent"}
    message = received.get(timeout=30).decode()
    assert message.startswith("<82>1 2023-10-02T14:25:55.000000Z ")  # authpriv.crit
    assert "CEF:0|harguard|watch|" in message


OCSF_SUBSET = {
    "type": "object",
    "required": [
        "class_uid",
        "category_uid",
        "activity_id",
        "type_uid",
        "time",
        "severity_id",
        "status_id",
        "metadata",
        "finding_info",
    ],
    "properties": {
        "class_uid": {"const": 2004},
        "category_uid": {"const": 2},
        "activity_id": {"enum": [0, 1, 2, 3, 99]},
        "type_uid": {"const": 200401},
        "time": {"type": "integer"},
        "severity_id": {"enum": [0, 1, 2, 3, 4, 5, 6, 99]},
        "status_id": {"enum": [0, 1, 2, 3, 4, 99]},
        "metadata": {
            "type": "object",
            "required": ["version", "product"],
            "properties": {
                "version": {"const": "1.3.0"},
                "product": {"type": "object", "required": ["name"]},
            },
        },
        "finding_info": {
            "type": "object",
            "required": ["uid", "title"],
            "properties": {"related_events": {"type": "array"}, "types": {"type": "array"}},
        },
        "evidences": {"type": "array"},
        "resources": {"type": "array"},
    },
}


def test_ocsf_detection_findings_validate(tmp_path: Path, guard: OutboundGuard) -> None:
    path = tmp_path / "findings.ocsf.jsonl"
    dispatcher = Dispatcher([Route(OcsfFileSink(path=path))], guard=guard)
    dispatcher.deliver(alert())
    dispatcher.deliver(alert(uid="second", severity=Severity.HIGH))
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    for line in lines:
        jsonschema.validate(json.loads(line), OCSF_SUBSET)
    assert json.loads(lines[0])["severity_id"] == 5 and json.loads(lines[1])["severity_id"] == 4


def test_failing_sink_retries_then_opens_its_breaker_and_dead_letters(tmp_path: Path, guard: OutboundGuard) -> None:
    dead = tmp_path / "dead-letter.jsonl"
    config = DeliveryConfig(attempts=3, backoff_seconds=0.5, breaker_failures=5, dead_letter=dead)
    slept: list[float] = []
    with serve(lambda request: (500, {}, b"")) as server:
        sink = WebhookSink(url=f"{server.url}/hook", secret=b"s")
        dispatcher = Dispatcher([Route(sink)], guard=guard, config=config, sleep=slept.append, clock=lambda: 1000.0)
        outcomes = [dispatcher.deliver(alert(uid=f"a{i}"))["webhook"] for i in range(3)]
        dispatcher.close()
        requests = len(server.requests)
    assert outcomes == ["dead-letter"] * 3
    assert requests == 5  # 3 attempts, then 2 until the fifth failure opened the circuit; then none
    assert slept == [0.5, 1.0, 0.5]
    records = [json.loads(line) for line in dead.read_text().splitlines()]
    assert [r["alert"] for r in records] == ["a0", "a1", "a2"]
    assert records[-1]["reason"] == "circuit open" and records[0]["payload"]


def test_guard_scrubs_a_token_from_an_alert_and_refuses_an_unscrubbed_payload(
    tmp_path: Path, guard: OutboundGuard
) -> None:
    leaky = alert(evidence={"url": f"/login/callback?sessionToken={SESSION_TOKEN}&x=1"})
    got: list[Request] = []
    dead = tmp_path / "dead.jsonl"
    with serve(lambda request: got.append(request) or (204, {}, b"")) as server:  # type: ignore[func-returns-value]
        dispatcher = Dispatcher(
            [Route(WebhookSink(url=server.url, secret=b"s"))],
            guard=guard,
            config=DeliveryConfig(dead_letter=dead),
        )
        assert dispatcher.deliver(leaky) == {"webhook": "refused"}
        assert got == []
        assert dispatcher.deliver(guard.scrub(leaky)) == {"webhook": "sent"}
        dispatcher.close()
    assert_no_leak(got[0].body + dead.read_bytes(), {"token": SESSION_TOKEN}, where="webhook body and dead letter")
    assert b"[REDACTED:" in got[0].body
    assert json.loads(dead.read_text())["payload"] is None
