"""Polling the Okta System Log API (`GET /api/v1/logs`) with a persisted cursor.

Okta's polling contract: a request without `until` is ordered by persistence time and always
answers with a `Link: <…after=…>; rel="next"` header; an empty page means "caught up", and the
next link is where to ask again later. The cursor is that link, saved after every page, so a
restart neither re-reads nor skips. The link is followed only if it points at the same org:
the SSWS token is never sent anywhere else. The token is read by the caller from the
environment and never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from ...errors import DeliveryError
from .._http import check_url, request_with_retry

__all__ = ["OktaLogPoller"]


class OktaLogPoller:
    """One org's System Log; `poll()` returns the records since the cursor, in order."""

    def __init__(
        self,
        *,
        org_url: str,
        token: str,
        cursor: dict[str, Any] | None = None,
        since: datetime | None = None,
        limit: int = 1000,
        max_pages: int = 50,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.org = httpx.URL(check_url(org_url.rstrip("/"), what="okta org"))
        self._token = token
        self.cursor: dict[str, Any] = dict(cursor or {})
        self.since = since
        self.limit = limit
        self.max_pages = max_pages
        self.client = client or httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"<OktaLogPoller org={self.org.host} token=[secure]>"

    def close(self) -> None:
        self.client.close()

    def _first_url(self) -> str:
        params = {"sortOrder": "ASCENDING", "limit": str(self.limit)}
        if self.since is not None:
            params["since"] = self.since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return str(self.org.copy_with(path="/api/v1/logs", params=params))

    def poll(self) -> list[dict[str, Any]]:
        """Pages until an empty one (caught up) or `max_pages`; the cursor moves page by page."""
        records: list[dict[str, Any]] = []
        for _ in range(self.max_pages):
            url = self.cursor.get("next") or self._first_url()
            response = request_with_retry(
                self.client,
                "GET",
                url,
                what="okta system log",
                sleep=self._sleep,
                headers={"Authorization": f"SSWS {self._token}", "Accept": "application/json"},
            )
            if response.status_code != 200:
                raise DeliveryError(f"okta system log: HTTP {response.status_code}")
            try:
                page = response.json()
            except ValueError:
                raise DeliveryError("okta system log: the response is not JSON") from None
            if not isinstance(page, list):
                raise DeliveryError("okta system log: expected a list of events")
            next_url = response.links.get("next", {}).get("url")
            if next_url:
                self.cursor["next"] = self._same_org(next_url)
            records.extend(r for r in page if isinstance(r, dict))
            if not page or not next_url:
                break
        return records

    def _same_org(self, url: str) -> str:
        target = self.org.join(url)
        if (target.scheme, target.host, target.port) != (self.org.scheme, self.org.host, self.org.port):
            raise DeliveryError("okta system log: the next link points at another host; refusing to follow")
        return str(target)
