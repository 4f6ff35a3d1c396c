"""Reading a raw HAR for what the watch needs beyond the findings, through the one walk.

Two things, both from `har/walk.py` rather than a second walker:

- **Okta session objects** in response bodies (`GET /api/v1/sessions/me` and friends return
  `{"id": "idx…", "userId": "00u…", "status": "ACTIVE", "expiresAt": …}`). Their `id` is the
  handle the System Log shows as `authenticationContext.externalSessionId` (monitoring anchors
  §3.2, bridge 1), so its fingerprint links the exposed cookie to log events offline.
- **Okta session cookies** (`idx`, `sid`) with their host, kept in memory only, for the opt-in
  intake-time `DELETE /api/v1/sessions/me`; never logged, never persisted, masked in `repr`.

The probe returns every value unchanged, so the walk leaves the document as it was.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..har.walk import walk_document
from .events import parse_time

__all__ = ["SESSION_COOKIES", "HarProbe", "SessionCookie", "SessionObject"]

_MAX_BODY = 2 * 2**20
SESSION_COOKIES = frozenset({"idx", "sid"})
"""Okta's session cookies: `idx` (Identity Engine), `sid` (Classic). `DT` is a device token."""
_OKTA_HOST = re.compile(r"(?:^|\.)(?:okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com$")


@dataclass(frozen=True, slots=True)
class SessionObject:
    """An Okta Session found in a response body: its id (a log handle) and user id."""

    id: str
    user_id: str | None
    expires_at: datetime | None

    def __repr__(self) -> str:
        return f"SessionObject(id=<{len(self.id)} chars>, expires_at={self.expires_at!r})"


@dataclass(frozen=True, slots=True)
class SessionCookie:
    """A raw Okta session cookie, held only until an intake-time revocation has used it."""

    host: str
    name: str
    value: str = field(repr=False)

    def __repr__(self) -> str:
        return f"SessionCookie(host={self.host!r}, name={self.name!r}, value=[secure])"


class HarProbe:
    """A read-only `HarScrub`: collects session objects and Okta session cookies."""

    def __init__(self) -> None:
        self.host: str | None = None
        self.sessions: list[SessionObject] = []
        self.cookies: list[SessionCookie] = []

    def __repr__(self) -> str:
        return f"<HarProbe sessions={len(self.sessions)} cookies={len(self.cookies)}>"

    @classmethod
    def read(cls, document: dict[str, Any]) -> HarProbe:
        probe = cls()
        walk_document(probe, document)
        return probe

    # -- the HarScrub protocol: observe, never change -------------------------------------
    def value(self, value: str, *, key: str, loc: str, depth: int = 0, siblings: Collection[str] | None = None) -> str:
        return value

    def text(self, text: str, *, loc: str, depth: int = 0) -> str:
        return text

    def header(self, name: str, value: str, *, loc: str) -> str:
        return value

    def is_positional_header(self, name: str) -> bool:
        return False

    def survey(self, text: str) -> object:
        return None

    def needs_look(self, value: str, key: str, context: object) -> bool:
        return False

    def url(self, value: str, *, loc: str) -> str:
        return value

    def server_ip(self, value: str, *, loc: str) -> str:
        return value

    def cookie(self, name: str, value: str, *, loc: str) -> str:
        host = self.host or ""
        if ".request.cookie[" in loc and name in SESSION_COOKIES and _OKTA_HOST.search(host) and value:
            found = SessionCookie(host, name, value)
            if found not in self.cookies:
                self.cookies.append(found)
        return value

    def body(self, text: str, *, encoding: str | None, mime: str, loc: str) -> str:
        if ".response.body" not in loc or len(text) > _MAX_BODY:
            return text
        raw = text
        if encoding == "base64":
            try:
                raw = base64.b64decode(text, validate=False).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return text
        stripped = raw.lstrip()
        if not stripped.startswith(("{", "[")):
            return text
        try:
            parsed = json.loads(stripped)
        except (ValueError, RecursionError):
            return text
        self._collect(parsed, depth=0)
        return text

    def _collect(self, node: Any, *, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, list):
            for item in node[:100]:
                self._collect(item, depth=depth + 1)
        elif isinstance(node, dict):
            found = _session_object(node)
            if found is not None and found not in self.sessions:
                self.sessions.append(found)
            for value in node.values():
                if isinstance(value, (dict, list)):
                    self._collect(value, depth=depth + 1)


def _session_object(node: dict[str, Any]) -> SessionObject | None:
    """The Okta Session schema: `id` plus `userId`/`login` plus `status`/`expiresAt`/`createdAt`."""
    session_id = node.get("id")
    if not isinstance(session_id, str) or not 8 <= len(session_id) <= 128:
        return None
    if not any(isinstance(node.get(k), str) for k in ("userId", "login")):
        return None
    if not any(k in node for k in ("expiresAt", "createdAt", "lastPasswordVerification")):
        return None
    user_id = node.get("userId")
    return SessionObject(session_id, user_id if isinstance(user_id, str) else None, parse_time(node.get("expiresAt")))
