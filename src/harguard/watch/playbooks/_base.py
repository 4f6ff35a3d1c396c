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
from urllib.parse import quote

from ..._version import __version__
from ...redact.placeholders import fingerprint
from .._http import check_url
from ..alerts import Alert

__all__ = ["Action", "AdminApiPlaybook", "Playbook", "Target"]

USER_AGENT = f"harguard-watch/{__version__}"


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


class AdminApiPlaybook(Playbook):
    """One call to a provider's admin API about one id (by default the user's), authenticated
    with an admin token: `Authorization: <scheme> <token>` (`Bearer`, or Okta's `SSWS`).

    A subclass sets the `method`, the `path` with one `{}` for the quoted id, the `template` that
    is shown and logged instead of the URL, and whether the call is `disruptive`.
    """

    scheme: ClassVar[str] = "Bearer"
    method: ClassVar[str] = "POST"
    path: ClassVar[str] = ""
    template: ClassVar[str] = ""
    description: ClassVar[str] = ""
    disruptive: ClassVar[bool] = True

    def __init__(self, *, base_url: str, token: str) -> None:
        self.base = check_url(base_url.rstrip("/"), what=self.name)
        self._token = token

    def _id(self, target: Target) -> str | None:
        return target.user_id

    def plan(self, target: Target) -> list[Action]:
        ident = self._id(target)
        if not ident:
            return []
        return [
            Action(
                playbook=self.name,
                method=self.method,
                url=self.base + self.path.format(quote(ident, safe="")),
                url_template=self.template,
                target=target.fp(ident),
                description=self.description,
                disruptive=self.disruptive,
                headers={
                    "Authorization": f"{self.scheme} {self._token}",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                },
                exposure_id=target.exposure_id,
                alert_uid=target.alert_uid,
            )
        ]
