"""The append-only action log: every planned, executed, skipped or failed action, one JSON line.

Lines are only ever appended (O_APPEND, fsync), and each carries the SHA-256 of the previous
line, so an edited or deleted line breaks the chain `verify()` checks. A line records the
playbook, the URL *template*, the target's fingerprint prefix and the outcome: never a token,
a cookie or an id in clear. The log is also the idempotency memory: an action whose key has a
`done` line is not executed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...errors import StoreError
from ._base import Action

__all__ = ["ActionLog"]

_GENESIS = "0" * 64
DONE = frozenset({"done", "already-gone"})


class ActionLog:
    def __init__(self, path: Path, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._done: set[str] = set()
        self._last = _GENESIS
        self._seq = 0
        for record in self.records():
            self._seq, self._last = int(record.get("seq", 0)), str(record.get("hash", _GENESIS))
            if record.get("outcome") in DONE and record.get("mode") == "live":
                self._done.add(str(record.get("key")))

    def __repr__(self) -> str:
        return f"<ActionLog {self.path} entries={self._seq}>"

    def records(self) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the action log ({exc.strerror})") from None
        return [json.loads(line) for line in lines if line.strip()]

    def is_done(self, key: str) -> bool:
        return key in self._done

    def append(
        self, action: Action, *, mode: str, outcome: str, status: int | None = None, detail: str | None = None
    ) -> dict[str, Any]:
        with self._lock:
            record: dict[str, Any] = {
                "seq": self._seq + 1,
                "at": self._clock().isoformat(),
                **action.shown(),
                "key": action.idempotency_key,
                "mode": mode,
                "outcome": outcome,
                "http_status": status,
                "detail": detail,
                "alert": action.alert_uid,
                "exposure": action.exposure_id,
                "prev": self._last,
            }
            body = json.dumps(record, sort_keys=True)
            record["hash"] = hashlib.sha256(body.encode()).hexdigest()
            line = json.dumps(record, sort_keys=True).encode() + b"\n"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._seq, self._last = record["seq"], record["hash"]
            if outcome in DONE and mode == "live":
                self._done.add(action.idempotency_key)
            return record

    def verify(self) -> bool:
        """Whether every line still chains to the one before (nothing edited, removed, reordered)."""
        previous = _GENESIS
        for record in self.records():
            claimed = record.pop("hash", None)
            if record.get("prev") != previous:
                return False
            if hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest() != claimed:
                return False
            previous = str(claimed)
        return True
