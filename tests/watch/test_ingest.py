"""Ingestors: each source's documented shape → the one Event model; follow mode; API polling."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harguard.errors import DeliveryError, PolicyError
from harguard.redact.placeholders import fingerprint
from harguard.watch.events import HTTP_ACTIVITY, Event, parse_time
from harguard.watch.ingest import (
    FileCursor,
    IngestContext,
    OktaLogPoller,
    follow_lines,
    ingestor_for,
    read_records,
)
from harguard.watch.network import AsnTable, is_scripted, network_of, ua_similar
from tests.harness import KEY
from tests.leaks import assert_no_leak
from tests.watch.support import ADMIN_UA, auth0_log, entra_row, json_response, okta_event, serve

CTX = IngestContext(key=KEY)


def parse(fmt: str, record: Any) -> Event:
    event = ingestor_for(fmt).parse(record, IngestContext(key=KEY))
    assert event is not None
    return event


def test_okta_log_event() -> None:
    record = okta_event(
        "u1",
        "2023-10-02T13:40:07.120Z",
        event_type="user.session.start",
        request_uri="/idp/idx/identify?stateToken=02.abc",
    )
    event = parse("okta", record)
    assert (event.time, event.uid, event.activity, event.outcome) == (
        datetime(2023, 10, 2, 13, 40, 7, 120000, tzinfo=UTC),
        "u1",
        "user.session.start",
        "success",
    )
    assert (event.src_ip, event.asn, event.is_proxy, event.user_agent, event.device_uid) == (
        "198.51.100.7",
        64500,
        False,
        ADMIN_UA,
        "a1b2c3d4e5f6",
    )
    assert event.session_uid == "idxEXAMPLEsess0001AAAA" and event.session_fp == fingerprint(KEY, event.session_uid)
    assert ("externalSessionId", fingerprint(KEY, "idxEXAMPLEsess0001AAAA")) in event.identifier_fps
    assert event.url_path == "/idp/idx/identify"  # the query (a state token) is dropped
    ocsf = event.to_ocsf()
    assert ocsf["class_uid"] == 3002 and ocsf["actor"]["session"]["uid"] == "idxEXAMPLEsess0001AAAA"


def test_entra_graph_and_log_analytics_exports() -> None:
    graph = parse("entra", entra_row("2024-02-01T10:07:00Z", uti="AbCd", sid="5f0c"))
    assert graph.token_binding == "unbound (1008)" and graph.asn == 64510 and graph.activity == "signIn.nonInteractive"
    la = {
        "TimeGenerated": "2024-02-01T10:07:00.1234567Z",
        "UserId": "u-1",
        "IPAddress": "203.0.113.50",
        "AutonomousSystemNumber": "64510",
        "UserAgent": "python-requests/2.31",
        "SessionId": "5f0c",
        "UniqueTokenIdentifier": "AbCd",
        "ResultType": "50126",
        "LocationDetails": '{"countryOrRegion": "NL", "city": "Amsterdam"}',
        "RiskEventTypes_v2": '["anomalousToken"]',
        "TokenProtectionStatusDetails": '{"signInSessionStatus": "unbound", "signInSessionStatusCode": 1008}',
    }
    event = parse("entra", la)
    assert event.time == datetime(2024, 2, 1, 10, 7, 0, 123456, tzinfo=UTC)
    assert (event.outcome, event.country, event.asn, event.native_verdicts) == (
        "failure",
        "NL",
        64510,
        ("anomalousToken",),
    )
    assert dict(event.identifier_fps)["UniqueTokenIdentifier"] == fingerprint(KEY, "AbCd")


def test_auth0_stream_items_bare_and_wrapped(tmp_path: Path) -> None:
    bare = auth0_log("l1", "2024-02-01T09:40:00.000Z", sid="S1")
    wrapped = {"log_id": "l2", "data": auth0_log("l2", "2024-02-01T09:41:00.000Z", sid="S1", code="ferrt")}
    path = tmp_path / "auth0.jsonl"
    path.write_text(json.dumps(bare) + "\n" + json.dumps(wrapped) + "\n")
    events = [parse("auth0", r) for r in read_records(path, ingestor_for("auth0"))]
    assert [(e.uid, e.outcome, e.country) for e in events] == [
        ("l1", "success", "NL"),
        ("l2", "failure", "NL"),
    ]
    assert events[1].native_verdicts == ("auth0.refresh_token_reuse",)
    assert dict(events[0].identifier_fps)["sid"] == fingerprint(KEY, "S1")


def test_nginx_combined_and_json() -> None:
    line = (
        '203.0.113.50 - - [02/Oct/2023:14:31:55 +0000] "GET /admin/dashboard?token=abc HTTP/1.1" 200 512 '
        '"-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:118.0) Gecko/20100101 Firefox/118.0"'
    )
    event = parse("nginx", line)
    assert (event.class_uid, event.src_ip, event.http_method, event.url_path, event.http_status) == (
        HTTP_ACTIVITY,
        "203.0.113.50",
        "GET",
        "/admin/dashboard",
        200,
    )
    assert event.time == datetime(2023, 10, 2, 14, 31, 55, tzinfo=UTC) and event.credential_fps == ()
    ctx = IngestContext(key=KEY)
    raw = {
        "time": "2023-10-02T14:31:55+00:00",
        "remote_addr": "203.0.113.50",
        "request_id": "7f1c",
        "method": "GET",
        "uri": "/x",
        "status": 200,
        "ua": "curl/8",
        "sess_fp": "hm1:6b1e0c3a9f2d4e57",
        "http_cookie": "idx=raw-cookie-value",
    }
    event = ingestor_for("nginx-json").parse(raw, ctx)
    assert event is not None and event.credential_fps == ("hm1:6b1e0c3a9f2d4e57",) and event.uid == "7f1c"
    assert_no_leak(repr(event), {"cookie": "raw-cookie-value"}, where="repr(event)")
    assert any("raw cookie" in note for note in ctx.notes)


def test_generic_json_lines_with_a_field_map() -> None:
    ingestor = ingestor_for("jsonl", mapping={"src_ip": "client.addr", "credential_fps": "auth.fp"})
    event = ingestor.parse(
        {"ts": "2024-01-01T00:00:00Z", "client": {"addr": "192.0.2.1"}, "auth": {"fp": "ab" * 32}},
        IngestContext(key=KEY),
    )
    assert event is not None and event.src_ip == "192.0.2.1" and event.credential_fps == ("ab" * 32,)
    with pytest.raises(PolicyError):
        ingestor_for("jsonl", mapping={"password": "x"})
    with pytest.raises(PolicyError):
        ingestor_for("splunk")


def test_edge_sensor_output_round_trips_through_the_jsonl_ingestor() -> None:
    original = Event(
        time=datetime(2024, 1, 1, tzinfo=UTC),
        source="edge",
        uid="e1",
        activity="http.request",
        class_uid=HTTP_ACTIVITY,
        session_fp="cd" * 32,
        credential_fps=("cd" * 32,),
        src_ip="192.0.2.9",
        user_agent="curl/8",
        http_method="GET",
        url_path="/admin",
    )
    back = parse("jsonl", json.loads(json.dumps(original.to_ocsf())))
    assert (back.time, back.uid, back.credential_fps, back.src_ip, back.user_agent, back.url_path) == (
        original.time,
        "e1",
        original.credential_fps,
        "192.0.2.9",
        "curl/8",
        "/admin",
    )


def test_time_parsing() -> None:
    assert parse_time("2023-10-02T14:31:55.0041234Z") == datetime(2023, 10, 2, 14, 31, 55, 4123, tzinfo=UTC)
    assert parse_time(1696257115000) == parse_time(1696257115) == datetime(2023, 10, 2, 14, 31, 55, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(True) is None


def test_network_helpers(tmp_path: Path) -> None:
    assert network_of("198.51.100.7") == "198.51.100.0/24" and network_of("2001:db8:1:2::1") == "2001:db8:1::/48"
    assert network_of("::ffff:198.51.100.7") == "198.51.100.0/24" and network_of("nope") is None
    assert (
        is_scripted("python-requests/2.31")
        and is_scripted("Mozilla/5.0 HeadlessChrome/120")
        and not is_scripted(ADMIN_UA)
    )
    assert ua_similar("Firefox 118.0.0 / Windows 10.0.0", "Mozilla/5.0 (Windows NT 10.0; rv:118.0) Firefox/118.0")
    assert not ua_similar(ADMIN_UA, "Mozilla/5.0 (Windows NT 10.0; rv:118.0) Gecko/20100101 Firefox/118.0")
    table = tmp_path / "asn.csv"
    table.write_text(
        "cidr,asn,org\n198.51.100.0/24,64500,example-isp\n198.51.0.0/16,64499,parent\n2001:db8::/32,AS64501,v6\n"
    )
    asn = AsnTable.from_csv(table)
    assert asn.lookup("198.51.100.7") == (64500, "example-isp")
    assert asn.lookup("198.51.7.1") == (64499, "parent")
    assert asn.lookup("2001:db8::5") == (64501, "v6") and asn.lookup("203.0.113.1") is None
    table.write_text("not-a-network,1\n")
    with pytest.raises(PolicyError):
        AsnTable.from_csv(table)


@pytest.fixture
def follower(tmp_path: Path) -> Iterator[tuple[Path, queue.Queue[Any], FileCursor]]:
    path = tmp_path / "okta.ndjson"
    path.write_text(json.dumps(okta_event("a", "2023-10-02T14:00:00Z")) + "\n")
    records: queue.Queue[Any] = queue.Queue()
    cursor = FileCursor()
    stop = threading.Event()

    def run() -> None:
        for record in follow_lines(path, ingestor_for("okta"), cursor, stop=stop, poll_interval=0.02):
            records.put(record)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield path, records, cursor
    stop.set()
    thread.join(10)


def test_follow_reads_appended_lines_waits_for_complete_ones_and_survives_rotation(
    follower: tuple[Path, queue.Queue[Any], FileCursor],
) -> None:
    path, records, cursor = follower
    assert records.get(timeout=30)["uuid"] == "a"
    with path.open("a") as handle:
        handle.write(json.dumps(okta_event("b", "2023-10-02T14:01:00Z")))  # no newline yet
        handle.flush()
        handle.write("\n")
    assert records.get(timeout=30)["uuid"] == "b"
    path.rename(path.with_suffix(".1"))
    path.write_text(json.dumps(okta_event("c", "2023-10-02T14:02:00Z")) + "\n")
    assert records.get(timeout=30)["uuid"] == "c"
    assert cursor.offset == path.stat().st_size


def test_okta_poller_honours_rate_limits_and_never_follows_another_host() -> None:
    calls = iter(
        [
            json_response(429, {}, {"X-Rate-Limit-Reset": "1700000005", "Retry-After": "3"}),
            json_response(
                200,
                [okta_event("a", "2023-10-02T14:00:00Z")],
                {"Link": '<https://evil.example/api/v1/logs?after=a>; rel="next"'},
            ),
        ]
    )
    slept: list[float] = []
    with serve(lambda request: next(calls)) as okta:
        poller = OktaLogPoller(org_url=okta.url, token="ssws-secret-token", sleep=slept.append)
        with pytest.raises(DeliveryError) as caught:
            poller.poll()
        poller.close()
    assert slept == [3.0]
    assert "another host" in str(caught.value)
    assert_no_leak(str(caught.value), {"token": "ssws-secret-token"}, where="error message")
    assert okta.requests[0].headers["authorization"] == "SSWS ssws-secret-token"
    assert "sortOrder=ASCENDING" in okta.requests[0].path


def test_okta_poller_refuses_plain_http_to_a_remote_org() -> None:
    with pytest.raises(PolicyError):
        OktaLogPoller(org_url="http://example.okta.com", token="t")
