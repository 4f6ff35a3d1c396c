"""Delivery: outbound guard, retries with exponential backoff, a circuit breaker per sink, and a
dead-letter file, so one broken SIEM neither blocks the monitor nor loses an alert.

The breaker follows Thinkst Canarytokens' webhook sender: after `breaker_failures` failed
attempts in a row a sink is skipped (alerts go straight to the dead-letter file) until the
cool-down has passed, then one attempt decides whether it closes again. The dead-letter file
holds only payloads that passed the guard; a refused payload is recorded without its body.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ...errors import DeliveryError, ResidualLeakError
from ...types import Severity
from ..alerts import Alert
from ..config import DeliveryConfig
from ..guard import OutboundGuard
from ._base import Sink

__all__ = ["Dispatcher", "Route"]


@dataclass
class Route:
    """A sink, the least severity it wants, and its breaker state."""

    sink: Sink
    min_severity: Severity = Severity.LOW
    failures: int = 0
    open_until: float = 0.0


class Dispatcher:
    def __init__(
        self,
        routes: Sequence[Route],
        *,
        guard: OutboundGuard,
        config: DeliveryConfig | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.routes = list(routes)
        self.guard = guard
        self.config = config or DeliveryConfig()
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Dispatcher sinks={[r.sink.name for r in self.routes]}>"

    def deliver(self, alert: Alert) -> dict[str, str]:
        """Send to every sink that wants this severity; returns sink name → outcome."""
        return {
            route.sink.name: self._one(route, alert)
            for route in self.routes
            if alert.severity.at_least(route.min_severity)
        }

    def _one(self, route: Route, alert: Alert) -> str:
        sink = route.sink
        try:
            payload = sink.render(alert)
            self.guard.check(payload, what=f"{sink.name} payload")
        except ResidualLeakError as exc:
            self._dead_letter(sink.name, alert, str(exc), None)
            return "refused"
        if route.open_until > self._clock():
            self._dead_letter(sink.name, alert, "circuit open", payload)
            return "dead-letter"
        error = "no attempt"
        for attempt in range(self.config.attempts):
            try:
                sink.send(payload)
            except DeliveryError as exc:
                error = str(exc)
                route.failures += 1
                if route.failures >= self.config.breaker_failures:
                    route.open_until = self._clock() + self.config.breaker_cooldown_seconds
                    break
                if attempt + 1 < self.config.attempts:
                    self._sleep(min(self.config.backoff_seconds * 2**attempt, self.config.max_backoff_seconds))
                continue
            route.failures, route.open_until = 0, 0.0
            return "sent"
        self._dead_letter(sink.name, alert, error, payload)
        return "dead-letter"

    def _dead_letter(self, sink: str, alert: Alert, reason: str, payload: bytes | None) -> None:
        path: Path | None = self.config.dead_letter
        if path is None:
            return
        record = {
            "at": datetime.now(UTC).isoformat(),
            "sink": sink,
            "alert": alert.uid,
            "reason": reason,
            "payload": payload.decode("utf-8", "replace") if payload is not None else None,
        }
        line = json.dumps(record, sort_keys=True).encode() + b"\n"
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def close(self) -> None:
        for route in self.routes:
            route.sink.close()
