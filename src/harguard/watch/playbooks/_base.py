"""Playbooks plan actions; the runner executes them. Both never hold a secret longer than needed.

A playbook has one method, `plan(target) -> list[Action]`: pure, no I/O, so a dry run shows
exactly what a live run would do. An `Action` carries the HTTP request (its headers may hold
an admin token or, for the intake-time Okta revoke, the leaked cookie itself: masked in
`repr`, never logged) plus what may be shown and logged: a URL *template* and the target's
fingerprint prefix. Its idempotency key is derived from the request, so the same incident
planned twice is executed once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ...redact.placeholders import fingerprint
from ..alerts import Alert

__all__ = ["Action", "Playbook", "Target"]


@dataclass(frozen=True)
class Target:
    """What a playbook can act on; ids are log handles, `cookie`/`token` are live secrets."""

    key: bytes = field(repr=False)
    user_id: str | None = None
    session_id: str | None = None
    cookie: str | None = field(default=None, repr=False)
    cookie_name: str = "idx"
    """The name `cookie` was sent under (`idx` in OIE, `sid` in Classic): it goes back as that."""
    token: str | None = field(default=None, repr=False)
    token_type_hint: str | None = None
    exposure_id: int | None = None
    alert_uid: str | None = None

    def fp(self, value: str) -> str:
        return fingerprint(self.key, value)[:12]

    @classmethod
    def from_alert(cls, alert: Alert, *, key: bytes) -> Target:
        exposure_id = (alert.exposure or {}).get("id")
        return cls(
            key=key,
            user_id=(alert.actor or {}).get("uid"),
            session_id=(alert.session or {}).get("uid"),
            exposure_id=exposure_id if isinstance(exposure_id, int) else None,
            alert_uid=alert.uid,
        )


@dataclass(frozen=True)
class Action:
    playbook: str
    method: str
    url: str = field(repr=False)
    url_template: str
    target: str
    """Fingerprint prefix of what is acted on (a user id, a session id, a cookie)."""
    description: str
    disruptive: bool
    """Signs a user out everywhere: needs approval (`--approve` or the config's `auto` list)."""
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    form: dict[str, str] | None = field(default=None, repr=False)
    ok: frozenset[int] = frozenset({200, 202, 204})
    gone: frozenset[int] = frozenset({404})
    """Statuses meaning "already revoked": success, for idempotency."""
    exposure_id: int | None = None
    alert_uid: str | None = None

    @property
    def idempotency_key(self) -> str:
        return hashlib.sha256(f"{self.playbook}\x00{self.method}\x00{self.url}\x00{self.target}".encode()).hexdigest()[
            :32
        ]

    def shown(self) -> dict[str, Any]:
        """What a dry run prints and the action log records."""
        return {
            "playbook": self.playbook,
            "method": self.method,
            "url": self.url_template,
            "target": self.target,
            "disruptive": self.disruptive,
            "description": self.description,
        }


class Playbook:
    name: ClassVar[str] = ""

    def plan(self, target: Target) -> list[Action]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
