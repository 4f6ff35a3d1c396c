"""The edge sensor in a WSGI app on a real server: fingerprints only, never breaks a request."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

from harguard.redact.placeholders import fingerprint
from harguard.watch.events import Event
from harguard.watch.index import WatchIndex
from harguard.watch.ingest import IngestContext, ingestor_for, read_records
from harguard.watch.middleware import BackgroundEmitter, JsonlEventWriter, Sensor, WSGIEdgeSensor
from harguard.watch.watchlist import Exposure, Watchlist
from tests.harness import KEY
from tests.leaks import assert_no_leak

BEARER = "ya29.a0AfB_byC1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3"
COOKIE = "s%3AQx7Lm2Pw8Rt5Vb3Yc6Nd1Gf0Jh4Kz.Abc"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


@pytest.fixture
def index(watchlist: Watchlist) -> WatchIndex:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    watchlist.add(
        [
            Exposure(
                fingerprint=fingerprint(KEY, BEARER),
                kind="bearer-token",
                severity="critical",
                source="test",
                exposed_at=when,
                case="C-9",
            ),
            Exposure(
                fingerprint=fingerprint(KEY, COOKIE),
                kind="session-cookie",
                severity="critical",
                source="test",
                exposed_at=when,
                case="C-9",
            ),
        ]
    )
    built = WatchIndex(watchlist)
    built.refresh()
    return built


@pytest.fixture
def wsgi(index: WatchIndex, tmp_path: Path) -> Iterator[tuple[str, Path, Sensor]]:
    events = tmp_path / "edge.jsonl"
    sensor = Sensor(key=KEY, index=index, emit=JsonlEventWriter(events), trusted_proxies=1)
    server = make_server("127.0.0.1", 0, WSGIEdgeSensor(hello, sensor), server_class=WSGIServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", events, sensor
    server.shutdown()
    server.server_close()


def test_wsgi_sensor_reports_watched_credentials_as_fingerprints(
    wsgi: tuple[str, Path, Sensor], caplog: pytest.LogCaptureFixture
) -> None:
    url, events, sensor = wsgi
    with httpx.Client() as client:
        assert client.get(f"{url}/plain", headers={"Cookie": "theme=dark"}).text == "hello"
        assert (
            client.get(
                f"{url}/api/items?page=2",
                headers={"Authorization": f"Bearer {BEARER}", "X-Forwarded-For": "203.0.113.7"},
            ).status_code
            == 200
        )
        assert (
            client.get(
                f"{url}/app",
                headers={"Cookie": f"connect.sid={COOKIE}; theme=dark", "User-Agent": "curl/8.4.0"},
            ).status_code
            == 200
        )
    records = list(read_records(events, ingestor_for("jsonl")))
    parsed = [ingestor_for("jsonl").parse(r, IngestContext(key=KEY)) for r in records]
    assert [(e.url_path, e.src_ip, e.credential_fps) for e in parsed if e] == [
        ("/api/items", "203.0.113.7", (fingerprint(KEY, BEARER),)),
        ("/app", "127.0.0.1", (fingerprint(KEY, COOKIE),)),
    ]
    assert sensor.hits == 2 and sensor.errors == 0
    assert_no_leak(events.read_text() + caplog.text, {"bearer": BEARER, "cookie": COOKIE}, where="edge events and logs")


def test_a_failing_sensor_never_fails_the_request(index: WatchIndex, caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError(f"cannot emit {BEARER}")

    sensor = Sensor(key=KEY, index=index, emit=broken)
    app = WSGIEdgeSensor(hello, sensor)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/x",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_AUTHORIZATION": f"Bearer {BEARER}",
    }
    with caplog.at_level(logging.WARNING):
        assert app(environ, lambda status, headers: None) == [b"hello"]
    assert sensor.errors == 1
    assert "RuntimeError" in caplog.text
    assert_no_leak(caplog.text, {"bearer": BEARER}, where="log")


def test_background_emitter_hands_events_to_a_worker(index: WatchIndex) -> None:
    got: list[Event] = []
    emitter = BackgroundEmitter(got.append)
    sensor = Sensor(key=KEY, index=index, emit=emitter)
    sensor.inspect(headers=[("authorization", f"Bearer {BEARER}")], client_ip="192.0.2.1", method="GET", path="/")
    emitter.queue.join()
    emitter.close()
    assert [e.credential_fps for e in got] == [(fingerprint(KEY, BEARER),)]
    assert_no_leak(json.dumps(got[0].to_ocsf()), {"bearer": BEARER}, where="edge event")
