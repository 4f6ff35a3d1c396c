"""What a capture says about where it was made: browsers, hosts, time range.

A replay monitor compares later uses of an exposed token with this context: the same browser
from the same network is the customer; a scripted client from a new network is not. Collected
from the sanitized entries, so it holds no secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CaptureContext", "host_of"]

_MAX_USER_AGENTS = 20
_MAX_HOSTS = 500


@dataclass
class CaptureContext:
    user_agents: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    first_started: str | None = None
    last_started: str | None = None

    def add_entry(self, entry: Any) -> None:
        if not isinstance(entry, dict):
            return
        started = entry.get("startedDateTime")
        if isinstance(started, str) and started:
            if self.first_started is None or started < self.first_started:
                self.first_started = started
            if self.last_started is None or started > self.last_started:
                self.last_started = started
        request = entry.get("request")
        if not isinstance(request, dict):
            return
        url = request.get("url")
        if isinstance(url, str) and len(self.hosts) < _MAX_HOSTS:
            host = host_of(url)
            if host:
                self.hosts.add(host)
        headers = request.get("headers")
        if isinstance(headers, list) and len(self.user_agents) < _MAX_USER_AGENTS:
            for header in headers:
                if isinstance(header, dict) and str(header.get("name", "")).lower() == "user-agent":
                    value = header.get("value")
                    if isinstance(value, str) and value:
                        self.user_agents.add(value[:512])

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_agents": sorted(self.user_agents),
            "hosts": sorted(self.hosts),
            "first_started": self.first_started,
            "last_started": self.last_started,
        }


def host_of(url: str) -> str | None:
    """The host of a URL, lower case; None when there is none or the URL does not parse."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
