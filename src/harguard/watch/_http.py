"""HTTP rules every outbound call of the watch follows (API polling, sinks, playbooks).

- Only `https://`, except to a loopback address (local test servers, a sidecar): an admin
  token or an alert must not cross a network in clear text.
- `429` and `503` are honoured: `Retry-After` (seconds or an HTTP date), else Okta's
  `X-Rate-Limit-Reset` (epoch seconds), capped so a bad header cannot stall us for hours.
- httpx errors become `DeliveryError` with the host and the exception type only: an httpx
  message can quote the URL, and a URL can hold a session id.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ..errors import DeliveryError, PolicyError

__all__ = ["check_url", "request_with_retry", "retry_after"]

_RETRY_STATUSES = (429, 503)


def check_url(url: str, *, what: str) -> str:
    """`url` if it is https, or http to loopback; PolicyError otherwise."""
    parsed = httpx.URL(url)
    if parsed.scheme == "https":
        return url
    if parsed.scheme == "http" and _is_loopback(parsed.host):
        return url
    raise PolicyError(f"{what}: only https:// URLs (or http:// to a loopback address) are allowed")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def retry_after(response: httpx.Response, *, now: float | None = None, cap: float = 300.0) -> float:
    """Seconds to wait before retrying a 429/503 (at least 0.05, at most `cap`)."""
    now = time.time() if now is None else now
    header = response.headers.get("retry-after")
    wait: float | None = None
    if header:
        try:
            wait = float(header)
        except ValueError:
            try:
                wait = parsedate_to_datetime(header).timestamp() - now
            except (TypeError, ValueError):
                wait = None
    if wait is None and response.headers.get("x-rate-limit-reset", "").isdigit():
        wait = float(response.headers["x-rate-limit-reset"]) - now
    return min(max(wait if wait is not None else 1.0, 0.05), cap)


def request_with_retry(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    attempts: int = 5,
    max_wait: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """One logical request: retried on 429/503 after the server's delay and on connection errors."""
    last = "no attempt"
    for attempt in range(attempts):
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            last = type(exc).__name__
            sleep(min(0.2 * 2**attempt, max_wait))
            continue
        if response.status_code not in _RETRY_STATUSES:
            return response
        last = f"HTTP {response.status_code}"
        if attempt + 1 < attempts:
            sleep(retry_after(response, cap=max_wait))
    raise DeliveryError(f"{what}: gave up after {attempts} attempts ({last})")
