"""OCSF Detection Finding JSON lines, appended to a file (for Security Lake or an OCSF-native
SIEM's file collector). One line per alert, flushed and fsynced, file mode 0600."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from ...errors import DeliveryError
from ..alerts import Alert
from ._base import Sink

__all__ = ["OcsfFileSink"]


class OcsfFileSink(Sink):
    kind = "ocsf"

    def __init__(self, *, path: Path, name: str | None = None) -> None:
        super().__init__(name=name)
        self.path = path
        self._lock = threading.Lock()

    def render(self, alert: Alert) -> bytes:
        return json.dumps(alert.to_ocsf(), sort_keys=True).encode() + b"\n"

    def send(self, payload: bytes) -> None:
        try:
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, payload)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise DeliveryError(f"{self.name}: cannot append ({exc.strerror})") from None
