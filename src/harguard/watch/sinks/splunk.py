"""Splunk HTTP Event Collector: `POST …/services/collector/event`, `Authorization: Splunk <token>`,
body `{"time", "host", "source", "sourcetype", "index", "event": {...}}` (Splunk docs, "Format
events for HTTP Event Collector"). `time` is the alert's event time, so a backfill lands at the
right place on the Splunk timeline."""

from __future__ import annotations

import json
import socket

import httpx

from ..alerts import Alert
from ._base import HttpSink

__all__ = ["SplunkHecSink"]


class SplunkHecSink(HttpSink):
    kind = "splunk"

    def __init__(
        self,
        *,
        url: str,
        token: str,
        index: str | None = None,
        sourcetype: str = "harguard:alert",
        client: httpx.Client | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(url=url, client=client, name=name)
        self._token = token
        self.index = index
        self.sourcetype = sourcetype

    def __repr__(self) -> str:
        return f"<SplunkHecSink {self.name} token=[secure]>"

    def render(self, alert: Alert) -> bytes:
        body = {
            "time": round(alert.time.timestamp(), 3),
            "host": socket.gethostname(),
            "source": "harguard:watch",
            "sourcetype": self.sourcetype,
            "event": alert.as_dict(),
        }
        if self.index:
            body["index"] = self.index
        return json.dumps(body, sort_keys=True).encode()

    def headers(self, payload: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": f"Splunk {self._token}"}
