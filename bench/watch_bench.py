#!/usr/bin/env python3
"""Benchmark `harguard watch`: ingest + detection throughput over a one-million-fingerprint
watchlist, and the time from a log line being written to its alert arriving at a webhook.

    python bench/watch_bench.py [--fingerprints 1000000] [--events 200000] [--latency-runs 30]
                                [--poll-interval 0.05] [--database-url postgresql://…]

Steps (all on loopback, a temporary folder, SQLite unless --database-url):

  1. watchlist   insert N random fingerprints (1 in 1000 linked to an Okta session id) in
                 batches through `Watchlist.add`; then load the in-memory prefix index
  2. ingest      write an Okta System Log NDJSON file of E events over 20,000 sessions (5 % of
                 the events on watched sessions, 0.5 % of those from a new ASN and browser),
                 parse only (events/s), then parse + match + detect + store alerts (events/s)
  3. latency     follow an nginx JSON access log with a signed-webhook sink pointed at a local
                 HTTP server; append one line presenting a watched credential from a new
                 network, and time until the webhook has received the alert; repeat

Figures go to stdout, one `name: value` line each. Nothing is asserted: this measures.
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harguard import Sanitizer
from harguard.redact.placeholders import fingerprint
from harguard.watch.config import DeliveryConfig
from harguard.watch.feed import Feed
from harguard.watch.guard import OutboundGuard
from harguard.watch.ingest import IngestContext, ingestor_for, read_records
from harguard.watch.monitor import Monitor
from harguard.watch.sinks import Dispatcher, Route, WebhookSink
from harguard.watch.watchlist import Exposure, Watchlist

KEY = secrets.token_bytes(32)
UPLOADED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"


def report(name: str, value: str) -> None:
    sys.stdout.write(f"{name}: {value}\n")
    sys.stdout.flush()


def build_watchlist(watchlist: Watchlist, count: int, sessions: list[str], credentials: list[str]) -> None:
    linked = {i * 1000: s for i, s in enumerate(sessions) if i * 1000 < count}
    batch: list[Exposure] = []
    started = time.perf_counter()
    for i in range(count):
        links = {"okta-session-id": fingerprint(KEY, linked[i])} if i in linked else {}
        fp = fingerprint(KEY, credentials[i]) if i < len(credentials) else secrets.token_hex(32)
        batch.append(
            Exposure(
                fingerprint=fp,
                kind="okta-session",
                severity="critical",
                source="bench",
                exposed_at=UPLOADED,
                case=f"CASE-{i // 100}",
                tenant="bench",
                context={"user_agents": [CHROME]},
                links=links,
            )
        )
        if len(batch) == 50_000:
            watchlist.add(batch)
            batch = []
    watchlist.add(batch)
    elapsed = time.perf_counter() - started
    report("watchlist.rows", f"{watchlist.count():,}")
    report("watchlist.insert", f"{elapsed:.1f} s ({count / elapsed:,.0f} rows/s)")


def okta_line(i: int, when: datetime, session: str, *, drift: bool, rng: random.Random) -> str:
    net = rng.randrange(256)
    return json.dumps(
        {
            "uuid": f"bench-{i:09d}",
            "published": when.isoformat().replace("+00:00", "Z"),
            "eventType": "user.session.access_admin_app" if drift else "user.authentication.sso",
            "actor": {"id": f"00u{session[-8:]}", "alternateId": "user@example.com", "type": "User"},
            "client": {
                "ipAddress": f"203.0.113.{net}" if drift else f"198.51.{hash(session) % 200}.{net % 8}",
                "userAgent": {"rawUserAgent": FIREFOX if drift else CHROME},
            },
            "authenticationContext": {"externalSessionId": session, "rootSessionId": session},
            "securityContext": {"asNumber": 64510 if drift else 64500 + hash(session) % 5, "isProxy": drift},
            "debugContext": {"debugData": {"dtHash": "ffee" if drift else session[-6:], "requestUri": "/app/x"}},
            "outcome": {"result": "SUCCESS"},
        }
    )


def write_events(path: Path, count: int, watched: list[str], rng: random.Random) -> None:
    unwatched = [f"idx{secrets.token_urlsafe(16)}" for _ in range(20_000 - len(watched))]
    when = UPLOADED + timedelta(minutes=5)
    with path.open("w") as handle:
        for i in range(count):
            on_watched = rng.random() < 0.05
            session = rng.choice(watched) if on_watched else rng.choice(unwatched)
            drift = on_watched and rng.random() < 0.005
            handle.write(okta_line(i, when, session, drift=drift, rng=rng) + "\n")
            when += timedelta(milliseconds=50)


def throughput(watchlist: Watchlist, guard: OutboundGuard, path: Path, count: int) -> None:
    ingestor = ingestor_for("okta")
    ctx = IngestContext(key=KEY)
    started = time.perf_counter()
    parsed = sum(1 for record in read_records(path, ingestor) if ingestor.parse(record, ctx) is not None)
    elapsed = time.perf_counter() - started
    report("ingest.parse_only", f"{parsed / elapsed:,.0f} events/s")
    started = time.perf_counter()
    monitor = Monitor(watchlist=watchlist, guard=guard)
    report("index.load", f"{time.perf_counter() - started:.2f} s for {len(monitor.matcher.index):,} keys")
    feed = Feed(monitor, IngestContext(key=KEY))
    started = time.perf_counter()
    stats = feed.ingest_files([path], ingestor)
    elapsed = time.perf_counter() - started
    report(
        "ingest.detect",
        f"{stats.events / elapsed:,.0f} events/s ({stats.events:,} events, "
        f"{len(stats.alerts)} alerts, {elapsed:.1f} s)",
    )
    assert stats.events == count


class Hook(BaseHTTPRequestHandler):
    received: queue.Queue[float] = queue.Queue()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Hook.received.put(time.perf_counter())
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def latency(
    watchlist: Watchlist,
    guard: OutboundGuard,
    folder: Path,
    credentials: list[str],
    runs: int,
    poll_interval: float,
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sink = WebhookSink(url=f"http://127.0.0.1:{server.server_address[1]}/hook", secret=b"bench-secret")
    dispatcher = Dispatcher([Route(sink)], guard=guard, config=DeliveryConfig(attempts=1))
    feed = Feed(Monitor(watchlist=watchlist, guard=guard, dispatcher=dispatcher), IngestContext(key=KEY))
    log = folder / "access.json"
    log.touch()
    stop = threading.Event()
    thread = threading.Thread(
        target=feed.follow_files,
        args=([log], ingestor_for("nginx-json")),
        kwargs={"stop": stop, "poll_interval": poll_interval},
        daemon=True,
    )
    thread.start()
    samples = []
    for i in range(runs):
        line = json.dumps(
            {
                "time": (UPLOADED + timedelta(hours=1, seconds=i)).isoformat(),
                "remote_addr": f"192.0.2.{i}",
                "request_id": f"lat-{i}",
                "method": "GET",
                "uri": "/admin",
                "status": 200,
                "ua": "python-requests/2.31",
                "sess_fp": "hm1:" + fingerprint(KEY, credentials[i])[:16],
            }
        )
        started = time.perf_counter()
        with log.open("a") as handle:
            handle.write(line + "\n")
        samples.append(Hook.received.get(timeout=60) - started)
    stop.set()
    thread.join(10)
    dispatcher.close()
    server.shutdown()
    samples.sort()
    report(
        "latency.write_to_webhook",
        f"p50 {statistics.median(samples) * 1000:.0f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {samples[-1] * 1000:.0f} ms over {runs} alerts "
        f"(file poll interval {poll_interval * 1000:.0f} ms)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fingerprints", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--latency-runs", type=int, default=30)
    parser.add_argument("--poll-interval", type=float, default=0.05)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="harguard-watch-bench-") as tmp:
        folder = Path(tmp)
        watchlist = Watchlist(args.database_url or f"sqlite:///{folder / 'watch.db'}")
        sessions = [f"idx{secrets.token_urlsafe(16)}" for _ in range(max(1, args.fingerprints // 1000))]
        credentials = [f"s%3A{secrets.token_urlsafe(24)}" for _ in range(args.latency_runs)]
        build_watchlist(watchlist, args.fingerprints, sessions, credentials)
        guard = OutboundGuard(Sanitizer(key=KEY))
        events = folder / "okta.ndjson"
        write_events(events, args.events, sessions, rng)
        report("events.file", f"{events.stat().st_size / 1e6:.0f} MB, {args.events:,} events")
        throughput(watchlist, guard, events, args.events)
        latency(watchlist, guard, folder, credentials, args.latency_runs, args.poll_interval)
        watchlist.engine.dispose()


if __name__ == "__main__":
    main()
