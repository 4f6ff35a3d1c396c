"""The detector hook and what every hook receives.

A detector is a small class with one hook, `on_event(event, ctx) -> list[Alert]`, called for
every event in event order *before* the event is added to the session memory, so `ctx.session`
is the past and the event is the present. Detectors keep no state of their own: the shared
`SessionTracker` holds it (and is persisted), so a restart cannot split a detector's memory
from the monitor's. Deduplication and delivery are the monitor's job, not the detector's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import ClassVar

from ..alerts import Alert
from ..config import DetectionConfig
from ..events import Event
from ..match import Match
from ..sessions import SessionState

__all__ = [
    "INTERNAL_ACTORS",
    "SENSITIVE_PREFIXES",
    "DetectionContext",
    "Detector",
    "is_internal",
    "is_sensitive",
]

INTERNAL_ACTORS = frozenset({"system@okta.com"})
SENSITIVE_PREFIXES = (
    "user.session.access_admin_app",
    "user.account.privilege.grant",
    "system.api_token.",
    "system.idp.lifecycle.",
    "policy.lifecycle.",
    "policy.rule.",
    "zone.",
    "user.session.impersonation.",
    "user.mfa.factor.reset_all",
    "user.mfa.factor.deactivate",
    "user.account.reset_password",
    "group.user_membership.add",
    "application.lifecycle.create",
    "app.oauth2.as.",
    "system.org.",
    "user.lifecycle.create",
)


def is_sensitive(activity: str) -> bool:
    """An admin or account-takeover action (S-8): what BeyondTrust and 1Password saw."""
    return activity.startswith(SENSITIVE_PREFIXES)


def is_internal(event: Event) -> bool:
    """Okta's own actors, which every detection rule excludes."""
    return event.actor_name in INTERNAL_ACTORS or (event.user_agent or "").startswith("Okta-Integrations")


@dataclass
class DetectionContext:
    """What a hook may consult: the watchlist matches of this event, the session's past, config."""

    matches: list[Match]
    config: DetectionConfig
    session: SessionState | None

    @property
    def skew(self) -> timedelta:
        return timedelta(seconds=self.config.clock_skew_seconds)

    @cached_property
    def uses(self) -> list[Match]:
        """Matches that are a use of the exposed session or token (not just the same user)."""
        return [m for m in self.matches if m.is_use]

    @property
    def watched(self) -> bool:
        """This event is on a session the watchlist knows (now, or through an earlier event)."""
        return bool(self.uses) or bool(self.session and self.session.exposures)


class Detector:
    """Base class: `rule` is the stable id alerts carry (`watch.replay`, `watch.canary` …)."""

    rule: ClassVar[str] = ""

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.rule}>"


_PLAYBOOKS = {
    "okta": ("okta.clear-user-sessions",),
    "entra": ("entra.revoke-sign-in-sessions",),
    "auth0": ("auth0.session-delete",),
    "google": ("google.sign-out",),
}


def playbooks_for(event: Event) -> tuple[str, ...]:
    """The containment a SIRT would reach for, by the IdP the event came from."""
    return _PLAYBOOKS.get(event.source, ())
