"""The monitor: events in, alerts out. Match → detectors → session memory → dedup → store → sinks.

Everything is decided in event order and event time. Per event: the watchlist index gives the
matches; every detector sees the event against the session's *past*; only then is the event
added to the session memory. An alert is emitted once per (rule, correlation key) and again
only if its severity rises; its uid is deterministic and the alert store refuses a uid it
has, so re-processing the same logs (a backfill, a restart without state) pages nobody twice.
Alerts are scrubbed by the outbound guard before they are stored or sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from .alerts import Alert
from .alertstore import AlertStore
from .config import DetectionConfig
from .detectors import DetectionContext, Detector, default_detectors
from .events import Event
from .guard import OutboundGuard
from .match import Matcher
from .sessions import SessionTracker
from .sinks import Dispatcher
from .watchlist import Watchlist

__all__ = ["Monitor"]

_EVICT_EVERY = 5_000
_MAX_DEDUP = 500_000


class Monitor:
    """One monitor process: holds the index, the session memory and the dedup table."""

    def __init__(
        self,
        *,
        watchlist: Watchlist,
        guard: OutboundGuard,
        config: DetectionConfig | None = None,
        detectors: Sequence[Detector] | None = None,
        dispatcher: Dispatcher | None = None,
        store: AlertStore | None = None,
        matcher: Matcher | None = None,
    ) -> None:
        self.watchlist = watchlist
        self.guard = guard
        self.config = config or DetectionConfig()
        self.detectors = list(detectors) if detectors is not None else default_detectors()
        self.dispatcher = dispatcher
        self.store = store if store is not None else AlertStore(watchlist.engine)
        self.matcher = matcher or Matcher(watchlist)
        self.tracker = SessionTracker(
            max_sessions=self.config.max_sessions,
            idle=timedelta(hours=self.config.max_session_hours),
            scrub=lambda user_agent: guard.scrub_text(user_agent, name="user-agent"),
        )
        self._emitted: dict[str, int] = {}
        self._processed = 0
        self._latest: datetime | None = None
        self._lock = threading.RLock()
        self.matcher.refresh()

    def __repr__(self) -> str:
        return f"<Monitor detectors={len(self.detectors)} sessions={len(self.tracker.sessions)}>"

    def refresh(self) -> int:
        """Pick up exposures registered since the last refresh (call once per batch or poll)."""
        with self._lock:
            return self.matcher.refresh()

    def process(self, events: Iterable[Event]) -> list[Alert]:
        out: list[Alert] = []
        for event in events:
            out.extend(self.process_event(event))
        return out

    def process_event(self, event: Event) -> list[Alert]:
        """Detect on one event; returns the alerts that were new (and were stored and sent)."""
        with self._lock:
            matches = self.matcher.match(event)
            ctx = DetectionContext(
                matches=matches,
                config=self.config,
                session=self.tracker.get(event.tracking_key),
            )
            raised: list[Alert] = []
            for detector in self.detectors:
                raised.extend(detector.on_event(event, ctx))
            in_session = {m.exposure.id for m in ctx.uses if m.exposure.id is not None}
            self.tracker.observe(event, exposures=in_session)
            self._tick(event.time)
            emitted = (self._emit(alert, event) for alert in raised)
            return [alert for alert in emitted if alert is not None]

    def _emit(self, alert: Alert, event: Event) -> Alert | None:
        """Store and send an alert unless it repeats one; returns what was sent (scrubbed)."""
        key = f"{alert.rule}|{alert.dedup_key}"
        rank = alert.severity.rank
        if self._emitted.get(key, -1) >= rank:
            return None
        self._emitted[key] = rank
        if len(self._emitted) > _MAX_DEDUP:
            self._emitted.clear()  # the store's unique uid still prevents repeats
        self.tracker.flag(event.tracking_key, alert.rule)
        safe = self.guard.scrub(alert)
        if not self.store.add(safe):
            return None
        if self.dispatcher is not None:
            self.dispatcher.deliver(safe)
        return safe

    def _tick(self, when: datetime) -> None:
        self._processed += 1
        if self._latest is None or when > self._latest:
            self._latest = when
        if self._processed % _EVICT_EVERY == 0:
            self.tracker.evict(self._latest)

    def close(self) -> None:
        """Close the sinks' connections and the database pool."""
        if self.dispatcher is not None:
            self.dispatcher.close()
        self.watchlist.engine.dispose()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "sessions": self.tracker.snapshot(),
                "emitted": dict(self._emitted),
                "latest": self._latest.isoformat() if self._latest else None,
            }

    def restore(self, state: dict[str, Any]) -> None:
        with self._lock:
            self.tracker.restore(state.get("sessions") or {})
            self._emitted = {str(k): int(v) for k, v in (state.get("emitted") or {}).items()}
            latest = state.get("latest")
            self._latest = datetime.fromisoformat(latest) if latest else None
