"""Feeding the monitor: files in batch, files followed, the Okta API polled; state kept.

The same `Monitor.process_event` sees every event whichever way it arrived; this module only
moves records from a source into it, in order, and persists the cursors (file offsets, the
Okta `after` link) together with the monitor's session memory, so a restart resumes exactly.
The watchlist index is refreshed before each batch or poll and at most once a second while
following, so uploads registered meanwhile are matched without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .alerts import Alert
from .ingest import FileCursor, IngestContext, Ingestor, OktaLogPoller, follow_lines, read_records
from .monitor import Monitor
from .state import StateStore

__all__ = ["Feed", "FeedStats"]


@dataclass
class FeedStats:
    records: int = 0
    events: int = 0
    alerts: list[Alert] = field(default_factory=list)

    def add(self, other: FeedStats) -> None:
        self.records += other.records
        self.events += other.events
        self.alerts.extend(other.alerts)


class Feed:
    def __init__(
        self,
        monitor: Monitor,
        ctx: IngestContext,
        *,
        state: StateStore | None = None,
        on_alert: Callable[[Alert], None] | None = None,
    ) -> None:
        self.monitor = monitor
        self.ctx = ctx
        self.state = state
        self.on_alert = on_alert
        self.cursors: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._refreshed = 0.0
        self._dirty = False
        """Records were processed (or cursors moved) since the last save."""
        if state is not None:
            saved = state.load()
            monitor.restore(saved.get("monitor") or {})
            self.cursors = dict(saved.get("cursors") or {})

    def __repr__(self) -> str:
        return f"<Feed {self.monitor!r} cursors={len(self.cursors)}>"

    def save(self) -> None:
        if self.state is not None:
            with self._lock:
                self._dirty = False  # before the snapshot: a record processed meanwhile sets it again
                self.state.save({"monitor": self.monitor.snapshot(), "cursors": self.cursors})

    def _save_if_changed(self) -> None:
        """An idle follow loop saves only when something changed (a save serializes the whole
        session memory and fsyncs it: not something to do on every empty poll)."""
        if self._dirty:
            self.save()

    def _refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._refreshed >= 1.0:
            self._refreshed = now
            self.monitor.refresh()

    def process(self, records: Iterable[Any], ingestor: Ingestor) -> FeedStats:
        stats = FeedStats()
        for record in records:
            stats.records += 1
            event = ingestor.parse(record, self.ctx)
            if event is None:
                continue
            stats.events += 1
            for alert in self.monitor.process_event(event):
                stats.alerts.append(alert)
                if self.on_alert is not None:
                    self.on_alert(alert)
        return stats

    def ingest_files(self, paths: Sequence[Path], ingestor: Ingestor) -> FeedStats:
        """Whole files, in the order given (a backfill: pass them oldest first)."""
        self._refresh(force=True)
        total = FeedStats()
        for path in paths:
            total.add(self.process(read_records(path, ingestor), ingestor))
        self.save()
        return total

    def follow_files(
        self, paths: Sequence[Path], ingestor: Ingestor, *, stop: threading.Event, poll_interval: float = 0.2
    ) -> FeedStats:
        """Tail every file (one thread each) until `stop`; resumes from the saved offsets."""
        self._refresh(force=True)
        total = FeedStats()

        def idle() -> None:
            self._refresh()
            self._save_if_changed()

        def tail(path: Path) -> None:
            key = f"file:{path.resolve()}"
            saved = self.cursors.get(key) or {}
            cursor = FileCursor(int(saved.get("inode", 0)), int(saved.get("offset", 0)))
            for record in follow_lines(path, ingestor, cursor, stop=stop, poll_interval=poll_interval, on_idle=idle):
                stats = self.process([record], ingestor)
                with self._lock:
                    total.add(stats)
                    self.cursors[key] = cursor.as_dict()
                    self._dirty = True
            with self._lock:
                self.cursors[key] = cursor.as_dict()

        threads = [
            threading.Thread(target=tail, args=(p,), name=f"harguard-follow-{i}", daemon=True)
            for i, p in enumerate(paths)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.save()
        return total

    def poll_okta(
        self,
        poller: OktaLogPoller,
        ingestor: Ingestor,
        *,
        stop: threading.Event | None = None,
        interval: float = 15.0,
    ) -> FeedStats:
        """One poll (no `stop`), or poll every `interval` seconds until `stop` is set."""
        key = f"okta:{poller.org.host}"
        poller.cursor.update(self.cursors.get(key) or {})
        total = FeedStats()
        while True:
            self._refresh(force=True)
            total.add(self.process(poller.poll(), ingestor))
            self.cursors[key] = dict(poller.cursor)
            self.save()
            if stop is None or stop.wait(interval):
                return total
