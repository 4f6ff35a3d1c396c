"""Generic webhook: the alert as JSON, signed with HMAC-SHA256 so the receiver can trust it.

Okta's event hooks are not signed (anchors §3.1), which is why ours are. The signature covers
the timestamp and the body: `X-Harguard-Signature: v1=<hex HMAC(secret, "<timestamp>." + body)>`
with `X-Harguard-Timestamp: <unix seconds>`; a receiver checks both with `verify_signature`
(constant-time, with a replay window).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx

from ..alerts import Alert
from ._base import HttpSink

__all__ = ["WebhookSink", "sign", "verify_signature"]


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "v1=" + hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes,
    *,
    body: bytes,
    timestamp: str,
    signature: str,
    tolerance: float = 300.0,
    now: float | None = None,
) -> bool:
    """True if `signature` is ours for this body and the timestamp is within `tolerance` seconds."""
    try:
        age = abs((time.time() if now is None else now) - float(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookSink(HttpSink):
    kind = "webhook"

    def __init__(
        self,
        *,
        url: str,
        secret: bytes,
        client: httpx.Client | None = None,
        name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(url=url, client=client, name=name)
        self._secret = secret
        self._clock = clock

    def render(self, alert: Alert) -> bytes:
        return json.dumps({"type": "harguard.watch.alert", "alert": alert.as_dict()}, sort_keys=True).encode()

    def headers(self, payload: bytes) -> dict[str, str]:
        timestamp = str(int(self._clock()))
        return {
            "Content-Type": "application/json",
            "X-Harguard-Timestamp": timestamp,
            "X-Harguard-Signature": sign(self._secret, timestamp, payload),
        }
