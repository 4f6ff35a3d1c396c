"""The sink interface: `render` an alert into the sink's wire format, `send` those bytes.

Two methods rather than one because the outbound guard must see *exactly* the bytes that will
leave, in the sink's own format (a CEF line, a Slack message), between the two; retries, the
circuit breaker and the dead-letter file live in `delivery.Dispatcher`, not in each sink.
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from ...errors import DeliveryError
from ..alerts import Alert

__all__ = ["HttpSink", "Sink"]


class Sink:
    kind: ClassVar[str] = ""

    def __init__(self, *, name: str | None = None) -> None:
        self.name = name or self.kind

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def render(self, alert: Alert) -> bytes:
        raise NotImplementedError

    def send(self, payload: bytes) -> None:
        """Deliver once; raise DeliveryError on any failure (the dispatcher retries)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections (no-op by default)."""


class HttpSink(Sink):
    """A sink that POSTs its payload; 2xx is success, anything else a DeliveryError."""

    content_type: ClassVar[str] = "application/json"

    def __init__(self, *, url: str, client: httpx.Client | None = None, name: str | None = None) -> None:
        super().__init__(name=name)
        self.url = url
        self.client = client or httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0))

    def headers(self, payload: bytes) -> dict[str, str]:
        return {"Content-Type": self.content_type}

    def send(self, payload: bytes) -> None:
        try:
            response = self.client.post(self.url, content=payload, headers=self.headers(payload))
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{self.name}: {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"{self.name}: HTTP {response.status_code}")

    def close(self) -> None:
        self.client.close()
