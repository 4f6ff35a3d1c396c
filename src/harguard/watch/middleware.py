"""The edge sensor: ASGI and WSGI middleware that sees a replay at the organisation's own door.

For every request it fingerprints what the client *presents* (each cookie value, the
credentials of `Authorization` / `Proxy-Authorization`) with the same key the sanitizer used,
and looks the fingerprints up in the in-memory watchlist index. A hit becomes an `Event`
(fingerprints, client IP, user agent, method and path; never a value, never the query
string) handed to `emit`: a monitor in the same process, a background queue, or a JSON-lines
file the monitor follows. This is the only place canaries can be seen (anchors §0.6).

The sensor observes and never decides: it cannot fail a request. Its own errors are counted
and logged by exception type only. Index refreshes happen on a background thread, so a
request never waits for the database.

    app = EdgeSensorMiddleware(app, sensor)          # Starlette / FastAPI / any ASGI app
    app.wsgi_app = WSGIEdgeSensor(app.wsgi_app, sensor)  # Flask / Django / any WSGI app
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..redact.placeholders import fingerprint
from .events import HTTP_ACTIVITY, Event, Outcome
from .index import WatchIndex

__all__ = ["BackgroundEmitter", "EdgeSensorMiddleware", "JsonlEventWriter", "Sensor", "WSGIEdgeSensor"]

log = logging.getLogger("harguard.watch.edge")
_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization")


class Sensor:
    """Fingerprints presented credentials and reports the ones the watchlist knows."""

    def __init__(
        self,
        *,
        key: bytes,
        index: WatchIndex,
        emit: Callable[[Event], None],
        cookie_names: Collection[str] | None = None,
        emit_all: bool = False,
        trusted_proxies: int = 0,
        refresh_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = key
        self.index = index
        self.emit = emit
        self.cookie_names = frozenset(cookie_names) if cookie_names is not None else None
        self.emit_all = emit_all
        self.trusted_proxies = trusted_proxies
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._refreshed = clock()
        self._refreshing = threading.Lock()
        self.hits = 0
        self.errors = 0

    def __repr__(self) -> str:
        return f"<Sensor index={len(self.index)} hits={self.hits} errors={self.errors}>"

    def presented(self, headers: Iterable[tuple[str, str]]) -> tuple[list[str], str | None, str | None]:
        """(fingerprints of presented credentials, user agent, forwarded-for) from the headers."""
        fps: list[str] = []
        ua = forwarded = None
        for name, value in headers:
            lower = name.lower()
            if lower == "cookie":
                for pair in value.split(";"):
                    cookie, sep, raw = pair.strip().partition("=")
                    if sep and raw and (self.cookie_names is None or cookie in self.cookie_names):
                        fps.append(fingerprint(self._key, raw.strip().strip('"')))
            elif lower in _CREDENTIAL_HEADERS:
                scheme, _, credentials = value.strip().partition(" ")
                fps.append(fingerprint(self._key, credentials.strip() or scheme))
            elif lower == "user-agent":
                ua = value
            elif lower == "x-forwarded-for":
                forwarded = value
        return fps, ua, forwarded

    def inspect(
        self, *, headers: Iterable[tuple[str, str]], client_ip: str | None, method: str, path: str
    ) -> Event | None:
        """Check one request; emits and returns an Event on a hit (or always with `emit_all`)."""
        try:
            self._maybe_refresh()
            fps, ua, forwarded = self.presented(headers)
            hits = [fp for fp in fps if self.index.candidates([fp])]
            if not hits and not (self.emit_all and fps):
                return None
            event = Event(
                time=datetime.now(UTC),
                source="edge",
                uid=uuid.uuid4().hex,
                activity="http.request",
                class_uid=HTTP_ACTIVITY,
                outcome=Outcome.UNKNOWN,
                credential_fps=tuple(hits or fps),
                src_ip=self._client(client_ip, forwarded),
                user_agent=ua,
                http_method=method,
                url_path=path.split("?", 1)[0][:512] or "/",
            )
            self.hits += bool(hits)
            self.emit(event)
            return event
        except Exception as exc:  # noqa: BLE001 - a sensor must never break the app it watches
            self.errors += 1
            log.warning("edge sensor error (%s); request passed through", type(exc).__name__)
            return None

    def _client(self, client_ip: str | None, forwarded: str | None) -> str | None:
        if self.trusted_proxies and forwarded:
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if len(hops) >= self.trusted_proxies:
                return hops[-self.trusted_proxies]
        return client_ip

    def _maybe_refresh(self) -> None:
        if self._clock() - self._refreshed < self.refresh_seconds or not self._refreshing.acquire(blocking=False):
            return
        self._refreshed = self._clock()

        def run() -> None:
            try:
                self.index.refresh()
            except Exception as exc:  # noqa: BLE001 - keep serving with the index we have
                log.warning("edge sensor: index refresh failed (%s)", type(exc).__name__)
            finally:
                self._refreshing.release()

        threading.Thread(target=run, name="harguard-edge-refresh", daemon=True).start()


class EdgeSensorMiddleware:
    """ASGI middleware (HTTP and WebSocket scopes)."""

    def __init__(self, app: Any, sensor: Sensor) -> None:
        self.app = app
        self.sensor = sensor

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") in ("http", "websocket"):
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", ())]
            client = scope.get("client")
            self.sensor.inspect(
                headers=headers,
                client_ip=client[0] if client else None,
                method=str(scope.get("method", "GET")),
                path=str(scope.get("path", "/")),
            )
        await self.app(scope, receive, send)


class WSGIEdgeSensor:
    """WSGI middleware."""

    def __init__(self, app: Callable[..., Any], sensor: Sensor) -> None:
        self.app = app
        self.sensor = sensor

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        headers = [(k[5:].replace("_", "-").lower(), str(v)) for k, v in environ.items() if k.startswith("HTTP_")]
        self.sensor.inspect(
            headers=headers,
            client_ip=environ.get("REMOTE_ADDR"),
            method=str(environ.get("REQUEST_METHOD", "GET")),
            path=str(environ.get("PATH_INFO", "/")),
        )
        return self.app(environ, start_response)


class JsonlEventWriter:
    """`emit` target: one OCSF JSON line per event (fingerprints only) for `harguard watch ingest
    --format jsonl --follow`. Appends under a lock; file mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = json.dumps(event.to_ocsf(), sort_keys=True).encode() + b"\n"
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)


class BackgroundEmitter:
    """`emit` target that hands events to a worker thread (e.g. `monitor.process_event`), so a
    request never waits for alert delivery. A full queue drops and counts, never blocks."""

    def __init__(self, handler: Callable[[Event], Any], *, maxsize: int = 10_000) -> None:
        self.handler = handler
        self.queue: queue.Queue[Event | None] = queue.Queue(maxsize=maxsize)
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="harguard-edge-emit", daemon=True)
        self._thread.start()

    def __call__(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1

    def _run(self) -> None:
        while (event := self.queue.get()) is not None:
            try:
                self.handler(event)
            except Exception as exc:  # noqa: BLE001 - keep the worker alive
                log.warning("edge sensor: event handler failed (%s)", type(exc).__name__)
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def close(self, timeout: float = 5.0) -> None:
        self.queue.put(None)
        self._thread.join(timeout)
